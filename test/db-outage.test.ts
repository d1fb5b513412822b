// The server survives losing its PostgreSQL under load: a throwaway cluster (its own port, started
// by this test) is killed with kill -9 and later restarted with `pg_ctl restart -m fast` while
// webhooks and API calls keep coming. The process must stay up, answer 503 (never 500, never a
// reset connection) while the database is away, log the outage in a few lines rather than dozens a
// second, and resume by itself: every delivery re-sent after a 503 (as Meta does) is stored once
// and the workers answer customers again.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../src/db/client.ts';
import { isDatabaseUnavailable } from '../src/db/errors.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { startCluster } from './helpers/pg-cluster.ts';
import { startServer, type ServerProcess } from './helpers/server-process.ts';
import { waText } from './helpers/webhooks.ts';
import { byStatus, request, startLoad } from './helpers/load.ts';

// PostgreSQL only, and its own cluster: run it once (in the PGlite project), not again per database.
const skip = process.env.PARLEY_TEST_DB === 'postgres';
const SECRET = 'outage-app-secret';
const PHONE_ID = '5550001234567';
const ADMIN = { email: 'owner@outage.example', password: 'outage password 1' };

const cluster = skip ? null : await startCluster();
const graph = await startFakeGraphApi();
let server: ServerProcess | null = null;
afterAll(async () => {
  await server?.stop('SIGKILL');
  await graph.close();
  await cluster?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skip)('losing PostgreSQL', () => {
  it('checked-out clients and transactions fail with a connection error instead of crashing', async () => {
    await using_db(async (database, admin) => {
      // A Drizzle transaction and a raw transaction each hold a connection, idle, when it is cut.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const pids: number[] = [];
      const drizzleTx = database.db.transaction(async (tx) => {
        const r = await tx.execute<{ pid: number }>('select pg_backend_pid() as pid' as never);
        pids.push((r as unknown as { rows: { pid: number }[] }).rows[0].pid);
        await held;
        await tx.execute('select 1' as never);
      });
      const rawTx = database.rawTransaction(async (q) => {
        pids.push((await q<{ pid: number }>('select pg_backend_pid() as pid'))[0].pid);
        await held;
        await q('select 1');
      });
      while (pids.length < 2) await sleep(10);
      await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [pids]);
      await sleep(200); // the 'error' events of the idle clients fire now
      release();
      const results = await Promise.allSettled([drizzleTx, rawTx]);
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect(isDatabaseUnavailable((r as PromiseRejectedResult).reason)).toBe(true);
      }
      // The pool replaced the broken connections.
      expect(((await database.pool!.query('select 1 as one')).rows[0] as { one: number }).one).toBe(1);
    });
  });

  it('keeps the server up under load through kill -9 and a fast restart, with 503s, and resumes', async () => {
    server = await startServer({
      DATABASE_URL: cluster!.url,
      DATABASE_POOL_SIZE: '8',
      PARLEY_DEMO: 'false',
      PARLEY_ADMIN_EMAIL: ADMIN.email,
      PARLEY_ADMIN_PASSWORD: ADMIN.password,
      PARLEY_SECRET_KEY: 'outage-secret-key-0123456789',
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
      WHATSAPP_ACCESS_TOKEN: 'EAAG-outage',
      WHATSAPP_API_URL: graph.url,
    });
    const base = server.url;
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const auth = { authorization: `Bearer ${(await login.json()).token}` };
    const load = startLoad({ base, auth, secret: SECRET, phoneId: PHONE_ID, prefix: 'wamid.outage' });
    const { outcomes, deliveries, webhook } = load;

    const waitHealthy = async () => {
      const started = Date.now();
      while ((await request(`${base}/health`, {})) !== 200) {
        if (Date.now() - started > 30_000) throw new Error('no recovery within 30 s');
        await sleep(100);
      }
      return Date.now() - started;
    };

    await sleep(1500);
    const outages: { from: number; to: number; recoveredMs: number }[] = [];
    // 1. kill -9 of the postmaster: every connection drops at once.
    let from = Date.now();
    await cluster!.kill();
    await sleep(3000);
    await cluster!.start();
    outages.push({ from, to: Date.now(), recoveredMs: await waitHealthy() });
    await sleep(1500);
    // 2. A fast restart (the server terminates every session, then comes back).
    from = Date.now();
    await cluster!.stop('fast');
    await sleep(3000);
    await cluster!.start();
    outages.push({ from, to: Date.now(), recoveredMs: await waitHealthy() });
    await sleep(1500);
    await load.stop();

    expect(server.exited, server.output.join('\n')).toBeNull();
    const during = outcomes.filter((o) => outages.some((w) => o.at >= w.from && o.at <= w.to));
    console.log(
      'outcomes',
      byStatus(outcomes),
      'during outages',
      byStatus(during),
      'recovery ms',
      outages.map((o) => o.recoveredMs),
    );
    // Only success or 503: no 500, and no connection the process dropped.
    expect(Object.keys(byStatus(outcomes)).map(Number).sort()).toEqual(expect.arrayContaining([200, 503]));
    for (const o of outcomes) expect([200, 201, 503], `${o.kind} → ${o.status}`).toContain(o.status);
    expect(during.filter((o) => o.status === 503).length).toBeGreaterThan(10);
    // After each recovery requests succeed again.
    const after = outcomes.filter((o) => o.at > outages[1].to + 1000);
    expect(after.length).toBeGreaterThan(5);
    expect(after.every((o) => o.status !== 503)).toBe(true);

    // Meta re-sends what was not acknowledged; then every delivery is stored exactly once.
    await load.resendUnacked();
    expect([...deliveries.values()].every((d) => d.acked)).toBe(true);
    const check = new pg.Client({ connectionString: cluster!.url });
    await check.connect();
    const { rows } = await check.query<{ id: string; n: number }>(
      `select provider_message_id as id, count(*)::int as n from messages where direction = 'in' and provider_message_id like 'wamid.outage.%' group by 1`,
    );
    await check.end();
    const stored = new Set(rows.map((r) => r.id));
    expect([...deliveries].filter(([id]) => !stored.has(id)).map(([id, d]) => `${id} acked=${d.acked}`)).toEqual([]);
    expect(rows.every((r) => r.n === 1)).toBe(true);

    // Quiet logs: a few lines per outage, not one per failed poll or request.
    for (const w of outages) {
      const lines = server.lines.filter((l) => l.at >= w.from && l.at <= w.to + 500 && l.level >= 40);
      const seconds = (w.to - w.from) / 1000;
      console.log(
        `outage of ${seconds.toFixed(1)} s: ${lines.length} warn/error lines`,
        lines.map((l) => `${l.msg} ${JSON.stringify(l.err).slice(0, 150)}`),
      );
      expect(lines.length).toBeLessThanOrEqual(12);
      expect(lines.filter((l) => /job workers/.test(l.msg)).length).toBeLessThanOrEqual(1);
    }
    // The workers are back: a new customer is answered.
    const before = graph.requests.length;
    expect(await webhook(waText(PHONE_ID, '919870099999', 'hello after the outage', { id: 'wamid.after.1' }))).toBe(
      200,
    );
    const started = Date.now();
    while (
      !graph.requests.slice(before).some((r) => /919870099999$/.test((r.body as { to?: string })?.to ?? '')) &&
      Date.now() - started < 30_000
    )
      await sleep(100);
    expect(graph.requests.slice(before).some((r) => /919870099999$/.test((r.body as { to?: string })?.to ?? ''))).toBe(
      true,
    );

    expect(server.lines.some((l) => /job workers resumed/.test(l.msg))).toBe(true);
  }, 180_000);
});

/** A pool on the throwaway cluster, plus an admin connection that can cut its sessions. */
async function using_db(
  fn: (database: Awaited<ReturnType<typeof openPostgres>>, admin: pg.Client) => Promise<void>,
): Promise<void> {
  const database = await openPostgres({ url: cluster!.url, poolSize: 4 });
  const admin = new pg.Client({ connectionString: cluster!.url });
  await admin.connect();
  try {
    await fn(database, admin);
  } finally {
    await admin.end();
    await database.close();
  }
}
