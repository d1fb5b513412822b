// The address checked is the address connected to: a name server that answers a public address to a
// check and a loopback one to the connection (DNS rebinding) reaches nothing. Everything listens on
// 127.0.0.1; the "internal service" is a server there that must never see a request.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { guardedFetch, pinnedFetch } from './url-guard-fetch.ts';
import { pinnedLookup, UrlRefused, type LookupFunction } from './url-guard.ts';

const PUBLIC = '93.184.215.14';
const seen: { method: string; url: string; body: string; headers: IncomingMessage['headers'] }[] = [];
const internal: Server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      return res.end();
    }
    if (req.url === '/gzip') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      return res.end(gzipSync('inflated as fetch does'));
    }
    if (req.url === '/hang') return; // never answers
    res.writeHead(200, { 'content-type': 'application/json', 'x-secret': 'internal' });
    res.end(JSON.stringify({ secret: 'internal answer', echo: body }));
  });
});
await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
const port = (internal.address() as AddressInfo).port;
afterAll(() => {
  internal.closeAllConnections();
  return new Promise<void>((r) => internal.close(() => r()));
});
beforeEach(() => {
  seen.length = 0;
});

/** A name server under an attacker's control: a public address first, loopback after. */
function rebinding() {
  const calls: string[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    calls.push(hostname);
    const address = calls.length === 1 ? PUBLIC : '127.0.0.1';
    setImmediate(() => (options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4)));
  };
  return { lookup, calls };
}

describe('pinnedLookup', () => {
  it('resolves once per connection and hands the socket exactly the address it checked', async () => {
    const { lookup, calls } = rebinding();
    const pinned = pinnedLookup(lookup);
    const first = await new Promise<unknown>((resolve, reject) =>
      pinned('rebind.example', { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
    );
    expect(first).toEqual([{ address: PUBLIC, family: 4 }]);
    expect(calls).toEqual(['rebind.example']);
    // The second answer (loopback) is refused where it would be connected to.
    const second = await new Promise<unknown>((resolve) => pinned('rebind.example', {}, (err) => resolve(err)));
    expect(second).toBeInstanceOf(UrlRefused);
    expect((second as UrlRefused).code).toBe('private_address');
    expect(calls).toHaveLength(2);
  });

  it('refuses a name when any of its addresses is internal', async () => {
    const mixed: LookupFunction = (_h, _o, cb) =>
      cb(null, [
        { address: PUBLIC, family: 4 },
        { address: '::ffff:127.0.0.1', family: 6 },
      ]);
    const err = await new Promise<unknown>((resolve) => pinnedLookup(mixed)('mixed.example', { all: true }, resolve));
    expect(err).toBeInstanceOf(UrlRefused);
  });
});

describe('guardedFetch over the platform fetch', () => {
  it('connects to the address it checked: a check that saw a public address does not let the connection reach loopback', async () => {
    // The check's resolver says "public"; the name really resolves to 127.0.0.1 (localhost). A guard
    // that checks and then connects with a second lookup sends this request to the internal server.
    const f = guardedFetch(globalThis.fetch, { resolve: async () => [PUBLIC] });
    const err = await f(`http://localhost:${port}/v26.0/123/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: '919876543210' }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UrlRefused);
    expect((err as UrlRefused).code).toBe('private_address');
    expect(seen).toHaveLength(0);
  });

  it('a rebinding name server gets one question per connection, and its loopback answer reaches nothing', async () => {
    const { lookup, calls } = rebinding();
    calls.push('(the check a separate lookup would have made)'); // so the connection's answer is loopback
    const f = guardedFetch(globalThis.fetch, { lookup });
    const err = await f(`http://rebind.example:${port}/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UrlRefused);
    expect(calls).toEqual(['(the check a separate lookup would have made)', 'rebind.example']);
    expect(seen).toHaveLength(0);
  });

  it('refuses address literals before connecting, in any notation', async () => {
    const f = guardedFetch(globalThis.fetch, {});
    for (const url of [`http://127.0.0.1:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, `http://2130706433:${port}/`])
      await expect(f(url)).rejects.toBeInstanceOf(UrlRefused);
    expect(seen).toHaveLength(0);
  });
});

describe('pinnedFetch behaves as fetch (an allowed host, the same code path but the lookup)', () => {
  const f = pinnedFetch({ allow: [`127.0.0.1:${port}`] });
  const base = `http://127.0.0.1:${port}`;

  it('sends method, headers and body; answers status, headers and a JSON body', async () => {
    const res = await f(`${base}/v26.0/123/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer EAAG-test', 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-secret')).toBe('internal');
    expect(await res.json()).toEqual({ secret: 'internal answer', echo: '{"hello":"world"}' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v26.0/123/messages' });
    expect(seen[0].headers.authorization).toBe('Bearer EAAG-test');
    const form = await f(`${base}/form`, {
      method: 'POST',
      body: new URLSearchParams({ To: 'whatsapp:+1', Body: 'hi' }),
    });
    expect(await form.json()).toMatchObject({ echo: 'To=whatsapp%3A%2B1&Body=hi' });
    expect(seen[1].headers['content-type']).toMatch(/x-www-form-urlencoded/);
  });

  it('decodes gzip, hands redirects back unfollowed, and fails as fetch fails', async () => {
    expect(await (await f(`${base}/gzip`)).text()).toBe('inflated as fetch does');
    const redirect = await f(`${base}/redirect`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toMatch(/169\.254/);
    expect(seen.map((s) => s.url)).toEqual(['/gzip', '/redirect']);

    const timedOut = await f(`${base}/hang`, { signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect((timedOut as Error).name).toBe('TimeoutError');

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await pinnedFetch({ allow: ['127.0.0.1'] })(`http://127.0.0.1:${closedPort}/`).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });
});
