// Adding a channel is one folder and a registry line: this file is the folder. A small provider
// ("Chatter": JSON webhooks signed with a shared token, sends to its own HTTP API) is declared
// here, put in a registry of its own beside the built-in channels, and a customer's message goes
// webhook → ingest → route → customer bot → outbox → its API, with no other file changed.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { defineChannel, PayloadError, ProviderError, type InboundEvent } from '../src/channels/channel.ts';
import { createChannelRegistry, defaultChannels } from '../src/channels/registry.ts';
import { createTestApp, drainJobs, newWorkspace } from './helpers/app.ts';

type ChatterConfig = { accountId: string; token: string; apiUrl: string };

const ChatterWebhook = z.object({
  account: z.string().min(1),
  messages: z.array(z.object({ id: z.string(), from: z.string(), name: z.string().optional(), text: z.string() })),
});

const chatterAdapter = defineChannel<ChatterConfig>({
  kind: 'chatter',
  label: 'Chatter',
  surfaces: { chatter: { label: 'Chatter conversation', leadSource: 'chatter', textLimit: 500, markRead: false } },
  reachesPhones: true,
  account: {
    fromEnv: () => null,
    config: ({ accountId, settings, secrets }) =>
      ({ accountId, apiUrl: settings.apiUrl, token: secrets.token }) as ChatterConfig,
    secretKeys: ['token'],
    settings: z.looseObject({ apiUrl: z.url() }),
    secrets: z.looseObject({ token: z.string().min(8) }),
  },
  webhook: { path: '/webhooks/chatter' },
  verify: (req, config) => req.headers['x-chatter-token'] === config.token,
  parse(body): InboundEvent[] {
    const w = ChatterWebhook.safeParse(body);
    if (!w.success) throw new PayloadError('Not a Chatter webhook');
    return w.data.messages.map((m) => ({
      kind: 'message',
      channel: 'chatter',
      accountId: w.data.account,
      providerMessageId: m.id,
      from: { phone: m.from, name: m.name },
      timestamp: new Date(),
      type: 'text',
      text: m.text,
    }));
  },
  async send(config, to, payload, fetchImpl = fetch) {
    if (payload.type === 'mark_read') return { providerMessageId: null };
    if (payload.type !== 'text') throw new ProviderError('Chatter sends text only', { retryable: false });
    const res = await fetchImpl(`${config.apiUrl}/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: config.accountId, to: to.phone, text: payload.text }),
    });
    if (!res.ok) throw new ProviderError(`Chatter answered ${res.status}`, { retryable: res.status >= 500 });
    return { providerMessageId: ((await res.json()) as { id: string }).id };
  },
});

// Chatter's API, on 127.0.0.1.
const sent: { auth: string | undefined; body: { from: string; to: string; text: string } }[] = [];
const api = createServer(async (req: IncomingMessage, res) => {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  sent.push({ auth: req.headers.authorization, body: JSON.parse(raw) });
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `ch-${sent.length}` }));
});
await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
afterAll(() => new Promise<void>((r) => api.close(() => r())));

const channels = createChannelRegistry([...defaultChannels.all, chatterAdapter]);
const { app, deps } = await createTestApp({}, { channels });

describe('a channel added in one folder', () => {
  it('is connected through the API and answers a customer through webhook → reply', async () => {
    const owner = await newWorkspace(app, 'Chatter Shop');
    const account = `acct-${Date.now()}`;
    const bad = await app.inject({
      method: 'POST',
      url: '/api/channels',
      headers: owner.auth,
      payload: { kind: 'chatter', name: 'Chatter', account_id: account, settings: { apiUrl: 'not a url' } },
    });
    expect(bad.statusCode).toBe(400); // the adapter's own settings schema
    const connected = await app.inject({
      method: 'POST',
      url: '/api/channels',
      headers: owner.auth,
      payload: {
        kind: 'chatter',
        name: 'Chatter',
        account_id: account,
        settings: { apiUrl },
        secrets: { token: 'chatter-secret' },
      },
    });
    expect(connected.statusCode, connected.body).toBe(201);

    const delivery = { account, messages: [{ id: 'c1', from: '+919812300001', name: 'Meera', text: 'Hello there' }] };
    const unsigned = await app.inject({ method: 'POST', url: '/webhooks/chatter', payload: delivery });
    expect(unsigned.statusCode).toBe(401);
    const hook = await app.inject({
      method: 'POST',
      url: '/webhooks/chatter',
      headers: { 'x-chatter-token': 'chatter-secret' },
      payload: delivery,
    });
    expect(hook.statusCode, hook.body).toBe(200);
    expect(hook.json()).toMatchObject({ received: 1, stored: 1 });
    await drainJobs(deps);

    // The welcome went out through Chatter's API, with the account's token, to the customer.
    expect(sent).toHaveLength(1);
    expect(sent[0].auth).toBe('Bearer chatter-secret');
    expect(sent[0].body).toMatchObject({ from: account, to: '+919812300001' });
    expect(sent[0].body.text).toMatch(/^Hi Meera! Thanks for messaging Chatter Shop/);

    // The lead was captured with the surface's lead source.
    const leads = (await app.inject({ method: 'GET', url: '/api/leads', headers: owner.auth })).json().data;
    expect(leads).toEqual([
      expect.objectContaining({ contact_name: 'Meera', phone: '+919812300001', source: 'chatter' }),
    ]);
  });
});
