// Webhooks while a backlog drains: one signed webhook with 1,000 messages from 1,000 numbers, then
// a one-message webhook every second, against Parley with its job workers on (routing, sends to
// the fake Graph API). Meta asks for a median under 250 ms and under 1% over 1 s for every
// delivery; on PGlite (one connection) routing must yield to ingest for that. Reports the big
// webhook's time, p50/p99/max of the one-message webhooks, how long the backlog took to route, and
// checks that every message was stored once, routed and answered once. Exit 1 on a broken check.
//
//   node bench/backlog.ts [--db pglite,postgres] [--messages 1000] [--seconds 15]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (for --db postgres)
import './node-flags.ts'; // first: the server's V8 flags (bin/node-flags.js)
import { loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { benchDatabase, benchWhatsApp, signature, waTextBody } from './lib.ts';

type Plan = { url: string; secret: string; phoneNumberId: string; backlog: number; seconds: number; runId: string };
type Sent = { status: number; ms: number };

/**
 * The client, in a worker thread (its own event loop: on PGlite the server's thread also runs the
 * database, and a client there would measure its own waits). The backlog delivery is sent at 0 s,
 * a one-message webhook at 1, 2, … s whatever the first one is doing.
 */
async function client(plan: Plan): Promise<{ big: Sent; singles: Sent[] }> {
  const deliver = async (body: Buffer): Promise<Sent> => {
    const t0 = performance.now();
    const res = await fetch(plan.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature(body, plan.secret) },
      body: new Uint8Array(body),
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - t0 };
  };
  const one = JSON.parse(waTextBody(plan.phoneNumberId, '0', 'x', 'x', 'x'));
  const value = one.entry[0].changes[0].value;
  value.contacts = [];
  value.messages = [];
  for (let i = 0; i < plan.backlog; i++) {
    const from = `9198${String(10_000_000 + i).padStart(8, '0')}`;
    value.contacts.push({ profile: { name: `Customer ${i}` }, wa_id: from });
    value.messages.push({
      from,
      id: `wamid.B${plan.runId}${i}`,
      timestamp: String(Math.floor(Date.now() / 1000)),
      text: { body: i % 3 ? 'Hi, is the 2BHK in Baner still available?' : 'price kya hai? 🙏' },
      type: 'text',
    });
  }
  const started = performance.now();
  const big = deliver(Buffer.from(JSON.stringify(one)));
  const singles: Promise<Sent>[] = [];
  for (let s = 0; s < plan.seconds; s++) {
    await new Promise((r) => setTimeout(r, Math.max(0, started + (s + 1) * 1000 - performance.now())));
    const body = Buffer.from(
      waTextBody(
        plan.phoneNumberId,
        `9199${String(10_000_000 + s).padStart(8, '0')}`,
        'Late Customer',
        `wamid.S${plan.runId}${s}`,
        'Hello, can I visit the site tomorrow?',
      ),
    );
    singles.push(deliver(body));
  }
  return { big: await big, singles: await Promise.all(singles) };
}

if (!isMainThread) {
  parentPort!.postMessage(await client(workerData as Plan));
  process.exit(0);
}

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) =>
  args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback;
const kinds = arg('db', 'pglite,postgres').split(',');
const backlog = Number(arg('messages', '1000'));
const seconds = Number(arg('seconds', '15'));

const { sql } = await import('drizzle-orm');
const { default: pino } = await import('pino');
const { buildApp } = await import('../src/app.ts');
const { loadConfig } = await import('../src/config.ts');
const { createDeps } = await import('../src/deps.ts');
const { openPglite, openPostgres, rowsOf } = await import('../src/db/client.ts');
const { migrate } = await import('../src/db/migrate.ts');
const { allJobs } = await import('../src/jobs/index.ts');
const { createJobQueue } = await import('../src/jobs/queue.ts');
const { startFakeGraphApi } = await import('../test/fakes/graph-api.ts');

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : NaN;
};
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');

const { name: dbName, url: dbUrl, admin } = benchDatabase('parley_backlog');
const watchdog = setTimeout(() => {
  console.error('backlog benchmark: still running after 300 s, giving up');
  void admin(`drop database if exists ${dbName} with (force)`).finally(() => process.exit(2));
}, 300_000);

