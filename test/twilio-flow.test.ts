// Twilio WhatsApp end to end: form-encoded, X-Twilio-Signature-signed webhooks through
// /webhooks/twilio, ingest, routing, the outbox and a fake Twilio REST API on 127.0.0.1.
import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../src/db/schema/index.ts';
import { FAKE_TWILIO, startTwilioApi, TWILIO_ERRORS } from './fakes/twilio-api.ts';
import { createTestApp, drainJobs, newWorkspace, queueNotification, unique, untilSettled } from './helpers/app.ts';
import { fixtureText } from './helpers/webhooks.ts';

const twilio = await startTwilioApi();
afterAll(() => twilio.close());
const WEBHOOK_URL = 'https://parley.example/webhooks/twilio';
/** The public URL a fully configured channel names in its settings (it wins over TWILIO_WEBHOOK_URL). */
const CHANNEL_URL = 'https://sunrise.parley.example/webhooks/twilio';
// Numbers connected with only their account sid use the deployment's API and webhook URLs.
const { app, deps } = await createTestApp({
  LOG_LEVEL: 'error',
  TWILIO_API_URL: twilio.url,
  TWILIO_WEBHOOK_URL: WEBHOOK_URL,
});
const FIXTURE_NUMBER = '+14155238886';
const FIXTURE_STATUS_SID = 'SMf8029b8e127fef32b7e0e4be4cae16ff';
const CUSTOMER = '+919876543210';

let numberCounter = 0;
/** A valid US number of our own per test ("+1 415 5xx xxxx"). */
const newNumber = () => `+14155${String((Date.now() + numberCounter++ * 7) % 1_000_000).padStart(6, '0')}`;

async function connect(settings: Record<string, unknown> = {}, opts: { minimal?: boolean } = {}) {
  const owner = await newWorkspace(app, 'Sunrise Realty');
  const number = newNumber();
  const full = { apiUrl: twilio.url, whatsappFrom: `whatsapp:${number}`, webhookUrl: CHANNEL_URL };
  const res = await app.inject({
    method: 'POST',
    url: '/api/channels',
    headers: owner.auth,
    payload: {
      kind: 'twilio',
      name: 'WhatsApp (Twilio)',
      account_id: `whatsapp:${number}`,
      settings: { accountSid: FAKE_TWILIO.accountSid, ...(opts.minimal ? {} : full), ...settings },
      secrets: { authToken: FAKE_TWILIO.authToken },
    },
  });
  expect(res.statusCode).toBe(201);
  expect(res.body).not.toContain(FAKE_TWILIO.authToken);
  expect(res.json().account_id).toBe(number);
  return { owner, number, channelId: res.json().id as string };
}

/** A recorded fixture sent to (or, for status callbacks, from) this test's number. */
const twFixture = (name: string, number: string) =>
  fixtureText('twilio', name).trim().replaceAll(encodeURIComponent(FIXTURE_NUMBER), encodeURIComponent(number));

/** A status callback of the recorded kind for one of our sends. */
const twStatus = (name: string, number: string, sid: string) =>
  twFixture(name, number).replaceAll(FIXTURE_STATUS_SID, sid);

function twText(number: string, from: string, text: string): string {
  const sid = `SM${unique().padEnd(32, '0').slice(0, 32)}`;
  const form = new URLSearchParams(twFixture('text.txt', number));
  for (const k of ['SmsMessageSid', 'SmsSid', 'MessageSid']) form.set(k, sid);
  form.set('Body', text);
  form.set('From', `whatsapp:${from}`);
  form.set('WaId', from.slice(1));
  return form.toString();
}

/** X-Twilio-Signature: base64 HMAC-SHA1 of the URL and every parameter, sorted by name. */
function twilioSignature(body: string, url = CHANNEL_URL, token = FAKE_TWILIO.authToken): string {
  const params = [...new URLSearchParams(body)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha1', token)
    .update(url + params.map(([k, v]) => k + v).join(''), 'utf8')
    .digest('base64');
}

const post = (body: string, signature: string | null = twilioSignature(body)) =>
  app.inject({
    method: 'POST',
    url: '/webhooks/twilio',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      host: 'parley.example',
      ...(signature ? { 'x-twilio-signature': signature } : {}),
    },
    payload: body,
  });

