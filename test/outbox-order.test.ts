// The outbox keeps a conversation's messages in order: whatever order their send jobs run in (8 at
// a time per process, retries, hand-overs), a contact gets them in the order they were written.
// Found by bench/pipeline.ts: under load, a burst's replies (welcome first) arrived out of order.
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../src/db/schema/index.ts';
import { queueReplies } from '../src/outbound/queue.ts';
import { sendMany, sendMessage } from '../src/outbound/send.ts';
import { sweepStuckSends } from '../src/outbound/sweep.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { createTestApp, drainJobs, newWorkspace } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
const { app, deps } = await createTestApp();
const SECRET = 'wa-app-secret';
const ctx = { jobId: 'test', attempt: 1, lastAttempt: false };

let phones = 0;
/** A WhatsApp channel and a customer who wrote once and got the welcome; returns the conversation. */
async function customer() {
  const owner = await newWorkspace(app, 'Order Realty');
  const phoneNumberId = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
  const res = await app.inject({
    method: 'POST',
    url: '/api/channels',
    headers: owner.auth,
    payload: {
      kind: 'whatsapp',
      name: 'WA',
      account_id: phoneNumberId,
      settings: { apiUrl: graph.url },
      secrets: { accessToken: 't', appSecret: SECRET, verifyToken: 'v' },
    },
  });
  expect(res.statusCode).toBe(201);
  const from = `9198765${String(40000 + phones++).padStart(5, '0')}`;
  await post(waText(phoneNumberId, from, 'hi'));
  await drainJobs(deps);
  const [conv] = await deps.db.select().from(conversations).where(eq(conversations.channelId, res.json().id));
  return { conv, phoneNumberId, from };
}

const post = (body: string) =>
  app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
    payload: body,
  });
const textsTo = (phoneNumberId: string) =>
  graph.requests
    .filter((r) => r.path.endsWith(`/${phoneNumberId}/messages`) && (r.body as { status?: string }).status !== 'read')
    .map((r) => (r.body as { text?: { body: string } }).text?.body);
const statusOf = async (id: string) =>
  (await deps.db.select({ status: messages.status }).from(messages).where(eq(messages.id, id)))[0].status;

function queueTexts(conv: typeof conversations.$inferSelect, texts: string[]) {
  return deps.db.transaction(async (tx) => {
    const ids = await queueReplies(
      tx,
      deps,
      { workspaceId: conv.workspaceId, key: null, conversation: conv },
      texts.map((text) => ({ to: 'contact' as const, purpose: 'agent', text })),
    );
    return ids as string[];
  });
}

