// The dashboard at /dashboard/ beside the API: `/` sends a browser there, client-side routes get
// the app, missing files are 404s, and the spec's root routes keep answering JSON.
import { describe, expect, it } from 'vitest';
import { createTestApp, newWorkspace } from './helpers/app.ts';

const { app } = await createTestApp();
const html = { accept: 'text/html,application/xhtml+xml' };

describe('dashboard serving', () => {
  it('redirects a browser from / and answers JSON to anything else', async () => {
    const browser = await app.inject({ method: 'GET', url: '/', headers: html });
    expect(browser.statusCode).toBe(302);
    expect(browser.headers.location).toBe('/dashboard/');
    const client = await app.inject({ method: 'GET', url: '/', headers: { accept: 'application/json' } });
    expect(client.json()).toMatchObject({ name: 'Parley', dashboard: '/dashboard/', api_docs: '/api/docs' });
    expect((await app.inject({ method: 'GET', url: '/dashboard' })).headers.location).toBe('/dashboard/');
  });

  it('serves the app for its own routes, without caching index.html, and 404s a missing file', async () => {
    for (const url of [
      '/dashboard/',
      '/dashboard/leads/0190c0de-0000-7000-8000-000000000000',
      '/dashboard/inbox?box=all',
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toMatch(/<html lang="en">/);
    }
    const missing = await app.inject({ method: 'GET', url: '/dashboard/assets/missing-123.js', headers: html });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
    const notHtml = await app.inject({
      method: 'GET',
      url: '/dashboard/leads',
      headers: { accept: 'application/json' },
    });
    expect(notHtml.statusCode).toBe(404);
  });

  it('keeps the spec routes at the root answering JSON', async () => {
    const owner = await newWorkspace(app, 'Root Routes');
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: owner.email, password: 'correct horse battery' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers['content-type']).toMatch(/^application\/json/);
    const leads = await app.inject({
      method: 'GET',
      url: `/leads/${owner.userId}`,
      headers: { ...owner.auth, ...html },
    });
    expect(leads.statusCode).toBe(200);
    expect(leads.json()).toEqual({ data: [], next_cursor: null });
    const health = await app.inject({ method: 'GET', url: '/health', headers: html });
    expect(health.json()).toMatchObject({ status: 'ok' });
    const nope = await app.inject({ method: 'GET', url: '/no-such-thing', headers: html });
    expect(nope.statusCode).toBe(404);
    expect(nope.json().error.code).toBe('not_found');
  });
});
