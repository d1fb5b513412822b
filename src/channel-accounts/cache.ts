// Webhooks look channels (and their workspace's phone region) up on every delivery: both are
// cached in memory for a few seconds, per database. Channel changes through the API in this
// process forget the cache at once; other processes see them within CACHE_MS.
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { channels, workspaces } from '../db/schema/index.ts';

type ChannelRow = typeof channels.$inferSelect;

/** The active channels of a kind with these account ids. */
export async function findChannelsByAccount(db: DbOrTx, kind: string, accountIds: string[]): Promise<ChannelRow[]> {
  if (!accountIds.length) return [];
  return db
    .select()
    .from(channels)
    .where(and(eq(channels.kind, kind), inArray(channels.accountId, accountIds), eq(channels.active, true)));
}

const CACHE_MS = 5_000;
type Cached<T> = { value: T; at: number; gen: number };
type Caches = { channels: Map<string, Cached<ChannelRow | null>>; regions: Map<string, Cached<string>> };
const caches = new WeakMap<object, Caches>();
/** Bumped by forgetChannels: entries of an older generation are stale, and a lookup that started before it does not fill the cache. */
let generation = 0;

const cachesOf = (db: object): Caches => {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = { channels: new Map(), regions: new Map() }));
  return c;
};

/** Drops every cached channel row and workspace region (after a channel or workspace changes). */
export function forgetChannels(): void {
  generation++;
}

/** findChannelsByAccount through the cache (unknown accounts are cached too). */
export async function cachedChannelsByAccount(db: DbOrTx, kind: string, accountIds: string[]): Promise<ChannelRow[]> {
  const c = cachesOf(db);
  const now = Date.now();
  const out: ChannelRow[] = [];
  const missing: string[] = [];
  for (const id of accountIds) {
    const hit = c.channels.get(`${kind}\u0000${id}`);
    if (hit && hit.gen === generation && now - hit.at < CACHE_MS) {
      if (hit.value) out.push(hit.value);
    } else missing.push(id);
  }
  if (!missing.length) return out;
  const gen = generation;
  const rows = await findChannelsByAccount(db, kind, missing);
  if (gen === generation) {
    for (const id of missing)
      c.channels.set(`${kind}\u0000${id}`, { value: rows.find((r) => r.accountId === id) ?? null, at: now, gen });
  }
  return [...out, ...rows];
}

/** The phone region of each workspace (IN when unknown), through the cache. */
export async function workspaceRegions(db: DbOrTx, workspaceIds: string[]): Promise<Map<string, string>> {
  const c = cachesOf(db);
  const now = Date.now();
  const out = new Map<string, string>();
  const missing: string[] = [];
  for (const id of new Set(workspaceIds)) {
    const hit = c.regions.get(id);
    if (hit && hit.gen === generation && now - hit.at < CACHE_MS) out.set(id, hit.value);
    else missing.push(id);
  }
  if (!missing.length) return out;
  const gen = generation;
  const rows = await db
    .select({ id: workspaces.id, region: workspaces.phoneRegion })
    .from(workspaces)
    .where(inArray(workspaces.id, missing));
  for (const id of missing) {
    const region = rows.find((r) => r.id === id)?.region ?? 'IN';
    out.set(id, region);
    if (gen === generation) c.regions.set(id, { value: region, at: now, gen });
  }
  return out;
}