const rowsOf = async (channelId: string) =>
  deps.db.select().from(messages).where(eq(messages.channelId, channelId)).orderBy(messages.createdAt, messages.id);
const messageRow = async (id: string) => (await deps.db.select().from(messages).where(eq(messages.id, id)))[0];
const sends = (number: string) => twilio.requests.filter((r) => r.body.From === `whatsapp:${number}`);

async function welcomed(number: string, channelId: string, from = CUSTOMER) {
  expect((await post(twText(number, from, 'hello'))).statusCode).toBe(200);
  await drainJobs(deps);
  const out = (await rowsOf(channelId)).filter((m) => m.direction === 'out');
  expect(out.at(-1)).toMatchObject({ status: 'sent', purpose: 'welcome' });
  return out.at(-1)!;
}

async function queueText(channelId: string, text: string) {
  const [conv] = await deps.db.select().from(conversations).where(eq(conversations.channelId, channelId));
  return queueNotification(deps, conv, text);
}

describe('Twilio webhook', () => {
  it('refuses a missing or wrong X-Twilio-Signature with 401 and stores nothing', async () => {
    const { number, channelId } = await connect();
    const body = twFixture('text.txt', number);
    expect((await post(body, null)).statusCode).toBe(401);
    expect((await post(body, twilioSignature(body, WEBHOOK_URL, 'not-the-token'))).statusCode).toBe(401);
    expect((await post(body, twilioSignature(body, 'https://evil.example/webhooks/twilio'))).statusCode).toBe(401);
    expect((await post(body, twilioSignature(body, WEBHOOK_URL))).statusCode).toBe(401); // the channel's own URL is the one signed
    expect((await post(body.replace('Whitefield', 'Koramangala'), twilioSignature(body))).statusCode).toBe(401);
    expect(
      (
        await post(
          body,
          twilioSignature(body, CHANNEL_URL, FAKE_TWILIO.authToken).replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
        )
      ).statusCode,
    ).toBe(401);
    expect(await rowsOf(channelId)).toHaveLength(0);
    await drainJobs(deps);
    expect(sends(number)).toHaveLength(0);

    const ok = await post(body);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/xml/);
    expect(ok.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  });

  it('stores every message type once, even when delivered twice', async () => {
    const { number, channelId } = await connect();
    const files = [
      'text.txt',
      'text_unicode.txt',
      'button_reply.txt',
      'interactive_reply.txt',
      'location.txt',
      'media_document.txt',
      'media_image.txt',
      'media_voice.txt',
    ];
    for (const f of files) {
      const body = twFixture(f, number);
      expect((await post(body)).statusCode, f).toBe(200);
      expect((await post(body)).statusCode, f).toBe(200);
    }
    const rows = (await rowsOf(channelId)).filter((m) => m.direction === 'in');
    expect(rows).toHaveLength(files.length);
    expect(rows.map((m) => m.type).sort()).toEqual(
      ['audio', 'button', 'document', 'image', 'interactive', 'location', 'text', 'text'].sort(),
    );
    expect(rows.find((m) => m.text?.startsWith('नमस्ते 🙏'))?.text).toBe(
      'नमस्ते 🙏 क्या कल साइट विज़िट हो सकती है? Price kitna hai?',
    );
    expect(rows.find((m) => m.type === 'button')?.payload).toMatchObject({
      reply: { id: 'book_visit', title: 'Book a site visit' },
      contextMessageId: 'SM2fc882de9a23ab654a12d7a9dc4c3945',
    });
    expect(rows.find((m) => m.type === 'location')?.payload).toMatchObject({
      location: { latitude: 12.9698, longitude: 77.75, name: 'Phoenix Marketcity' },
    });
    expect(rows.find((m) => m.type === 'image')).toMatchObject({
      text: 'Floor plan',
      payload: { media: { mimeType: 'image/jpeg', id: 'ME78805a221a988e79ef3f42d7c5bfd418' } },
    });
    const convs = await deps.db.select().from(conversations).where(eq(conversations.channelId, channelId));
    expect(convs).toHaveLength(1);
    expect(convs[0]).toMatchObject({ channel: 'twilio', contactPhone: CUSTOMER, contactName: 'Priya Sharma' });

    await drainJobs(deps);
    await drainJobs(deps);
    const out = (await rowsOf(channelId)).filter((m) => m.direction === 'out');
    expect(out.filter((m) => m.purpose === 'welcome')).toHaveLength(1);
    expect(new Set(out.map((m) => m.replyToId)).size).toBe(out.length);
    expect(out.every((m) => m.status === 'sent')).toBe(true);
    expect(sends(number)).toHaveLength(out.length);
  });

  it('checks a number connected with only its account sid against TWILIO_WEBHOOK_URL, and sends from that number', async () => {
    const { number, channelId } = await connect({}, { minimal: true });
    const body = twFixture('text.txt', number);
    expect((await post(body, twilioSignature(body, CHANNEL_URL))).statusCode).toBe(401);
    expect((await post(body, twilioSignature(body, WEBHOOK_URL))).statusCode).toBe(200);
    await drainJobs(deps);
    const out = (await rowsOf(channelId)).filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ status: 'sent', purpose: 'welcome' });
    expect(sends(number).map((r) => r.body)).toEqual([
      { From: `whatsapp:${number}`, To: `whatsapp:${CUSTOMER}`, Body: out[0].text },
    ]);
  });

  it('ignores deliveries for a number nobody connected', async () => {
    const { number } = await connect();
    const other = newNumber();
    const res = await post(twFixture('text.txt', other));
    // No channel knows the number and no environment account can check the signature.
    expect(res.statusCode).toBe(401);
    await drainJobs(deps);
    expect(sends(other)).toHaveLength(0);
    expect(sends(number)).toHaveLength(0);
  });
});

