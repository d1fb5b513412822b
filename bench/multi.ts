// Out of one process (issue 15): two `parley serve` processes (PARLEY_WORKERS=false) on two ports
// and two `parley worker` processes — the real CLI, bin/parley.js — on one PostgreSQL database of
// their own, started together on the empty database, replies sent over HTTP to the recording fake
// Graph API (a worker thread of this process). Signed WhatsApp webhooks from a few hundred
// customers go to the two servers in turn (a load balancer: a message's re-delivery, Meta's retry
// of the same bytes, often reaches the other server). Then the checks of bench/pipeline.ts
// (bench/lib.ts checkPipeline): every acknowledged message stored once, routed once, answered once
// at the fake, replies in order per conversation, nothing left queued, no job failed; and that the
// four processes are alive and the start made one default workspace. Exit 1 on any broken check,
// never on a figure.
//
// Figures: ingest across both servers, routing across both workers (overall, and of the backlog
// left when the load ended), time to drain, CPU of each process (µs per webhook for the servers,
// per routed message for the workers, which route and send), connections per process (each has its
// own application_name; the workers LISTEN through DATABASE_LISTEN_URL), load average.
//
// kill -9 of one of two workers mid-drain is a fault of the chaos suite (bench/chaos.ts, issue 12),
// which checks that the other finishes the work; it is not repeated here.
//
//   node bench/multi.ts [--senders 400] [--messages 8] [--stops 4] [--redeliveries 0.05]
//                       [--burst 0.25] [--concurrency 32] [--pool 10] [--rate 10000]
//                       [--drain-timeout 180] [--seed 1]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (the server; a database
//   parley_multi_<pid> is created on it and dropped at the end)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import pg from 'pg';
import { startServer, type ServerProcess } from '../test/helpers/server-process.ts';
import {
  benchDatabase,
  benchWhatsApp,
  checkPipeline,
  customerScripts,
  fakeGraphThread,
  loadThread,
  loggedOf,
  now,
  random,
  waitForDrain,
  type Query,
} from './lib.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) =>
  args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback;
const senders = Number(arg('senders', '400'));
const perSender = Number(arg('messages', '8'));
const stops = Number(arg('stops', '4'));
const redeliveries = Number(arg('redeliveries', '0.05'));
const burstShare = Number(arg('burst', '0.25'));
const concurrency = Number(arg('concurrency', '32'));
const poolSize = arg('pool', '10');
// Effectively unlimited: the figure is the pipeline's, not the provider's rate (which is per process).
const rate = arg('rate', '10000');
const drainTimeoutMs = Number(arg('drain-timeout', '180')) * 1000;
const seed = Number(arg('seed', '1'));

const load0 = loadavg();
const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const loads = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
const pct = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

// CPU time of a process (user + system), in seconds, from /proc.
const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const cpuOf = (pid: number) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks; // utime, stime (fields 14 and 15)
  } catch {
    return NaN; // gone
  }
};

const { name: dbName, url: dbUrl, admin } = benchDatabase('parley_multi');
const runId = randomBytes(4).toString('hex');
/** DATABASE_URL of one process: the bench database, with a name of its own in pg_stat_activity. */
const urlFor = (name: string) => {
  const u = new URL(dbUrl);
  u.searchParams.set('application_name', `${name}_${runId}`);
  return u.toString();
};

const processes: { name: string; proc: ServerProcess }[] = [];
const fake = fakeGraphThread();
const loader = loadThread();
let pool: pg.Pool | null = null;
let exitCode = 0;
// Bounded whatever happens: a hung run still stops its processes and drops the database.
const limitMs = drainTimeoutMs + 240_000;
const watchdog = setTimeout(() => {
  console.error(`multi-process benchmark: still running after ${Math.round(limitMs / 1000)} s, giving up`);
  for (const p of processes) p.proc.child.kill('SIGKILL');
  void admin(`drop database if exists ${dbName} with (force)`).finally(() => process.exit(2));
}, limitMs);

