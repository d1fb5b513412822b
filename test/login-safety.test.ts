// Login safety: forwarded addresses are believed only from named proxies, attempts are counted
// atomically, strangers cannot lock an owner out, a new password ends other sessions, anonymous
// callers learn nothing about request schemas, sign-up closes once accounts exist, and dashboard
// (cookie) writes need their CSRF token.
import { describe, expect, it } from 'vitest';
import { addMember, createTestApp, loginAs, newWorkspace, unique } from './helpers/app.ts';
import type { App } from '../src/http/app-types.ts';

const PASSWORD = 'correct horse battery';

const attempt = (app: App, email: string, password: string, from?: string) =>
  app.inject({
    method: 'POST',
    url: '/api/login',
    headers: from ? { 'x-forwarded-for': from } : {},
    payload: { email, password },
  });

describe('login throttling', () => {
  it('ignores X-Forwarded-For unless TRUST_PROXY names the proxy', async () => {
    const { app } = await createTestApp({ LOGIN_MAX_FAILURES: '3' });
    const s = await newWorkspace(app);
    // A guesser rotating X-Forwarded-For is still one address.
    for (let i = 0; i < 3; i++) expect((await attempt(app, s.email, 'wrong', `203.0.113.${i}`)).statusCode).toBe(401);
    expect((await attempt(app, s.email, 'wrong', '203.0.113.99')).statusCode).toBe(429);

    const proxied = await createTestApp({ LOGIN_MAX_FAILURES: '3', TRUST_PROXY: '127.0.0.1' });
    const p = await newWorkspace(proxied.app);
    for (let i = 0; i < 3; i++)
      expect((await attempt(proxied.app, p.email, 'wrong', '203.0.113.7')).statusCode).toBe(401);
    expect((await attempt(proxied.app, p.email, 'wrong', '203.0.113.7')).statusCode).toBe(429);
    // Behind the named proxy the forwarded address counts: another client is not limited.
    expect((await attempt(proxied.app, p.email, PASSWORD, '198.51.100.4')).statusCode).toBe(200);
  });

  it('counts parallel guesses atomically: exactly the limit is evaluated', async () => {
    const { app } = await createTestApp({ LOGIN_MAX_FAILURES: '3' });
    const s = await newWorkspace(app);
    const results = await Promise.all(Array.from({ length: 40 }, () => attempt(app, s.email, 'wrong guess')));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(3);
    expect(codes.filter((c) => c === 429)).toHaveLength(37);
  });

  it('does not let strangers at many addresses lock the owner out where they log in', async () => {
    const { app } = await createTestApp({
      LOGIN_MAX_FAILURES: '3',
      LOGIN_ACCOUNT_MAX_FAILURES: '10',
      TRUST_PROXY: '127.0.0.1',
    });
    const s = await newWorkspace(app);
    expect((await attempt(app, s.email, PASSWORD, '192.0.2.10')).statusCode).toBe(200); // the owner's office
    for (let a = 0; a < 5; a++) for (let i = 0; i < 3; i++) await attempt(app, s.email, 'wrong', `203.0.113.${10 + a}`);
    // The account-wide ceiling (10) is passed: a new address is refused, even with the password…
    expect((await attempt(app, s.email, PASSWORD, '203.0.113.200')).statusCode).toBe(429);
    // …but the owner's own address still logs in.
    expect((await attempt(app, s.email, PASSWORD, '192.0.2.10')).statusCode).toBe(200);
    // One stranger address cannot try more than 4 × 3 logins across accounts.
    const others = await Promise.all([1, 2, 3, 4, 5].map(() => newWorkspace(app)));
    const codes: number[] = [];
    for (const o of others)
      for (let i = 0; i < 3; i++) codes.push((await attempt(app, o.email, 'x', '198.51.100.66')).statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(12);
    expect(codes.slice(12)).toEqual([429, 429, 429]);
  });
});

describe('sessions', () => {
  it('end when the password changes (except the one that changed it) and when a member is deactivated', async () => {
    const { app } = await createTestApp();
    const owner = await newWorkspace(app);
    const other = await loginAs(app, owner.email, PASSWORD);
    const me = (a: { authorization: string }) => app.inject({ method: 'GET', url: '/api/me', headers: a });
    const changed = await app.inject({
      method: 'PATCH',
      url: `/api/users/${owner.userId}`,
      headers: owner.auth,
      payload: { password: 'a brand new password' },
    });
    expect(changed.statusCode).toBe(200);
    expect((await me(owner.auth)).statusCode).toBe(200);
    expect((await me(other.auth)).statusCode).toBe(401);
    await expect(loginAs(app, owner.email, PASSWORD)).rejects.toThrow(/login failed/);
    await loginAs(app, owner.email, 'a brand new password');

    // An admin resetting an agent's password ends every session of the agent.
    const agent = await addMember(app, owner, 'agent');
    await app.inject({
      method: 'PATCH',
      url: `/api/users/${agent.userId}`,
      headers: owner.auth,
      payload: { password: 'reset by the owner' },
    });
    expect((await me(agent.auth)).statusCode).toBe(401);
    // An empty patch changes nothing and is no error.
    const empty = await app.inject({
      method: 'PATCH',
      url: `/api/users/${agent.userId}`,
      headers: owner.auth,
      payload: {},
    });
    expect(empty.statusCode).toBe(200);
  });
});

describe('anonymous callers', () => {
  it('get 401 before any body is parsed or validated', async () => {
    const { app } = await createTestApp();
    for (const [method, url, payload] of [
      ['POST', '/api/leads', { score: 'not a number', email: 'nope' }],
      ['POST', '/api/users', {}],
      ['PATCH', '/api/workspace', { name: 42 }],
      ['POST', '/app', {}],
      ['POST', '/api/conversations/not-a-uuid/messages', {}],
    ] as const) {
      const res = await app.inject({ method, url, payload });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json().error.fields).toBeUndefined();
    }
    const badJson = await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: { 'content-type': 'application/json' },
      payload: '{"company": ',
    });
    expect(badJson.statusCode).toBe(401);
    // Public routes still validate (login, register).
    expect((await app.inject({ method: 'POST', url: '/api/login', payload: {} })).statusCode).toBe(400);
  });
});

