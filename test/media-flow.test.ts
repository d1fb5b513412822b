// Opening a customer's file end to end: a signed provider webhook stores the message, then
// GET /api/messages/{id}/media fetches the bytes from the fake provider (WhatsApp: media id →
// URL → bytes with the Bearer token; Twilio: basic auth, then a redirect to the signed CDN link).
import { createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { MEDIA_MAX_BYTES } from '../src/channels/channel.ts';
import { conversations, messages } from '../src/db/schema/index.ts';
import { graphErrors, startFakeGraphApi } from './fakes/graph-api.ts';
import { FAKE_TWILIO, startTwilioApi } from './fakes/twilio-api.ts';
import {
  addMember,
  connectWhatsApp as connectChannel,
  createTestApp,
  drainJobs,
  newWorkspace,
  type Session,
} from './helpers/app.ts';
import { fixtureText, metaSignature, waFixture, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
const twilio = await startTwilioApi();
afterAll(async () => {
  await graph.close();
  await twilio.close();
});
const { app, deps } = await createTestApp({ LOG_LEVEL: 'silent' });

const SECRET = 'wa-app-secret';
const TOKEN = 'EAAG-media-test-token';
const IMAGE_ID = '1479537139650973'; // the media id in wa_image.json
const DOCUMENT_ID = '1003383421387256'; // and in wa_document.json
const photo = Buffer.from('\xff\xd8\xff\xe0\x00\x10JFIF floor plan, east facing \x00\x01\x02\xff\xd9', 'latin1');

async function connectWhatsApp() {
  const owner = await newWorkspace(app, 'Sunrise Realty');
  return {
    owner,
    ...(await connectChannel(app, owner, { apiUrl: `${graph.url}/v26.0`, appSecret: SECRET, accessToken: TOKEN })),
  };
}

async function receiveWhatsApp(body: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
    payload: body,
  });
  expect(res.statusCode).toBe(200);
}

async function inboundOf(channelId: string, type: string) {
  const [row] = await deps.db
    .select()
    .from(messages)
    .where(and(eq(messages.channelId, channelId), eq(messages.direction, 'in'), eq(messages.type, type)));
  expect(row, `an inbound ${type} message`).toBeDefined();
  return row;
}

const openMedia = (id: string, who: Session | null) =>
  app.inject({ method: 'GET', url: `/api/messages/${id}/media`, headers: who ? who.auth : {} });

