// Maytapi end to end: webhooks through POST /webhook (?token=), ingest, routing, the outbox and a
// fake Maytapi API on 127.0.0.1 (sendMessage).
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../src/db/schema/index.ts';
import { startMaytapiApi, type FakeMaytapi } from './fakes/maytapi-api.ts';
import { createTestApp, drainJobs, newWorkspace, queueNotification, unique, untilSettled } from './helpers/app.ts';
import { fixtureText } from './helpers/webhooks.ts';

const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' });
const fakes: FakeMaytapi[] = [];
afterAll(() => Promise.all(fakes.map((f) => f.close())));

const FIXTURE_PRODUCT = '5d3a2c1b-0f9e-4d8c-b7a6-1234567890ab';
const FIXTURE_PHONE = 40123;
const CUSTOMER = '919876543210';

let phoneCounter = 0;

/** A Maytapi phone of a new workspace, with a fake Maytapi of its own (it knows one product and phone). */
async function connect(opts: { webhookToken?: string | null } = {}) {
  const owner = await newWorkspace(app, 'Sunrise Realty');
  // Maytapi's phone ids are numbers (the fixtures carry them unquoted).
  const phoneId = `1${String(Date.now()).slice(-8)}${phoneCounter++}`;
  const productId = unique('prod-');
  const apiToken = `maytapi-${phoneId}`;
  const webhookToken = opts.webhookToken === null ? undefined : (opts.webhookToken ?? `hook-${phoneId}`);
  const fake = await startMaytapiApi({ productId, phoneId, apiToken });
  fakes.push(fake);
  const res = await app.inject({
    method: 'POST',
    url: '/api/channels',
    headers: owner.auth,
    payload: {
      kind: 'maytapi',
      name: 'WhatsApp (Maytapi)',
      account_id: phoneId,
      settings: { apiUrl: fake.url, productId },
      secrets: { apiToken, ...(webhookToken ? { webhookToken } : {}) },
    },
  });
  expect(res.statusCode).toBe(201);
  expect(res.body).not.toContain(apiToken);
  if (webhookToken) expect(res.body).not.toContain(webhookToken);
  return { owner, phoneId, productId, apiToken, webhookToken, fake, channelId: res.json().id as string };
}

type Channel = Awaited<ReturnType<typeof connect>>;

/** A recorded fixture for this phone and product, with timestamps of "now" (seconds). */
function mtFixture(name: string, ch: Pick<Channel, 'phoneId' | 'productId'>, now = Date.now()): string {
  const seconds = Math.floor(now / 1000);
  return fixtureText('maytapi', name)
    .replaceAll(`"phone_id":${FIXTURE_PHONE}`, `"phone_id":${ch.phoneId}`)
    .replaceAll(`"phoneId":${FIXTURE_PHONE}`, `"phoneId":${ch.phoneId}`)
    .replaceAll(`/${FIXTURE_PHONE}/`, `/${ch.phoneId}/`)
    .replaceAll(FIXTURE_PRODUCT, ch.productId)
    .replace(/"(timestamp|time)":\d+/g, (_m, key: string) => `"${key}":${seconds}`);
}

function mtText(
  ch: Pick<Channel, 'phoneId' | 'productId'>,
  from: string,
  text: string,
  opts: { now?: number; name?: string } = {},
): string {
  const body = JSON.parse(mtFixture('text.json', ch, opts.now));
  const id = `false_${from}@c.us_3EB0${unique().toUpperCase()}`;
  Object.assign(body.message, { id, _serialized: id, text });
  body.user = { id: `${from}@c.us`, name: opts.name ?? 'Test Customer', phone: from };
  body.conversation = `${from}@c.us`;
  return JSON.stringify(body);
}

/** Maytapi's ack webhook for one of our sends, through these stages. */
function mtAcks(
  ch: Pick<Channel, 'phoneId' | 'productId'>,
  msgId: string,
  stages: { ackType: string; ackCode: number }[],
): string {
  const body = JSON.parse(mtFixture('ack.json', ch));
  const [first] = body.data;
  body.data = stages.map((s) => ({ ...first, ...s, msgId, chatId: `${CUSTOMER}@c.us`, rxid: msgId.split('_').at(-1) }));
  return JSON.stringify(body);
}

const post = (body: string, token?: string | null) =>
  app.inject({
    method: 'POST',
    url: token ? `/webhook?token=${encodeURIComponent(token)}` : '/webhook',
    headers: { 'content-type': 'application/json' },
    payload: body,
  });

const rowsOf = async (channelId: string) =>
  deps.db.select().from(messages).where(eq(messages.channelId, channelId)).orderBy(messages.createdAt, messages.id);
const messageRow = async (id: string) => (await deps.db.select().from(messages).where(eq(messages.id, id)))[0];
const sends = (ch: Channel) =>
  ch.fake.requests.filter((r) => r.path === `/api/${ch.productId}/${ch.phoneId}/sendMessage`);