describe('outbox order', () => {
  it("sends a conversation's messages in the order they were written, whatever order their jobs run in", async () => {
    const { conv, phoneNumberId } = await customer();
    const [one, two, three] = await queueTexts(conv, ['one', 'two', 'three']);
    // The later jobs run first: they wait for the earlier messages instead of overtaking them.
    await sendMessage(deps, three, ctx);
    await sendMessage(deps, two, ctx);
    expect([await statusOf(two), await statusOf(three)]).toEqual(['queued', 'queued']);
    // All three at once, as parallel workers would: still one after the other.
    await Promise.all([three, two, one].map((id) => sendMessage(deps, id, ctx)));
    await drainJobs(deps);
    expect(textsTo(phoneNumberId).slice(1)).toEqual(['one', 'two', 'three']);
    expect([await statusOf(one), await statusOf(two), await statusOf(three)]).toEqual(['sent', 'sent', 'sent']);
  });

  it('a message the provider refused for now keeps its place until its retry sends it', async () => {
    const { conv, phoneNumberId } = await customer();
    const [first, second] = await queueTexts(conv, ['first', 'second']);
    graph.failNext(500);
    await expect(sendMessage(deps, first, ctx)).rejects.toThrow();
    expect(await statusOf(first)).toBe('queued');
    await sendMessage(deps, second, ctx);
    expect(await statusOf(second)).toBe('queued');
    await sendMessage(deps, first, { ...ctx, attempt: 2 });
    await drainJobs(deps);
    expect(textsTo(phoneNumberId).slice(1)).toEqual(['first', 'first', 'second']);
    expect(await statusOf(second)).toBe('sent');
  });

  it('a batch of sends: each job settled by its own message, and each conversation followed to its next message in the same run', async () => {
    const a = await customer();
    const b = await customer();
    const c = await customer();
    const [a1, a2, a3] = await queueTexts(a.conv, ['a1', 'a2', 'a3']);
    const [b1] = await queueTexts(b.conv, ['b1']);
    const [c1, c2] = await queueTexts(c.conv, ['c1', 'c2']);
    // The first send request of the run fails for now (a 500): whichever message that is keeps
    // its place, its job alone is retried; the others leave, and their conversations go on.
    graph.failNext(500);
    const items = [a1, b1, c1].map((messageId, i) => ({ messageId, ctx: { ...ctx, jobId: `job-${i}` } }));
    const outcomes = await sendMany(deps, items);
    expect(outcomes.filter((o) => o !== null)).toHaveLength(1);
    const failedAt = outcomes.findIndex((o) => o !== null);
    const failedId = items[failedAt].messageId;
    expect(await statusOf(failedId)).toBe('queued');
    const chains: Record<string, string[]> = { [a1]: [a1, a2, a3], [b1]: [b1], [c1]: [c1, c2] };
    for (const first of [a1, b1, c1]) {
      const statuses = await Promise.all(chains[first].map(statusOf));
      if (first === failedId) expect(statuses.every((x) => x === 'queued')).toBe(true);
      // Followed without jobs of their own: every message of the conversation went in this run.
      else expect(statuses.every((x) => x === 'sent')).toBe(true);
    }
    // The retry sends the held-back conversation in order; no message of the others twice.
    await sendMessage(deps, failedId, { ...ctx, attempt: 2 });
    await drainJobs(deps);
    // Each phone got its conversation's texts once and in order (the refused request first, where it was).
    const expected = (texts: string[], first: string) => (first === failedId ? [texts[0], ...texts] : texts);
    expect(textsTo(a.phoneNumberId).slice(1)).toEqual(expected(['a1', 'a2', 'a3'], a1));
    expect(textsTo(b.phoneNumberId).slice(1)).toEqual(expected(['b1'], b1));
    expect(textsTo(c.phoneNumberId).slice(1)).toEqual(expected(['c1', 'c2'], c1));
    for (const id of [a1, a2, a3, b1, c1, c2]) expect(await statusOf(id)).toBe('sent');
  });

  it.runIf(deps.database.kind === 'postgres')(
    'orders by when a message was queued, not by when its transaction began',
    async () => {
      const { conv, phoneNumberId } = await customer();
      // A routing transaction that began earlier but waited for the conversation's lock writes the later reply.
      let later = '';
      let release!: () => void;
      const waiting = new Promise<void>((r) => (release = r));
      const slow = deps.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        await waiting;
        [later] = (await queueReplies(tx, deps, { workspaceId: conv.workspaceId, key: null, conversation: conv }, [
          { to: 'contact', purpose: 'agent', text: 'later' },
        ])) as string[];
      });
      await new Promise((r) => setTimeout(r, 20));
      const [earlier] = await queueTexts(conv, ['earlier']);
      release();
      await slow;
      await sendMessage(deps, later, ctx);
      expect(await statusOf(later)).toBe('queued');
      await sendMessage(deps, earlier, ctx);
      await drainJobs(deps);
      expect(textsTo(phoneNumberId).slice(1)).toEqual(['earlier', 'later']);
    },
  );

  it("answers a new customer's first message even when they opt out before the answer goes, then confirms", async () => {
    const owner = await newWorkspace(app, 'Stop Realty');
    const phoneNumberId = String(Date.now()) + '7';
    const res = await app.inject({
      method: 'POST',
      url: '/api/channels',
      headers: owner.auth,
      payload: {
        kind: 'whatsapp',
        name: 'WA',
        account_id: phoneNumberId,
        settings: { apiUrl: graph.url },
        secrets: { accessToken: 't', appSecret: SECRET, verifyToken: 'v' },
      },
    });
    await post(waText(phoneNumberId, '919876549999', 'price kya hai?'));
    await post(waText(phoneNumberId, '919876549999', 'STOP'));
    await drainJobs(deps); // routes both, then sends: the customer has opted out when the welcome goes
    const rows = await deps.db
      .select()
      .from(messages)
      .where(eq(messages.channelId, res.json().id))
      .orderBy(messages.createdAt, messages.id);
    const out = rows.filter((m) => m.direction === 'out');
    expect(out.map((m) => [m.purpose, m.status])).toEqual([
      ['welcome', 'sent'],
      ['opt_out', 'sent'],
    ]);
    expect(textsTo(phoneNumberId)).toEqual([out[0].text, out[1].text]);
  });

  it('the sweep lets a conversation go on after a message stuck in sending, and resends a queued one whose job was lost', async () => {
    const { conv, phoneNumberId } = await customer();
    const [stuck, after] = await queueTexts(conv, ['stuck', 'after']);
    // As if a process claimed `stuck`, called the provider and died before recording the result.
    const old = new Date(Date.now() - 11 * 60_000);
    await deps.db.update(messages).set({ status: 'sending', updatedAt: old }).where(eq(messages.id, stuck));
    await drainJobs(deps);
    expect(await statusOf(after)).toBe('queued'); // waits: `stuck` may or may not have left
    await sweepStuckSends(deps);
    await drainJobs(deps);
    expect([await statusOf(stuck), await statusOf(after)]).toEqual(['failed', 'sent']);

    const [lost] = await queueTexts(conv, ['lost']);
    await deps.db.execute(sql`delete from pgboss.job where name = 'outbound.send' and data->>'messageId' = ${lost}`);
    await deps.db.update(messages).set({ updatedAt: old }).where(eq(messages.id, lost));
    await drainJobs(deps);
    expect(await statusOf(lost)).toBe('queued');
    await sweepStuckSends(deps);
    await drainJobs(deps);
    expect(await statusOf(lost)).toBe('sent');
    expect(textsTo(phoneNumberId).slice(1)).toEqual(['after', 'lost']);
  });
});
