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
// generator, and the fake Graph API (each a child process with its own event loop). They share
// the machine's CPUs with PostgreSQL. Times are compared across processes as
// performance.timeOrigin + performance.now() (the same wall clock).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchDatabase, benchWhatsApp, signature, waTextBody } from './lib.ts';

const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------
// What the threads exchange.

/** One contact's messages, in order. A burst sends them all at once (one batch, or racing ones). */
type Script = { phone: string; name: string; texts: string[]; burst: boolean };

type Plan = {
  url: string;
  /** Steady mode: messages a second, each sent at its time (open loop), in this order. */
  rate?: number;
  order?: [number, number][];
  secret: string;
  phoneNumberId: string;
  concurrency: number;
  scripts: Script[];
  redeliveries: number;
  seed: number;
  runId: string;
};

/** The first delivery of a message. */
type Delivered = { wamid: string; phone: string; index: number; status: number; ackAt: number };

type LoadResult = {
  delivered: Delivered[];
  /** Meta's retries: the same bytes again, at once (racing the first) or after its 200. */
  redelivered: { wamid: string; status: number; racing: boolean }[];
  latencies: number[];
  errors: number;
  startedAt: number;
  elapsedMs: number;
};

/** A request the fake Graph API received, and what it answered. */
type Received = { seq: number; at: number; path: string; body: any; status: number; answerId: string | null };

// ---------------------------------------------------------------------------------------------
// Load generator (worker thread).