async function welcomed(ch: Channel, from = CUSTOMER) {
  expect((await post(mtText(ch, from, 'hello'), ch.webhookToken)).statusCode).toBe(200);
  await drainJobs(deps);
  const out = (await rowsOf(ch.channelId)).filter((m) => m.direction === 'out');
  expect(out.at(-1)).toMatchObject({ status: 'sent', purpose: 'welcome' });
  return out.at(-1)!;
}

async function queueText(channelId: string, text: string) {
  const [conv] = await deps.db
    .select()
    .from(conversations)
    .where(and(eq(conversations.channelId, channelId), eq(conversations.externalId, `+${CUSTOMER}`)));
  return queueNotification(deps, conv, text);
}

describe('Maytapi webhook', () => {
  it('refuses a missing or wrong ?token= with 401 and stores nothing', async () => {
    const ch = await connect();
    const body = mtFixture('text.json', ch);
    expect((await post(body)).statusCode).toBe(401);
    expect((await post(body, 'not-the-token')).statusCode).toBe(401);
    expect((await post(body, `${ch.webhookToken}x`)).statusCode).toBe(401);
    const other = await app.inject({
      method: 'POST',
      url: '/webhook',
      headers: { 'content-type': 'application/json', 'x-token': ch.webhookToken! },
      payload: body,
    });
    expect(other.statusCode).toBe(401);
    expect(await rowsOf(ch.channelId)).toHaveLength(0);
    await drainJobs(deps);
    expect(sends(ch)).toHaveLength(0);

    const ok = await post(body, ch.webhookToken);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ stored: 1 });
  });

  it('needs no token when the channel has none', async () => {
    const ch = await connect({ webhookToken: null });
    expect((await post(mtFixture('text.json', ch))).json()).toMatchObject({ stored: 1 });
  });

  it('stores every message type once, even when delivered twice', async () => {
    const ch = await connect();
    const files = [
      'text.json',
      'image.json',
      'video.json',
      'audio.json',
      'ptt.json',
      'document.json',
      'location.json',
      'vcard.json',
      'sticker.json',
    ];
    for (const f of files) {
      const body = mtFixture(f, ch);
      expect((await post(body, ch.webhookToken)).json(), f).toMatchObject({ stored: 1 });
      expect((await post(body, ch.webhookToken)).json(), f).toMatchObject({ stored: 0, duplicates: 1 });
    }
    const rows = (await rowsOf(ch.channelId)).filter((m) => m.direction === 'in');
    expect(rows).toHaveLength(files.length);
    expect(rows.map((m) => m.type).sort()).toEqual(
      ['audio', 'audio', 'contacts', 'document', 'image', 'location', 'sticker', 'text', 'video'].sort(),
    );
    expect(rows.find((m) => m.type === 'document')).toMatchObject({
      text: 'मेरी सैलरी स्लिप 📄',
      payload: { media: { filename: 'Salary slip March.pdf', mimeType: 'application/pdf' } },
    });
    expect(rows.find((m) => m.type === 'location')?.payload).toMatchObject({
      location: { latitude: 12.9698, longitude: 77.75 },
    });
    expect(rows.find((m) => m.type === 'contacts')?.payload).toMatchObject({
      contacts: [{ name: 'Rahul Verma', phones: ['+91 98123 45678'] }],
    });
    const convs = await deps.db.select().from(conversations).where(eq(conversations.channelId, ch.channelId));
    expect(convs).toHaveLength(1);
    expect(convs[0]).toMatchObject({ channel: 'maytapi', contactPhone: `+${CUSTOMER}`, contactName: 'Priya Sharma' });

    await drainJobs(deps);
    await drainJobs(deps);
    const out = (await rowsOf(ch.channelId)).filter((m) => m.direction === 'out');
    expect(out.filter((m) => m.purpose === 'welcome')).toHaveLength(1);
    expect(new Set(out.map((m) => m.replyToId)).size).toBe(out.length);
    expect(out.every((m) => m.status === 'sent')).toBe(true);
    expect(sends(ch)).toHaveLength(out.length);
  });

  it('ignores our own messages (fromMe), groups, phone status and errors about unknown sends', async () => {
    const ch = await connect();
    for (const f of ['from_me.json', 'group.json', 'status_active.json', 'status_qr_screen.json', 'error.json']) {
      const res = await post(mtFixture(f, ch), ch.webhookToken);
      expect(res.statusCode, f).toBe(200);
      expect(res.json().stored, f).toBe(0);
    }
    await drainJobs(deps);
    expect(await rowsOf(ch.channelId)).toHaveLength(0);
    expect(sends(ch)).toHaveLength(0);
  });
});