describe('sign-up', () => {
  it('is open until the first account exists, then by invitation; PARLEY_SIGNUP overrides', async () => {
    const { app } = await createTestApp({ PARLEY_SIGNUP: '' });
    const register = (headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/api/register',
        headers,
        payload: { name: 'Someone', email: `${unique()}@example.com`, password: 'long enough password' },
      });
    const first = await register();
    expect(first.statusCode).toBe(201);
    const second = await register();
    expect(second.statusCode).toBe(403);
    expect(second.json().error.message).toMatch(/invitation/);
    const owner = await loginAs(app, first.json().user.email, 'long enough password');
    expect((await register(owner.auth)).statusCode).toBe(201); // an owner adds a member

    const invite = await createTestApp({ PARLEY_SIGNUP: 'invite' });
    const res = await invite.app.inject({
      method: 'POST',
      url: '/api/register',
      payload: { name: 'First', email: `${unique()}@example.com`, password: 'long enough password' },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('cookie-authenticated writes', () => {
  it('need the session’s CSRF token and a same-origin (never "null") Origin', async () => {
    const { app } = await createTestApp();
    const s = await newWorkspace(app);
    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: s.email, password: PASSWORD },
    });
    const session = login.cookies.find((c) => c.name === 'parley_session')!;
    const csrf = login.cookies.find((c) => c.name === 'parley_csrf')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(csrf.httpOnly).toBeFalsy();
    expect(csrf.value).toBe(login.json().csrf_token);
    const write = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/api/leads',
        cookies: { parley_session: session.value, parley_csrf: csrf.value },
        headers: { host: 'parley.local', ...headers },
        payload: { company: 'Via the dashboard' },
      });
    expect((await write({})).statusCode).toBe(403);
    expect((await write({ 'x-csrf-token': 'guessed-token-value-000000000000' })).statusCode).toBe(403);
    expect((await write({ 'x-csrf-token': csrf.value, origin: 'https://evil.example' })).statusCode).toBe(403);
    const nullOrigin = await write({ 'x-csrf-token': csrf.value, origin: 'null' });
    expect(nullOrigin.statusCode).toBe(403);
    expect((await write({ 'x-csrf-token': csrf.value, origin: 'http://parley.local' })).statusCode).toBe(201);
    expect((await write({ 'x-csrf-token': csrf.value })).statusCode).toBe(201);
    // Another session's token does not fit this session.
    const otherLogin = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: s.email, password: PASSWORD },
    });
    expect((await write({ 'x-csrf-token': otherLogin.json().csrf_token })).statusCode).toBe(403);
    // Reads and bearer-token writes need no token; logging out works without one.
    expect(
      (await app.inject({ method: 'GET', url: '/api/leads', cookies: { parley_session: session.value } })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: '/api/leads', headers: s.auth, payload: { company: 'Via API' } }))
        .statusCode,
    ).toBe(201);
    const out = await app.inject({ method: 'POST', url: '/api/logout', cookies: { parley_session: session.value } });
    expect(out.statusCode).toBe(204);
    expect((await write({ 'x-csrf-token': csrf.value })).statusCode).toBe(401);
  });
});
