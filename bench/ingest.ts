// Ingest benchmark: signed WhatsApp text webhooks at rising concurrency against Parley on
// PostgreSQL, beside the simplest durable webhook (verify the signature, insert the raw body into one table) measured in the same run.
// After every Parley level, each acknowledged (200) message must be in the database: a missing
// one makes the exit code non-zero.
//
//   node bench/ingest.ts [--levels 1,8,32,64] [--seconds 5] [--no-pglite] [--pool 10] [--profile DIR]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (the server; a database
//   parley_bench_<pid> is created on it and dropped at the end)
//
// Parley and the baseline run in this process's main thread (workers off: ingest only). The
// load generator runs in a worker thread of the same process, so it has its own event loop but
// shares the machine's CPU with both servers and PostgreSQL.
import './node-flags.ts'; // first: the server's V8 flags (bin/node-flags.js)
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { benchDatabase, signature, waTextBody } from './lib.ts';

// ---------------------------------------------------------------------------------------------
// Shared: what a level asks of the load generator and what it answers.

type LevelJob = {
  url: string;
  concurrency: number;
  seconds: number;
  /** At most this many requests (each a unique message) in the level. */
  cap: number;
  phoneNumberId: string;
  secret: string;
  /** Prefix of this level's wamids (unique across the run). */
  idPrefix: string;
};

type LevelResult = {
  sent: number;
  ok: number;
  other: Record<string, number>;
  errors: number;
  elapsedMs: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** CPU time of the load generator's thread during the level. */
  clientCpuMs: number;
  acked: string[];
};

// ---------------------------------------------------------------------------------------------
// Load generator (worker thread).

const TEXTS = [
  'Hi, is the 2BHK in Baner still available?',
  'What is the final price for the 3BHK flat? Is parking included?',
  'Can I visit the site tomorrow at 11 am?',
  'नमस्ते, मुझे अंधेरी में 2BHK फ्लैट चाहिए। बजट 80 लाख तक है।',
  'kal shaam 6 baje call kar sakte ho? 🙏',
  'Thanks! 👍 Please share the brochure and floor plan 📄',
  'मेरा बजट 1.2 करोड़ है, कोई अच्छा option बताइए 🏠✨',
  'Hello, I saw your ad on Facebook. Looking for a 1BHK on rent near Hinjewadi, ready to move, under 25k per month. Family of three, one small dog 🐶. Can you send photos and the society rules? Also is there power backup and 24x7 water supply? We need to shift by the 15th of next month.',
  'ok',
  'Site visit confirm for Sunday 🙂 मैं अपनी पत्नी के साथ आऊँगा',
  'Is home loan assistance available? My CIBIL score is 780. I am a salaried employee at an IT company in Pune and can make a down payment of about 20 lakh. Please tell me which banks you work with and how long the approval usually takes.',
  'price kya hai? aur possession kab tak milega?',
];
const NAMES = [
  'Priya Sharma',
  'राहुल वर्मा',
  'Amit Patel',
  'Sneha 🌸',
  'Vikram Singh',
  'अनीता',
  'Rohan D',
  'Fatima Khan',
];

const TICKS = 100; // USER_HZ of /proc/<pid>/stat on Linux

type Prepared = { body: Buffer; headers: http.OutgoingHttpHeaders; wamid: string };

function prepare(job: LevelJob): Prepared[] {
  const out: Prepared[] = [];
  for (let i = 0; i < job.cap; i++) {
    const from = `9198${String(10_000_000 + ((i * 7919) % 5000)).padStart(8, '0')}`;
    const wamid = `wamid.HBgM${Buffer.from(`${from}${job.idPrefix}${i}`).toString('base64url')}`;
    const body = Buffer.from(
      waTextBody(job.phoneNumberId, from, NAMES[i % NAMES.length], wamid, TEXTS[i % TEXTS.length]),
    );
    out.push({
      body,
      wamid,
      headers: {
        'content-type': 'application/json',
        'content-length': body.length,
        'x-hub-signature-256': signature(body, job.secret),
        'user-agent': 'facebookexternalua',
      },
    });
  }
  return out;
}

function post(agent: http.Agent, url: URL, p: Prepared): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: p.headers },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end(p.body);
  });
}

