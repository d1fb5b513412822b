// Pipeline soak: signed WhatsApp webhooks from customers and team members against Parley on
// PostgreSQL with its job workers running, replies really sent over HTTP to the fake Graph API
// (test/fakes/graph-api.ts). Measures ingest, the time until the pipeline is drained, and the
// end-to-end latency of each message (webhook 200 → its reply's send request at the fake); then
// checks what the pipeline promises, and exits non-zero on any violation:
//   every acknowledged wamid stored once; every inbound message routed, once; every outbound row
//   ends `sent` (or a legitimate `failed`); exactly one send request per outbound message and at
//   most one mark-as-read per answered message; replies of a conversation sent in the order of
//   the messages they answer; each new customer welcomed once; team members answered, never
//   welcomed; STOP confirmed once and nothing sent after; no job fails.
//
//   node bench/pipeline.ts [--senders 300] [--messages 3] [--members 4] [--stops 6]
//                          [--redeliveries 0.05] [--burst 0.25] [--concurrency 32] [--pool 10]
//                          [--rate 80] [--drain-timeout 60] [--seed 1] [--db postgres|pglite]
//   node bench/pipeline.ts --steady 100 [--seconds 25] [--messages 3] [--db postgres|pglite]
//     (a steady offered load: --steady messages a second for --seconds, each sent at its time
//     whatever the answers — open loop —, a customer's next message a few seconds after the
//     previous; reports the end-to-end p50/p99 against the goal (< 300 ms / < 2 s) and the
//     server process's RSS under the load (goal < 300 MB on PostgreSQL, < 700 MB on PGlite);
//     replies go out at 1,000/s per number unless --rate says otherwise)
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (the server; a database
//   parley_pipeline_<pid> is created on it and dropped at the end)
//
// Three processes: Parley and its workers (this one, whose RSS is the server's), the load
// generator, and the fake Graph API (each a child process with its own event loop, bench/lib.ts).
// They share the machine's CPUs with PostgreSQL. Times are compared across processes as
// performance.timeOrigin + performance.now() (the same wall clock).
// bench/multi.ts runs the same load and checks against two servers and two workers (processes).
import './node-flags.ts'; // first: the server's V8 flags (bin/node-flags.js)
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
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
  type Logged,
  type Plan,
  type Query,
  type Received,
} from './lib.ts';

// ---------------------------------------------------------------------------------------------
// Parley, the run and the checks (main thread).

/** Each team member adds a lead and books its demo, then asks for their tasks. */
const LEADS = [
  ['Orbit Textiles', 'Orbit', 'Kavita Rao', '9845012345'],
  ['Nimbus Labs', 'Nimbus', 'Arjun Mehta', '9845012346'],
  ['Sunrise Exports', 'Sunrise', 'Meera Iyer', '9845012347'],
  ['Kaveri Foods', 'Kaveri', 'Ravi Kumar', '9845012348'],
  ['Lotus Interiors', 'Lotus', 'Neha Joshi', '9845012349'],
  ['Indus Motors', 'Indus', 'Karan Shah', '9845012350'],
];
const memberTexts = (i: number) => {
  const [company, short, person, phone] = LEADS[i % LEADS.length];
  return [`New lead: ${company}, ${person}, ${phone}`, `${short} ka demo kal 4 baje schedule karo`, 'Aaj ke tasks'];
};

