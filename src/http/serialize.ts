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

type KnowledgeChunkMeta = { link_id?: unknown; link?: unknown; record?: unknown };

/**
 * A message for the API: its row, plus the knowledge the bot answered it from (`answered_from`,
 * one entry per source record, from `meta.knowledge`; empty for any other message). The rest of
 * `meta` (intents, latency) stays internal.
 */
export function messageToApi(row: { meta?: unknown } & object): any {
  const { meta, ...rest } = row as { meta?: { knowledge?: { answered?: boolean; chunks?: KnowledgeChunkMeta[] } } };
  const k = meta?.knowledge;
  const seen = new Set<string>();
  const answeredFrom: { link_id: string; link: string; record: string }[] = [];
  for (const c of k?.answered && Array.isArray(k.chunks) ? k.chunks : []) {
    if (typeof c.link_id !== 'string' || typeof c.link !== 'string' || typeof c.record !== 'string') continue;
    const key = `${c.link_id}\u0000${c.record}`;
    if (seen.has(key)) continue;
    seen.add(key);
    answeredFrom.push({ link_id: c.link_id, link: c.link, record: c.record });
  }
  return { ...toApi(rest), answered_from: answeredFrom };
}

/** snake_case request body → camelCase service input (shallow; jsonb values untouched). */
export function fromApi(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}

/** Activity changes use field names too: assigneeId → assignee_id. */
export const changesToApi = (changes: Record<string, unknown>) => toApi(changes);