try {
  await admin(`create database ${dbName}`);
  const fakeUrl = await fake.url;
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PARLEY_DEMO: 'false',
    PARLEY_SECRET_KEY: 'bench-secret-key-0123456789',
    CHANNEL_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
    DATABASE_POOL_SIZE: poolSize,
    OUTBOUND_RATE_PER_SECOND: rate,
  };
  // All four at once on the empty database: migrations, pg-boss's schema and the default workspace
  // are made by whichever comes first.
  const started = now();
  const names = ['serve_1', 'serve_2', 'worker_1', 'worker_2'];
  // Started as they answer; each has 3 minutes (a loaded 2-CPU machine compiles slowly).
  const results = await Promise.allSettled(
    names.map((name) =>
      name.startsWith('serve')
        ? startServer(
            { ...env, DATABASE_URL: urlFor(name), PARLEY_WORKERS: 'false', PORT: '0' },
            { timeoutMs: 180_000 },
          )
        : startServer(
            { ...env, DATABASE_URL: urlFor(name), DATABASE_LISTEN_URL: urlFor(`${name}_listen`) },
            { command: ['worker'], timeoutMs: 180_000 },
          ),
    ),
  );
  results.forEach((r, i) => r.status === 'fulfilled' && processes.push({ name: names[i], proc: r.value }));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const startMs = now() - started;
  const serves = processes.filter((p) => p.name.startsWith('serve'));

  pool = new pg.Pool({ connectionString: urlFor('bench'), max: 2 });
  const query: Query = async <T>(text: string) => (await pool!.query(text)).rows as T[];
  // Connections per process, sampled while it runs: the budget of docs/scaling.md.
  const connections = new Map<string, number>();
  const sample = async () => {
    const rows = await query<{ app: string; n: number }>(
      `select application_name as app, count(*)::int as n from pg_stat_activity where datname = '${dbName}' group by 1`,
    );
    for (const r of rows) connections.set(r.app, Math.max(connections.get(r.app) ?? 0, r.n));
  };
  const sampler = setInterval(() => void sample().catch(() => {}), 250);

  const { phoneNumberId, secret } = await benchWhatsApp(serves[0].proc.url, `${fakeUrl}/v26.0`, {
    runId,
    workspace: 'Bench Realty',
  });
  const scripts = customerScripts(random(seed), { senders, perSender, stops, burstShare });
  const stopPhones = new Set(scripts.filter((s) => s.texts.includes('STOP')).map((s) => s.phone));
  const totalMessages = scripts.reduce((n, s) => n + s.texts.length, 0);
  console.error(
    `multi-process benchmark: 2 servers + 2 workers; ${senders} customers × ${perSender} messages = ${totalMessages} (${stopPhones.size} end with STOP), ~${Math.round(redeliveries * 100)}% re-delivered, concurrency ${concurrency}; ${availableParallelism()} CPUs, load ${loads(load0)}`,
  );

  const cpu0 = processes.map((p) => cpuOf(p.proc.child.pid!));
  const load = await loader.run({
    urls: serves.map((s) => `${s.proc.url}/webhooks/whatsapp`),
    secret,
    phoneNumberId,
    concurrency,
    scripts,
    redeliveries,
    seed: seed + 1,
    runId,
    retryUnanswered: true,
  });
  const loadEnd = now();
  const [backlog] = await query<{ n: string }>(
    `select count(*) as n from messages where direction = 'in' and routed_at is null`,
  );
  console.error(`  load sent in ${(load.elapsedMs / 1000).toFixed(1)} s (${backlog.n} not routed yet); draining…`);
  const drain = await waitForDrain(query, loadEnd, drainTimeoutMs);
  const cpu1 = processes.map((p) => cpuOf(p.proc.child.pid!));
  // A moment more, for anything that would still go out (a job running twice, a late retry).
  await new Promise((r) => setTimeout(r, 2000));
  clearInterval(sampler);
  const received = await fake.dump();
  const logged = processes.flatMap((p) => p.proc.lines.filter((l) => l.level >= 40).map((l) => loggedOf(l)));
  const r = await checkPipeline({ query, load, received, memberPhones: new Set(), stopPhones, logged, drain });

  // Beyond the pipeline's checks: the processes lived through it, and starting together made one
  // default workspace (and one pg-boss schema, or the workers would have failed).
  const dead = processes.filter((p) => p.proc.exited);
  if (dead.length)
    r.violations.push(
      `processes exited: ${dead.map((p) => `${p.name} (${p.proc.exited!.code ?? p.proc.exited!.signal})`).join(', ')}`,
    );
  r.checks.push({ ok: !dead.length, text: 'the two servers and the two workers alive throughout' });
  const [defaults] = await query<{ n: number }>(`select count(*)::int as n from workspaces where is_default`);
  if (defaults.n !== 1) r.violations.push(`${defaults.n} default workspaces after four processes started together`);
  r.checks.push({
    ok: defaults.n === 1,
    text: `four processes started together on the empty database: one default workspace (${defaults.n})`,
  });

  // -------------------------------------------------------------------------------------------
  // Figures.
  const acked = r.acked.length;
  const requests = load.delivered.length + load.redelivered.length;
  const routedTimes = r.inbound
    .filter((m) => m.routed_at)
    .map((m) => new Date(m.routed_at!).getTime())
    .sort((a, b) => a - b);
  const lastRouted = routedTimes.at(-1) ?? NaN;
  const routedAfterLoad = routedTimes.filter((t) => t > loadEnd).length;
  const routeSpan = (lastRouted - load.startedAt) / 1000;
  const backlogSpan = (lastRouted - loadEnd) / 1000;
  const sends = r.sends;
  const sendSpan = sends.length ? (sends.at(-1)!.at - sends[0].at) / 1000 : NaN;
  const cpu = processes.map((p, i) => ({ name: p.name, s: cpu1[i] - cpu0[i] }));
  const serveCpu = cpu.filter((c) => c.name.startsWith('serve')).reduce((n, c) => n + c.s, 0);
  const workerCpu = cpu.filter((c) => !c.name.startsWith('serve')).reduce((n, c) => n + c.s, 0);
  const conn = (name: string) => connections.get(`${name}_${runId}`) ?? 0;

  console.log(`## Out of one process: 2 × parley serve (PARLEY_WORKERS=false) + 2 × parley worker, one PostgreSQL\n`);
  console.log(
    `${availableParallelism()} CPUs shared by the four Parley processes, this bench (load generator and fake Graph API, a thread each) and PostgreSQL; pg pool ${poolSize} per process; outbound rate ${rate}/s per number per process; load average before ${loads(load0)}, after ${loads(loadavg())}. The four started together on the empty database in ${fmt(startMs / 1000, 1)} s.\n`,
  );
  console.log(
    `Load: ${load.delivered.length} messages from ${senders} customers (${stopPhones.size} end with STOP, ${scripts.filter((s) => s.burst).length} send theirs all at once) and ${load.redelivered.length} re-deliveries of the same bytes (${load.redelivered.filter((x) => x.racing).length} racing the first), ${concurrency} contacts in flight, requests to the servers in turn (${load.perServer.join(' / ')}).\n`,
  );
  const retried = load.delivered.filter((d) => (d.attempts ?? 1) > 1);
  if (retried.length)
    console.log(
      `${retried.length} first deliveries were not answered 200 at once (an error or a 15 s timeout) and were sent again as Meta does; ${retried.filter((d) => d.status === 200).length} of them then answered 200.\n`,
    );
  console.log('| stage | figure |');
  console.log('|---|---|');
  console.log(
    `| ingest, both servers | ${acked} messages (${requests} webhooks) in ${fmt(load.elapsedMs / 1000, 1)} s = **${fmt((acked / load.elapsedMs) * 1000)} msg/s**; p50 ${fmt(pct(load.latencies, 0.5), 1)} ms, p99 ${fmt(pct(load.latencies, 0.99), 1)} ms; ${load.errors} errors |`,
  );
  const afterLoad =
    Number(backlog.n) >= 20
      ? `the ${backlog.n} left unrouted when the load ended: routed in ${fmt(backlogSpan, 1)} s = ${fmt(routedAfterLoad / backlogSpan)} msg/s`
      : `the workers kept up (${backlog.n} left unrouted when the load ended)`;
  console.log(
    `| routing, both workers | ${routedTimes.length} messages routed by ${fmt(routeSpan, 1)} s after the first webhook = **${fmt(routedTimes.length / routeSpan)} msg/s**; ${afterLoad} |`,
  );
  console.log(
    `| drain | ${drain.drained ? '' : 'NOT DRAINED: '}**${fmt((drain.at - loadEnd) / 1000, 1)} s** after the last webhook (all routed, nothing queued or sending) |`,
  );
  console.log(
    `| sends | ${sends.length} send requests + ${r.reads.length} mark-as-read at the fake over ${fmt(sendSpan, 1)} s = ${fmt((sends.length + r.reads.length) / sendSpan)} requests/s |`,
  );
  console.log(
    `| CPU, load start → drained | ${cpu.map((c) => `${c.name} ${fmt(c.s, 1)} s`).join(', ')}; servers ${fmt((serveCpu / requests) * 1e6)} µs per webhook, workers ${fmt((workerCpu / Math.max(1, routedTimes.length)) * 1e6)} µs per routed message (routing and sending) |`,
  );
  console.log(
    `| connections (most seen at once) | ${processes.map((p) => `${p.name} ${conn(p.name)}${p.name.startsWith('worker') ? ` + ${conn(`${p.name}_listen`)} listening` : ''}`).join(', ')}; the whole database ${[...connections.values()].reduce((a, b) => a + b, 0)} at most (this bench's own 2 included) |`,
  );
  console.log(
    `\nStored: ${r.inbound.length} inbound, ${r.outbound.length} outbound in ${r.convs.size} conversations. Jobs: ${r.jobs.map((j) => `${j.name} ${j.state} ${j.n}${Number(j.retried) ? ` (${j.retried} retried)` : ''}`).join(', ')}.`,
  );
  if (r.otherLogs.length) {
    const byMsg = new Map<string, number>();
    for (const l of r.otherLogs) {
      const k = `${l.msg}${l.err ? `: ${l.err}` : ''}`;
      byMsg.set(k, (byMsg.get(k) ?? 0) + 1);
    }
    console.log(`Warnings logged: ${[...byMsg].map(([m, n]) => `${n}× ${m}`).join('; ')}.`);
  }
  console.log('\n### Checks\n');
  for (const c of r.checks) console.log(`- ${c.ok ? '✓' : '✗'} ${c.text}`);
  if (r.violations.length) {
    console.log(`\n**${r.violations.length} violation(s):**\n`);
    for (const v of r.violations) console.log(`- ${v}`);
    exitCode = 1;
  } else console.log('\nEvery check passed.');
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await loader.terminate();
  for (const p of processes) await p.proc.stop('SIGTERM').catch(() => {});
  await pool?.end().catch(() => {});
  await fake.close().catch(() => {});
  await fake.terminate();
  await admin(`drop database if exists ${dbName} with (force)`).catch((err: unknown) => console.error('cleanup:', err));
}
clearTimeout(watchdog);
process.exit(exitCode);