let exitCode = 0;
const rows: string[] = [];
const checks: [boolean, string][] = [];
const fake = await startFakeGraphApi();
try {
  for (const kind of kinds) {
    let database;
    if (kind === 'postgres') {
      await admin(`create database ${dbName}`);
      database = await openPostgres({ url: dbUrl.toString(), poolSize: 10 });
    } else database = await openPglite({});
    await migrate(database.db);
    // The queues exist from an earlier boot, as in production (see bench/ingest.ts).
    const first = createJobQueue(database, { log: pino({ level: 'silent' }) });
    await first.install(allJobs);
    await first.stop();
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
      PARLEY_DEMO: 'false',
      PARLEY_SECRET_KEY: 'bench-secret-key-0123456789',
      OUTBOUND_RATE_PER_SECOND: '1000',
      ...(kind === 'postgres' ? { DATABASE_URL: dbUrl.toString() } : {}),
    });
    const deps = await createDeps(config, { database });
    if (!process.env.BENCH_NO_WORKERS) await deps.queue.work(allJobs, deps);
    else await deps.queue.install(allJobs);
    const app = await buildApp(deps);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const { phoneNumberId, secret, runId } = await benchWhatsApp(base, `${fake.url}/v26.0`);
    const load0 = loadavg()[0];
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { url: `${base}/webhooks/whatsapp`, secret, phoneNumberId, backlog, seconds, runId } satisfies Plan,
    });
    const sent = new Promise<{ big: Sent; singles: Sent[] }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    // The backlog's messages (wamid.B…) not routed yet.
    const unrouted = async () =>
      backlog -
      Number(
        rowsOf<{ n: string }>(
          await deps.db.execute(
            sql`select count(*) as n from messages where direction = 'in' and routed_at is not null and provider_message_id like 'wamid.B%'`,
          ),
        )[0].n,
      );
    let routedAt = NaN;
    let done = false;
    // The drain is watched while the webhooks go (every 200 ms: a count on the server's database).
    const watch = (async () => {
      while (!done && Number.isNaN(routedAt)) {
        await new Promise((r) => setTimeout(r, 200));
        if (!(await unrouted())) routedAt = performance.now() - started;
      }
    })();
    const { big, singles } = await sent;
    done = true;
    await watch;
    const total = backlog + seconds;
    for (let t = 0; Number.isNaN(routedAt) && t < 1200; t++) {
      if (!(await unrouted())) routedAt = performance.now() - started;
      else await new Promise((r) => setTimeout(r, 100));
    }
    // The last one-message webhooks too, before the checks.
    for (let t = 0; t < 300; t++) {
      const [r] = rowsOf<{ n: string }>(
        await deps.db.execute(sql`select count(*) as n from messages where direction = 'in' and routed_at is null`),
      );
      if (Number(r.n) === 0) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const cpu = process.cpuUsage(cpu0);
    const lat = singles.map((x) => x.ms);
    if (process.env.BENCH_VERBOSE)
      console.error(`${kind}: one-message webhooks (ms): ${lat.map((x) => x.toFixed(0)).join(' ')}`);
    const [c] = rowsOf<{ stored: string; distinct: string; routed: string; answered: string; twice: string }>(
      await deps.db.execute(sql`select
        (select count(*) from messages where direction = 'in') as stored,
        (select count(distinct provider_message_id) from messages where direction = 'in') as distinct,
        (select count(*) from messages where direction = 'in' and routed_at is not null) as routed,
        (select count(distinct reply_to_id) from messages where direction = 'out' and reply_to_id is not null) as answered,
        (select count(*) from (select reply_to_id from messages where direction = 'out' and reply_to_id is not null group by reply_to_id having count(*) > 1) d) as twice`),
    );
    const acked = (big.status === 200 ? backlog : 0) + singles.filter((x) => x.status === 200).length;
    const label = kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
    checks.push([big.status === 200 && singles.every((x) => x.status === 200), `${label}: every webhook answered 200`]);
    checks.push([
      Number(c.stored) === acked && Number(c.distinct) === acked,
      `${label}: every acknowledged message stored once (${c.stored} of ${acked})`,
    ]);
    checks.push([
      Number(c.routed) === total && Number(c.answered) === total && Number(c.twice) === 0,
      `${label}: every message routed and answered once (${c.routed} routed, ${c.answered} answered, ${c.twice} twice)`,
    ]);
    const p50 = pct(lat, 0.5);
    const p99 = pct(lat, 0.99);
    rows.push(
      `| ${label} | ${ms(big.ms)} | ${lat.length} | ${ms(p50)} | ${ms(p99)} | ${ms(Math.max(...lat))} | ${p50 <= 250 && p99 <= 1000 ? 'met' : 'missed'} | ${Number.isNaN(routedAt) ? 'not within 120 s' : `${(routedAt / 1000).toFixed(1)} s`} | ${(((cpu.user + cpu.system) / total) | 0).toString()} | ${load0.toFixed(1)} |`,
    );
    console.error(`backlog benchmark: ${label} done`);
    await app.close();
    await deps.close();
    if (kind === 'postgres') await admin(`drop database if exists ${dbName} with (force)`);
  }
  console.log(
    `## Webhooks while a backlog drains: one webhook with ${backlog} messages from ${backlog} numbers, then one one-message webhook a second for ${seconds} s (workers on)\n`,
  );
  console.log(
    '| database | backlog webhook ms | one-message webhooks | p50 ms | p99 ms | max ms | goal p50 ≤ 250, p99 ≤ 1000 | backlog routed after | process CPU µs/msg | load avg |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log(
    '\nBaseline (issue 15, before this change): on PGlite the first one-message webhook answered after ~26 s.\n',
  );
  for (const [ok, text] of checks) {
    console.log(`- ${ok ? '✓' : '✗'} ${text}`);
    if (!ok) exitCode = 1;
  }
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await fake.close();
  await admin(`drop database if exists ${dbName} with (force)`).catch(() => {});
}
process.exit(exitCode);