async function main() {
  const args = process.argv.slice(2);
  const arg = (name: string, fallback: string) =>
    args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback;
  // Steady mode: an offered load of `steady` messages a second for `seconds`.
  const steady = args.includes('--steady') ? Number(arg('steady', '100')) : 0;
  const seconds = Number(arg('seconds', '25'));
  const dbKind = arg('db', 'postgres') === 'pglite' ? 'pglite' : 'postgres';
  const perSender = Number(arg('messages', '3'));
  const senders = steady ? Math.ceil((steady * seconds) / perSender) : Number(arg('senders', '300'));
  const memberCount = Math.min(Number(arg('members', '4')), LEADS.length);
  const stops = Number(arg('stops', String(Math.max(1, Math.round(senders / 50)))));
  const redeliveries = Number(arg('redeliveries', '0.05'));
  const burstShare = steady ? 0 : Number(arg('burst', '0.25'));
  const concurrency = Number(arg('concurrency', '32'));
  const poolSize = arg('pool', '10');
  const rate = args.includes('--rate') ? arg('rate', '80') : steady ? '1000' : undefined;
  const drainTimeoutMs = Number(arg('drain-timeout', '60')) * 1000;
  const seed = Number(arg('seed', '1'));

  const { buildApp } = await import('../src/app.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { createDeps, createLogger } = await import('../src/deps.ts');
  const { openPglite, openPostgres, rowsOf } = await import('../src/db/client.ts');
  const { sql } = await import('drizzle-orm');
  const { migrate } = await import('../src/db/migrate.ts');
  const { allJobs } = await import('../src/jobs/index.ts');

  const { name: dbName, url: dbUrl, admin } = benchDatabase('parley_pipeline');

  const runId = randomBytes(4).toString('hex');
  const cleanups: (() => Promise<void>)[] = [];
  let exitCode = 0;
  const load0 = loadavg();
  // Bounded whatever happens: a hung run still drops the database and exits.
  const limitMs = drainTimeoutMs + 150_000;
  const watchdog = setTimeout(() => {
    console.error(`pipeline benchmark: still running after ${Math.round(limitMs / 1000)} s, giving up`);
    void admin(`drop database if exists ${dbName} with (force)`).finally(() => process.exit(2));
  }, limitMs);

  const fake = fakeGraphThread({ process: true });
  const loader = loadThread({ process: true });

  try {
    if (dbKind === 'postgres') {
      await admin(`create database ${dbName}`);
      cleanups.push(() => admin(`drop database if exists ${dbName} with (force)`));
    }
    const fakeUrl = await fake.url;
    cleanups.unshift(fake.close);

    // Warnings and errors (a job that failed, a send that failed) are kept for the report.
    const logged: Logged[] = [];
    const logSink = { write: (line: string) => void logged.push(loggedOf(JSON.parse(line))) };
    const database =
      dbKind === 'postgres'
        ? await openPostgres({ url: dbUrl.toString(), poolSize: Number(poolSize) })
        : await openPglite({});
    await migrate(database.db);
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PARLEY_DEMO: 'false',
      CHANNEL_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
      PARLEY_SECRET_KEY: 'bench-secret-key-0123456789',
      ...(dbKind === 'postgres' ? { DATABASE_URL: dbUrl.toString() } : {}),
      DATABASE_POOL_SIZE: poolSize,
    };
    if (rate) env.OUTBOUND_RATE_PER_SECOND = rate;
    const config = loadConfig(env);
    const deps = await createDeps(config, { database, log: createLogger(config, logSink) });
    // As `parley serve` does with PARLEY_WORKERS on: the workers run in the server's process.
    await deps.queue.work(allJobs, deps);
    const app = await buildApp(deps);
    await app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.unshift(async () => {
      await app.close();
      await deps.close();
    });
    const apiUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

    const {
      post: api,
      token,
      phoneNumberId,
      secret,
    } = await benchWhatsApp(apiUrl, `${fakeUrl}/v26.0`, {
      runId,
      workspace: 'Bench Realty',
    });

    // The load: customers (some STOP at the end, some twice), team members spread among them.
    const scripts = customerScripts(random(seed), { senders, perSender, stops, burstShare });
    const memberPhones = new Set<string>();
    for (let k = 0; k < memberCount; k++) {
      const phone = `91990${String(1_000_000 + k).padStart(7, '0')}`;
      await api(
        '/api/users',
        {
          name: `Agent ${k + 1}`,
          email: `agent${k}-${runId}@example.com`,
          password: 'member password',
          role: 'agent',
          phone: `+${phone}`,
        },
        token,
      );
      memberPhones.add(phone);
      scripts.splice(Math.floor(((k + 0.5) * scripts.length) / memberCount), 0, {
        phone,
        name: `Agent ${k + 1}`,
        texts: memberTexts(k),
        burst: false,
      });
    }
    const stopPhones = new Set(scripts.filter((s) => s.texts.includes('STOP')).map((s) => s.phone));
    const totalMessages = scripts.reduce((n, s) => n + s.texts.length, 0);

    console.error(
      `pipeline benchmark: ${senders} customers × ${perSender} messages (${stopPhones.size} end with STOP), ${memberCount} team members, ~${Math.round(redeliveries * 100)}% re-delivered, concurrency ${concurrency}; ${totalMessages} messages; ${availableParallelism()} CPUs, load ${load0.map((x) => x.toFixed(1)).join(' ')}`,
    );

    // Run the load, then wait for the pipeline to drain.
    // Steady mode: the k-th message of every contact, contact after contact, then the (k+1)-th.
    const order: [number, number][] = [];
    if (steady)
      for (let k = 0; k < Math.max(...scripts.map((x) => x.texts.length)); k++)
        scripts.forEach((x, i) => k < x.texts.length && order.push([i, k]));
    // The server's RSS (this process: Parley, its workers and this bench's bookkeeping), sampled
    // while the load runs and the pipeline drains.
    const rssSamples: number[] = [];
    const rssOf = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024;
    const heapSamples: { total: number; used: number; external: number }[] = [];
    const sampler = setInterval(() => {
      rssSamples.push(rssOf());
      const m = process.memoryUsage();
      heapSamples.push({ total: m.heapTotal / 2 ** 20, used: m.heapUsed / 2 ** 20, external: m.external / 2 ** 20 });
    }, 250);
    const load = await loader.run({
      ...(steady ? { rate: steady, order } : {}),
      urls: [`${apiUrl}/webhooks/whatsapp`],
      secret,
      phoneNumberId,
      concurrency,
      scripts,
      redeliveries,
      seed: seed + 1,
      runId,
    } satisfies Plan);
    const loadEnd = now();
    console.error(`  load sent in ${(load.elapsedMs / 1000).toFixed(1)} s; draining…`);
    const query: Query = async <T>(text: string) => rowsOf<T>(await deps.db.execute(sql.raw(text)));
    const drain = await waitForDrain(query, loadEnd, drainTimeoutMs);
    clearInterval(sampler);
    const drainedAt = drain.at;
    const drained = drain.drained;
    // A moment more, for anything that would still go out (a job running twice, a late retry).
    await new Promise((r) => setTimeout(r, 2000));
    const received = await fake.dump();
    const {
      checks,
      violations,
      inbound,
      outbound,
      convs,
      repliesTo,
      firstRequest,
      sends,
      reads,
      acked,
      outcome,
      jobs,
      otherLogs,
      isMember,
    } = await checkPipeline({ query, load, received, memberPhones, stopPhones, logged, drain });

    // -------------------------------------------------------------------------------------------
    // Figures.
    const pct = (xs: number[], q: number) => {
      if (!xs.length) return NaN;
      const s = Float64Array.from(xs).sort();
      return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
    };
    const ackOf = new Map(acked.map((d) => [d.wamid, d.ackAt]));
    const e2e: number[] = [];
    const e2eCustomer: number[] = [];
    const e2eMember: number[] = [];
    for (const m of inbound) {
      const reqs = (repliesTo.get(m.id) ?? []).map((o) => firstRequest.get(o.id)).filter((r): r is Received => !!r);
      const ack = ackOf.get(m.provider_message_id ?? '');
      if (!reqs.length || ack === undefined) continue;
      const ms = Math.min(...reqs.map((r) => r.at)) - ack;
      e2e.push(ms);
      (isMember(m.conversation_id) ? e2eMember : e2eCustomer).push(ms);
    }
    const drainMs = drainedAt - loadEnd;
    const routedTimes = inbound.filter((m) => m.routed_at).map((m) => new Date(m.routed_at!).getTime());
    const routedAt = (q: number) => pct(routedTimes, q) - load.startedAt;
    const sentAt = (q: number) =>
      sends.length
        ? sends[Math.max(0, Math.min(sends.length - 1, Math.ceil(q * sends.length) - 1))].at - load.startedAt
        : NaN;
    const totalMs = drainedAt - load.startedAt;
    const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');
    const requests = load.delivered.length + load.redelivered.length;
    const sendSpan = sends.length ? (sends.at(-1)!.at - sends[0].at) / 1000 : NaN;

    const dbLabel = dbKind === 'postgres' ? 'PostgreSQL' : 'PGlite';
    console.log(
      `## Pipeline${steady ? ` at a steady ${steady} messages/s` : ''}: ${senders} customers × ${perSender} messages, ${memberCount} team members, workers on, ${dbLabel}\n`,
    );
    console.log(
      `${availableParallelism()} CPUs shared by Parley and its workers (this process), the load generator and the fake Graph API (a child process each) and PostgreSQL; pg pool ${poolSize}; outbound rate ${config.OUTBOUND_RATE_PER_SECOND}/s per number; load average before ${load0.map((x) => x.toFixed(1)).join(' ')}, after ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}.\n`,
    );
    console.log(
      `Load: ${load.delivered.length} messages (${stopPhones.size} customers end with STOP, ${scripts.filter((s) => s.burst).length} send theirs all at once) and ${load.redelivered.length} re-deliveries of the same bytes (${load.redelivered.filter((r) => r.racing).length} racing the first), ${concurrency} contacts in flight.\n`,
    );
    console.log('| stage | figure |');
    console.log('|---|---|');
    console.log(
      `| ingest | ${requests} webhooks in ${fmt(load.elapsedMs / 1000, 1)} s = ${fmt((requests / load.elapsedMs) * 1000)} req/s; p50 ${fmt(pct(load.latencies, 0.5), 1)} ms, p99 ${fmt(pct(load.latencies, 0.99), 1)} ms, max ${fmt(pct(load.latencies, 1), 1)} ms; ${load.errors} errors |`,
    );
    console.log(
      `| drain | ${drained ? '' : 'NOT DRAINED: '}${fmt(drainMs / 1000, 1)} s after the last webhook; ${fmt(totalMs / 1000, 1)} s from the first webhook to the last send |`,
    );
    console.log(
      `| sends | ${sends.length} send requests + ${reads.length} mark-as-read at the fake, over ${fmt(sendSpan, 1)} s = ${fmt((sends.length + reads.length) / sendSpan)} requests/s; sends take the rate limit (read receipts do not), so they need at least ${fmt(sends.length / config.OUTBOUND_RATE_PER_SECOND, 1)} s |`,
    );
    console.log(
      `| timeline (s after the first webhook) | half routed ${fmt(routedAt(0.5) / 1000, 1)}, all routed ${fmt(routedAt(1) / 1000, 1)}; first reply ${fmt(sentAt(0) / 1000, 1)}, half the replies ${fmt(sentAt(0.5) / 1000, 1)}, last ${fmt(sentAt(1) / 1000, 1)} |`,
    );
    console.log(
      `| end to end (webhook 200 → reply at the fake) | ${e2e.length} answered messages: p50 ${fmt(pct(e2e, 0.5))} ms, p90 ${fmt(pct(e2e, 0.9))} ms, p99 ${fmt(pct(e2e, 0.99))} ms, max ${fmt(pct(e2e, 1))} ms |`,
    );
    console.log(
      `| … customers / team members | p50 ${fmt(pct(e2eCustomer, 0.5))} / ${fmt(pct(e2eMember, 0.5))} ms, p99 ${fmt(pct(e2eCustomer, 0.99))} / ${fmt(pct(e2eMember, 0.99))} ms |`,
    );
    const rssPeak = Math.max(...rssSamples);
    const heapAtPeak = heapSamples[rssSamples.indexOf(rssPeak)];
    const rssGoal = dbKind === 'postgres' ? 300 : 700;
    const met = (ok: boolean) => (ok ? 'met' : '**missed**');
    console.log(`\n| goal (issue 15) | measured | goal |\n|---|---:|---|`);
    if (steady) {
      const p50 = pct(e2eCustomer, 0.5);
      const p99 = pct(e2eCustomer, 0.99);
      console.log(
        `| offered load | ${steady} messages/s for ${seconds} s; achieved ${fmt((load.delivered.length / load.elapsedMs) * 1000)} webhooks/s | – |`,
      );
      console.log(
        `| end to end p50, customers (webhook 200 → reply at the fake) | ${fmt(p50)} ms | < 300 ms: ${met(p50 < 300)} |`,
      );
      console.log(`| end to end p99, customers | ${fmt(p99)} ms | < 2,000 ms: ${met(p99 < 2000)} |`);
    }
    console.log(
      `| server RSS under load (this process: Parley and its workers), peak / median of ${rssSamples.length} samples | ${fmt(rssPeak)} / ${fmt(pct(rssSamples, 0.5))} MB (V8 heap at the RSS peak: ${fmt(heapAtPeak?.total ?? NaN)} MB reserved, ${fmt(heapAtPeak?.used ?? NaN)} MB used, ${fmt(heapAtPeak?.external ?? NaN)} MB external) | < ${rssGoal} MB on ${dbLabel}: ${met(rssPeak < rssGoal)} |`,
    );
    console.log(
      `\nStored: ${inbound.length} inbound, ${outbound.length} outbound in ${convs.size} conversations. Outbound by status · purpose · channel:\n`,
    );
    console.log('| outcome | messages |');
    console.log('|---|---:|');
    for (const [k, n] of [...outcome].sort((a, b) => b[1] - a[1])) console.log(`| ${k} | ${n} |`);
    console.log(
      `\nJobs: ${jobs.map((j) => `${j.name} ${j.state} ${j.n}${Number(j.retried) ? ` (${j.retried} retried)` : ''}`).join(', ')}.`,
    );
    if (otherLogs.length) {
      const byMsg = new Map<string, number>();
      for (const l of otherLogs)
        byMsg.set(`${l.msg}${l.err ? `: ${l.err}` : ''}`, (byMsg.get(`${l.msg}${l.err ? `: ${l.err}` : ''}`) ?? 0) + 1);
      console.log(`Warnings logged: ${[...byMsg].map(([m, n]) => `${n}× ${m}`).join('; ')}.`);
    }
    console.log('\n### Checks\n');
    for (const c of checks) console.log(`- ${c.ok ? '✓' : '✗'} ${c.text}`);
    if (violations.length) {
      console.log(`\n**${violations.length} violation(s):**\n`);
      for (const v of violations) console.log(`- ${v}`);
      exitCode = 1;
    } else console.log('\nEvery check passed.');
  } catch (err) {
    console.error(err);
    exitCode = 1;
  } finally {
    await loader.terminate();
    for (const c of cleanups) {
      try {
        await c();
      } catch (err) {
        console.error('cleanup:', err);
      }
    }
    await fake.terminate();
  }
  clearTimeout(watchdog);
  process.exit(exitCode);
}

await main();