describe('Maytapi replies', () => {
  it('sends the welcome with sendMessage, once', async () => {
    const ch = await connect();
    const body = mtFixture('text.json', ch);
    await post(body, ch.webhookToken);
    await post(body, ch.webhookToken);
    await drainJobs(deps);
    await drainJobs(deps);
    const out = (await rowsOf(ch.channelId)).filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ status: 'sent', purpose: 'welcome' });
    expect(out[0].text).toMatch(/^Hi Priya! Thanks for messaging Sunrise Realty/);
    const calls = sends(ch);
    expect(calls).toHaveLength(1);
    expect(calls[0].method).toBe('POST');
    expect(calls[0].headers['x-maytapi-key']).toBe(ch.apiToken);
    expect(calls[0].headers['content-type']).toMatch(/^application\/json/);
    expect(calls[0].body).toEqual({ to_number: CUSTOMER, type: 'text', message: out[0].text });
    expect(out[0].providerMessageId).toBe(`true_${CUSTOMER}@c.us_3EB00000000000000001`);
  });

  it('moves acks forward only and keeps the error of a failed send', async () => {
    const ch = await connect();
    const welcome = await welcomed(ch);
    const msgId = welcome.providerMessageId!;
    expect(
      (await post(mtAcks(ch, msgId, [{ ackType: 'delivered', ackCode: 1 }]), ch.webhookToken)).json(),
    ).toMatchObject({ statuses: 0 }); // already sent
    expect((await post(mtAcks(ch, msgId, [{ ackType: 'reached', ackCode: 2 }]), ch.webhookToken)).json()).toMatchObject(
      { statuses: 1 },
    );
    expect(await messageRow(welcome.id)).toMatchObject({ status: 'delivered' });
    await post(mtAcks(ch, msgId, [{ ackType: 'seen', ackCode: 3 }]), ch.webhookToken);
    const read = await messageRow(welcome.id);
    expect(read.status).toBe('read');
    expect(read.readAt).not.toBeNull();
    // Late and out-of-order acks, and an error after the read, change nothing.
    await post(
      mtAcks(ch, msgId, [
        { ackType: 'reached', ackCode: 2 },
        { ackType: 'delivered', ackCode: 1 },
      ]),
      ch.webhookToken,
    );
    const error = JSON.parse(mtFixture('error.json', ch));
    error.data.msgId = msgId;
    await post(JSON.stringify(error), ch.webhookToken);
    expect(await messageRow(welcome.id)).toMatchObject({ status: 'read', errorCode: null });

    const second = await queueText(ch.channelId, 'Here is the brochure');
    expect(second.status).toBe('sent');
    error.data.msgId = second.providerMessageId;
    expect((await post(JSON.stringify(error), ch.webhookToken)).json()).toMatchObject({ statuses: 1 });
    expect(await messageRow(second.id)).toMatchObject({
      status: 'failed',
      failReason: 'provider_error',
      errorCode: 'E_SEND',
      errorTitle: 'Message could not be sent: the number is not on WhatsApp',
    });
    // The recorded batch (delivered, reached, seen, played, deleted) for messages we never sent changes nothing.
    expect((await post(mtFixture('ack.json', ch), ch.webhookToken)).json()).toMatchObject({ statuses: 0 });
  });

  it('has no 24-hour window: an old conversation is still answered', async () => {
    const ch = await connect();
    await post(mtText(ch, CUSTOMER, 'hi', { now: Date.now() - 30 * 3600_000 }), ch.webhookToken);
    await drainJobs(deps);
    expect((await rowsOf(ch.channelId)).find((m) => m.direction === 'out')).toMatchObject({ status: 'sent' });
    expect(sends(ch)).toHaveLength(1);
  });

  it('retries a rate limit and a server error, then sends exactly once', { timeout: 45_000 }, async () => {
    const ch = await connect();
    await welcomed(ch);
    ch.fake.failNext(429);
    ch.fake.failNext(502, 'Bad Gateway');
    const first = await queueText(ch.channelId, 'Rate limited, then a bad gateway');
    expect(first).toMatchObject({ status: 'queued', attempts: 1, errorCode: 'http_429' });
    const row = await untilSettled(deps, first.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
    await drainJobs(deps);
    expect(
      sends(ch).filter((r) => (r.body as { message?: string }).message === 'Rate limited, then a bad gateway'),
    ).toHaveLength(3);
  });

  it('fails a permanent error with the provider code and never sends twice', async () => {
    const ch = await connect();
    await welcomed(ch);
    ch.fake.failNext(401, { success: false, message: 'Token is not valid. Please check your token from the console.' });
    const before = sends(ch).length;
    const row = await queueText(ch.channelId, 'Your quote is ready');
    expect(row).toMatchObject({ status: 'failed', failReason: 'provider_error', errorCode: 'http_401' });
    expect(row.errorTitle).toMatch(/Token is not valid/);
    // Maytapi also answers 200 with success: false.
    ch.fake.failNext(200, { success: false, message: 'Phone is not active' });
    const second = await queueText(ch.channelId, 'Second try');
    expect(second).toMatchObject({ status: 'failed', failReason: 'provider_error', errorCode: 'maytapi_error' });
    await drainJobs(deps);
    expect(sends(ch).length).toBe(before + 2);
  });
});