describe('GET /api/messages/{id}/media — WhatsApp', () => {
  it('streams the exact bytes and type the Graph API serves, fetched with the channel’s Bearer token', async () => {
    const { owner, phoneNumberId, channelId } = await connectWhatsApp();
    graph.addMedia({ id: IMAGE_ID, bytes: photo, mimeType: 'image/jpeg' });
    await receiveWhatsApp(waFixture('wa_image.json', phoneNumberId));
    const message = await inboundOf(channelId, 'image');

    const before = graph.requests.length;
    const res = await openMedia(message.id, owner);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(photo)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'content-length': String(photo.length),
      'content-disposition': 'inline',
      'cache-control': 'private',
      'x-content-type-options': 'nosniff',
    });
    const calls = graph.requests.slice(before);
    expect(calls.map((r) => r.path)).toEqual([`/v26.0/${IMAGE_ID}`, '/whatsapp_business/attachments/']);
    for (const call of calls) expect(call.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('names a document after the file the customer sent', async () => {
    const { owner, phoneNumberId, channelId } = await connectWhatsApp();
    const pdf = Buffer.from('%PDF-1.7\nsalary slip\n%%EOF');
    graph.addMedia({ id: DOCUMENT_ID, bytes: pdf, mimeType: 'application/pdf' });
    await receiveWhatsApp(waFixture('wa_document.json', phoneNumberId));
    const res = await openMedia((await inboundOf(channelId, 'document')).id, owner);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(pdf)).toBe(true);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `inline; filename="salary-slip-oct.pdf"; filename*=UTF-8''salary-slip-oct.pdf`,
    );
  });

  it('answers 404 with the reason for a text message, and 401 without a session', async () => {
    const { owner, phoneNumberId, channelId } = await connectWhatsApp();
    await receiveWhatsApp(waText(phoneNumberId, '919876543210', 'Is the east-facing flat still available?'));
    const text = await inboundOf(channelId, 'text');
    const res = await openMedia(text.id, owner);
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({ code: 'not_found', message: 'This text message has no file to open' });
    expect((await openMedia(text.id, null)).statusCode).toBe(401);
    expect((await openMedia('not-a-uuid', owner)).statusCode).toBe(400);
  });

  it('answers 404 to another workspace and to an agent who cannot see the conversation, without asking Meta', async () => {
    const { owner, phoneNumberId, channelId } = await connectWhatsApp();
    graph.addMedia({ id: IMAGE_ID, bytes: photo, mimeType: 'image/jpeg' });
    await receiveWhatsApp(waFixture('wa_image.json', phoneNumberId));
    await drainJobs(deps); // the customer becomes a lead
    const message = await inboundOf(channelId, 'image');
    const [conv] = await deps.db.select().from(conversations).where(eq(conversations.id, message.conversationId));
    expect(conv.leadId).toBeTruthy();
    const amit = await addMember(app, owner, 'agent', 'Amit Verma');
    const neha = await addMember(app, owner, 'agent', 'Neha Rao');
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/leads/${conv.leadId}/assign`,
          headers: owner.auth,
          payload: { assignee_id: amit.userId },
        })
      ).statusCode,
    ).toBe(200);

    const before = graph.requests.length;
    const stranger = await newWorkspace(app, 'Other Realty');
    for (const who of [stranger, neha]) {
      const res = await openMedia(message.id, who);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.message).toBe('Message not found');
    }
    expect(graph.requests.slice(before).filter((r) => r.method === 'GET')).toHaveLength(0);

    const mine = await openMedia(message.id, amit);
    expect(mine.statusCode).toBe(200);
    expect(mine.rawPayload.equals(photo)).toBe(true);
  });

  it('answers 502 with Meta’s reason when the token has expired, never the token', async () => {
    const { owner, phoneNumberId, channelId } = await connectWhatsApp();
    graph.addMedia({ id: IMAGE_ID, bytes: photo, mimeType: 'image/jpeg' });
    await receiveWhatsApp(waFixture('wa_image.json', phoneNumberId));
    const message = await inboundOf(channelId, 'image');

    graph.failNext(401, graphErrors.expiredToken());
    const expired = await openMedia(message.id, owner);
    expect(expired.statusCode).toBe(502);
    expect(expired.json().error.code).toBe('provider_error');
    expect(expired.json().error.message).toMatch(
      /^Could not fetch the file: WhatsApp API error 401 #190\/463: Error validating access token: Session has expired/,
    );
    expect(expired.body).not.toContain(TOKEN);

    graph.failNext(401, graphErrors.invalidToken());
    const invalid = await openMedia(message.id, owner);
    expect(invalid.statusCode).toBe(502);
    expect(invalid.body).not.toContain(TOKEN);
  });

  it('answers 413 for a file over 100 MB, without downloading it', async () => {
    const { owner, phoneNumberId, channelId } = await connectWhatsApp();
    graph.addMedia({ id: IMAGE_ID, bytes: photo, mimeType: 'video/mp4', fileSize: MEDIA_MAX_BYTES + 1 });
    await receiveWhatsApp(waFixture('wa_image.json', phoneNumberId));
    const before = graph.requests.length;
    const res = await openMedia((await inboundOf(channelId, 'image')).id, owner);
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'too_large', message: expect.stringMatching(/up to 100 MB/) });
    expect(graph.requests.slice(before).map((r) => r.path)).toEqual([`/v26.0/${IMAGE_ID}`]);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    const op = doc.paths['/api/messages/{id}/media'].get;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '404', '413', '502']));
    expect(op.responses['200'].content['application/octet-stream'].schema).toMatchObject({
      type: 'string',
      format: 'binary',
    });
  });
});

describe('GET /api/messages/{id}/media — Twilio', () => {
  const CHANNEL_URL = 'https://sunrise.parley.example/webhooks/twilio';
  const sign = (body: string) => {
    const params = [...new URLSearchParams(body)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return createHmac('sha1', FAKE_TWILIO.authToken)
      .update(CHANNEL_URL + params.map(([k, v]) => k + v).join(''), 'utf8')
      .digest('base64');
  };

  it('fetches MediaUrl with basic auth and follows Twilio’s redirect without it; a wrong token gives 502 without the token', async () => {
    const owner = await newWorkspace(app, 'Sunrise Realty');
    const number = `+14155${String(Date.now() % 1_000_000).padStart(6, '0')}`;
    const channel = await app.inject({
      method: 'POST',
      url: '/api/channels',
      headers: owner.auth,
      payload: {
        kind: 'twilio',
        name: 'WhatsApp (Twilio)',
        account_id: `whatsapp:${number}`,
        settings: {
          accountSid: FAKE_TWILIO.accountSid,
          apiUrl: twilio.url,
          whatsappFrom: `whatsapp:${number}`,
          webhookUrl: CHANNEL_URL,
        },
        secrets: { authToken: FAKE_TWILIO.authToken },
      },
    });
    expect(channel.statusCode).toBe(201);
    const channelId = channel.json().id as string;
    twilio.addMedia({ bytes: photo, contentType: 'image/jpeg' });
    const body = fixtureText('twilio', 'media_image.txt')
      .trim()
      .replaceAll(encodeURIComponent('+14155238886'), encodeURIComponent(number));
    const hook = await app.inject({
      method: 'POST',
      url: '/webhooks/twilio',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        host: 'sunrise.parley.example',
        'x-twilio-signature': sign(body),
      },
      payload: body,
    });
    expect(hook.statusCode).toBe(200);
    const message = await inboundOf(channelId, 'image');

    const before = twilio.requests.length;
    const res = await openMedia(message.id, owner);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(photo)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'content-length': String(photo.length),
      'cache-control': 'private',
    });
    const [api, cdn] = twilio.requests.slice(before);
    expect(api.path).toBe(
      `/2010-04-01/Accounts/${FAKE_TWILIO.accountSid}/Messages/MM78805a221a988e79ef3f42d7c5bfd418/Media/ME78805a221a988e79ef3f42d7c5bfd418`,
    );
    expect(api.headers.authorization).toBe(
      `Basic ${Buffer.from(`${FAKE_TWILIO.accountSid}:${FAKE_TWILIO.authToken}`).toString('base64')}`,
    );
    expect(cdn.path).toMatch(/^\/mms\.twiliocdn\.com\//);
    expect(cdn.headers.authorization).toBeUndefined();

    // The auth token was rotated at Twilio but not here.
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/channels/${channelId}`,
          headers: owner.auth,
          payload: { secrets: { authToken: 'stale-auth-token' } },
        })
      ).statusCode,
    ).toBe(200);
    const stale = await openMedia(message.id, owner);
    expect(stale.statusCode).toBe(502);
    expect(stale.json().error.message).toBe('Could not fetch the file: Twilio error 20003 (HTTP 401): Authenticate');
    expect(stale.body).not.toContain('stale-auth-token');
  });
});
