// Domain rows (camelCase, Date) → API objects (snake_case, ISO strings). Shallow on purpose:
// jsonb payloads (custom_fields, settings) are the user's own keys and stay as they are.
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());

const value = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

// Returns any: the route's response schema checks the shape.
export function toApi(row: object): any {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[snake(k)] = value(v);
  return out;
}

/** snake_case request body → camelCase service input (shallow; jsonb values untouched). */
export function fromApi(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}

/** Activity changes use field names too: assigneeId → assignee_id. */
export const changesToApi = (changes: Record<string, unknown>) => toApi(changes);
