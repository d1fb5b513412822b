import { badRequest } from '../lib/errors.ts';

export type Page<T> = { data: T[]; nextCursor: string | null };
export type PageParams = { limit?: number; cursor?: string };

export const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodeCursor<T>(cursor: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(v)) return v;
  } catch {
    // fall through
  }
  throw badRequest('Invalid cursor', { cursor: 'not a cursor this API returned' });
}

/** Takes limit+1 rows; returns a page and the cursor of its last row when more exist. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => unknown): Page<T> {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  return { data, nextCursor: more ? encodeCursor(cursorOf(data[data.length - 1])) : null };
}

export const clampLimit = (limit: number | undefined, def = 50) => Math.min(Math.max(limit ?? def, 1), 200);
export const isIdCursor = (v: unknown): v is { id: string } =>
  typeof v === 'object' && v !== null && typeof (v as { id: unknown }).id === 'string';
