// Transactions that lock several conversations' rows take them in one order, or two of them can
// wait for each other in a circle: ingest upserts a batch's conversations sorted by
// `${channel_id}\0${external_id}` (inbound/ingest.ts), and routing batches and the outbox lock theirs
// with conversationLockOrder. Found by bench/multi.ts (two servers, two workers): routing locked by
// id, ingest by key, and they deadlocked. Here the rows are made so that id order, the database's
// default text order and key order all differ.
import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { conversationLockOrder, conversations } from '../src/db/schema/index.ts';
import { createTestApp, newWorkspace } from './helpers/app.ts';

const { app, deps } = await createTestApp();

describe('conversation lock order', () => {
  it('is the order ingest upserts conversations in', async () => {
    const owner = await newWorkspace(app, 'Lock Order');
    const channelIds: string[] = [];
    for (const n of [1, 2]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/channels',
        headers: owner.auth,
        payload: {
          kind: 'whatsapp',
          name: `WA ${n}`,
          account_id: `8${Date.now()}${n}`,
          settings: { apiUrl: 'http://127.0.0.1:9/v26.0' },
          secrets: { accessToken: 't', appSecret: 's', verifyToken: 'v' },
        },
      });
      expect(res.statusCode).toBe(201);
      channelIds.push(res.json().id as string);
    }
    // Created newest key first, so ids (time ordered) run against the keys; mixed case and
    // punctuation, where a locale's order is not the bytes' order.
    const externalIds = ['zeta', 'b', 'B', 'a10', 'a9', 'Z', '_x', '919876000002', '919876000010', 'Ab', 'aB'];
    const made: { id: string; channelId: string; externalId: string }[] = [];
    for (const channelId of [...channelIds].reverse())
      for (const externalId of externalIds) {
        const [row] = await deps.db
          .insert(conversations)
          .values({ workspaceId: owner.workspaceId, channelId, channel: 'whatsapp', externalId })
          .returning({ id: conversations.id });
        made.push({ id: row.id, channelId, externalId });
      }
    const key = (c: { channelId: string; externalId: string }) => `${c.channelId}\u0000${c.externalId}`;
    const ingestOrder = [...made].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).map((c) => c.id);
    // The test means something: neither id order nor creation order is the key order.
    expect([...made.map((c) => c.id)].sort()).not.toEqual(ingestOrder);

    const locked = await deps.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        inArray(
          conversations.id,
          made.map((c) => c.id),
        ),
      )
      .orderBy(...conversationLockOrder)
      .for('update');
    expect(locked.map((r) => r.id)).toEqual(ingestOrder);
  });
});
