import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ConfigError, configEntries, loadConfig } from '../src/config.ts';
import { createDeps } from '../src/deps.ts';
import { prepareDatabase } from '../src/setup.ts';
import { allJobs } from '../src/jobs/index.ts';
import { readFileSync } from 'node:fs';
import { openTestDatabase } from './helpers/db.ts';

describe('configuration', () => {
  it('applies defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: 'localhost', PARLEY_DATA_DIR: './data', PARLEY_DEMO: true });
  });

  it('stops with a message naming each wrong variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', PARLEY_DEMO: 'maybe', DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', PARLEY_DEMO: 'maybe', DATABASE_URL: 'mysql://x' });
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/PARLEY_DEMO/);
      expect((err as Error).message).toMatch(/DATABASE_URL/);
    }
    expect(() => loadConfig({ PARLEY_ADMIN_EMAIL: 'a@b.co' })).toThrow(/PARLEY_ADMIN_PASSWORD/);
  });

  it('documents every variable in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(configEntries)) expect(readme, name).toContain(`\`${name}\``);
  });
});

describe('first start', () => {
  it('seeds the demo workspace and the admin account once, and /health reports the database', async () => {
    const database = await openTestDatabase();
    const email = `admin-${Date.now()}@example.com`;
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PARLEY_ADMIN_EMAIL: email,
      PARLEY_ADMIN_PASSWORD: 'admin password 1',
    });
    const deps = await createDeps(config, { database });
    await deps.queue.install(allJobs);
    const hadDefault = (await deps.db.execute(
      sql`select count(*)::int as n from workspaces where is_default`,
    )) as unknown as { rows: { n: number }[] };
    const first = await prepareDatabase(deps.db, config);
    const second = await prepareDatabase(deps.db, config);
    // A shared Postgres test database may already hold a default workspace from another file.
    if (hadDefault.rows[0].n === 0) expect(first.demoSeeded).toBe(true);
    expect(first.adminCreated).toBe(true);
    expect(second).toMatchObject({ demoSeeded: false, adminCreated: false, migrations: [] });

    const app = await buildApp(deps);
    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email, password: 'admin password 1' },
    });
    expect(login.json().user).toMatchObject({ role: 'owner', workspace_id: first.workspaceId });
    if (first.demoSeeded) {
      const demo = await app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { email: 'priya@demo.parley.local', password: 'parley-demo' },
      });
      const auth = { authorization: `Bearer ${demo.json().token}` };
      const leads = (await app.inject({ method: 'GET', url: '/api/leads', headers: auth })).json().data;
      expect(new Set(leads.map((l: { status: string }) => l.status)).size).toBeGreaterThanOrEqual(5);
      expect(
        (await app.inject({ method: 'GET', url: '/api/tasks', headers: auth })).json().data.length,
      ).toBeGreaterThan(3);
      expect(
        (await app.inject({ method: 'GET', url: '/api/deals', headers: auth })).json().data.length,
      ).toBeGreaterThan(2);
    }

    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', db: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect((await app.inject({ method: 'GET', url: '/api/docs/json' })).json().paths).toHaveProperty('/api/leads');

    await database.close();
    const down = await app.inject({ method: 'GET', url: '/health' });
    expect(down.statusCode).toBe(503);
    expect(down.json().db).toBe('down');
    await app.close();
  });
});
