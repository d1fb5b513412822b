// Routing throughput: a backlog of customer messages is ingested through signed webhooks with the
// workers off, then only the `inbound.route` workers run until every message is routed. Reports
// routed messages per second and CPU µs per routed message (this process and the PostgreSQL
// backends of the bench database, from /proc), and checks that every message was routed once and
// answered (welcome or reply keyed to it). Exit 1 on a broken check, never on a missed speed goal.
//
// Steady state: first a warm-up backlog (--warmup messages from other senders, default 200) is
// ingested and routed unmeasured, so the figures are not the first minute's (the rules bot's
// regexes are compiled on their first use, ~0.5 s of CPU; the JIT warms up).
//
//   node bench/route.ts [--messages 1200] [--per-sender 2] [--warmup 200] [--pool 10] [--profile DIR]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
import './node-flags.ts'; // first: the server's V8 flags (bin/node-flags.js)
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { benchDatabase, benchWhatsApp, signature, waTextBody } from './lib.ts';

const TICKS = 100;
const TEXTS = [
  'Hi, is the 2BHK in Baner still available?',
  'What is the final price for the 3BHK flat? Is parking included?',
  'Can I visit the site tomorrow at 11 am?',
  'नमस्ते, मुझे अंधेरी में 2BHK फ्लैट चाहिए। बजट 80 लाख तक है।',
  'kal shaam 6 baje call kar sakte ho? 🙏',
  'Thanks! 👍 Please share the brochure and floor plan 📄',
  'price kya hai? aur possession kab tak milega?',
  'ok',
];

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) =>
  args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback;
const total = Number(arg('messages', '1200'));
const perSender = Number(arg('per-sender', '2'));
const poolSize = arg('pool', '10');
const warmup = Number(arg('warmup', '200'));
const profileDir = args.includes('--profile') ? arg('profile', 'profiles') : null;

const { sql } = await import('drizzle-orm');
const { buildApp } = await import('../src/app.ts');
const { loadConfig } = await import('../src/config.ts');
const { createDeps } = await import('../src/deps.ts');
const { openPostgres, rowsOf } = await import('../src/db/client.ts');
const { migrate } = await import('../src/db/migrate.ts');
const { allJobs } = await import('../src/jobs/index.ts');
const { routeJob } = await import('../src/inbound/route.ts');

const { name: dbName, url: dbUrl, admin } = benchDatabase('parley_route');
const watchdog = setTimeout(() => {
  console.error('route benchmark: still running after 240 s, giving up');
  void admin(`drop database if exists ${dbName} with (force)`).finally(() => process.exit(2));
}, 240_000);

