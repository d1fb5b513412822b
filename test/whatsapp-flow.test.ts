// WhatsApp end to end: signed webhooks through the HTTP route, ingest, routing, the outbox and a
// fake Graph API on 127.0.0.1.
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../src/db/schema/index.ts';
import { startFakeGraphApi, graphErrors } from './fakes/graph-api.ts';
import {
  addMember,
  createTestApp,
  drainJobs,
  newWorkspace,
  queueNotification,
  type Session,
  untilSettled,
} from './helpers/app.ts';
import { metaSignature, waFixture, waStatus, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' });
const SECRET = 'wa-app-secret';

async function connect(settings: Record<string, unknown> = {}) {
  const owner = await newWorkspace(app, 'Sunrise Realty');
  const phoneNumberId = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
  const res = await app.inject({
    method: 'POST',
    url: '/api/channels',
    headers: owner.auth,
    payload: {
      kind: 'whatsapp',
      name: 'WhatsApp',
      account_id: phoneNumberId,
      settings: { apiUrl: graph.url, ...settings },
      secrets: { accessToken: 'EAAG-test-token', appSecret: SECRET, verifyToken: `verify-${phoneNumberId}` },
    },
  });
  expect(res.statusCode).toBe(201);
  expect(res.body).not.toContain('EAAG-test-token');
  return { owner, phoneNumberId, channelId: res.json().id as string };
}

const post = (body: string, signature: string | null = metaSignature(body, SECRET)) =>
  app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    payload: body,
  });

const isRead = (r: { body: unknown }) => (r.body as { status?: string }).status === 'read';
const sentTo = (phoneNumberId: string) =>
  graph.requests.filter((r) => r.path.endsWith(`/${phoneNumberId}/messages`) && !isRead(r));
const readsOf = (phoneNumberId: string) =>
  graph.requests.filter((r) => r.path.endsWith(`/${phoneNumberId}/messages`) && isRead(r));
const convMessages = async (channelId: string) =>
  deps.db.select().from(messages).where(eq(messages.channelId, channelId)).orderBy(messages.createdAt, messages.id);

