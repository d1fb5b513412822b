// Input that cannot be stored is stopped (API) or cleaned (provider webhooks) at the edge, never
// left for PostgreSQL to refuse with a 500:
//   - NUL (U+0000) is not allowed in text or jsonb; a lone surrogate (half of a UTF-16 pair) is not
//     Unicode at all. API: 400 naming the field, for every route with a schema (one rule, in the
//     validator compiler, for bodies, query strings and path parameters, keys included).
//     Webhooks: the provider has already accepted the message, so it is cleaned (NUL dropped, a
//     lone surrogate becomes U+FFFD) and stored; refusing it would make the provider retry for days.
//   - JSON bodies nest at most MAX_JSON_DEPTH levels (checked on the bytes, before parsing).
//   - Free-form JSON fields (custom_fields, settings) have a size and depth limit (jsonObject).
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';

export const MAX_JSON_DEPTH = 64;

// A NUL, or a surrogate without its other half.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (value or key) that cannot be stored, or null. */
export function findUnstorable(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'string') return unstorable.test(value) ? path : null;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (unstorable.test(k)) return [...path, k.replace(unstorable, '?')];
    const found = findUnstorable(v, [...path, k]);
    if (found) return found;
  }
  return null;
}

const MESSAGE = 'contains a NUL character or a broken Unicode character, which cannot be stored';

/** fastify-type-provider-zod's validator, after the string rule (same error shape: 400 with the field). */
export const validatorWithStringRule: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = validatorCompiler(route);
  return (data) => {
    const path = findUnstorable(data);
    if (!path) return validate(data);
    const refuse = z.any().superRefine((_, ctx) => ctx.addIssue({ code: 'custom', path, message: MESSAGE }));
    return validatorCompiler({ ...route, schema: refuse })(data);
  };
};

/** A provider's payload, made storable: NUL dropped, lone surrogates → U+FFFD, in values and keys. */
export function cleanProviderPayload<T>(value: T): T {
  return findUnstorable(value) ? clean(value) : value; // webhooks are hot: copy only when needed
}

/** String.prototype.toWellFormed (ES2024; TypeScript's es2024 lib does not declare it yet). */
const wellFormed = (s: string): string => (s as unknown as { toWellFormed(): string }).toWellFormed();

function clean<T>(value: T): T {
  if (typeof value === 'string') return wellFormed(value.replaceAll('\u0000', '')) as T;
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(clean) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), clean(v)])) as T;
}

/** True when the JSON text nests arrays/objects deeper than `max` (a scan of the bytes, no parse). */
export function jsonTooDeep(body: Buffer, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function depthOf(value: unknown, level = 0): number {
  if (value === null || typeof value !== 'object' || level > 50) return level;
  let deepest = level + 1;
  for (const v of Object.values(value)) deepest = Math.max(deepest, depthOf(v, level + 1));
  return deepest;
}

/** A free-form JSON object with limits (bytes as JSON, nesting levels, top-level keys). */
export const jsonObject = (opts: { maxBytes: number; maxDepth: number; maxKeys?: number }) =>
  z.record(z.string().max(200), z.unknown()).superRefine((value, ctx) => {
    const keys = Object.keys(value).length;
    if (keys > (opts.maxKeys ?? 200)) ctx.addIssue({ code: 'custom', message: `at most ${opts.maxKeys ?? 200} keys` });
    const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > opts.maxBytes)
      ctx.addIssue({
        code: 'custom',
        message: `at most ${Math.round(opts.maxBytes / 1024)} KB of JSON (got ${bytes} bytes)`,
      });
    if (depthOf(value) > opts.maxDepth)
      ctx.addIssue({ code: 'custom', message: `nested at most ${opts.maxDepth} levels` });
  });
