// Every customer answered exactly once, whatever fails when (issue 12): a send whose answer is lost
// (a timeout, a dropped connection, a process that died while it waited) is never sent again
// blindly. On WhatsApp our row id travels in biz_opaque_callback_data and Meta's status webhook
// settles the row; when no status comes while the webhook is healthy, it is sent again, once.
// Elsewhere it stays `delivery_unknown` until a person sends it again (POST /api/messages/{id}/retry).
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { conversations, messages } from '../src/db/schema/index.ts';
import { HEARTBEAT_SECONDS } from '../src/jobs/queue.ts';
import { queueReplies } from '../src/outbound/queue.ts';
import { LEASE_MS } from '../src/outbound/send.ts';
import { STATUS_WAIT_MS, sweepOutbox } from '../src/outbound/sweep.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { startMaytapiApi, type FakeMaytapi } from './fakes/maytapi-api.ts';
import { addMember, createTestApp, drainJobs, messageRow, newWorkspace, unique } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
const maytapis: FakeMaytapi[] = [];
afterAll(async () => {
  await graph.close();
  for (const m of maytapis) await m.close();
});
const { app, deps } = await createTestApp({ LOG_LEVEL: 'silent' });
const SECRET = 'wa-app-secret';
afterEach(() => {
  deps.fetch = undefined;
});

