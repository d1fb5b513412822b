// GET /metrics holds every workspace's counters: with METRICS_TOKEN it needs that bearer token;
// without, it answers only a direct request from this machine (not one a proxy passed on).
import { describe, expect, it } from 'vitest';
import { createTestApp } from './helpers/app.ts';

const metrics = (app: Awaited<ReturnType<typeof createTestApp>>['app'], opts: object = {}) =>
  app.inject({ method: 'GET', url: '/metrics', ...opts });

describe('GET /metrics', () => {
  it('answers only on loopback when no token is set', async () => {
    const { app } = await createTestApp();
    expect((await metrics(app)).statusCode).toBe(200); // inject comes from 127.0.0.1
    expect((await metrics(app, { remoteAddress: '::1' })).statusCode).toBe(200);
    expect((await metrics(app, { remoteAddress: '203.0.113.9' })).statusCode).toBe(403);
    // A local reverse proxy forwarding someone else's request is not this machine asking.
    const proxied = await metrics(app, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.statusCode).toBe(403);
    expect(proxied.body).not.toContain('parley_http_requests_total');
  });

  it('needs METRICS_TOKEN as a bearer token when one is set, from anywhere', async () => {
    const { app } = await createTestApp({ METRICS_TOKEN: 'metrics-token-0123456789' });
    const anonymous = await metrics(app);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await metrics(app, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401);
    const ok = await metrics(app, {
      remoteAddress: '203.0.113.9',
      headers: { authorization: 'Bearer metrics-token-0123456789' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('parley_http_requests_total');
  });
});
