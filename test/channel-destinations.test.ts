// A tenant cannot reach inside (issue 12): a channel's `settings.apiUrl` is the tenant's to set, so
// every call to it (replies, read receipts, media) passes the destination guard (lib/url-guard.ts)
// unless the operator allows the host (CHANNEL_ALLOW_PRIVATE_HOSTS, or a `*_API_URL` variable).
// Here nothing is allowed: the fake Graph API on 127.0.0.1 stands for an internal service.
import { and, eq } from 'drizzle-orm';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { messages } from '../src/db/schema/index.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { connectWhatsApp, createTestApp, drainJobs, newWorkspace } from './helpers/app.ts';
import { metaSignature, waFixture, waText } from './helpers/webhooks.ts';

const internal = await startFakeGraphApi();
afterAll(() => internal.close());
const { app, deps } = await createTestApp({ CHANNEL_ALLOW_PRIVATE_HOSTS: '' });
const SECRET = 'ssrf-app-secret';

const post = (body: string) =>
  app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
    payload: body,
  });
const outOf = (channelId: string) =>
  deps.db
    .select()
    .from(messages)
    .where(and(eq(messages.channelId, channelId), eq(messages.direction, 'out')));

describe('a tenant-set provider URL', () => {
  for (const [label, apiUrl] of [
    ['loopback', () => internal.url],
    [
      'a name that resolves to loopback (checked where it connects)',
      () => internal.url.replace('127.0.0.1', 'localhost'),
    ],
    ['198.18.0.0/15 (benchmarking)', () => 'http://198.18.0.7:8080/v26.0'],
    ['IPv4-compatible IPv6 ::a.b.c.d', () => 'http://[::127.0.0.1]:8080/v26.0'],
    ['IPv4-mapped IPv6', () => 'http://[::ffff:169.254.169.254]/latest'],
  ] as const) {
    it(`refuses replies to ${label}; nothing is sent and the reason names no internal answer`, async () => {
      const owner = await newWorkspace(app, 'Inside Job');
      const before = internal.requests.length;
      const { phoneNumberId, channelId } = await connectWhatsApp(app, owner, { appSecret: SECRET, apiUrl: apiUrl() });
      await post(waText(phoneNumberId, '919876599001', 'hi'));
      await drainJobs(deps);
      const out = await outOf(channelId);
      expect(out.length).toBeGreaterThan(0);
      for (const row of out)
        expect(row).toMatchObject({ status: 'failed', failReason: 'provider_error', errorCode: 'destination_refused' });
      expect(out[0].errorTitle).toMatch(/private network/);
      expect(internal.requests.length).toBe(before);
    });
  }

  it('refuses the media proxy into an internal address (GET /api/messages/{id}/media)', async () => {
    const owner = await newWorkspace(app, 'Media Inside');
    const { phoneNumberId, channelId } = await connectWhatsApp(app, owner, { appSecret: SECRET, apiUrl: internal.url });
    internal.addMedia({ id: '1479537139650973', bytes: Buffer.from('secret internal bytes'), mimeType: 'image/jpeg' });
    await post(waFixture('wa_image.json', phoneNumberId));
    const [image] = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.channelId, channelId), eq(messages.type, 'image')));
    const before = internal.requests.length;
    const res = await app.inject({ method: 'GET', url: `/api/messages/${image.id}/media`, headers: owner.auth });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(600);
    expect(res.body).not.toContain('secret internal bytes');
    expect(res.body).toMatch(/private network/);
    expect(internal.requests.length).toBe(before);
  });

  it('production: a plain-http provider URL is refused even when public', async () => {
    const { channelFetch } = await import('../src/channel-accounts/config.ts');
    const f = channelFetch({ ...deps, config: { ...deps.config, NODE_ENV: 'production' } }, {
      fromEnv: false,
    } as never);
    await expect(f('http://graph.example.com/v26.0/1/messages', { method: 'POST' })).rejects.toMatchObject({
      name: 'UrlRefused',
      code: 'scheme',
    });
  });

  it('an operator-allowed host passes', async () => {
    const { channelFetch } = await import('../src/channel-accounts/config.ts');
    const host = new URL(internal.url).host;
    const f = channelFetch({ ...deps, config: { ...deps.config, CHANNEL_ALLOW_PRIVATE_HOSTS: host } }, {
      fromEnv: false,
    } as never);
    const res = await f(`${internal.url}/v26.0/123/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: '919876599002', type: 'text', text: { body: 'x' } }),
    });
    expect(res.status).toBe(200);
  });
});

describe('provider error texts', () => {
  it('come only from the provider’s JSON error body, never from another answer’s page', async () => {
    const page = '<html>internal admin console: db=10.0.0.5 status=degraded</html>';
    const server = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(page);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { twilioAdapter } = await import('../src/channels/twilio/adapter.ts');
      const { maytapiAdapter } = await import('../src/channels/maytapi/adapter.ts');
      const { whatsappAdapter } = await import('../src/channels/whatsapp/adapter.ts');
      const errors = [
        await twilioAdapter
          .send(
            {
              accountSid: 'AC0',
              authToken: 't',
              whatsappFrom: 'whatsapp:+14155238886',
              apiUrl: url,
              webhookUrl: 'https://x.example/webhooks/twilio',
            },
            { phone: '+919876543210' },
            { type: 'text', text: 'hi' },
          )
          .catch((e: Error) => e),
        await maytapiAdapter
          .send(
            { productId: 'p', phoneId: '1', apiToken: 't', apiUrl: url } as never,
            { phone: '919876543210' },
            { type: 'text', text: 'hi' },
          )
          .catch((e: Error) => e),
        await whatsappAdapter
          .send(
            { phoneNumberId: '1', accessToken: 't', appSecret: 's', verifyToken: 'v', apiUrl: url },
            { phone: '919876543210' },
            { type: 'text', text: 'hi' },
          )
          .catch((e: Error) => e),
      ];
      for (const err of errors) {
        expect(err).toBeInstanceOf(Error);
        expect((err as Error).message).not.toMatch(/admin console|10\.0\.0\.5|degraded/);
      }
    } finally {
      server.close();
    }
  });
});
