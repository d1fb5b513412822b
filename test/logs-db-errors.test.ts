// A database error in a log line names the statement and the SQLSTATE code, never the parameters:
// Drizzle's error message and `params` carry them (password hashes, emails, names, texts), and the
// driver's `detail` quotes the row. Whatever LOG_PII says.
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { users, workspaces } from '../src/db/schema/index.ts';
import { createDeps, createLogger } from '../src/deps.ts';
import { statementName } from '../src/db/errors.ts';
import { allJobs } from '../src/jobs/index.ts';
import { openTestDatabase } from './helpers/db.ts';

async function appWithLog(pii: boolean) {
  const lines: string[] = [];
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    LOG_PII: String(pii),
    PARLEY_DEMO: 'false',
    PARLEY_SECRET_KEY: 'test-secret-key-0123456789',
  });
  const log = createLogger(config, { write: (line: string) => void lines.push(line) });
  const deps = await createDeps(config, { database: await openTestDatabase(), log });
  await deps.queue.install(allJobs);
  const app = await buildApp(deps);
  afterAll(async () => {
    await app.close();
    await deps.close();
  });
  return { app, deps, lines };
}

const HASH = 'scrypt$16384$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';
const EMAIL = 'leaky.person@example.com';
const NAME = 'Leaky McPerson';

describe('database errors in logs', () => {
  for (const pii of [false, true]) {
    it(`carry the statement and code but no parameters (LOG_PII=${pii})`, async () => {
      const { app, deps, lines } = await appWithLog(pii);
      const [ws] = await deps.db.insert(workspaces).values({ name: 'Log test' }).returning();
      const row = { workspaceId: ws.id, name: NAME, username: 'leaky', email: EMAIL, passwordHash: HASH };
      await deps.db.insert(users).values(row);
      // A route whose statement fails (a duplicate email), and a raw, named statement that fails.
      app.get('/test/db-error', async () => {
        await deps.db.insert(users).values({ ...row, username: 'leaky2' });
      });
      lines.length = 0;
      const res = await app.inject({ method: 'GET', url: '/test/db-error' });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain(EMAIL);
      await deps.database
        .rawTransaction((q) =>
          q('insert into users (workspace_id, name, username, email) values ($1, $2, $3, $4)', [
            ws.id,
            NAME,
            'leaky3',
            EMAIL,
          ]),
        )
        .catch((err: unknown) => deps.log.error({ err }, 'raw insert failed'));
      const out = lines.join('');
      expect(out).toContain('"msg":"request failed"');
      expect(out).toMatch(/"statement":"insert users","code":"23505"/);
      expect(out).toContain('"constraint":"users_email_key"');
      expect(out).toContain('"msg":"raw insert failed"');
      for (const secret of [HASH, EMAIL, NAME, 'leaky2', 'leaky3', ws.id]) expect(out).not.toContain(secret);
      expect(out).not.toMatch(/params|Failed query: insert/);
    });
  }

  it('names statements by verb and table', () => {
    expect(statementName('select "id" from "users" where "email" = $1')).toBe('select users');
    expect(statementName('insert into "login_attempts" ("key") values ($1) on conflict do update')).toBe(
      'insert login_attempts',
    );
    expect(statementName('update "sessions" set x = 1')).toBe('update sessions');
    expect(statementName('delete from sessions where id = $1')).toBe('delete sessions');
    expect(statementName('with c as (insert into conversations as t (id) select 1 returning id) select 1')).toBe(
      'with',
    );
  });
});
