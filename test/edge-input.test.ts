// Input that cannot be stored, at the edge: the API refuses it with a 400 naming the field; a
// provider's signed webhook is cleaned and stored (never a 503 the provider re-sends for days);
// JSON fields have size and depth limits; an empty PATCH is a no-op; a wrong phone is a 400.
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../src/channels/channel.ts';
import { channels, conversations, messages } from '../src/db/schema/index.ts';
import { ingestDelivery } from '../src/inbound/receive.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { connectWhatsApp, createTestApp, newWorkspace } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
const { app, deps } = await createTestApp();
const SECRET = 'edge-input-secret';
const owner = await newWorkspace(app, 'Edge Co');
const { phoneNumberId, channelId } = await connectWhatsApp(app, owner, { apiUrl: graph.url, appSecret: SECRET });

const webhook = (body: string) =>
  app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
    payload: body,
  });
const stored = async (wamid: string) =>
  (
    await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.channelId, channelId), eq(messages.providerMessageId, wamid)))
  )[0];

describe('provider webhooks', () => {
  it('store a text with a NUL byte and a lone surrogate, cleaned, and acknowledge it', async () => {
    const body = waText(phoneNumberId, '919870012121', 'hello\u0000 world \ud800!', {
      id: 'wamid.nul.1',
      name: 'Ra\u0000vi \udc00',
    });
    expect(body).toContain('\\u0000');
    const res = await webhook(body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ received: 1, stored: 1, rejected: 0 });
    const row = await stored('wamid.nul.1');
    expect(row.text).toBe('hello world \ufffd!');
    const [conv] = await deps.db.select().from(conversations).where(eq(conversations.id, row.conversationId));
    expect(conv.contactName).toBe('Ravi \ufffd');
    // Meta's retry of the same delivery is a duplicate, not a second row.
    expect((await webhook(body)).json()).toMatchObject({ stored: 0, duplicates: 1 });
  });

  it('store a message whose timestamp is 20 digits at the time it arrived', async () => {
    const body = waText(phoneNumberId, '919870012122', 'odd clock', { id: 'wamid.ts.1' }).replace(
      /"timestamp":"\d+"/,
      '"timestamp":"12345678901234567890"',
    );
    const res = await webhook(body);
    expect(res.statusCode).toBe(200);
    const row = await stored('wamid.ts.1');
    expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('refuse JSON nested 10,000 deep with 400', async () => {
    const body = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const res = await webhook(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/nested deeper/);
  });

  it('store the rest of a delivery when one event cannot be stored', async () => {
    const event = (id: string, accountId: string): InboundMessage => ({
      kind: 'message',
      channel: 'whatsapp',
      accountId,
      providerMessageId: id,
      from: { phone: '919870012123', name: 'Batch' },
      timestamp: new Date(),
      type: 'text',
      text: `text of ${id}`,
    });
    const [row] = await deps.db.select().from(channels).where(eq(channels.id, channelId));
    const logged: string[] = [];
    const log = { ...deps.log, error: (_: unknown, msg: string) => void logged.push(msg) } as never;
    const result = await ingestDelivery(
      { ...deps, log },
      {
        events: [event('wamid.batch.1', 'good'), event('wamid.batch.2', 'broken'), event('wamid.batch.3', 'good')],
        // The broken event's channel lookup throws, as any store error would: deterministic, not an outage.
        channelFor: (accountId: string) => {
          if (accountId === 'broken') throw new TypeError('cannot read this event');
          return row;
        },
      },
    );
    expect(result).toMatchObject({ rejected: 1 });
    expect(result.stored).toHaveLength(2);
    expect(await stored('wamid.batch.1')).toBeDefined();
    expect(await stored('wamid.batch.3')).toBeDefined();
    expect(logged).toEqual(['webhook event could not be stored']);
  });
});

describe('the API', () => {
  it('answers a NUL or a lone surrogate with 400 naming the field, also before login', async () => {
    const nul = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: 'a\u0000@example.com', password: 'x' },
    });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.fields).toHaveProperty('email');
    const lead = await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: { ...owner.auth, 'content-type': 'application/json' },
      payload: '{"company":"Acme","custom_fields":{"note":"bad \\ud800 half"}}',
    });
    expect(lead.statusCode).toBe(400);
    expect(lead.json().error.fields).toHaveProperty(['custom_fields.note']);
    const query = await app.inject({ method: 'GET', url: '/api/leads?search=a%00b', headers: owner.auth });
    expect(query.statusCode).toBe(400);
    expect(query.json().error.fields).toHaveProperty('search');
  });

  it('limits custom_fields and settings in size and depth', async () => {
    const post = (payload: object | string, url = '/api/leads', method: 'POST' | 'PATCH' = 'POST') =>
      app.inject({
        method,
        url,
        headers: { ...owner.auth, ...(typeof payload === 'string' ? { 'content-type': 'application/json' } : {}) },
        payload,
      });
    const big = await post({ company: 'Big', custom_fields: { blob: 'x'.repeat(4_500_000) } });
    expect(big.statusCode).toBe(400);
    expect(big.json().error.fields.custom_fields).toMatch(/KB/);
    const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    expect((await post(`{"company":"Deep","custom_fields":${deep(10)}}`)).json().error.fields.custom_fields).toMatch(
      /nested/,
    );
    expect((await post(`{"company":"Deeper","custom_fields":${deep(10_000)}}`)).statusCode).toBe(400);
    expect((await post(`{"settings":${deep(20)}}`, '/api/workspace', 'PATCH')).statusCode).toBe(400);
    const fine = await post({ company: 'Fine', custom_fields: { plan: 'gold', seats: 12, tags: ['a', 'b'] } });
    expect(fine.statusCode).toBe(201);
    expect(fine.json().custom_fields).toEqual({ plan: 'gold', seats: 12, tags: ['a', 'b'] });
  });

  it('treats an empty PATCH as a no-op', async () => {
    const before = (await app.inject({ method: 'GET', url: '/api/workspace', headers: owner.auth })).json();
    const ws = await app.inject({ method: 'PATCH', url: '/api/workspace', headers: owner.auth, payload: {} });
    expect(ws.statusCode).toBe(200);
    expect(ws.json()).toEqual(before);
    const ch = await app.inject({
      method: 'PATCH',
      url: `/api/channels/${channelId}`,
      headers: owner.auth,
      payload: {},
    });
    expect(ch.statusCode).toBe(200);
    expect(ch.json().id).toBe(channelId);
  });

  it('answers a phone that is not one with 400', async () => {
    const lead = await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: owner.auth,
      payload: { phone: '12ab' },
    });
    expect(lead.statusCode).toBe(400);
    expect(lead.json().error.fields).toHaveProperty('phone');
    const ctx = await app.inject({ method: 'GET', url: '/api/customer-context/abc', headers: owner.auth });
    expect(ctx.statusCode).toBe(400);
    expect(ctx.json().error.fields).toHaveProperty('phone');
    for (const ok of ['919811122233', '+919811122233', '+91 98111 22233', 'IN.1648738043044942'])
      expect(
        (
          await app.inject({
            method: 'GET',
            url: `/api/customer-context/${encodeURIComponent(ok)}`,
            headers: owner.auth,
          })
        ).statusCode,
        ok,
      ).toBe(200);
    const sim = await app.inject({
      method: 'POST',
      url: '/api/simulator/messages',
      headers: owner.auth,
      payload: { from: 'abc', text: 'hi' },
    });
    expect(sim.statusCode).toBe(400);
  });
});