async function runLevel(job: LevelJob): Promise<LevelResult> {
  const prepared = prepare(job);
  const url = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latencies: number[] = [];
  const acked: string[] = [];
  const other: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const cpu0 = process.threadCpuUsage();
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  const loop = async () => {
    while (next < prepared.length && performance.now() < deadline) {
      const p = prepared[next++];
      const t0 = performance.now();
      try {
        const status = await post(agent, url, p);
        latencies.push(performance.now() - t0);
        if (status === 200) acked.push(p.wamid);
        else other[status] = (other[status] ?? 0) + 1;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  const elapsedMs = performance.now() - started;
  const cpu = process.threadCpuUsage(cpu0);
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const pct = (q: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN;
  const sent = next;
  return {
    sent,
    ok: acked.length,
    other,
    errors,
    elapsedMs,
    p50: pct(0.5),
    p90: pct(0.9),
    p99: pct(0.99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
    acked,
  };
}

if (!isMainThread) {
  parentPort!.on('message', (job: LevelJob) => {
    runLevel(job).then(
      (r) => parentPort!.postMessage({ ok: true, result: r }),
      (err: unknown) => parentPort!.postMessage({ ok: false, error: String(err) }),
    );
  });
} else {
  await main();
}

// ---------------------------------------------------------------------------------------------
// The servers and the run (main thread).

async function main() {
  const args = process.argv.slice(2);
  const arg = (name: string, fallback: string) =>
    args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback;
  const levels = arg('levels', '1,8,32,64').split(',').map(Number);
  const seconds = Number(arg('seconds', '5'));
  const poolSize = arg('pool', '10');
  const withPglite = !args.includes('--no-pglite');
  // --profile DIR: a CPU profile of the servers' thread during each Parley level (DIR/ingest-c<N>.cpuprofile).
  const profileDir = args.includes('--profile') ? arg('profile', 'profiles') : null;
  const pgliteConcurrency = Number(arg('pglite-concurrency', '8'));
  const cap = Number(arg('cap', '40000'));

  // Imported here so the worker thread does not load the application.
  const { default: Fastify } = await import('fastify');
  const { default: pg } = await import('pg');
  const { sql } = await import('drizzle-orm');
  const { buildApp } = await import('../src/app.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { createDeps } = await import('../src/deps.ts');
  const { openPglite, openPostgres, rowsOf } = await import('../src/db/client.ts');
  const { migrate } = await import('../src/db/migrate.ts');
  const { allJobs } = await import('../src/jobs/index.ts');
  const { createJobQueue } = await import('../src/jobs/queue.ts');
  const { default: pino } = await import('pino');
  type Deps = Awaited<ReturnType<typeof createDeps>>;
  type Database = Awaited<ReturnType<typeof openPostgres>>;

  const { name: dbName, url: dbUrl, admin } = benchDatabase('parley_bench');

  const worker = new Worker(new URL(import.meta.url));
  const load = (job: LevelJob) =>
    new Promise<LevelResult>((resolve, reject) => {
      worker.once('message', (m: { ok: boolean; result?: LevelResult; error?: string }) =>
        m.ok ? resolve(m.result!) : reject(new Error(m.error)),
      );
      worker.postMessage(job);
    });

  const runId = randomBytes(4).toString('hex');
  let levelNo = 0;
  const rows: string[] = [];
  const verdicts: string[] = [];
  let missingTotal = 0;
  const cleanups: (() => Promise<void>)[] = [];

  /** Parley on a database, listening on 127.0.0.1, with a WhatsApp channel connected through the API. */
  async function startParley(database: Database | Awaited<ReturnType<typeof openPglite>>, env: Record<string, string>) {
    await migrate(database.db);
    // The queues are created by an earlier boot, as in production: pg-boss reads its queue cache
    // when it starts, and on a fresh PGlite database a first send inside the ingest transaction
    // would otherwise look the queue up on PGlite's only connection, held by that transaction, and
    // wait forever (see docs/benchmarks.md).
    const first = createJobQueue(database, { log: pino({ level: 'silent' }) });
    await first.install(allJobs);
    await first.stop();
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      PARLEY_DEMO: 'false',
      PARLEY_WORKERS: 'false',
      CHANNEL_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
      PARLEY_SECRET_KEY: 'bench-secret-key-0123456789',
      ...env,
    });
    const deps = await createDeps(config, { database });
    await deps.queue.install(allJobs);
    const app = await buildApp(deps);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const email = `bench-${runId}@example.com`;
    const reg = await fetch(`${url}/api/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Bench Owner',
        email,
        password: 'correct horse battery',
        workspace_name: 'Bench Realty',
      }),
    });
    if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${await reg.text()}`);
    const login = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct horse battery' }),
    });
    const { token } = (await login.json()) as { token: string };
    const phoneNumberId = `1${Date.now()}`;
    const secret = `bench-app-secret-${runId}`;
    const ch = await fetch(`${url}/api/channels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        kind: 'whatsapp',
        name: 'WhatsApp',
        account_id: phoneNumberId,
        settings: { apiUrl: 'http://127.0.0.1:9/v26.0' },
        secrets: { accessToken: 'EAAG-bench', appSecret: secret, verifyToken: 'bench' },
      }),
    });
    if (ch.status !== 201) throw new Error(`channel failed: ${ch.status} ${await ch.text()}`);
    const channelId = ((await ch.json()) as { id: string }).id;
    return { app, deps, url: `${url}/webhooks/whatsapp`, phoneNumberId, secret, channelId };
  }

  /**
   * Server-side timings of Parley's requests: the wait for a pool connection, the ingest
   * transaction, and each SQL statement by kind (time from sending it to its answer).
   */
  const STEPS = [
    'channel lookup',
    'pool wait',
    'begin',
    'workspace region',
    'ingest statement',
    'pg-boss job insert',
    'commit',
  ] as const;
  type Step = (typeof STEPS)[number] | 'transaction' | 'other';
  const stepOf = (text: string): Step => {
    const t = text.trimStart().slice(0, 1000).toLowerCase();
    if (t.startsWith('begin')) return 'begin';
    if (t.startsWith('commit')) return 'commit';
    if (t.includes('insert into pgboss.')) return 'pg-boss job insert'; // with a NOTIFY, pg-boss wraps it in a CTE
    if (t.startsWith('with c as (')) return 'ingest statement';
    if (t.includes('from "workspaces"')) return 'workspace region';
    if (t.includes('from "channels"')) return 'channel lookup';
    return 'other';
  };
  function instrument(deps: Deps) {
    const t = new Map<Step, { n: number; ms: number }>();
    const add = (step: Step, ms: number) => {
      const e = t.get(step) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += ms;
      t.set(step, e);
    };
    type Query = (...a: unknown[]) => unknown;
    const proto = pg.Client.prototype as unknown as { query: Query };
    const query = proto.query;
    proto.query = function (this: unknown, ...a: unknown[]) {
      const cfg = a[0] as string | { text?: string };
      const step = stepOf(typeof cfg === 'string' ? cfg : (cfg?.text ?? ''));
      const t0 = performance.now();
      const done = () => add(step, performance.now() - t0);
      const cb = a.findIndex((x) => typeof x === 'function');
      if (cb >= 0) {
        const f = a[cb] as (...r: unknown[]) => void;
        a[cb] = (...r: unknown[]) => {
          done();
          f(...r);
        };
        return query.apply(this, a);
      }
      const res = query.apply(this, a) as Promise<unknown> | undefined;
      res?.then?.(done, done);
      return res;
    };
    const pool = deps.database.pool;
    if (pool) {
      const connect = pool.connect.bind(pool) as (cb?: (...a: unknown[]) => void) => unknown;
      (pool as unknown as { connect: unknown }).connect = (cb?: (...a: unknown[]) => void) => {
        const t0 = performance.now();
        const done = () => add('pool wait', performance.now() - t0);
        if (cb)
          return connect((...a: unknown[]) => {
            done();
            cb(...a);
          });
        return (connect() as Promise<unknown>).then((c) => {
          done();
          return c;
        });
      };
    }
    const rawTransaction = deps.database.rawTransaction.bind(deps.database);
    (deps.database as unknown as { rawTransaction: unknown }).rawTransaction = async (
      ...a: Parameters<typeof rawTransaction>
    ) => {
      const t0 = performance.now();
      try {
        return await rawTransaction(...a);
      } finally {
        add('transaction', performance.now() - t0);
      }
    };
    return {
      /** Mean ms per step since the last take(). */
      take() {
        const out = Object.fromEntries([...t].map(([k, v]) => [k, v.ms / v.n])) as Partial<Record<Step, number>>;
        const batches = t.get('transaction')?.n ?? 0;
        t.clear();
        return { ...out, batches };
      },
    };
  }

  async function countStored(deps: Deps, channelId: string, wamids: string[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < wamids.length; i += 5000) {
      const chunk = wamids.slice(i, i + 5000);
      const list = sql.join(
        chunk.map((w) => sql`${w}`),
        sql`, `,
      );
      const [row] = rowsOf<{ n: number | string }>(
        await deps.db.execute(
          sql`select count(*) as n from messages where channel_id = ${channelId} and direction = 'in' and provider_message_id in (${list})`,
        ),
      );
      n += Number(row.n);
    }
    return n;
  }

  /** CPU time (ms) of the PostgreSQL backends serving the bench database, from /proc (same machine). */
  async function pgCpuMs(deps: Deps | undefined): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (!deps || deps.database.kind !== 'postgres') return out;
    const pids = rowsOf<{ pid: number }>(
      await deps.db.execute(sql`select pid from pg_stat_activity where datname = current_database()`),
    );
    for (const { pid } of pids) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
        out.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS);
      } catch {
        // Not on this machine or not readable: PostgreSQL CPU is left out.
      }
    }
    return out;
  }
  const pgCpuDelta = (a: Map<number, number>, b: Map<number, number>) =>
    [...b].reduce((sum, [pid, ms]) => sum + ms - (a.get(pid) ?? 0), 0);

  async function startProfile(dir: string, name: string): Promise<() => Promise<void>> {
    const { Session } = await import('node:inspector/promises');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    return async () => {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
      session.disconnect();
    };
  }

  const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  const header =
    '| target | database | concurrency | requests | 200 | other / errors | msg/s | p50 ms | p90 ms | p99 ms | max ms | CPU µs/msg: load gen / server / PostgreSQL | stored / missing |';
  const sep = '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|';

  type Cpu = { serverMs: number; pgMs: number | null };
  function row(target: string, dbLabel: string, c: number, r: LevelResult, cpu: Cpu, stored: string) {
    const others = Object.entries(r.other).map(([k, v]) => `${v}×${k}`);
    if (r.errors) others.push(`${r.errors} err`);
    const rate = (r.ok / r.elapsedMs) * 1000;
    const per = (ms: number | null) => (ms === null ? '–' : String(Math.round((ms * 1000) / Math.max(1, r.sent))));
    rows.push(
      `| ${target} | ${dbLabel} | ${c} | ${r.sent} | ${r.ok} | ${others.join(', ') || '0'} | ${Math.round(rate)} | ${fmt(r.p50)} | ${fmt(r.p90)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${per(r.clientCpuMs)} / ${per(cpu.serverMs)} / ${per(cpu.pgMs)} | ${stored} |`,
    );
    console.error(
      `  ${target.padEnd(6)} ${dbLabel.padEnd(10)} c=${String(c).padStart(2)}  ${String(Math.round(rate)).padStart(6)} msg/s  p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms  ${stored}`,
    );
    return rate;
  }

  async function measure(
    target: string,
    dbLabel: string,
    url: string,
    concurrency: number,
    opts: {
      phoneNumberId: string;
      secret: string;
      secs: number;
      verify?: { deps: Deps; channelId: string };
      /** The simplest durable webhook: its PostgreSQL CPU (through these deps) and its rows, counted. */
      baseline?: { deps: Deps; count: () => Promise<number> };
    },
  ) {
    const cpuDeps = opts.verify?.deps ?? opts.baseline?.deps;
    const rows0 = opts.baseline ? await opts.baseline.count() : 0;
    const pg0 = await pgCpuMs(cpuDeps);
    const cpu0 = process.threadCpuUsage();
    const r = await load({
      url,
      concurrency,
      seconds: opts.secs,
      cap,
      phoneNumberId: opts.phoneNumberId,
      secret: opts.secret,
      idPrefix: `${runId}L${levelNo++}`,
    });
    const cpu = process.threadCpuUsage(cpu0);
    const pg1 = await pgCpuMs(cpuDeps);
    const serverCpu: Cpu = { serverMs: (cpu.user + cpu.system) / 1000, pgMs: pg1.size ? pgCpuDelta(pg0, pg1) : null };
    let stored = '–';
    if (opts.verify) {
      const n = await countStored(opts.verify.deps, opts.verify.channelId, r.acked);
      const missing = r.ok - n;
      missingTotal += Math.max(0, missing);
      stored = `${n} / ${missing}`;
    }
    if (opts.baseline) {
      // Every 200 is one row (the baseline stores whole bodies; each body carries one message).
      const n = (await opts.baseline.count()) - rows0;
      const missing = r.ok - n;
      missingTotal += Math.max(0, missing);
      stored = `${n} / ${missing}`;
    }
    return { r, rate: row(target, dbLabel, concurrency, r, serverCpu, stored) };
  }

  let exitCode = 0;
  const load0 = loadavg();
  // Bounded in time whatever happens: a hung level or shutdown still drops the database and exits.
  const limitMs = (levels.length * 2 + 4) * seconds * 1000 + 90_000;
  const watchdog = setTimeout(() => {
    console.error(`ingest benchmark: still running after ${Math.round(limitMs / 1000)} s, giving up`);
    void admin(`drop database if exists ${dbName} with (force)`).finally(() => process.exit(2));
  }, limitMs);
  try {
    await admin(`create database ${dbName}`);
    cleanups.push(() => admin(`drop database if exists ${dbName} with (force)`));

    const database = await openPostgres({ url: dbUrl.toString(), poolSize: Number(poolSize) });
    const parley = await startParley(database, { DATABASE_URL: dbUrl.toString(), DATABASE_POOL_SIZE: poolSize });

    // The baseline: the simplest durable webhook a team would write by hand. Verify the
    // X-Hub-Signature-256 over the raw bytes (constant-time compare), insert the raw body into one
    // table (one autocommit insert: durable before the 200), answer 200. Same pool size, same
    // database server, same thread as Parley.
    const simplePool = new pg.Pool({ connectionString: dbUrl.toString(), max: Number(poolSize) });
    simplePool.on('error', () => {}); // an idle client dropped with the database at the end
    await simplePool.query(
      'create table simple_webhooks (id bigserial primary key, body text not null, received_at timestamptz not null default now())',
    );
    const bare = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 });
    bare.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    bare.post('/webhooks/whatsapp', async (req, reply) => {
      const raw = req.body as Buffer;
      const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
      const expected = Buffer.from(signature(raw, parley.secret));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.status(401).send();
      await simplePool.query('insert into simple_webhooks (body) values ($1)', [raw.toString('utf8')]);
      return { ok: true };
    });
    await bare.listen({ host: '127.0.0.1', port: 0 });
    cleanups.unshift(async () => {
      await bare.close();
      await simplePool.end();
    });
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/webhooks/whatsapp`;
    const baseline = {
      deps: parley.deps,
      count: async () => Number((await simplePool.query('select count(*) as n from simple_webhooks')).rows[0].n),
    };
    cleanups.unshift(async () => {
      await parley.app.close();
      await parley.deps.close();
    });
    const timings = instrument(parley.deps);
    const common = { phoneNumberId: parley.phoneNumberId, secret: parley.secret };

    console.error(
      `ingest benchmark: levels ${levels.join(', ')}, ${seconds} s each; ${availableParallelism()} CPUs shared by load generator, servers and PostgreSQL; pool ${poolSize}`,
    );
    // Warm-up (JIT, connections, pg-boss statements); Parley's warm-up is verified too.
    await measure('warmup', 'baseline', bareUrl, 8, { ...common, secs: 1, baseline });
    await measure('warmup', 'postgres', parley.url, 8, {
      ...common,
      secs: 1,
      verify: { deps: parley.deps, channelId: parley.channelId },
    });
    rows.length = 0;
    timings.take();

    const breakdown: string[] = [];
    for (const c of levels) {
      const b = await measure('baseline', 'PostgreSQL', bareUrl, c, { ...common, secs: seconds, baseline });
      const stopProfile = profileDir ? await startProfile(profileDir, `ingest-c${c}`) : null;
      const p = await measure('Parley', 'PostgreSQL', parley.url, c, {
        ...common,
        secs: seconds,
        verify: { deps: parley.deps, channelId: parley.channelId },
      });
      await stopProfile?.();
      const t = timings.take();
      breakdown.push(
        `| ${c} | ${t.batches} | ${fmt(p.r.ok / Math.max(1, t.batches), 1)} | ${STEPS.map((k) => fmt(t[k] ?? NaN, 2)).join(' | ')} | ${fmt(t.transaction ?? NaN, 2)} | ${fmt(p.r.p50, 2)} |`,
      );
      const ratio = p.rate / b.rate;
      const goal = c >= 8 ? (ratio >= 0.7 ? 'met' : 'missed') : '– (no goal at this concurrency)';
      verdicts.push(
        `| ${c} | ${Math.round(p.rate)} / ${Math.round(b.rate)} = ${fmt(ratio, 2)}× | ${fmt(p.r.p99)} / ${fmt(b.r.p99)} ms | ${goal} |`,
      );
    }

    // Every stored message must be named by exactly one `inbound.route` job (one job per batch).
    const [counts] = rowsOf<{ msgs: string; jobs: string; named: string; distinct_named: string; unnamed: string }>(
      await parley.deps.db.execute(sql`
        with named as (select e.mid::uuid as id from pgboss.job j cross join lateral jsonb_array_elements_text(j.data->'messageIds') as e(mid) where j.name = 'inbound.route')
        select (select count(*) from messages where channel_id = ${parley.channelId} and direction = 'in') as msgs,
               (select count(*) from pgboss.job where name = 'inbound.route') as jobs,
               (select count(*) from named) as named,
               (select count(distinct id) from named) as distinct_named,
               (select count(*) from messages m where m.channel_id = ${parley.channelId} and m.direction = 'in' and not exists (select 1 from named n where n.id = m.id)) as unnamed`),
    );
    const handedOver =
      counts.msgs === counts.named && counts.named === counts.distinct_named && Number(counts.unnamed) === 0;

    let pgliteNote = '';
    if (withPglite) {
      const lite = await openPglite({});
      const ref = await startParley(lite, {});
      cleanups.unshift(async () => {
        await ref.app.close();
        await ref.deps.close();
      });
      await measure('warmup', 'PGlite', ref.url, pgliteConcurrency, {
        phoneNumberId: ref.phoneNumberId,
        secret: ref.secret,
        secs: 1,
        verify: { deps: ref.deps, channelId: ref.channelId },
      });
      rows.pop();
      await measure('Parley', 'PGlite', ref.url, pgliteConcurrency, {
        phoneNumberId: ref.phoneNumberId,
        secret: ref.secret,
        secs: seconds,
        verify: { deps: ref.deps, channelId: ref.channelId },
      });
      pgliteNote = ' PGlite (in memory, one connection) is shown at one concurrency for reference.';
    }

    console.log(`## Ingest: signed WhatsApp text webhooks (${seconds} s per level)\n`);
    console.log(
      `${availableParallelism()} CPUs shared by the load generator (a worker thread), both servers (the main thread) and PostgreSQL; pg pool ${poolSize}; load average before the run ${load0.map((x) => x.toFixed(1)).join(' ')}, after ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}.\n`,
    );
    console.log(header);
    console.log(sep);
    for (const r of rows) console.log(r);
    console.log(
      `\nmsg/s counts 200 answers per second of wall time. CPU µs/msg: CPU time per request of the load generator's thread, of the thread that runs both servers, and of the PostgreSQL backends of the bench database (from /proc; – when not readable). Stored / missing: acknowledged messages found in the database by wamid / not found.${pgliteNote}`,
    );
    console.log(
      `Inbound messages stored on PostgreSQL: ${counts.msgs}, in ${counts.jobs} \`inbound.route\` jobs (one per batch) naming ${counts.named} messages, ${counts.distinct_named} distinct, ${counts.unnamed} stored but unnamed${handedOver ? ': every stored message handed over exactly once' : ' — MISMATCH'}.`,
    );
    console.log(
      '\n### Goal: Parley ≥ 0.7× the simplest durable webhook (verify the signature, insert the raw body into one table) at concurrency 8, 32, 64\n',
    );
    console.log('| concurrency | Parley / baseline msg/s | p99 Parley / baseline | goal ≥ 0.7× |');
    console.log('|---:|---|---:|---|');
    for (const v of verdicts) console.log(v);
    console.log('\n### Where a Parley request waits (server side, PostgreSQL)\n');
    console.log(
      'Batches: ingest transactions in the level, and acknowledged messages per batch. Then mean ms from sending each statement to its answer (includes waiting for the CPU); one statement of each kind serves a whole batch; "transaction" spans pool wait to commit.\n',
    );
    console.log(`| concurrency | batches | msgs/batch | ${STEPS.join(' | ')} | transaction | client p50 |`);
    console.log(`|---:|---:|---:|${STEPS.map(() => '---:|').join('')}---:|---:|`);
    for (const b of breakdown) console.log(b);
    if (!handedOver) exitCode = 1;
    if (missingTotal > 0) {
      console.log(`\n**${missingTotal} acknowledged message(s) missing from the database.**`);
      exitCode = 1;
    } else console.log('\nEvery acknowledged message was found in the database.');
  } catch (err) {
    console.error(err);
    exitCode = 1;
  } finally {
    await worker.terminate();
    for (const c of cleanups) {
      try {
        await c();
      } catch (err) {
        console.error('cleanup:', err);
      }
    }
  }
  clearTimeout(watchdog);
  process.exit(exitCode);
}