let phones = 0;
async function whatsappCustomer() {
  const owner = await newWorkspace(app, 'Doubt Realty');
  const phoneNumberId = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
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
  const from = `9198766${String(10000 + phones++).padStart(5, '0')}`;
  await post(waText(phoneNumberId, from, 'hi'));
  await drainJobs(deps);
  const [conv] = await deps.db.select().from(conversations).where(eq(conversations.channelId, res.json().id));
  return { owner, conv, phoneNumberId, from };
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

function queueTexts(conv: typeof conversations.$inferSelect, texts: string[], purpose = 'notification') {
  return deps.db.transaction(async (tx) => {
    const ids = await queueReplies(
      tx,
      deps,
      { workspaceId: conv.workspaceId, key: unique('k'), conversation: conv },
      texts.map((text) => ({ to: 'contact' as const, purpose, text })),
    );
    return ids as string[];
  });
}

/** A fetch whose request reaches the provider but whose answer is lost (as a timeout), once. */
const answerLostOnce = (): typeof fetch => {
  let lost = false;
  return async (url, init) => {
    const res = await fetch(url, init);
    if (lost) return res;
    lost = true;
    throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
  };
};
/** A fetch that times out before anything reaches the provider. */
const neverArrives: typeof fetch = async () => {
  throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
};
const later = (ms: number) => ({ ...deps, now: () => new Date(Date.now() + ms) });

describe('sends in doubt on WhatsApp', () => {
  it('puts the row id in biz_opaque_callback_data', async () => {
    const { conv, phoneNumberId } = await whatsappCustomer();
    const [id] = await queueTexts(conv, ['tracked']);
    await drainJobs(deps);
    const req = graph.requests.filter((r) => r.path.endsWith(`/${phoneNumberId}/messages`)).at(-1)!;
    expect(req.body).toMatchObject({ text: { body: 'tracked' }, biz_opaque_callback_data: id });
    expect(graph.accepted.at(-1)).toMatchObject({ callbackData: id });
  });

  it('a send that reached Meta before its answer was lost settles as sent from the status, never twice', async () => {
    const { conv, phoneNumberId } = await whatsappCustomer();
    deps.fetch = answerLostOnce();
    const [lost, next] = await queueTexts(conv, ['lost answer', 'the next one']);
    await drainJobs(deps);
    deps.fetch = undefined;
    await drainJobs(deps);
    const row = await messageRow(deps, lost);
    expect(row).toMatchObject({ status: 'failed', failReason: 'delivery_unknown', errorCode: 'timeout' });
    expect((row.meta as { awaiting?: unknown }).awaiting).toBeTruthy();
    // The queue behind it moved on.
    expect((await messageRow(deps, next)).status).toBe('sent');
    // Meta's status names our row: it went.
    const wamid = graph.accepted.find((a) => a.callbackData === lost)!.wamid;
    expect((await post(graph.statusWebhook(wamid, 'delivered'))).statusCode).toBe(200);
    expect(await messageRow(deps, lost)).toMatchObject({
      status: 'delivered',
      providerMessageId: wamid,
      failReason: null,
      errorCode: null,
    });
    // Later sweeps never send it again.
    await sweepOutbox(later(STATUS_WAIT_MS + 60_000));
    await drainJobs(deps);
    expect(textsTo(phoneNumberId).filter((t) => t === 'lost answer')).toHaveLength(1);
  });

  it('a dropped connection after Meta accepted the message is in doubt too (not retried blind)', async () => {
    const { conv, phoneNumberId } = await whatsappCustomer();
    graph.dropAnswerNext();
    const [id] = await queueTexts(conv, ['dropped']);
    await drainJobs(deps);
    expect(await messageRow(deps, id)).toMatchObject({ status: 'failed', failReason: 'delivery_unknown' });
    const wamid = graph.accepted.find((a) => a.callbackData === id)!.wamid;
    await post(graph.statusWebhook(wamid, 'sent'));
    expect(await messageRow(deps, id)).toMatchObject({ status: 'sent', providerMessageId: wamid });
    expect(textsTo(phoneNumberId).filter((t) => t === 'dropped')).toHaveLength(1);
  });

  it('no status within the wait while the webhook is healthy: it never reached Meta and is sent again, once', async () => {
    const { conv, phoneNumberId, from } = await whatsappCustomer();
    deps.fetch = neverArrives;
    const [id] = await queueTexts(conv, ['never arrived']);
    await drainJobs(deps);
    deps.fetch = undefined;
    expect(await messageRow(deps, id)).toMatchObject({ status: 'failed', failReason: 'delivery_unknown' });
    // Not before the wait is over, and not while the webhook is silent.
    expect((await sweepOutbox(later(0))).resent).toBe(0);
    expect((await sweepOutbox(later(STATUS_WAIT_MS + 30_000))).resent).toBe(0);
    // The webhook speaks (the customer writes again): it is sent again.
    await post(waText(phoneNumberId, from, 'hello?'));
    await drainJobs(deps);
    expect((await sweepOutbox(later(STATUS_WAIT_MS + 30_000))).resent).toBe(1);
    await drainJobs(deps);
    expect(await messageRow(deps, id)).toMatchObject({ status: 'sent', failReason: null });
    expect(textsTo(phoneNumberId).filter((t) => t === 'never arrived')).toHaveLength(1);
    expect((await sweepOutbox(later(STATUS_WAIT_MS + 30_000))).resent).toBe(0);
  });

  it('a row `sending` whose owner died is taken up after its lease (not 10 minutes) and settles from its status', async () => {
    const { conv, phoneNumberId } = await whatsappCustomer();
    const [stuck, after] = await queueTexts(conv, ['stuck', 'after']);
    // The process called Meta (accepted, with our id) and died before recording the answer.
    graph.dropAnswerNext();
    deps.fetch = async (url, init) => {
      await fetch(url, init).catch(() => {});
      throw new Error('process killed');
    };
    await deps.db.update(messages).set({ status: 'sending' }).where(eq(messages.id, stuck));
    const { whatsappAdapter } = await import('../src/channels/whatsapp/adapter.ts');
    await whatsappAdapter
      .send(
        { phoneNumberId, accessToken: 't', appSecret: SECRET, verifyToken: 'v', apiUrl: graph.url },
        { phone: conv.contactPhone!.replace('+', '') },
        { type: 'text', text: 'stuck' },
        fetch,
        { reference: stuck },
      )
      .catch(() => {});
    deps.fetch = undefined;
    await drainJobs(deps);
    expect((await messageRow(deps, after)).status).toBe('queued'); // waits behind the live-looking lease
    // Within its lease: a live owner may still be working on it.
    expect((await sweepOutbox(later(LEASE_MS - 10_000))).inDoubt).toBe(0);
    expect((await sweepOutbox(later(LEASE_MS + 5_000))).inDoubt).toBe(1);
    await drainJobs(deps);
    expect((await messageRow(deps, after)).status).toBe('sent');
    const wamid = graph.accepted.find((a) => a.callbackData === stuck)!.wamid;
    await post(graph.statusWebhook(wamid, 'read'));
    expect(await messageRow(deps, stuck)).toMatchObject({ status: 'read', providerMessageId: wamid });
    expect(textsTo(phoneNumberId).filter((t) => t === 'stuck')).toHaveLength(1);
  });

  it('a status naming another workspace’s row or no uuid changes nothing', async () => {
    const a = await whatsappCustomer();
    const b = await whatsappCustomer();
    deps.fetch = neverArrives;
    const [id] = await queueTexts(a.conv, ['mine']);
    await drainJobs(deps);
    deps.fetch = undefined;
    await drainJobs(deps);
    const [other] = await queueTexts(b.conv, ['theirs']);
    await drainJobs(deps);
    const wamid = graph.accepted.find((x) => x.callbackData === other)!.wamid;
    // b's status, but claiming a's row: a different channel, ignored.
    const forged = graph.statusWebhook(wamid, 'sent').replace(other, id);
    expect((await post(forged)).statusCode).toBe(200);
    expect((await messageRow(deps, id)).status).toBe('failed');
    const junk = graph.statusWebhook(wamid, 'sent').replace(other, 'not-a-uuid');
    expect((await post(junk)).statusCode).toBe(200);
  });

  it('a sent row carries no error of an earlier attempt; the attempts stay in its history', async () => {
    const { conv } = await whatsappCustomer();
    graph.failNext(500);
    const [id] = await queueTexts(conv, ['after a 500']);
    await drainJobs(deps);
    expect(await messageRow(deps, id)).toMatchObject({ status: 'queued', errorCode: '1' });
    await deps.db.execute(sql`update pgboss.job set start_after = now() where data->>'messageId' = ${id}`);
    await drainJobs(deps);
    const row = await messageRow(deps, id);
    expect(row).toMatchObject({ status: 'sent', errorCode: null, errorTitle: null, failReason: null });
    expect((row.meta as { errors: { attempt: number; code: string }[] }).errors).toMatchObject([
      { attempt: 1, code: '1' },
    ]);
  });

  it('a read receipt that failed for now is retried by its own job, and the answer is not held', async () => {
    const { conv, phoneNumberId, from } = await whatsappCustomer();
    void conv;
    await post(waText(phoneNumberId, from, 'anyone there?'));
    graph.passNext(0);
    const reads = () =>
      graph.requests.filter(
        (r) => r.path.endsWith(`/${phoneNumberId}/messages`) && (r.body as { status?: string }).status === 'read',
      ).length;
    const before = reads();
    graph.failNext(503);
    await drainJobs(deps);
    expect(reads()).toBe(before + 1); // the first mark-as-read failed
    await deps.db.execute(sql`update pgboss.job set start_after = now() where name = 'outbound.read'`);
    await drainJobs(deps);
    expect(reads()).toBe(before + 2);
  });
});

describe('other providers and people', () => {
  it('without a provider reference: delivery_unknown, and "send again" sends it once', async () => {
    const owner = await newWorkspace(app, 'Maytapi Doubt');
    const phoneId = `1${String(Date.now()).slice(-8)}${phones++}`;
    const productId = unique('prod-');
    const fake = await startMaytapiApi({ productId, phoneId, apiToken: `mt-${phoneId}` });
    maytapis.push(fake);
    const res = await app.inject({
      method: 'POST',
      url: '/api/channels',
      headers: owner.auth,
      payload: {
        kind: 'maytapi',
        name: 'Maytapi',
        account_id: phoneId,
        settings: { apiUrl: fake.url, productId },
        secrets: { apiToken: `mt-${phoneId}` },
      },
    });
    expect(res.statusCode).toBe(201);
    const sim = await app.inject({
      method: 'POST',
      url: '/api/simulator/messages',
      headers: owner.auth,
      payload: { from: '+919876512345', text: 'hi' },
    });
    expect(sim.statusCode).toBe(202);
    // A conversation on the Maytapi channel: queue to it directly.
    const [conv] = await deps.db
      .insert(conversations)
      .values({
        workspaceId: owner.workspaceId,
        channelId: res.json().id,
        channel: 'maytapi',
        externalId: '919876512345',
        contactPhone: '+919876512345',
        lastInboundAt: new Date(),
      })
      .returning();
    deps.fetch = answerLostOnce();
    const [id] = await queueTexts(conv, ['maybe sent'], 'agent');
    await drainJobs(deps);
    deps.fetch = undefined;
    const row = await messageRow(deps, id);
    expect(row).toMatchObject({ status: 'failed', failReason: 'delivery_unknown' });
    expect((row.meta as { awaiting?: unknown } | null)?.awaiting).toBeUndefined();
    expect((await sweepOutbox(later(STATUS_WAIT_MS * 2))).resent).toBe(0);

    const agent = await addMember(app, owner, 'agent');
    const anon = await app.inject({ method: 'POST', url: `/api/messages/${id}/retry` });
    expect(anon.statusCode).toBe(401);
    const stranger = await newWorkspace(app, 'Stranger');
    expect(
      (await app.inject({ method: 'POST', url: `/api/messages/${id}/retry`, headers: stranger.auth })).statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'POST', url: `/api/messages/${id}/retry`, headers: agent.auth })).statusCode,
    ).toBe(404);
    const again = await app.inject({ method: 'POST', url: `/api/messages/${id}/retry`, headers: owner.auth });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ id, status: 'queued' });
    await drainJobs(deps);
    expect(await messageRow(deps, id)).toMatchObject({ status: 'sent', failReason: null });
    const twice = await app.inject({ method: 'POST', url: `/api/messages/${id}/retry`, headers: owner.auth });
    expect(twice.statusCode).toBe(409);
  });

  it('an agent reply to an opted-out contact is refused with 409 that says so; START lifts it', async () => {
    const { owner, conv, phoneNumberId, from } = await whatsappCustomer();
    await post(waText(phoneNumberId, from, 'STOP'));
    await drainJobs(deps);
    const refused = await app.inject({
      method: 'POST',
      url: `/api/conversations/${conv.id}/messages`,
      headers: owner.auth,
      payload: { text: 'are you sure?' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/opted out/);
    expect(textsTo(phoneNumberId)).not.toContain('are you sure?');
    await post(waText(phoneNumberId, from, 'START'));
    await drainJobs(deps);
    const ok = await app.inject({
      method: 'POST',
      url: `/api/conversations/${conv.id}/messages`,
      headers: owner.auth,
      payload: { text: 'welcome back' },
    });
    expect(ok.statusCode).toBe(201);
    await drainJobs(deps);
    expect(textsTo(phoneNumberId)).toContain('welcome back');
  });
});

describe('jobs of a dead process', () => {
  it('every queue has a heartbeat, so pg-boss retries a job whose process stopped touching it', async () => {
    const rows = await deps.db.execute(
      sql`select name, heartbeat_seconds from pgboss.queue where name in ('inbound.route', 'outbound.send')`,
    );
    const list = (rows as unknown as { rows: { name: string; heartbeat_seconds: number }[] }).rows;
    expect(list).toHaveLength(2);
    for (const q of list) expect(q.heartbeat_seconds).toBe(HEARTBEAT_SECONDS);
    expect(HEARTBEAT_SECONDS * 2).toBeLessThanOrEqual(60);
  });
});
