// Requests generated from the OpenAPI document (GET /api/docs/json): for every operation a valid
// request built from its schemas, then hostile variants of it (NUL bytes and lone surrogates in
// every kind of field, `%00` in paths, empty and wrongly typed bodies, huge values, JSON nested
// 10,000 deep, Origin: null on a cookie write, no credentials). Strings are filled with marker
// values (an email, a name, a phone, a password, a text) so that a test can grep the logs for them.
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: Schema | boolean;
};
type Param = { in: 'path' | 'query' | 'header'; name: string; schema: Schema; required?: boolean };
type Operation = {
  parameters?: Param[];
  requestBody?: { content?: Record<string, { schema: Schema }> };
};

export type Markers = { email: string; name: string; phone: string; password: string; text: string };

export type FuzzRequest = {
  label: string;
  method: string;
  url: string;
  /** A string is sent as the raw JSON text. */
  payload?: unknown;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  anonymous?: boolean;
  /** The body field a 400 must name (for NUL and lone-surrogate variants). */
  field?: string;
};

export type Op = { method: string; template: string; params: Param[]; body?: Schema };

export function operationsOf(doc: { paths: Record<string, Record<string, Operation>> }): Op[] {
  const ops: Op[] = [];
  for (const [template, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      ops.push({
        method: method.toUpperCase(),
        template,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  return ops;
}

const typeOf = (s: Schema) => [s.type].flat().find((t) => t && t !== 'null');

/** A valid-looking value for a schema; `key` chooses the marker for strings. */
export function sample(s: Schema, key: string, m: Markers, ids: Record<string, string>): unknown {
  const alt = s.anyOf ?? s.oneOf ?? s.allOf;
  if (alt) return sample(alt.find((a) => typeOf(a)) ?? alt[0], key, m, ids);
  if (s.enum) return s.enum[0];
  switch (typeOf(s)) {
    case 'integer':
    case 'number':
      return s.minimum !== undefined ? Math.max(s.minimum, Math.min(1, s.maximum ?? 1)) : 1;
    case 'boolean':
      return true;
    case 'array':
      return s.items ? [sample(s.items, key, m, ids)] : [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = sample(v, k, m, ids);
      if (!s.properties && s.additionalProperties) out.fuzz_key = m.text;
      return out;
    }
    case 'string': {
      if (s.format === 'uuid') return ids[key] ?? ids.default;
      if (s.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      if (s.format === 'email' || /email/.test(key)) return m.email;
      if (/password/.test(key)) return m.password;
      if (/phone|from/.test(key)) return m.phone;
      if (key === 'currency') return 'INR';
      if (/username/.test(key)) return 'fuzzuser';
      if (/time_zone|tz/.test(key)) return 'Asia/Kolkata';
      if (/region/.test(key)) return 'IN';
      if (/name|company|title/.test(key)) return m.name.slice(0, s.maxLength ?? 200);
      return m.text.slice(0, s.maxLength ?? 1000);
    }
    default:
      return m.text;
  }
}

/** Top-level body fields that take strings, and those that take objects. */
function fieldsOf(body: Schema | undefined) {
  const props = Object.entries(body?.properties ?? {});
  return {
    strings: props.filter(([, v]) => typeOf(v) === 'string' || (v.anyOf ?? []).some((a) => typeOf(a) === 'string')),
    objects: props.filter(([, v]) => typeOf(v) === 'object'),
    all: props,
  };
}

const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

export function variantsOf(op: Op, m: Markers, ids: Record<string, string>, pathId: (t: string, p: string) => string) {
  const path = (override?: [string, string]) =>
    op.template.replace(/\{(\w+)\}/g, (_, name: string) =>
      override && override[0] === name ? override[1] : encodeURIComponent(pathId(op.template, name)),
    );
  const queryOf = (over: Record<string, string> = {}) => {
    const q = new URLSearchParams();
    for (const p of op.params.filter((p) => p.in === 'query')) q.set(p.name, String(sample(p.schema, p.name, m, ids)));
    for (const [k, v] of Object.entries(over)) q.set(k, v);
    const s = q.toString();
    return s ? `?${s}` : '';
  };
  const body = op.body ? (sample(op.body, 'body', m, ids) as Record<string, unknown>) : undefined;
  const base = { method: op.method, url: path() + queryOf() };
  const out: FuzzRequest[] = [{ label: 'valid', ...base, payload: body }];
  const { strings, objects, all } = fieldsOf(op.body);
  if (op.body) {
    out.push({ label: 'empty body', ...base, payload: {} });
    out.push({ label: 'array body', ...base, payload: '[]' });
    out.push({ label: 'null body', ...base, payload: 'null' });
    for (const [k] of strings.slice(0, 4)) {
      out.push({ label: `NUL in ${k}`, ...base, payload: { ...body, [k]: `a\u0000b ${m.text}` }, field: k });
      out.push({ label: `%00 text in ${k}`, ...base, payload: { ...body, [k]: 'a%00b' } });
    }
    for (const [k] of strings.slice(0, 2)) {
      out.push({ label: `lone surrogate in ${k}`, ...base, payload: `{"${k}":"x\\ud800y"}`, field: k });
      out.push({ label: `huge ${k}`, ...base, payload: { ...body, [k]: 'x'.repeat(200_000) } });
    }
    for (const [k] of objects) {
      out.push({ label: `${k} nested 10,000 deep`, ...base, payload: `{"${k}":${deep(10_000)}}` });
      out.push({ label: `${k} with 2 MB`, ...base, payload: { ...body, [k]: { big: 'x'.repeat(2_000_000) } } });
      out.push({ label: `${k} NUL key`, ...base, payload: `{"${k}":{"a\\u0000b":1}}`, field: k });
    }
    out.push({
      label: 'wrong types',
      ...base,
      payload: Object.fromEntries(all.map(([k, v]) => [k, typeOf(v) === 'string' ? { x: 1 } : 'not-a-value'])),
    });
    out.push({
      label: 'extreme numbers',
      ...base,
      payload: `{${all.map(([k]) => `"${k}":1e400`).join(',') || '"x":-1e400'}}`,
    });
    out.push({ label: 'JSON nested 10,000 deep', ...base, payload: deep(10_000) });
  }
  for (const p of op.params.filter((p) => p.in === 'path')) {
    out.push({ label: `%00 in path ${p.name}`, method: op.method, url: path([p.name, 'a%00b']) + queryOf() });
    out.push({ label: `surrogate in path ${p.name}`, method: op.method, url: path([p.name, '%ED%A0%80']) + queryOf() });
    out.push({ label: `junk path ${p.name}`, method: op.method, url: path([p.name, 'abc']) + queryOf() });
  }
  for (const p of op.params.filter((p) => p.in === 'query').slice(0, 3)) {
    out.push({ label: `NUL in query ${p.name}`, method: op.method, url: path() + queryOf({ [p.name]: 'a\u0000b' }) });
    out.push({ label: `junk query ${p.name}`, method: op.method, url: path() + queryOf({ [p.name]: '-1e400' }) });
  }
  out.push({ label: 'anonymous', ...base, payload: body, anonymous: true });
  if (op.method !== 'GET')
    out.push({ label: 'cookie with Origin: null', ...base, payload: body, headers: { origin: 'null' } });
  return out;
}