describe('WhatsApp webhook', () => {
  it('answers the verification handshake only with the right token', async () => {
    const { phoneNumberId } = await connect();
    const ok = await app.inject({
      method: 'GET',
      url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-${phoneNumberId}&hub.challenge=1158201444`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    const bad = await app.inject({
      method: 'GET',
      url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444',
    });
    expect(bad.statusCode).toBe(403);
  });

  it('stores a message once, links a new lead and sends the welcome once, even when delivered twice', async () => {
    const { owner, phoneNumberId, channelId } = await connect();
    const body = waFixture('wa_text.json', phoneNumberId);
    expect((await post(body)).statusCode).toBe(200);
    expect((await post(body)).json()).toMatchObject({ stored: 0, duplicates: 1 });
    await drainJobs(deps);
    await drainJobs(deps);
    const rows = await convMessages(channelId);
    expect(rows.filter((m) => m.direction === 'in')).toHaveLength(1);
    const out = rows.filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ status: 'sent', purpose: 'welcome' });
    expect(out[0].text).toMatch(/^Hi Priya! Thanks for messaging Sunrise Realty/);
    const sends = sentTo(phoneNumberId);
    expect(sends).toHaveLength(1);
    expect(sends[0].headers.authorization).toBe('Bearer EAAG-test-token');
    expect(sends[0].body).toMatchObject({
      messaging_product: 'whatsapp',
      to: '+919876543210',
      type: 'text',
      text: { body: out[0].text },
    });
    expect(out[0].providerMessageId).toMatch(/^wamid\./);
    // The answered message was marked as read once (blue ticks), before the answer went out.
    const reads = readsOf(phoneNumberId);
    const inbound = rows.find((m) => m.direction === 'in')!;
    expect(reads.map((r) => r.body)).toEqual([
      { messaging_product: 'whatsapp', status: 'read', message_id: inbound.providerMessageId },
    ]);
    expect(graph.requests.indexOf(reads[0])).toBeLessThan(graph.requests.indexOf(sends[0]));

    const [conv] = await deps.db.select().from(conversations).where(eq(conversations.channelId, channelId));
    expect(conv.contactPhone).toBe('+919876543210');
    const lead = (await app.inject({ method: 'GET', url: `/api/leads/${conv.leadId}`, headers: owner.auth })).json();
    expect(lead).toMatchObject({ phone: '+919876543210', contact_name: 'Priya Sharma', source: 'whatsapp' });
    const history = (
      await app.inject({ method: 'GET', url: `/api/leads/${conv.leadId}/history`, headers: owner.auth })
    ).json().data;
    expect(history.map((h: { type: string }) => h.type)).toEqual(
      expect.arrayContaining(['lead.created', 'conversation.linked', 'message.received', 'message.sent']),
    );
  });

  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const { phoneNumberId, channelId } = await connect();
    const body = waFixture('wa_text.json', phoneNumberId);
    expect((await post(body, null)).statusCode).toBe(401);
    expect((await post(body, metaSignature(body, 'not-the-secret'))).statusCode).toBe(401);
    expect((await post(body.replace('2BHK', '3BHK'), metaSignature(body, SECRET))).statusCode).toBe(401);
    expect(await convMessages(channelId)).toHaveLength(0);
  });

  it('answers 400 to malformed JSON and 413 to a body over the limit, storing nothing', async () => {
    const { channelId } = await connect();
    const bad = await post('{"object": "whatsapp_business_account", "entry": [');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('bad_request');
    const huge = '{"x":"' + 'a'.repeat(6 * 1024 * 1024) + '"}';
    expect((await post(huge)).statusCode).toBe(413);
    expect((await post('{"object":"instagram","entry":[]}')).statusCode).toBe(400);
    expect(await convMessages(channelId)).toHaveLength(0);
  });

  it('refuses a delivery for an unknown phone number that nothing can verify, and stores nothing', async () => {
    await connect();
    const body = waFixture('wa_text.json', '999999999999999');
    const count = async () => (await deps.db.select({ id: messages.id }).from(messages)).length;
    const before = await count();
    // Unknown number and no environment account to check the signature with: nothing verifies it.
    expect((await post(body)).statusCode).toBe(401);
    expect(await count()).toBe(before);
  });

  it('acknowledges a delivery for an unknown phone number signed with the environment account, and ignores it', async () => {
    const env = await createTestApp({
      LOG_LEVEL: 'error',
      WHATSAPP_PHONE_NUMBER_ID: '100200300400500',
      WHATSAPP_APP_SECRET: 'env-app-secret',
      WHATSAPP_ACCESS_TOKEN: 'env-token',
    });
    const body = waFixture('wa_text.json', '999999999999999');
    const res = await env.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, 'env-app-secret') },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ received: 1, stored: 0, ignored: 1 });
    expect(await env.deps.db.select().from(messages)).toHaveLength(0);
  });

  it('stores every message type, batches and Unicode exactly as signed', async () => {
    const { phoneNumberId, channelId } = await connect();
    const files = [
      'wa_audio_voice.json',
      'wa_batch.json',
      'wa_bsuid_only.json',
      'wa_button_template_quick_reply.json',
      'wa_contacts.json',
      'wa_document.json',
      'wa_image.json',
      'wa_interactive_button_reply.json',
      'wa_interactive_list_reply.json',
      'wa_location.json',
      'wa_reaction.json',
      'wa_reaction_removed.json',
      'wa_sticker.json',
      'wa_text_hindi_escaped.json',
      'wa_text_referral.json',
      'wa_text_reply_context.json',
      'wa_unsupported.json',
      'wa_video.json',
      'wa_value_errors.json',
    ];
    for (const f of files) {
      const res = await post(waFixture(f, phoneNumberId));
      expect(res.statusCode, f).toBe(200);
    }
    const emoji = 'नमस्ते 🙏 ' + 'क'.repeat(4086);
    const res = await post(waText(phoneNumberId, '919812345678', emoji, { name: 'राहुल' }));
    expect(res.statusCode).toBe(200);
    const rows = (await convMessages(channelId)).filter((m) => m.direction === 'in');
    const types = new Set(rows.map((m) => m.type));
    for (const t of [
      'audio',
      'image',
      'document',
      'location',
      'contacts',
      'interactive',
      'button',
      'reaction',
      'sticker',
      'video',
      'unsupported',
      'text',
    ])
      expect(types, t).toContain(t);
    expect(rows.find((m) => m.text === emoji)).toBeDefined();
    await drainJobs(deps);
    // Reactions are stored but never answered; every other conversation got one welcome.
    const convs = await deps.db.select().from(conversations).where(eq(conversations.channelId, channelId));
    const welcomes = (await convMessages(channelId)).filter((m) => m.purpose === 'welcome');
    expect(welcomes.length).toBeLessThanOrEqual(convs.length);
    expect(new Set(welcomes.map((w) => w.conversationId)).size).toBe(welcomes.length);
  });

  it('moves statuses forward only and keeps the error of a failure', async () => {
    const { phoneNumberId, channelId } = await connect();
    await post(waText(phoneNumberId, '919876500001', 'hello'));
    await drainJobs(deps);
    const [out] = (await convMessages(channelId)).filter((m) => m.direction === 'out');
    const wamid = out.providerMessageId!;
    await post(waStatus(phoneNumberId, wamid, 'read'));
    await post(waStatus(phoneNumberId, wamid, 'delivered'));
    await post(
      waStatus(phoneNumberId, wamid, 'failed', { errors: [{ code: 131026, title: 'Message undeliverable' }] }),
    );
    const [after] = await deps.db.select().from(messages).where(eq(messages.id, out.id));
    expect(after.status).toBe('read');
    expect(after.readAt).not.toBeNull();

    await post(waText(phoneNumberId, '919876500002', 'hello again'));
    await drainJobs(deps);
    const second = (await convMessages(channelId)).filter((m) => m.direction === 'out').find((m) => m.id !== out.id)!;
    await post(
      waStatus(phoneNumberId, second.providerMessageId!, 'failed', {
        errors: [{ code: 131026, title: 'Message undeliverable' }],
      }),
    );
    const [failed] = await deps.db.select().from(messages).where(eq(messages.id, second.id));
    expect(failed).toMatchObject({ status: 'failed', errorCode: '131026', errorTitle: 'Message undeliverable' });
  });
});

describe('routing and opt-out', () => {
  it('answers a team member with the command help, not the customer welcome', async () => {
    const { owner, phoneNumberId, channelId } = await connect();
    await addMember(app, owner, 'agent', 'Amit Verma', '+91 98100 77777');
    await post(waText(phoneNumberId, '919810077777', 'hi'));
    await drainJobs(deps);
    const out = (await convMessages(channelId)).filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0].text).toMatch(/^Hi Amit! Tell me what to do/);
    const [conv] = await deps.db.select().from(conversations).where(eq(conversations.channelId, channelId));
    expect(conv.leadId).toBeNull();
  });

  it('STOP opts out with one confirmation; only direct replies reach the contact; START reverses it', async () => {
    const { phoneNumberId, channelId } = await connect();
    const from = '919876511111';
    await post(waText(phoneNumberId, from, 'hello'));
    await post(waText(phoneNumberId, from, 'STOP'));
    await post(waText(phoneNumberId, from, 'stop'));
    await drainJobs(deps);
    const [conv] = await deps.db.select().from(conversations).where(eq(conversations.channelId, channelId));
    expect(conv.optedOutAt).not.toBeNull();
    let out = (await convMessages(channelId)).filter((m) => m.direction === 'out');
    expect(out.map((m) => m.purpose)).toEqual(['welcome', 'opt_out']);
    expect(out[1].text).toMatch(/unsubscribed/);

    // A notification (not a direct reply) is not sent.
    await queueNotification(deps, conv, 'Our sale starts today!');
    await drainJobs(deps);
    const note = (await convMessages(channelId)).find((m) => m.purpose === 'notification')!;
    expect(note).toMatchObject({ status: 'failed', failReason: 'opted_out' });

    await post(waText(phoneNumberId, from, 'START'));
    await drainJobs(deps);
    const [again] = await deps.db.select().from(conversations).where(eq(conversations.channelId, channelId));
    expect(again.optedOutAt).toBeNull();
    out = (await convMessages(channelId)).filter((m) => m.direction === 'out' && m.status === 'sent');
    expect(out.at(-1)!.text).toMatch(/Welcome back/);
  });

  it('understands Hindi and Hinglish STOP', async () => {
    const { phoneNumberId, channelId } = await connect();
    await post(waText(phoneNumberId, '919876522222', 'message band karo'));
    await post(waText(phoneNumberId, '919876533333', 'बंद करो'));
    await drainJobs(deps);
    const convs = await deps.db.select().from(conversations).where(eq(conversations.channelId, channelId));
    expect(convs.every((c) => c.optedOutAt)).toBe(true);
  });
});

describe('outbox', () => {
  const queueText = async (channelId: string, text: string, purpose = 'notification') => {
    const [conv] = await deps.db.select().from(conversations).where(eq(conversations.channelId, channelId));
    return queueNotification(deps, conv, text, purpose);
  };

  it('outside the 24-hour window fails a text with window_closed, or sends the configured template', async () => {
    const old = Date.now() - 30 * 3600_000;
    const a = await connect();
    await post(waText(a.phoneNumberId, '919876544444', 'hi', { now: old }));
    await drainJobs(deps);
    expect((await convMessages(a.channelId)).find((m) => m.direction === 'out')).toMatchObject({
      status: 'failed',
      failReason: 'window_closed',
    });

    const b = await connect({ template: 'follow_up:en' });
    await post(waText(b.phoneNumberId, '919876555555', 'hi', { now: old }));
    await drainJobs(deps);
    const sent = (await convMessages(b.channelId)).find((m) => m.direction === 'out')!;
    expect(sent.status).toBe('sent');
    expect(sentTo(b.phoneNumberId).at(-1)!.body).toMatchObject({
      type: 'template',
      template: { name: 'follow_up', language: { code: 'en' } },
    });
  });

  it('a closed window reported by the provider is not retried', async () => {
    const { phoneNumberId, channelId } = await connect();
    await post(waText(phoneNumberId, '919876566666', 'hi'));
    await drainJobs(deps);
    graph.failNext(400, graphErrors.windowClosed());
    const row = await queueText(channelId, 'Following up on your enquiry');
    expect(row).toMatchObject({ status: 'failed', failReason: 'window_closed', errorCode: '131047' });
  });

  it('fails a permanent error with the provider code and never sends twice', async () => {
    const { phoneNumberId, channelId } = await connect();
    await post(waText(phoneNumberId, '919876577777', 'hi'));
    await drainJobs(deps);
    graph.failNext(401, graphErrors.invalidToken());
    const before = sentTo(phoneNumberId).length;
    const row = await queueText(channelId, 'Your quote is ready');
    expect(row).toMatchObject({ status: 'failed', failReason: 'provider_error', errorCode: '190' });
    await drainJobs(deps);
    expect(sentTo(phoneNumberId).length).toBe(before + 1);
  });

  it('retries a rate limit with backoff, then sends exactly once', async () => {
    const { phoneNumberId, channelId } = await connect();
    await post(waText(phoneNumberId, '919876588888', 'hi'));
    await drainJobs(deps);
    graph.failNext(429, graphErrors.rateLimited());
    const first = await queueText(channelId, 'Rate limited once');
    expect(first).toMatchObject({ status: 'queued', attempts: 1, errorCode: '130429' });
    const row = await untilSettled(deps, first.id, 20_000);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(
      sentTo(phoneNumberId).filter((r) => (r.body as { text?: { body: string } }).text?.body === 'Rate limited once'),
    ).toHaveLength(2);
  });

  it('sends a text over 4,096 characters as several messages in order; a retry resumes after the parts sent', async () => {
    const { phoneNumberId, channelId } = await connect();
    await post(waText(phoneNumberId, '919876512121', 'send me everything'));
    await drainJobs(deps);
    const paragraph = (i: number) =>
      `Section ${i}. ` + 'The flat has three bedrooms, two balconies and covered parking. '.repeat(12).trim();
    const text = Array.from({ length: 12 }, (_, i) => paragraph(i + 1)).join('\n\n');
    expect(text.length).toBeGreaterThan(8192);
    // Part 1 goes out, part 2 meets a 5xx: the message waits for its retry with one part sent.
    graph.passNext(1);
    graph.failNext(500);
    const first = await queueText(channelId, text);
    expect(first).toMatchObject({ status: 'queued', attempts: 1 });
    expect((first.meta as { parts: { total: number; sent: string[] } }).parts).toMatchObject({
      total: 3,
      sent: [expect.stringMatching(/^wamid\./)],
    });
    const row = await untilSettled(deps, first.id, 20_000);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    const bodies = sentTo(phoneNumberId)
      .map((r) => (r.body as { text?: { body: string } }).text?.body ?? '')
      .filter((b) => b.startsWith('Section'));
    // Part 1 once, part 2 twice (failed, then sent), part 3 once; each within the limit, in order.
    expect(bodies).toHaveLength(4);
    expect(bodies[1]).toBe(bodies[2]);
    const parts = [bodies[0], bodies[2], bodies[3]];
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join('\n\n')).toBe(text);
    const meta = row.meta as { parts: { total: number; sent: string[] } };
    expect(meta.parts.total).toBe(3);
    expect(meta.parts.sent).toHaveLength(3);
    expect(row.providerMessageId).toBe(meta.parts.sent[2]);
  });

  it('a job that runs twice sends once', async () => {
    const { phoneNumberId, channelId } = await connect();
    await post(waText(phoneNumberId, '919876599999', 'hi'));
    await drainJobs(deps);
    const [out] = (await convMessages(channelId)).filter((m) => m.direction === 'out');
    const { sendMessage } = await import('../src/outbound/send.ts');
    const before = sentTo(phoneNumberId).length;
    await sendMessage(deps, out.id, { jobId: 'x', attempt: 2, lastAttempt: false });
    expect(sentTo(phoneNumberId).length).toBe(before);
  });
});

describe('database outage', () => {
  it('answers 503 so the provider retries, and never 200 for what it did not store', async () => {
    const other = await createTestApp();
    const owner: Session = await newWorkspace(other.app, 'Outage Co');
    const phoneNumberId = String(Date.now()) + '42';
    await other.app.inject({
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
    await other.deps.database.close();
    const body = waText(phoneNumberId, '919876512345', 'is anyone there?');
    const res = await other.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
      payload: body,
    });
    expect(res.statusCode).toBe(503);
  });
});

describe('crash between send and bookkeeping', () => {
  it('never re-sends a message stuck in sending; the sweep fails it as delivery_unknown', async () => {
    const { phoneNumberId, channelId } = await connect();
    await post(waText(phoneNumberId, '919876500077', 'hi'));
    await drainJobs(deps);
    const [conv] = await deps.db.select().from(conversations).where(eq(conversations.channelId, channelId));
    const { queueReplies } = await import('../src/outbound/queue.ts');
    const [id] = (await deps.db.transaction((tx) =>
      queueReplies(tx, deps, { workspaceId: conv.workspaceId, key: null, conversation: conv }, [
        { to: 'contact', purpose: 'notification', text: 'crash me' },
      ]),
    )) as string[];
    // As if a process claimed it, called the provider and died before recording the result.
    await deps.db
      .update(messages)
      .set({ status: 'sending', updatedAt: new Date(Date.now() - 11 * 60_000) })
      .where(eq(messages.id, id));
    const before = sentTo(phoneNumberId).length;
    await drainJobs(deps);
    expect(sentTo(phoneNumberId).length).toBe(before);
    const { sweepStuckSends } = await import('../src/outbound/sweep.ts');
    expect(await sweepStuckSends(deps)).toBeGreaterThanOrEqual(1);
    const [row] = await deps.db.select().from(messages).where(eq(messages.id, id));
    expect(row).toMatchObject({ status: 'failed', failReason: 'delivery_unknown' });
  });
});
