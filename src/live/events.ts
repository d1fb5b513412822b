// Live changes for the dashboard: new messages, delivery statuses, conversations (handoff,
// linking, opt-out) and leads (status, assignee), per workspace. One poller per workspace reads
// the rows changed since its last look while someone listens, so it sees changes made by any
// process (workers included) and costs nothing when nobody is connected. Each listener gets only
// what its role may see: an agent, the conversations and leads assigned to them and their own
// chats with the bot. Events carry ids and states, never message text: the client fetches what
// it shows through the REST API, which applies the same rules again.
import { sql } from 'drizzle-orm';
import { seesAll, type Actor } from '../crm/actor.ts';
import { rowsOf, type Db } from '../db/client.ts';

export type LiveEvent =
  | { type: 'message'; id: string; conversation_id: string; direction: 'in' | 'out'; status: string }
  | { type: 'conversation'; id: string; lead_id: string | null; handed_off: boolean; opted_out: boolean }
  | { type: 'lead'; id: string; status: string; assignee_id: string | null };

type Owned = { leadId: string | null; memberId: string | null; assigneeId: string | null };
type Change = { event: LiveEvent; owner: Owned; key: string; at: string };
type Listener = { actor: Actor; send: (e: LiveEvent) => void };

/** Rows committed late by a long transaction carry an older timestamp: look back this far, dedupe by version. */
const OVERLAP_MS = 10_000;

export function canSee(actor: Actor, o: Owned): boolean {
  if (seesAll(actor)) return true;
  if (!actor.userId) return false;
  return o.assigneeId === actor.userId || (o.leadId === null && o.memberId === actor.userId);
}

const iso = (v: string | Date) => new Date(v).toISOString();

async function changesSince(db: Db, workspaceId: string, since: string): Promise<Change[]> {
  const [msgs, convs, leadRows] = await Promise.all([
    db.execute(sql`
      select m.id, m.conversation_id, m.direction, m.status, m.updated_at, c.lead_id, c.member_id, l.assignee_id
      from messages m join conversations c on c.id = m.conversation_id
        left join leads l on l.id = c.lead_id and l.workspace_id = c.workspace_id
      where m.workspace_id = ${workspaceId} and m.updated_at > ${since}::timestamptz
      order by m.updated_at limit 500`),
    db.execute(sql`
      select c.id, c.lead_id, c.member_id, c.handed_off_at, c.opted_out_at, c.updated_at, l.assignee_id
      from conversations c left join leads l on l.id = c.lead_id and l.workspace_id = c.workspace_id
      where c.workspace_id = ${workspaceId} and c.updated_at > ${since}::timestamptz
      order by c.updated_at limit 500`),
    db.execute(sql`
      select id, status, assignee_id, updated_at from leads
      where workspace_id = ${workspaceId} and updated_at > ${since}::timestamptz
      order by updated_at limit 500`),
  ]);
  type M = { id: string; conversation_id: string; direction: 'in' | 'out'; status: string; updated_at: string };
  type C = { id: string; handed_off_at: unknown; opted_out_at: unknown; updated_at: string };
  type O = { lead_id: string | null; member_id: string | null; assignee_id: string | null };
  const owner = (r: O): Owned => ({ leadId: r.lead_id, memberId: r.member_id, assigneeId: r.assignee_id });
  return [
    ...rowsOf<M & O>(msgs).map((r) => ({
      event: {
        type: 'message' as const,
        id: r.id,
        conversation_id: r.conversation_id,
        direction: r.direction,
        status: r.status,
      },
      owner: owner(r),
      key: `m:${r.id}`,
      at: iso(r.updated_at),
    })),
    ...rowsOf<C & O>(convs).map((r) => ({
      event: {
        type: 'conversation' as const,
        id: r.id,
        lead_id: r.lead_id,
        handed_off: r.handed_off_at != null,
        opted_out: r.opted_out_at != null,
      },
      owner: owner(r),
      key: `c:${r.id}`,
      at: iso(r.updated_at),
    })),
    ...rowsOf<{ id: string; status: string; assignee_id: string | null; updated_at: string }>(leadRows).map((r) => ({
      event: { type: 'lead' as const, id: r.id, status: r.status, assignee_id: r.assignee_id },
      owner: { leadId: r.id, memberId: null, assigneeId: r.assignee_id },
      key: `l:${r.id}`,
      at: iso(r.updated_at),
    })),
  ];
}

export type LiveFeed = {
  subscribe(actor: Actor, send: (e: LiveEvent) => void): () => void;
  /** Looks once now (tests, and the poll timer). */
  poll(workspaceId: string): Promise<void>;
  close(): void;
};

export function createLiveFeed(db: Db, opts: { intervalMs?: number; onError?: (err: unknown) => void } = {}) {
  const interval = opts.intervalMs ?? 1000;
  const rooms = new Map<
    string,
    { listeners: Set<Listener>; since: number; seen: Map<string, string>; timer: NodeJS.Timeout; busy: boolean }
  >();

  async function poll(workspaceId: string) {
    const room = rooms.get(workspaceId);
    if (!room || room.busy) return;
    room.busy = true;
    try {
      const startedAt = Date.now();
      const changes = await changesSince(db, workspaceId, new Date(room.since - OVERLAP_MS).toISOString());
      for (const c of changes) {
        if (room.seen.get(c.key) === c.at) continue;
        room.seen.set(c.key, c.at);
        for (const l of room.listeners) if (canSee(l.actor, c.owner)) l.send(c.event);
      }
      room.since = startedAt;
      const oldest = new Date(startedAt - 2 * OVERLAP_MS).toISOString();
      for (const [k, at] of room.seen) if (at < oldest) room.seen.delete(k);
    } catch (err) {
      opts.onError?.(err);
    } finally {
      room.busy = false;
    }
  }

  const feed: LiveFeed = {
    subscribe(actor, send) {
      let room = rooms.get(actor.workspaceId);
      if (!room) {
        const timer = setInterval(() => void poll(actor.workspaceId), interval);
        timer.unref();
        // Start from now: a new listener loads the current state through the API.
        room = { listeners: new Set(), since: Date.now(), seen: new Map(), timer, busy: false };
        rooms.set(actor.workspaceId, room);
      }
      const listener: Listener = { actor, send };
      room.listeners.add(listener);
      return () => {
        const r = rooms.get(actor.workspaceId);
        if (!r) return;
        r.listeners.delete(listener);
        if (!r.listeners.size) {
          clearInterval(r.timer);
          rooms.delete(actor.workspaceId);
        }
      };
    },
    poll,
    close() {
      for (const r of rooms.values()) clearInterval(r.timer);
      rooms.clear();
    },
  };
  return feed;
}
