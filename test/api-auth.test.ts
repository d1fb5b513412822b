import { describe, expect, it } from 'vitest';
import { addMember, createTestApp, loginAs, newWorkspace, unique } from './helpers/app.ts';

const { app } = await createTestApp({ LOGIN_MAX_FAILURES: '3' });

describe('accounts and sessions', () => {
  it('makes the first account of a new workspace its owner and never returns the password', async () => {
    const email = `${unique()}@example.com`;
    const res = await app.inject({
      method: 'POST',
      url: '/api/register',
      payload: { name: 'Priya', email, password: 'a long password', workspace_name: 'Sunrise' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().user.role).toBe('owner');
    expect(res.json().workspace).toMatchObject({ name: 'Sunrise', time_zone: 'Asia/Kolkata', phone_region: 'IN' });
    expect(res.body).not.toContain('a long password');
    expect(res.body).not.toMatch(/password|scrypt/);
  });

  it('logs in with a bearer token and a session cookie, and logs out', async () => {
    const s = await newWorkspace(app);
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: s.auth });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe(s.email);

    const login = await app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: s.email, password: 'correct horse battery' },
    });
    const cookie = login.cookies.find((c) => c.name === 'parley_session');
    expect(cookie?.httpOnly).toBe(true);
    const viaCookie = await app.inject({ method: 'GET', url: '/api/me', cookies: { parley_session: cookie!.value } });
    expect(viaCookie.statusCode).toBe(200);

    await app.inject({ method: 'POST', url: '/api/logout', headers: s.auth });
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: s.auth })).statusCode).toBe(401);
  });

  it('refuses cookie-authenticated writes from another origin', async () => {
    const s = await newWorkspace(app);
    const res = await app.inject({
      method: 'POST',
      url: '/api/leads',
      cookies: { parley_session: s.token },
      headers: { origin: 'https://evil.example', host: 'parley.local' },
      payload: { company: 'X' },
    });
    expect(res.statusCode).toBe(403);
  });

  it('rate limits failed logins per email with 429', async () => {
    const s = await newWorkspace(app);
    for (let i = 0; i < 3; i++) {
      const bad = await app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { email: s.email, password: 'wrong password' },
      });
      expect(bad.statusCode).toBe(401);
      expect(bad.json().error.code).toBe('unauthorized');
    }
    const limited = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: s.email, password: 'correct horse battery' },
    });
    expect(limited.statusCode).toBe(429);
  });

  it('adds members only as an owner or admin; a duplicate email is 409', async () => {
    const owner = await newWorkspace(app);
    const agent = await addMember(app, owner, 'agent', 'Amit');
    const byAgent = await app.inject({
      method: 'POST',
      url: '/api/register',
      headers: agent.auth,
      payload: { name: 'Sneaky', email: `${unique()}@example.com`, password: 'whatever123' },
    });
    expect(byAgent.statusCode).toBe(403);
    const byOwner = await app.inject({
      method: 'POST',
      url: '/api/register',
      headers: owner.auth,
      payload: {
        name: 'Rekha',
        email: `${unique()}@example.com`,
        password: 'whatever123',
        role: 'manager',
        phone: '098765-43210',
      },
    });
    expect(byOwner.statusCode).toBe(201);
    expect(byOwner.json().user).toMatchObject({
      role: 'manager',
      phone: '+919876543210',
      workspace_id: owner.workspaceId,
    });
    const dup = await app.inject({
      method: 'POST',
      url: '/api/register',
      payload: { name: 'Again', email: owner.email.toUpperCase(), password: 'whatever123' },
    });
    expect(dup.statusCode).toBe(409);
  });

  it('deactivated members cannot log in', async () => {
    const owner = await newWorkspace(app);
    const agent = await addMember(app, owner, 'agent');
    const off = await app.inject({
      method: 'PATCH',
      url: `/api/users/${agent.userId}`,
      headers: owner.auth,
      payload: { active: false },
    });
    expect(off.json().active).toBe(false);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: agent.auth })).statusCode).toBe(401);
    await expect(loginAs(app, agent.email, 'member password')).rejects.toThrow(/login failed/);
  });

  it('API keys authenticate integrations and can be revoked', async () => {
    const owner = await newWorkspace(app);
    const created = await app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: owner.auth,
      payload: { name: 'Zapier' },
    });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^pk_/);
    const list = await app.inject({ method: 'GET', url: '/api/api-keys', headers: owner.auth });
    expect(list.body).not.toContain(key);
    const lead = await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: { 'x-api-key': key },
      payload: { company: 'Via Key Ltd' },
    });
    expect(lead.statusCode).toBe(201);
    await app.inject({ method: 'DELETE', url: `/api/api-keys/${id}`, headers: owner.auth });
    expect(
      (await app.inject({ method: 'GET', url: '/api/leads', headers: { authorization: `Bearer ${key}` } })).statusCode,
    ).toBe(401);
  });

  it('answers 401 without credentials and 400 with the failing fields', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/leads' })).statusCode).toBe(401);
    const res = await app.inject({
      method: 'POST',
      url: '/api/register',
      payload: { name: '', email: 'not-an-email', password: 'short' },
    });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['email', 'name', 'password']);
  });
});

describe('roles', () => {
  it('agents see and change only their own leads and tasks; managers see all', async () => {
    const owner = await newWorkspace(app);
    const amit = await addMember(app, owner, 'agent', 'Amit');
    const rekha = await addMember(app, owner, 'agent', 'Rekha');
    const manager = await addMember(app, owner, 'manager', 'Meera');
    const mine = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: { company: 'Amit Co', assignee_id: amit.userId },
      })
    ).json();
    const theirs = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: { company: 'Rekha Co', assignee_id: rekha.userId },
      })
    ).json();
    await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: owner.auth,
      payload: { lead_id: theirs.id, type: 'call' },
    });

    const amitList = (await app.inject({ method: 'GET', url: '/api/leads', headers: amit.auth })).json();
    expect(amitList.data.map((l: { company: string }) => l.company)).toEqual(['Amit Co']);
    expect((await app.inject({ method: 'GET', url: `/api/leads/${theirs.id}`, headers: amit.auth })).statusCode).toBe(
      404,
    );
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/leads/${theirs.id}`,
          headers: amit.auth,
          payload: { status: 'lost' },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/leads/${mine.id}`,
          headers: amit.auth,
          payload: { status: 'contacted' },
        })
      ).statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/tasks', headers: amit.auth })).json().data).toHaveLength(0);
    expect((await app.inject({ method: 'GET', url: '/api/tasks', headers: rekha.auth })).json().data).toHaveLength(1);
    expect((await app.inject({ method: 'GET', url: `/leads/${rekha.userId}`, headers: amit.auth })).statusCode).toBe(
      403,
    );

    const all = (await app.inject({ method: 'GET', url: '/api/leads', headers: manager.auth })).json();
    expect(all.data).toHaveLength(2);
  });
});
