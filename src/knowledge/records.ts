// From a source's content to records: JSON is flattened to spec 003's `path: value` lines
// (`customers[0].name: John Doe`) and cut into one record per array element or top-level section,
// so a customer's record is never cut in half and a citation names it exactly
// (`Clinic CRM › customers[7]`). CSV rows, Markdown sections and text paragraphs are records too.

import { createHash } from 'node:crypto';

export type Line = { path: string; value: string };
export type SourceRecord = { record: string; lines: Line[] };
export type DocumentFormat = 'json' | 'csv' | 'markdown' | 'text';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isContainer = (v: unknown) => v !== null && typeof v === 'object';

const join = (path: string, key: string) =>
  !path ? key : /^[A-Za-z_$][\w$-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

/** Spec 003's flattening: every leaf as `path: value`; empty values are left out. */
export function flatten(value: unknown, path = ''): Line[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => flatten(v, `${path}[${i}]`));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => flatten(v, join(path, k)));
  if (value === null || value === undefined) return [];
  const text = String(value).replace(/\s+/g, ' ').trim();
  return text ? [{ path: path || 'value', value: text }] : [];
}

/**
 * Records of a JSON document. Array elements are records, whatever they hold (a customer with
 * their appointments stays one record); objects are cut into their arrays and sections, and the
 * plain fields of an object form one record of their own.
 */
export function jsonRecords(value: unknown, path = ''): SourceRecord[] {
  if (Array.isArray(value))
    return value.flatMap((v, i) => {
      const p = `${path}[${i}]`;
      const lines = flatten(v, p);
      return lines.length ? [{ record: p, lines }] : [];
    });
  if (!isObject(value)) {
    const lines = flatten(value, path);
    return lines.length ? [{ record: path || 'value', lines }] : [];
  }
  const out: SourceRecord[] = [];
  const plain: Line[] = [];
  for (const [k, v] of Object.entries(value)) {
    const p = join(path, k);
    if (Array.isArray(v) && v.some(isContainer)) out.push(...jsonRecords(v, p));
    else if (isObject(v) && (!path || Object.values(v).some(isContainer))) out.push(...jsonRecords(v, p));
    else plain.push(...flatten(v, p));
  }
  if (plain.length) out.unshift({ record: path || 'root', lines: plain });
  return out;
}

/** RFC 4180 CSV: quoted fields, doubled quotes, line breaks inside quotes; `;` or tab when the header uses them. */
export function parseCsv(text: string): string[][] {
  const src = text.replace(/^\uFEFF/, '');
  const header = src.slice(0, Math.max(0, src.search(/\r?\n|$/)));
  const counts = [',', ';', '\t'].map((d) => header.split(d).length - 1);
  const delimiter = [',', ';', '\t'][counts.indexOf(Math.max(...counts))];
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endRow = () => {
    row.push(field);
    if (row.some((f) => f.trim())) rows.push(row);
    row = [];
    field = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRow();
    } else field += c;
  }
  endRow();
  return rows;
}

/** CSV as records: the header names the fields, each row is `rows[i]` (or `<name>[i]`). */
export function csvRecords(text: string, name = 'rows'): SourceRecord[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const fields = header.map((h, i) => h.trim() || `column_${i + 1}`);
  return jsonRecords({ [name]: rows.map((r) => Object.fromEntries(fields.map((f, i) => [f, r[i] ?? '']))) });
}

/** Markdown: one record per section, named by its heading path ("Prices > Whitening"). */
export function markdownRecords(text: string): SourceRecord[] {
  const out: SourceRecord[] = [];
  const headings: string[] = [];
  let body: string[] = [];
  const flush = () => {
    const paragraph = body.join(' ').replace(/\s+/g, ' ').trim();
    const record = headings.filter(Boolean).join(' > ') || `section ${out.length + 1}`;
    if (paragraph) out.push({ record, lines: paragraphLines(record, body) });
    body = [];
  };
  for (const line of text.split(/\r?\n/)) {
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      headings.length = h[1].length - 1;
      headings.push(h[2]);
    } else body.push(line);
  }
  flush();
  return out;
}

/** Paragraphs (blank-line separated) as lines of a record. */
function paragraphLines(record: string, lines: string[]): Line[] {
  return lines
    .join('\n')
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .replace(/^\s*[-*+]\s+/gm, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean)
    .map((value) => ({ path: record, value }));
}

/** Plain text: paragraphs grouped into records of about 1,500 characters. */
export function textRecords(text: string): SourceRecord[] {
  const paragraphs = text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const out: SourceRecord[] = [];
  let current: Line[] = [];
  let size = 0;
  for (const p of paragraphs) {
    if (size + p.length > 1500 && current.length) {
      out.push({ record: `part ${out.length + 1}`, lines: current });
      current = [];
      size = 0;
    }
    current.push({ path: `part ${out.length + 1}`, value: p });
    size += p.length;
  }
  if (current.length) out.push({ record: `part ${out.length + 1}`, lines: current });
  return out;
}

/** Records of any supported content. */
export function recordsOf(content: string, format: DocumentFormat, name?: string): SourceRecord[] {
  if (format === 'json') return jsonRecords(JSON.parse(content));
  if (format === 'csv') return csvRecords(content, name);
  if (format === 'markdown') return markdownRecords(content);
  return textRecords(content);
}

/** The format of a body from its content type (and, failing that, a look at it). */
export function formatOf(contentType: string | undefined, body: string, fileName?: string): DocumentFormat {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const ext = fileName?.toLowerCase().split('.').pop();
  if (type.includes('json') || ext === 'json') return 'json';
  if (type === 'text/csv' || ext === 'csv') return 'csv';
  if (type === 'text/markdown' || ext === 'md' || ext === 'markdown') return 'markdown';
  if (type === 'text/plain' || ext === 'txt') return 'text';
  return /^\s*[[{]/.test(body) ? 'json' : 'text';
}

/** Canonical JSON (sorted keys): the same data hashes the same whatever order the source sent it in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** The content's fingerprint: canonical JSON for JSON (key order does not count), the text otherwise. */
export function contentHash(content: string, format: DocumentFormat): string {
  const canonical = format === 'json' ? canonicalJson(JSON.parse(content)) : content.replace(/\r\n/g, '\n').trim();
  return createHash('sha256').update(`${format}\n${canonical}`).digest('hex');
}