let exitCode = 0;
await admin(`create database ${dbName}`);
try {
  const database = await openPostgres({ url: dbUrl.toString(), poolSize: Number(poolSize) });
  await migrate(database.db);
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    PARLEY_DEMO: 'false',
    PARLEY_WORKERS: 'false',
    PARLEY_SECRET_KEY: 'bench-secret-key-0123456789',
    DATABASE_URL: dbUrl.toString(),
    DATABASE_POOL_SIZE: poolSize,
  });
  const deps = await createDeps(config, { database });
  await deps.queue.install(allJobs);
  const app = await buildApp(deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const { phoneNumberId, secret, runId } = await benchWhatsApp(base, 'http://127.0.0.1:9/v26.0');

  // The backlog: senders × perSender messages, sent in order per sender, 16 senders at a time.
  const senders = Math.ceil(total / perSender);
  const warmSenders = Math.ceil(warmup / perSender);
  let next = 0;
  let t0 = performance.now();
  const send = async (from: number, count: number) => {
    while (next < count) {
      const i = from + next++;
      const phone = `9197${String(30_000_000 + i).padStart(8, '0')}`;
      for (let k = 0; k < perSender; k++) {
        const body = Buffer.from(
          waTextBody(phoneNumberId, phone, 'Priya Sharma', `wamid.R${runId}${i}x${k}`, TEXTS[(i + k) % TEXTS.length]),
        );
        const res = await fetch(`${base}/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature(body, secret) },
          body,
        });
        if (res.status !== 200) throw new Error(`webhook: ${res.status}`);
      }
    }
  };
  const unrouted = async () =>
    Number(
      rowsOf<{ n: string }>(
        await deps.db.execute(sql`select count(*) as n from messages where direction = 'in' and routed_at is null`),
      )[0].n,
    );
  if (warmSenders) {
    // The warm-up: other senders, routed by the same workers, then stopped; not measured.
    await Promise.all(Array.from({ length: 16 }, () => send(senders, warmSenders)));
    const warmStarted = performance.now();
    await deps.queue.work([routeJob], deps);
    while ((await unrouted()) > 0 && performance.now() - warmStarted < 60_000)
      await new Promise((r) => setTimeout(r, 100));
    await deps.queue.stop();
    await deps.queue.install(allJobs);
    console.error(
      `route benchmark: warm-up of ${warmSenders * perSender} messages routed in ${((performance.now() - warmStarted) / 1000).toFixed(1)} s (not measured)`,
    );
    next = 0;
    t0 = performance.now();
  }
  await Promise.all(Array.from({ length: 16 }, () => send(0, senders)));
  const messages = senders * perSender;
  console.error(
    `route benchmark: ${messages} messages from ${senders} senders ingested in ${((performance.now() - t0) / 1000).toFixed(1)} s; routing…`,
  );

  const pgCpu = async () => {
    const out = new Map<number, number>();
    const pids = rowsOf<{ pid: number }>(
      await deps.db.execute(sql`select pid from pg_stat_activity where datname = current_database()`),
    );
    for (const { pid } of pids) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
        out.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS);
      } catch {
        // not readable: left out
      }
    }
    return out;
  };

  let stopProfile: (() => Promise<void>) | null = null;
  if (profileDir) {
    const { Session } = await import('node:inspector/promises');
    const { writeFile } = await import('node:fs/promises');
    const s = new Session();
    s.connect();
    await s.post('Profiler.enable');
    await s.post('Profiler.start');
    stopProfile = async () => {
      const { profile } = await s.post('Profiler.stop');
      await mkdir(profileDir, { recursive: true });
      await writeFile(`${profileDir}/route.cpuprofile`, JSON.stringify(profile));
    };
  }
  // --queries: count the SQL statements sent while routing, by their first words.
  const queryKinds = new Map<string, number>();
  if (args.includes('--queries')) {
    const { default: pg } = await import('pg');
    const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
    const orig = proto.query;
    proto.query = function (this: unknown, ...a: unknown[]) {
      const q = a[0] as string | { text?: string };
      const text = (typeof q === 'string' ? q : (q?.text ?? '')).replace(/\s+/g, ' ').trim().slice(0, 90);
      queryKinds.set(text, (queryKinds.get(text) ?? 0) + 1);
      return orig.apply(this, a);
    };
  }
  const load0 = loadavg()[0];
  const pg0 = await pgCpu();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await deps.queue.work([routeJob], deps);
  let left = messages;
  while (left > 0 && performance.now() - started < 120_000) {
    await new Promise((r) => setTimeout(r, 100));
    left = await unrouted();
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = await pgCpu();
  await stopProfile?.();
  const pgMs = [...pg1].reduce((s, [pid, v]) => s + v - (pg0.get(pid) ?? 0), 0);
  const rate = messages / (ms / 1000);
  const nodeUs = ((cpu.user + cpu.system) / messages).toFixed(0);
  const pgUs = ((pgMs * 1000) / messages).toFixed(0);

  // Checks: every message routed once, answered once (one reply or welcome per message, keyed to it).
  const all = messages + warmSenders * perSender;
  const [c] = rowsOf<{ routed: string; answers: string; doubled: string; leads: string; convs: string }>(
    await deps.db.execute(sql`select
      (select count(*) from messages where direction = 'in' and routed_at is not null) as routed,
      (select count(distinct reply_to_id) from messages where direction = 'out' and reply_to_id is not null) as answers,
      (select count(*) from (select reply_to_id from messages where direction = 'out' and reply_to_id is not null group by reply_to_id having count(*) > 1) d) as doubled,
      (select count(*) from leads) as leads,
      (select count(*) from conversations) as convs`),
  );
  const checks: [boolean, string][] = [
    [Number(c.routed) === all, `every message routed (${c.routed} of ${all}, with the warm-up)`],
    [
      Number(c.answers) === all && Number(c.doubled) === 0,
      `every message answered once (${c.answers} answered, ${c.doubled} twice)`,
    ],
    [Number(c.leads) === senders + warmSenders, `one lead per sender (${c.leads} of ${senders + warmSenders})`],
  ];
  console.log(
    `## Routing: ${messages} customer messages from ${senders} senders (rules mode), PostgreSQL, pool ${poolSize}, after a warm-up of ${warmSenders * perSender}\n`,
  );
  console.log('| figure | measured | goal | baseline (docs, before this change) |');
  console.log('|---|---:|---|---|');
  console.log(`| routed messages/s | ${rate.toFixed(0)} | ≥ 600 | ~125–130 |`);
  console.log(`| time to route the backlog | ${(ms / 1000).toFixed(2)} s | – | – |`);
  console.log(`| CPU µs per routed message: Node / PostgreSQL | ${nodeUs} / ${pgUs} | – | – |`);
  console.log(
    `\nLoad average at the start ${load0.toFixed(1)} (2 shared CPUs). Goal ${rate >= 600 ? 'met' : 'missed'}.\n`,
  );
  if (queryKinds.size) {
    const n = [...queryKinds.values()].reduce((a, b) => a + b, 0);
    console.log(`Statements while routing: ${n} (${(n / messages).toFixed(1)} per message)`);
    for (const [k, v] of [...queryKinds].sort((a, b) => b[1] - a[1]).slice(0, 40))
      console.log(`  ${(v / messages).toFixed(2).padStart(6)} ${k}`);
  }
  for (const [ok, text] of checks) {
    console.log(`- ${ok ? '✓' : '✗'} ${text}`);
    if (!ok) exitCode = 1;
  }
  await app.close();
  await deps.close();
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await admin(`drop database if exists ${dbName} with (force)`).catch(() => {});
}
process.exit(exitCode);