/** A small seeded generator (mulberry32): the same --seed makes the same run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Prepared = { body: Buffer; headers: http.OutgoingHttpHeaders; wamid: string; phone: string; index: number };

async function runLoad(plan: Plan): Promise<LoadResult> {
  const url = new URL(plan.url);
  const rand = random(plan.seed);
  // Open loop (steady mode): as many connections as requests in flight, or the offered rate would
  // fall to what the sockets let through.
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.rate ? Infinity : plan.concurrency * 4 });
  const latencies: number[] = [];
  const delivered: Delivered[] = [];
  const redelivered: LoadResult['redelivered'] = [];
  const later: { p: Prepared; at: number }[] = [];
  let errors = 0;

  // Bodies are built when first sent (Meta's timestamp is the send time); a retry repeats the bytes.
  const prepare = (s: Script, index: number): Prepared => {
    const wamid = `wamid.HBgM${Buffer.from(`${s.phone}.${plan.runId}.${index}`).toString('base64url')}`;
    const body = Buffer.from(waTextBody(plan.phoneNumberId, s.phone, s.name, wamid, s.texts[index]));
    return {
      body,
      wamid,
      phone: s.phone,
      index,
      headers: {
        'content-type': 'application/json',
        'content-length': body.length,
        'x-hub-signature-256': signature(body, plan.secret),
        'user-agent': 'facebookexternalua',
      },
    };
  };
  const post = (p: Prepared) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: p.headers },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
      req.end(p.body);
    });
  const deliver = async (p: Prepared) => {
    const t0 = performance.now();
    try {
      const status = await post(p);
      latencies.push(performance.now() - t0);
      return status;
    } catch {
      errors++;
      return 0;
    }
  };
  const first = async (p: Prepared) => {
    const retry = rand() < plan.redeliveries;
    const racing = retry && rand() < 0.3;
    const [status, again] = await Promise.all([deliver(p), racing ? deliver(p) : null]);
    delivered.push({ wamid: p.wamid, phone: p.phone, index: p.index, status, ackAt: now() });
    if (again !== null) redelivered.push({ wamid: p.wamid, status: again, racing: true });
    if (retry && !racing) later.push({ p, at: now() + 100 + rand() * 1900 });
  };

  let next = 0;
  const loop = async () => {
    for (;;) {
      const due = later.findIndex((l) => l.at <= now());
      if (due >= 0) {
        const [l] = later.splice(due, 1);
        redelivered.push({ wamid: l.p.wamid, status: await deliver(l.p), racing: false });
      } else if (next < plan.scripts.length) {
        const s = plan.scripts[next++];
        if (s.burst) await Promise.all(s.texts.map((_, i) => first(prepare(s, i))));
        else for (let i = 0; i < s.texts.length; i++) await first(prepare(s, i));
      } else if (later.length) {
        await new Promise((r) => setTimeout(r, Math.max(1, Math.min(...later.map((l) => l.at)) - now())));
      } else return;
    }
  };
  const startedAt = now();
  if (plan.rate && plan.order) {
    // Open loop: message n at startedAt + n / rate, answered or not; re-deliveries as they fall due.
    const inFlight: Promise<unknown>[] = [];
    const pending = new Map<number, Promise<void>>();
    for (let n = 0; n < plan.order.length; n++) {
      const at = startedAt + (n * 1000) / plan.rate;
      if (at > now()) await new Promise((r) => setTimeout(r, at - now()));
      for (let due = later.findIndex((l) => l.at <= now()); due >= 0; due = later.findIndex((l) => l.at <= now())) {
        const [l] = later.splice(due, 1);
        inFlight.push(deliver(l.p).then((status) => redelivered.push({ wamid: l.p.wamid, status, racing: false })));
      }
      // A contact's next message goes once the previous one was answered (never racing it: the
      // stored order would not be the sent one); late, then, when the server is behind.
      const [si, index] = plan.order[n];
      const previous = pending.get(si) ?? Promise.resolve();
      const sent = previous.then(() => first(prepare(plan.scripts[si], index)));
      pending.set(si, sent);
      inFlight.push(sent);
    }
    await Promise.all(inFlight);
    while (later.length) {
      const l = later.shift()!;
      if (l.at > now()) await new Promise((r) => setTimeout(r, l.at - now()));
      redelivered.push({ wamid: l.p.wamid, status: await deliver(l.p), racing: false });
    }
  } else await Promise.all(Array.from({ length: plan.concurrency }, loop));
  const elapsedMs = now() - startedAt;
  agent.destroy();
  return { delivered, redelivered, latencies, errors, startedAt, elapsedMs };
}

// ---------------------------------------------------------------------------------------------
// The fake Graph API (worker thread): records each request with its arrival time and answer.

async function runFake() {
  const { startFakeGraphApi } = await import('../test/fakes/graph-api.ts');
  const received: Received[] = [];
  let last: Received | null = null;
  // This thread runs only the fake: its answers are read back here, where the fake writes them.
  const end = http.ServerResponse.prototype.end as (...a: unknown[]) => http.ServerResponse;
  http.ServerResponse.prototype.end = function (this: http.ServerResponse, ...a: unknown[]) {
    const r = last;
    last = null;
    if (r && typeof a[0] === 'string') {
      r.status = this.statusCode;
      try {
        r.answerId = (JSON.parse(a[0]) as { messages?: { id: string }[] }).messages?.[0]?.id ?? null;
      } catch {
        // not JSON: no id
      }
    }
    return end.apply(this, a);
  } as typeof http.ServerResponse.prototype.end;
  const fake = await startFakeGraphApi();
  // The fake records a request and answers it in the same tick: the last recorded is the one answered.
  const push = fake.requests.push.bind(fake.requests);
  fake.requests.push = (...items) => {
    for (const q of items)
      received.push(
        (last = { seq: received.length, at: now(), path: q.path, body: q.body, status: 0, answerId: null }),
      );
    return push(...items);
  };
  process.on('message', (m: string) => {
    if (m === 'dump') process.send!({ received });
    else if (m === 'close') void fake.close().then(() => process.send!({ closed: true }));
  });
  process.send!({ url: fake.url });
}

// ---------------------------------------------------------------------------------------------
// Parley, the run and the checks (main thread).

const CUSTOMER_TEXTS = [
  'Hi, is the 2BHK in Baner still available?',
  'What is the final price for the 3BHK flat? Is parking included?',
  'Can I visit the site tomorrow at 11 am?',
  'नमस्ते, मुझे अंधेरी में 2BHK फ्लैट चाहिए। बजट 80 लाख तक है।',
  'kal shaam 6 baje call kar sakte ho? 🙏',
  'Thanks! 👍 Please share the brochure and floor plan 📄',
  'मेरा बजट 1.2 करोड़ है, कोई अच्छा option बताइए 🏠✨',
  'Hello, I saw your ad on Facebook. Looking for a 1BHK on rent near Hinjewadi, ready to move, under 25k per month. Family of three, one small dog 🐶. Can you send photos and the society rules?',
  'ok',
  'Site visit confirm for Sunday 🙂 मैं अपनी पत्नी के साथ आऊँगा',
  'Is home loan assistance available? My CIBIL score is 780.',
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

  const { sql } = await import('drizzle-orm');
  const { buildApp } = await import('../src/app.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { createDeps, createLogger } = await import('../src/deps.ts');
  const { openPglite, openPostgres, rowsOf } = await import('../src/db/client.ts');
  const { migrate } = await import('../src/db/migrate.ts');
  const { allJobs } = await import('../src/jobs/index.ts');
  const { splitText } = await import('../src/outbound/split.ts');
  const { defaultChannels } = await import('../src/channels/registry.ts');
  const whatsappLimit = defaultChannels.surface('whatsapp')!.surface.textLimit;

  const { name: dbName, url: dbUrl, admin } = benchDatabase('parley_pipeline');

  const runId = randomBytes(4).toString('hex');
  const cleanups: (() => Promise<void>)[] = [];
  const violations: string[] = [];
  const violate = (what: string, examples: unknown[] = []) =>
    violations.push(
      examples.length
        ? `${what} (e.g. ${examples
            .slice(0, 3)
            .map((e) => JSON.stringify(e))
            .join('; ')})`
        : what,
    );
  let exitCode = 0;
  const load0 = loadavg();
  // Bounded whatever happens: a hung run still drops the database and exits.
  const limitMs = drainTimeoutMs + 150_000;
  const watchdog = setTimeout(() => {
    console.error(`pipeline benchmark: still running after ${Math.round(limitMs / 1000)} s, giving up`);
    void admin(`drop database if exists ${dbName} with (force)`).finally(() => process.exit(2));
  }, limitMs);

  const child = (role: string): ChildProcess =>
    fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, PIPELINE_ROLE: role },
      serialization: 'advanced',
      stdio: 'inherit',
    });
  const fakeWorker = child('fake');
  const loadWorker = child('load');
  const fromFake = <T>(message?: string) =>
    new Promise<T>((resolve) => {
      fakeWorker.once('message', resolve as (m: unknown) => void);
      if (message) fakeWorker.send(message);
    });
  // Listening before anything else is awaited: a message the worker posts with nobody listening is lost.
  const fakeReady = fromFake<{ url: string }>();

  try {
    if (dbKind === 'postgres') {
      await admin(`create database ${dbName}`);
      cleanups.push(() => admin(`drop database if exists ${dbName} with (force)`));
    }
    const { url: fakeUrl } = await fakeReady;
    cleanups.unshift(async () => void (await fromFake('close')));

    // Warnings and errors (a job that failed, a send that failed) are kept for the report.
    const logged: { level: number; msg: string; err?: string; job?: string }[] = [];
    const logSink = {
      write(line: string) {
        const o = JSON.parse(line) as { level: number; msg: string; err?: { message?: string } | string; job?: string };
        logged.push({
          level: o.level,
          msg: o.msg,
          err: typeof o.err === 'string' ? o.err : o.err?.message,
          job: o.job,
        });
      },
    };
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
    const rand = random(seed);
    const scripts: Script[] = [];
    const stopEvery = stops > 0 ? Math.max(1, Math.floor(senders / stops)) : Infinity;
    for (let i = 0; i < senders; i++) {
      const texts = Array.from({ length: perSender }, () => CUSTOMER_TEXTS[Math.floor(rand() * CUSTOMER_TEXTS.length)]);
      if (i % stopEvery === stopEvery - 1 && perSender > 1) {
        texts[perSender - 1] = 'STOP';
        if ((i / stopEvery) % 2 >= 1) texts.push('stop'); // a second STOP while opted out: no answer
      }
      scripts.push({
        phone: `9197${String(20_000_000 + i).padStart(8, '0')}`,
        name: NAMES[i % NAMES.length],
        texts,
        burst: rand() < burstShare,
      });
    }
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
    const loadDone = new Promise<LoadResult>((resolve, reject) => {
      loadWorker.once('message', (m: { ok: boolean; result?: LoadResult; error?: string }) =>
        m.ok ? resolve(m.result!) : reject(new Error(m.error)),
      );
    });
    // Steady mode: the k-th message of every contact, contact after contact, then the (k+1)-th.
    const order: [number, number][] = [];
    if (steady)
      for (let k = 0; k < Math.max(...scripts.map((x) => x.texts.length)); k++)
        scripts.forEach((x, i) => k < x.texts.length && order.push([i, k]));
    // The server's RSS (this process: Parley, its workers and this bench's bookkeeping), sampled
    // while the load runs and the pipeline drains.
    const rssSamples: number[] = [];
    const rssOf = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024;
    const sampler = setInterval(() => rssSamples.push(rssOf()), 250);
    loadWorker.send({
      ...(steady ? { rate: steady, order } : {}),
      url: `${apiUrl}/webhooks/whatsapp`,
      secret,
      phoneNumberId,
      concurrency,
      scripts,
      redeliveries,
      seed: seed + 1,
      runId,
    } satisfies Plan);
    const load = await loadDone;
    const loadEnd = now();
    console.error(`  load sent in ${(load.elapsedMs / 1000).toFixed(1)} s; draining…`);
    const count = async () => {
      const [r] = rowsOf<{ unrouted: string; pending: string }>(
        await deps.db
          .execute(sql`select (select count(*) from messages where direction = 'in' and routed_at is null) as unrouted,
                                         (select count(*) from messages where direction = 'out' and status in ('queued', 'sending')) as pending`),
      );
      return { unrouted: Number(r.unrouted), pending: Number(r.pending) };
    };
    let left = await count();
    while ((left.unrouted || left.pending) && now() - loadEnd < drainTimeoutMs) {
      await new Promise((r) => setTimeout(r, 50));
      left = await count();
    }
    const drainedAt = now();
    clearInterval(sampler);
    const drained = !left.unrouted && !left.pending;
    if (!drained)
      violate(
        `not drained ${drainTimeoutMs / 1000} s after the load: ${left.unrouted} inbound unrouted, ${left.pending} outbound queued or sending`,
      );
    // A moment more, for anything that would still go out (a job running twice, a late retry).
    await new Promise((r) => setTimeout(r, 2000));
    const { received } = await fromFake<{ received: Received[] }>('dump');
    const [jobsLeft] = rowsOf<{ n: string }>(
      await deps.db.execute(
        sql`select count(*) as n from pgboss.job where name in ('inbound.route', 'outbound.send') and state in ('created', 'retry', 'active')`,
      ),
    );

    // -------------------------------------------------------------------------------------------
    // What the database holds.
    type Msg = {
      id: string;
      conversation_id: string;
      channel_id: string;
      direction: 'in' | 'out';
      provider_message_id: string | null;
      text: string | null;
      status: string;
      fail_reason: string | null;
      purpose: string | null;
      dedupe_key: string | null;
      reply_to_id: string | null;
      routed_at: string | null;
      meta: { parts?: { sent: (string | null)[] } } | null;
      attempts: number;
    };
    type Conv = {
      id: string;
      external_id: string;
      contact_phone: string | null;
      channel: string;
      channel_kind: string;
      opted_out_at: string | null;
      handed_off_at: string | null;
      member_id: string | null;
    };
    const msgs = rowsOf<Msg>(
      await deps.db.execute(
        sql`select id, conversation_id, channel_id, direction, provider_message_id, text, status, fail_reason, purpose, dedupe_key, reply_to_id, routed_at, meta, attempts from messages order by created_at, id`,
      ),
    );
    const convs = new Map(
      rowsOf<Conv>(
        await deps.db.execute(
          sql`select c.id, c.external_id, c.contact_phone, c.channel, ch.kind as channel_kind, c.opted_out_at, c.handed_off_at, c.member_id from conversations c join channels ch on ch.id = c.channel_id`,
        ),
      ).map((c) => [c.id, c]),
    );
    const inbound = msgs.filter((m) => m.direction === 'in');
    const outbound = msgs.filter((m) => m.direction === 'out');
    const rankOf = new Map(inbound.map((m, i) => [m.id, i])); // stored order: (created_at, id)
    const byWamid = new Map<string, Msg[]>();
    for (const m of inbound)
      if (m.provider_message_id) byWamid.set(m.provider_message_id, [...(byWamid.get(m.provider_message_id) ?? []), m]);
    const repliesTo = new Map<string, Msg[]>();
    for (const o of outbound)
      if (o.reply_to_id) repliesTo.set(o.reply_to_id, [...(repliesTo.get(o.reply_to_id) ?? []), o]);
    const digits = (s: string | null | undefined) => (s ?? '').replace(/\D/g, '');
    const phoneOf = (convId: string) => digits(convs.get(convId)?.contact_phone);
    const isMember = (convId: string) => memberPhones.has(phoneOf(convId));

    // 1. Every acknowledged wamid stored exactly once; nothing stored that was not sent.
    const acked = load.delivered.filter((d) => d.status === 200);
    const notAcked = load.delivered.filter((d) => d.status !== 200);
    if (notAcked.length)
      violate(
        `${notAcked.length} first deliveries not answered 200`,
        notAcked.map((d) => d.status),
      );
    const badRedeliveries = load.redelivered.filter((r) => r.status !== 200);
    if (badRedeliveries.length) violate(`${badRedeliveries.length} re-deliveries not answered 200`);
    const storedWrong = acked.filter((d) => (byWamid.get(d.wamid)?.length ?? 0) !== 1);
    if (storedWrong.length)
      violate(
        `${storedWrong.length} acknowledged messages not stored exactly once`,
        storedWrong.map((d) => d.wamid),
      );
    const sentWamids = new Set(load.delivered.map((d) => d.wamid));
    const strangers = inbound.filter((m) => !sentWamids.has(m.provider_message_id ?? ''));
    if (strangers.length) violate(`${strangers.length} inbound rows that no delivery sent`);

    // 2. Every inbound message routed, and routed once: the replies to a message carry its own
    //    dedupe keys (reply:<message>:i, or the conversation's one welcome:<conversation>:0).
    const unrouted = inbound.filter((m) => !m.routed_at);
    if (unrouted.length)
      violate(
        `${unrouted.length} inbound messages never routed`,
        unrouted.map((m) => m.id),
      );
    const badKeys: unknown[] = [];
    for (const m of inbound) {
      const rs = (repliesTo.get(m.id) ?? []).filter((o) => o.conversation_id === m.conversation_id);
      const keys = rs.map((o) => o.dedupe_key ?? '');
      const ok = keys.every((k, i) => k === `msg:${m.id}/c/${i}`) && new Set(keys).size === keys.length;
      const indices = keys.map((k) => Number(k.split('/').at(-1))).sort((a, b) => a - b);
      if (!ok || indices.some((x, i) => x !== i)) badKeys.push({ message: m.id, keys });
    }
    if (badKeys.length)
      violate(`${badKeys.length} inbound messages with replies that are not theirs exactly once`, badKeys);
    const welcomes = new Map<string, Msg[]>();
    for (const o of outbound)
      if (o.purpose === 'welcome') welcomes.set(o.conversation_id, [...(welcomes.get(o.conversation_id) ?? []), o]);
    // A command or a lead capture that ran twice would make a second lead or a second lead.created.
    const twiceLeads = rowsOf<{ key: string; n: string }>(
      await deps.db
        .execute(sql`select coalesce(phone, company) as key, count(*) as n from leads group by coalesce(phone, company) having count(*) > 1
                                union all select 'activity lead.created ' || lead_id, count(*) from activities where type = 'lead.created' group by lead_id having count(*) > 1`),
    );
    if (twiceLeads.length) violate(`${twiceLeads.length} leads created twice`, twiceLeads);

    // 3. Every outbound row ends sent, or failed for a reason that is not the pipeline's fault.
    const legitFailures = new Set(['opted_out', 'window_closed']);
    const outcome = new Map<string, number>();
    for (const o of outbound) {
      const k = `${o.status}${o.fail_reason ? ` (${o.fail_reason})` : ''} · ${o.purpose ?? '–'} · ${convs.get(o.conversation_id)?.channel_kind}`;
      outcome.set(k, (outcome.get(k) ?? 0) + 1);
    }
    const badOutcome = outbound.filter(
      (o) => !(o.status === 'sent' || (o.status === 'failed' && legitFailures.has(o.fail_reason ?? ''))),
    );
    if (badOutcome.length)
      violate(
        `${badOutcome.length} outbound messages neither sent nor legitimately failed`,
        badOutcome.map((o) => ({ id: o.id, status: o.status, fail_reason: o.fail_reason, purpose: o.purpose })),
      );
    const illegitWindow = outbound.filter((o) => o.fail_reason === 'window_closed' && o.reply_to_id);
    if (illegitWindow.length) violate(`${illegitWindow.length} replies failed as window_closed`);

    // 4. Exactly one send request per outbound message (one per part of a long text), each to the
    //    conversation's phone with the row's text; at most one mark-as-read per answered message.
    const sends = received.filter((r) => r.body?.messaging_product === 'whatsapp' && r.body?.status !== 'read');
    const reads = received.filter((r) => r.body?.status === 'read');
    const requestOf = new Map(sends.filter((r) => r.answerId).map((r) => [r.answerId!, r]));
    const claimed = new Set<string>();
    const firstRequest = new Map<string, Received>();
    const lastRequest = new Map<string, Received>();
    const wrongCount: unknown[] = [];
    const wrongContent: unknown[] = [];
    for (const o of outbound.filter((x) => convs.get(x.conversation_id)?.channel_kind === 'whatsapp')) {
      const ids = o.meta?.parts?.sent ?? (o.provider_message_id ? [o.provider_message_id] : []);
      const reqs = ids.map((id) => (id ? requestOf.get(id) : undefined)).filter((r): r is Received => !!r);
      for (const r of reqs) claimed.add(r.answerId!);
      const expected = o.status === 'sent' ? splitText(o.text ?? '', whatsappLimit) : [];
      if (reqs.length !== expected.length || (o.status === 'sent' && !ids.length))
        wrongCount.push({ id: o.id, status: o.status, requests: reqs.length, parts: expected.length });
      reqs.forEach((r, i) => {
        if (digits(r.body?.to) !== phoneOf(o.conversation_id) || r.body?.text?.body !== expected[i])
          wrongContent.push({ id: o.id, to: r.body?.to, part: i });
      });
      if (reqs.length) {
        firstRequest.set(o.id, reqs[0]);
        lastRequest.set(o.id, reqs.at(-1)!);
      }
    }
    const orphans = sends.filter((r) => !r.answerId || !claimed.has(r.answerId));
    if (wrongCount.length) violate(`${wrongCount.length} outbound messages not sent exactly once`, wrongCount);
    if (orphans.length)
      violate(
        `${orphans.length} send requests that no outbound message accounts for (a double send)`,
        orphans.map((r) => ({ to: r.body?.to, text: String(r.body?.text?.body ?? '').slice(0, 40), status: r.status })),
      );
    if (wrongContent.length)
      violate(`${wrongContent.length} send requests to the wrong phone or with the wrong text`, wrongContent);
    const readsPer = new Map<string, number>();
    for (const r of reads) readsPer.set(r.body.message_id, (readsPer.get(r.body.message_id) ?? 0) + 1);
    const readTwice = [...readsPer].filter(([, n]) => n > 1);
    if (readTwice.length) violate(`${readTwice.length} messages marked read more than once`, readTwice);
    const readUnknown = [...readsPer.keys()].filter(
      (w) => !byWamid.has(w) || !(repliesTo.get(byWamid.get(w)![0].id) ?? []).length,
    );
    if (readUnknown.length)
      violate(`${readUnknown.length} mark-as-read requests for messages that were not answered`, readUnknown);

    // 5. Replies within a conversation sent in the order of the messages they answer.
    const ordered = new Map<string, Msg[]>();
    for (const o of outbound)
      if (o.reply_to_id && firstRequest.has(o.id))
        ordered.set(o.conversation_id, [...(ordered.get(o.conversation_id) ?? []), o]);
    // Dedupe keys are <source>/<recipient>/<n> (outbound/queue.ts).
    const keyIndex = (o: Msg) => Number((o.dedupe_key ?? '').split('/').at(-1) ?? 0);
    const outOfOrder: unknown[] = [];
    let orderedConvs = 0;
    for (const [convId, rs] of ordered) {
      rs.sort((a, b) => rankOf.get(a.reply_to_id!)! - rankOf.get(b.reply_to_id!)! || keyIndex(a) - keyIndex(b));
      if (rs.length > 1) orderedConvs++;
      for (let i = 1; i < rs.length; i++) {
        if (firstRequest.get(rs[i].id)!.seq < lastRequest.get(rs[i - 1].id)!.seq) {
          outOfOrder.push({
            conversation: convId,
            earlier: rs[i - 1].text?.slice(0, 30),
            later: rs[i].text?.slice(0, 30),
            sentFirst: 'later',
          });
          break;
        }
      }
    }
    if (outOfOrder.length)
      violate(
        `${outOfOrder.length} of ${orderedConvs} conversations with several replies got them out of order`,
        outOfOrder,
      );

    // 6. Each new customer welcomed once, with the answer to their first message; team members
    //    answered (every command) and never welcomed.
    const firstIn = new Map<string, Msg>();
    for (const m of inbound) if (!firstIn.has(m.conversation_id)) firstIn.set(m.conversation_id, m);
    const welcomeWrong: unknown[] = [];
    const memberWrong: unknown[] = [];
    for (const [convId, first] of firstIn) {
      const ws = welcomes.get(convId) ?? [];
      if (isMember(convId)) {
        if (ws.length) memberWrong.push({ conversation: convId, welcomed: ws.length });
      } else if (ws.length !== 1 || ws[0].reply_to_id !== first.id || ws[0].status !== 'sent')
        welcomeWrong.push({ conversation: convId, welcomes: ws.length });
    }
    for (const m of inbound.filter((x) => isMember(x.conversation_id))) {
      const rs = repliesTo.get(m.id) ?? [];
      if (!rs.length || rs.some((o) => o.status !== 'sent' || o.purpose !== 'reply'))
        memberWrong.push({ message: m.text, replies: rs.map((o) => `${o.purpose}/${o.status}`) });
    }
    if (welcomeWrong.length)
      violate(
        `${welcomeWrong.length} customer conversations not welcomed exactly once (with the first answer)`,
        welcomeWrong,
      );
    if (memberWrong.length)
      violate(`${memberWrong.length} team-member problems (welcomed, or a command without a sent reply)`, memberWrong);

    // Silence needs a reason: a conversation handed to a person, or a STOP while already opted out.
    const silent = inbound.filter((m) => {
      if ((repliesTo.get(m.id) ?? []).length) return false;
      const c = convs.get(m.conversation_id)!;
      if (c.handed_off_at && m.routed_at && new Date(c.handed_off_at) <= new Date(m.routed_at)) return false;
      return !(/^stop$/i.test(m.text ?? '') && c.opted_out_at);
    });
    if (silent.length)
      violate(
        `${silent.length} inbound messages left without an answer and without a reason`,
        silent.map((m) => m.text?.slice(0, 30)),
      );

    // 7. STOP: one confirmation, and nothing sent to that phone after it.
    const stopWrong: unknown[] = [];
    for (const phone of stopPhones) {
      const conv = [...convs.values()].find((c) => digits(c.contact_phone) === phone && c.channel_kind === 'whatsapp');
      const confirmations = conv
        ? outbound.filter((o) => o.conversation_id === conv.id && o.purpose === 'opt_out')
        : [];
      const toPhone = sends.filter((r) => digits(r.body?.to) === phone);
      const confirmation = confirmations[0] && firstRequest.get(confirmations[0].id);
      if (!conv?.opted_out_at || confirmations.length !== 1 || !confirmation || toPhone.at(-1) !== confirmation)
        stopWrong.push({
          phone,
          optedOut: !!conv?.opted_out_at,
          confirmations: confirmations.length,
          after: confirmation ? toPhone.filter((r) => r.seq > confirmation.seq).length : null,
        });
    }
    if (stopWrong.length)
      violate(`${stopWrong.length} STOP senders without exactly one confirmation as the last thing sent`, stopWrong);

    // 8. No job failed: the fake provider never fails, so neither should the pipeline.
    const jobs = rowsOf<{ name: string; state: string; n: string; retried: string }>(
      await deps.db.execute(
        sql`select name, state, count(*) as n, count(*) filter (where retry_count > 0) as retried from pgboss.job where name in ('inbound.route', 'outbound.send') group by name, state order by name, state`,
      ),
    );
    const failedJobs = logged.filter((l) => l.msg === 'job failed');
    if (failedJobs.length) {
      const byError = new Map<string, number>();
      for (const l of failedJobs) byError.set(`${l.job}: ${l.err}`, (byError.get(`${l.job}: ${l.err}`) ?? 0) + 1);
      violate(
        `${failedJobs.length} job runs failed`,
        [...byError].map(([e, n]) => `${n}× ${e}`),
      );
    }
    const otherLogs = logged.filter((l) => l.msg !== 'job failed');
    if (jobs.some((j) => j.state === 'failed')) violate('jobs in state failed');
    if (Number(jobsLeft.n)) violate(`${jobsLeft.n} route or send jobs still waiting after the drain`);

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
      `| server RSS under load (this process: Parley and its workers), peak / median of ${rssSamples.length} samples | ${fmt(rssPeak)} / ${fmt(pct(rssSamples, 0.5))} MB | < ${rssGoal} MB on ${dbLabel}: ${met(rssPeak < rssGoal)} |`,
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
    const check = (ok: boolean, text: string) => console.log(`- ${ok ? '✓' : '✗'} ${text}`);
    check(
      !storedWrong.length && !strangers.length && !notAcked.length,
      `each of ${acked.length} acknowledged wamids stored exactly once (${load.redelivered.length} re-deliveries answered 200 and stored nothing)`,
    );
    check(
      !unrouted.length && !badKeys.length && !twiceLeads.length,
      `every inbound message routed, and once (replies keyed to their message, no lead or lead.created twice)`,
    );
    check(!badOutcome.length && !illegitWindow.length, `every outbound message sent or legitimately failed`);
    check(
      !wrongCount.length && !orphans.length && !wrongContent.length,
      `exactly one send request per outbound message part (${sends.length} requests), to the right phone with the right text`,
    );
    check(!readTwice.length && !readUnknown.length, `at most one mark-as-read per answered message (${reads.length})`);
    check(
      !outOfOrder.length,
      `replies sent in the order of the messages they answer (${orderedConvs} conversations with several replies)`,
    );
    check(
      !welcomeWrong.length,
      `each of ${[...firstIn.keys()].filter((c) => !isMember(c)).length} new customers welcomed once, with the first answer`,
    );
    check(
      !memberWrong.length,
      `team members' ${inbound.filter((m) => isMember(m.conversation_id)).length} commands answered, no welcome`,
    );
    check(!silent.length, `no message left unanswered without a reason (handoff, repeated STOP)`);
    check(!stopWrong.length, `${stopPhones.size} STOP senders: one confirmation, nothing sent after it`);
    check(!failedJobs.length && !Number(jobsLeft.n) && drained, `drained, no job failed, none left waiting`);
    if (violations.length) {
      console.log(`\n**${violations.length} violation(s):**\n`);
      for (const v of violations) console.log(`- ${v}`);
      exitCode = 1;
    } else console.log('\nEvery check passed.');
  } catch (err) {
    console.error(err);
    exitCode = 1;
  } finally {
    loadWorker.kill();
    for (const c of cleanups) {
      try {
        await c();
      } catch (err) {
        console.error('cleanup:', err);
      }
    }
    fakeWorker.kill();
  }
  clearTimeout(watchdog);
  process.exit(exitCode);
}

// Last, so that every constant above is defined when a thread starts.
const role = process.env.PIPELINE_ROLE;
// A child whose parent went away (the watchdog's exit) goes too.
if (role) process.on('disconnect', () => process.exit(0));
if (role === 'fake') await runFake();
else if (role === 'load')
  process.once('message', (plan: Plan) => {
    runLoad(plan).then(
      (r) => process.send!({ ok: true, result: r }),
      (err: unknown) => process.send!({ ok: false, error: String(err) }),
    );
  });
else {
  await main();
}