describe('Twilio replies', () => {
  it('sends the welcome through the Messages API with whatsapp: addresses, once', async () => {
    const { number, channelId } = await connect();
    const body = twFixture('text.txt', number);
    await post(body);
    await post(body);
    await drainJobs(deps);
    await drainJobs(deps);
    const out = (await rowsOf(channelId)).filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ status: 'sent', purpose: 'welcome' });
    expect(out[0].text).toMatch(/^Hi Priya! Thanks for messaging Sunrise Realty/);
    const calls = sends(number);
    expect(calls).toHaveLength(1);
    expect(calls[0].method).toBe('POST');
    expect(calls[0].path).toBe(`/2010-04-01/Accounts/${FAKE_TWILIO.accountSid}/Messages.json`);
    expect(calls[0].headers.authorization).toBe(
      `Basic ${Buffer.from(`${FAKE_TWILIO.accountSid}:${FAKE_TWILIO.authToken}`).toString('base64')}`,
    );
    expect(calls[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(calls[0].body).toEqual({ From: `whatsapp:${number}`, To: `whatsapp:${CUSTOMER}`, Body: out[0].text });
    expect(out[0].providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('moves status callbacks forward only and keeps the ErrorCode of a failure', async () => {
    const { number, channelId } = await connect();
    const welcome = await welcomed(number, channelId);
    const sid = welcome.providerMessageId!;
    expect((await post(twStatus('status_queued.txt', number, sid))).statusCode).toBe(200);
    expect((await post(twStatus('status_sent.txt', number, sid))).statusCode).toBe(200);
    expect(await messageRow(welcome.id)).toMatchObject({ status: 'sent' });
    await post(twStatus('status_delivered.txt', number, sid));
    expect(await messageRow(welcome.id)).toMatchObject({ status: 'delivered' });
    await post(twStatus('status_read.txt', number, sid));
    const read = await messageRow(welcome.id);
    expect(read.status).toBe('read');
    expect(read.readAt).not.toBeNull();
    // Late callbacks change nothing, not even a failure after the read.
    await post(twStatus('status_delivered.txt', number, sid));
    await post(twStatus('status_sent.txt', number, sid));
    await post(twStatus('status_undelivered.txt', number, sid));
    expect(await messageRow(welcome.id)).toMatchObject({ status: 'read', errorCode: null });

    const second = await queueText(channelId, 'Here is the brochure');
    expect(second.status).toBe('sent');
    // Twilio accepts a free-form message and reports the closed window (63016) in the callback.
    await post(twStatus('status_failed.txt', number, second.providerMessageId!));
    expect(await messageRow(second.id)).toMatchObject({
      status: 'failed',
      failReason: 'window_closed',
      errorCode: '63016',
    });
    const third = await queueText(channelId, 'And the floor plan');
    await post(twStatus('status_undelivered.txt', number, third.providerMessageId!));
    expect(await messageRow(third.id)).toMatchObject({
      status: 'failed',
      failReason: 'provider_error',
      errorCode: '63024',
    });
    // A status callback needs the signature too.
    const fourth = await queueText(channelId, 'Unsigned status');
    expect((await post(twStatus('status_read.txt', number, fourth.providerMessageId!), null)).statusCode).toBe(401);
    expect(await messageRow(fourth.id)).toMatchObject({ status: 'sent' });
  });

  it('retries a rate limit and a server error, then sends exactly once', { timeout: 45_000 }, async () => {
    const { number, channelId } = await connect();
    await welcomed(number, channelId);
    twilio.failNext(429, TWILIO_ERRORS.tooManyRequests);
    twilio.failNext(503, TWILIO_ERRORS.unavailable);
    const first = await queueText(channelId, 'Rate limited, then unavailable');
    expect(first).toMatchObject({ status: 'queued', attempts: 1, errorCode: '20429' });
    const row = await untilSettled(deps, first.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
    await drainJobs(deps);
    expect(sends(number).filter((r) => r.body.Body === 'Rate limited, then unavailable')).toHaveLength(3);
  });

  it('fails a permanent error with the provider code and never sends twice', async () => {
    const { number, channelId } = await connect();
    await welcomed(number, channelId);
    twilio.failNext(401, TWILIO_ERRORS.authenticate);
    const before = sends(number).length;
    const row = await queueText(channelId, 'Your quote is ready');
    expect(row).toMatchObject({ status: 'failed', failReason: 'provider_error', errorCode: '20003' });
    expect(row.errorTitle).toMatch(/Authenticate/);
    expect(row.errorTitle).not.toContain(FAKE_TWILIO.authToken);
    twilio.failNext(400, TWILIO_ERRORS.invalidTo);
    expect(await queueText(channelId, 'Second')).toMatchObject({ status: 'failed', errorCode: '21211' });
    await drainJobs(deps);
    expect(sends(number).length).toBe(before + 2);
  });

  it('handles a closed window: Twilio 63016 is not retried; known before sending it fails or uses a Content template', async () => {
    const a = await connect();
    await welcomed(a.number, a.channelId);
    twilio.failNext(400, TWILIO_ERRORS.windowClosed);
    const before = sends(a.number).length;
    const row = await queueText(a.channelId, 'Following up on your enquiry');
    expect(row).toMatchObject({ status: 'failed', failReason: 'window_closed', errorCode: '63016' });
    await drainJobs(deps);
    expect(sends(a.number).length).toBe(before + 1);

    // The customer last wrote 30 hours ago (Twilio's webhooks carry no time: move the clock back).
    const old = new Date(Date.now() - 30 * 3600_000);
    await deps.db.update(conversations).set({ lastInboundAt: old }).where(eq(conversations.channelId, a.channelId));
    const closed = await queueText(a.channelId, 'Are you still looking?');
    expect(closed).toMatchObject({ status: 'failed', failReason: 'window_closed' });
    expect(sends(a.number).length).toBe(before + 1);

    const contentSid = `HX${'b'.repeat(32)}`;
    const b = await connect({ template: contentSid });
    await welcomed(b.number, b.channelId);
    await deps.db.update(conversations).set({ lastInboundAt: old }).where(eq(conversations.channelId, b.channelId));
    const templated = await queueText(b.channelId, 'Are you still looking?');
    expect(templated.status).toBe('sent');
    expect(sends(b.number).at(-1)!.body).toEqual({
      From: `whatsapp:${b.number}`,
      To: `whatsapp:${CUSTOMER}`,
      ContentSid: contentSid,
      ContentVariables: JSON.stringify({ 1: 'Are you still looking?' }),
    });
  });
});
