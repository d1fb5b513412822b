// Shared by the benchmarks: a throwaway database on the BENCH_DATABASE_URL server, signed
// WhatsApp Cloud API text webhooks as Meta sends them, and the pipeline soak's parts (used by
// bench/pipeline.ts, one server process, and bench/multi.ts, several): the load generator and the
// recording fake Graph API (each in a worker thread or a child process of its own), customers'
// scripts, the wait for the drain and the checks of what the pipeline promises.
import { fork } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import pg from 'pg';

/** Wall-clock ms that compare across threads (performance.timeOrigin + performance.now()). */
export const now = () => performance.timeOrigin + performance.now();

/**
 * A database name and URL on the server of BENCH_DATABASE_URL (default the local `test` one), and
 * `admin(sql)` to run statements (create database, drop database) on that server's own database.
 */
export function benchDatabase(prefix: string) {
  const base = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const name = `${prefix}_${process.pid}`;
  const url = new URL(base);
  url.pathname = `/${name}`;
  const admin = async (query: string) => {
    const c = new pg.Client({ connectionString: base.toString() });
    await c.connect();
    try {
      await c.query(query);
    } finally {
      await c.end();
    }
  };
  return { name, url, admin };
}

/** X-Hub-Signature-256 of the exact bytes. */
export const signature = (body: Buffer, secret: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A WhatsApp Cloud API webhook with one text message, as Meta sends it. */
export function waTextBody(phoneNumberId: string, from: string, name: string, id: string, text: string): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102938475610293',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name }, wa_id: from }],
              messages: [
                { from, id, timestamp: String(Math.floor(Date.now() / 1000)), text: { body: text }, type: 'text' },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
}

/** POST JSON to a running Parley at `base`: the answer of a 2xx, else an Error naming the path and status. */
export function apiPoster(base: string) {
  return async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, any>;
  };
}

/**
 * A workspace registered through the API of the Parley at `base`, signed in, with a WhatsApp
 * number connected whose Graph API is `graphUrl` (a fake, or a closed port when nothing is sent):
 * what a bench needs to post signed webhooks and further API calls.
 */
export async function benchWhatsApp(base: string, graphUrl: string, o: { runId?: string; workspace?: string } = {}) {
  const post = apiPoster(base);
  const runId = o.runId ?? randomBytes(4).toString('hex');
  const email = `bench-${runId}@example.com`;
  await post('/api/register', {
    name: 'Bench Owner',
    email,
    password: 'correct horse battery',
    workspace_name: o.workspace ?? 'Bench',
  });
  const { token } = await post('/api/login', { email, password: 'correct horse battery' });
  const phoneNumberId = `1${Date.now()}`;
  const secret = `bench-app-secret-${runId}`;
  await post(
    '/api/channels',
    {
      kind: 'whatsapp',
      name: 'WhatsApp',
      account_id: phoneNumberId,
      settings: { apiUrl: graphUrl },
      secrets: { accessToken: 'EAAG-bench', appSecret: secret, verifyToken: 'bench' },
    },
    token,
  );
  return { post, token: token as string, phoneNumberId, secret, runId };
}

// ---------------------------------------------------------------------------------------------
// What the threads exchange.

/** One contact's messages, in order. A burst sends them all at once (one batch, or racing ones). */
export type Script = { phone: string; name: string; texts: string[]; burst: boolean };

export type Plan = {
  /** Parley servers' webhook URLs: the deliveries (and re-deliveries) go to them in turn. */
  urls: string[];
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
  /**
   * As Meta does: a first delivery not answered 200 (an error, a timeout, a 5xx) is sent again,
   * after 1, 2, 4… s, up to 5 times; `status` is then the last answer, `attempts` how many it took.
   */
  retryUnanswered?: boolean;
};

/** The first delivery of a message. */
export type Delivered = {
  wamid: string;
  phone: string;
  index: number;
  status: number;
  ackAt: number;
  /** When its first delivery was sent. */
  sentAt: number;
  server: number;
  attempts?: number;
};

export type LoadResult = {
  delivered: Delivered[];
  /** Meta's retries: the same bytes again, at once (racing the first) or after its 200. */
  redelivered: { wamid: string; status: number; racing: boolean }[];
  latencies: number[];
  /** Requests per server of `urls`. */
  perServer: number[];
  errors: number;
  startedAt: number;
  elapsedMs: number;
};

/** A request the fake Graph API received, and what it answered. */
export type Received = { seq: number; at: number; path: string; body: any; status: number; answerId: string | null };

// ---------------------------------------------------------------------------------------------
// Load generator (a worker thread or a child process).

/** A small seeded generator (mulberry32): the same --seed makes the same run. */
export function random(seed: number) {
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

export async function runLoad(plan: Plan): Promise<LoadResult> {
  const urls = plan.urls.map((u) => new URL(u));
  const perServer = urls.map(() => 0);
  let turn = 0;
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
  const post = (p: Prepared, url: URL) =>
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
  // Each request goes to the next server in turn (a load balancer): a retry often to another one.
  const deliver = async (p: Prepared) => {
    const server = turn++ % urls.length;
    perServer[server]++;
    const t0 = performance.now();
    try {
      const status = await post(p, urls[server]);
      latencies.push(performance.now() - t0);
      return { status, server };
    } catch {
      errors++;
      return { status: 0, server };
    }
  };
  const first = async (p: Prepared) => {
    const sentAt = now();
    const retry = rand() < plan.redeliveries;
    const racing = retry && rand() < 0.3;
    const [answer, again] = await Promise.all([deliver(p), racing ? deliver(p) : null]);
    let { status, server } = answer;
    let attempts = 1;
    while (plan.retryUnanswered && status !== 200 && attempts < 6) {
      await new Promise((r) => setTimeout(r, 1000 * 2 ** (attempts - 1)));
      ({ status, server } = await deliver(p));
      attempts++;
    }
    delivered.push({ wamid: p.wamid, phone: p.phone, index: p.index, status, ackAt: now(), sentAt, server, attempts });
    if (again !== null) redelivered.push({ wamid: p.wamid, status: again.status, racing: true });
    if (retry && !racing) later.push({ p, at: now() + 100 + rand() * 1900 });
  };

  let next = 0;
  const loop = async () => {
    for (;;) {
      const due = later.findIndex((l) => l.at <= now());
      if (due >= 0) {
        const [l] = later.splice(due, 1);
        redelivered.push({ wamid: l.p.wamid, status: (await deliver(l.p)).status, racing: false });
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
        inFlight.push(deliver(l.p).then(({ status }) => redelivered.push({ wamid: l.p.wamid, status, racing: false })));
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
      redelivered.push({ wamid: l.p.wamid, status: (await deliver(l.p)).status, racing: false });
    }
  } else await Promise.all(Array.from({ length: plan.concurrency }, loop));
  const elapsedMs = now() - startedAt;
  agent.destroy();
  return { delivered, redelivered, latencies, perServer, errors, startedAt, elapsedMs };
}

// ---------------------------------------------------------------------------------------------
// The fake Graph API (a worker thread or a child process): records each request with its arrival
// time and answer.

/** How a role talks to whoever started it: the parent port of a worker thread, or IPC of a child process. */
type Parent = { send: (m: unknown) => void; on: (listener: (m: any) => void) => void; once: Parent['on'] };
const parent: Parent | null = !isMainThread
  ? {
      send: (m) => parentPort!.postMessage(m),
      on: (l) => parentPort!.on('message', l),
      once: (l) => parentPort!.once('message', l),
    }
  : process.send
    ? { send: (m) => process.send!(m), on: (l) => process.on('message', l), once: (l) => process.once('message', l) }
    : null;

export async function runFake() {
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
  parent!.on((m: string) => {
    if (m === 'dump') parent!.send({ received });
    else if (m === 'close') void fake.close().then(() => parent!.send({ closed: true }));
  });
  parent!.send({ url: fake.url });
}

/**
 * A role of this file (`fake` or `load`) in a worker thread of its own, or with `process: true` in
 * a child process (so that the starting process's RSS and CPU are its own only).
 */
function startRole(role: 'fake' | 'load', o: { process?: boolean }) {
  if (o.process) {
    const child = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, BENCH_ROLE: role },
      serialization: 'advanced',
      stdio: 'inherit',
    });
    return {
      once: (l: (m: any) => void) => void child.once('message', l),
      send: (m: unknown) => void child.send(m as string),
      terminate: async () => void child.kill(),
    };
  }
  const worker = new Worker(new URL(import.meta.url), { workerData: { benchThread: role } });
  return {
    once: (l: (m: any) => void) => void worker.once('message', l),
    send: (m: unknown) => worker.postMessage(m),
    terminate: async () => void (await worker.terminate()),
  };
}

/** Starts the recording fake Graph API in a worker thread (or a child process) of its own. */
export function fakeGraphThread(o: { process?: boolean } = {}) {
  const worker = startRole('fake', o);
  const from = <T>(message?: string) =>
    new Promise<T>((resolve) => {
      worker.once(resolve);
      if (message) worker.send(message);
    });
  // Listening before anything else is awaited: a message the worker posts with nobody listening is lost.
  const ready = from<{ url: string }>();
  return {
    /** The fake's base URL, once it listens. */
    url: ready.then((r) => r.url),
    /** Every request it received so far, in order, with its answer. */
    dump: async () => (await from<{ received: Received[] }>('dump')).received,
    close: async () => void (await from('close')),
    terminate: () => worker.terminate(),
  };
}

/** A load generator in a worker thread (or a child process) of its own: `run(plan)` sends the plan's deliveries. */
export function loadThread(o: { process?: boolean } = {}) {
  const worker = startRole('load', o);
  return {
    run: (plan: Plan) =>
      new Promise<LoadResult>((resolve, reject) => {
        worker.once((m: { ok: boolean; result?: LoadResult; error?: string }) =>
          m.ok ? resolve(m.result!) : reject(new Error(m.error)),
        );
        worker.send(plan);
      }),
    terminate: () => worker.terminate(),
  };
}

// ---------------------------------------------------------------------------------------------
// Customers, the drain and the checks.

export const CUSTOMER_TEXTS = [
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
export const NAMES = [
  'Priya Sharma',
  'राहुल वर्मा',
  'Amit Patel',
  'Sneha 🌸',
  'Vikram Singh',
  'अनीता',
  'Rohan D',
  'Fatima Khan',
];

/**
 * `senders` customers with `perSender` messages each (a share of them sent all at once); about
 * `stops` of them end with STOP, every second of those with a second STOP while opted out.
 */
export function customerScripts(
  rand: () => number,
  o: { senders: number; perSender: number; stops: number; burstShare: number },
): Script[] {
  const scripts: Script[] = [];
  const stopEvery = o.stops > 0 ? Math.max(1, Math.floor(o.senders / o.stops)) : Infinity;
  for (let i = 0; i < o.senders; i++) {
    const texts = Array.from({ length: o.perSender }, () => CUSTOMER_TEXTS[Math.floor(rand() * CUSTOMER_TEXTS.length)]);
    if (i % stopEvery === stopEvery - 1 && o.perSender > 1) {
      texts[o.perSender - 1] = 'STOP';
      if ((i / stopEvery) % 2 >= 1) texts.push('stop'); // a second STOP while opted out: no answer
    }
    scripts.push({
      phone: `9197${String(20_000_000 + i).padStart(8, '0')}`,
      name: NAMES[i % NAMES.length],
      texts,
      burst: rand() < o.burstShare,
    });
  }
  return scripts;
}

/** A statement on Parley's database, its rows. */
export type Query = <T>(text: string) => Promise<T[]>;

/** What Parley logged at warn and above (failed jobs are counted by the checks). */
export type Logged = { level: number; msg: string; err?: string; job?: string };

/** The fields of a pino JSON log line that the checks and reports use. */
export const loggedOf = (o: Record<string, unknown>): Logged => {
  const err = o.err as { message?: string } | string | undefined;
  return {
    level: Number(o.level),
    msg: String(o.msg),
    err: typeof err === 'string' ? err : err?.message,
    job: o.job as string | undefined,
  };
};

/**
 * Waits until every inbound message is routed and no outbound message is queued or sending, or
 * `timeoutMs` after `since`. Returns when, and what was left.
 */
export async function waitForDrain(query: Query, since: number, timeoutMs: number) {
  const count = async () => {
    const [r] = await query<{ unrouted: string; pending: string }>(
      `select (select count(*) from messages where direction = 'in' and routed_at is null) as unrouted,
              (select count(*) from messages where direction = 'out' and status in ('queued', 'sending')) as pending`,
    );
    return { unrouted: Number(r.unrouted), pending: Number(r.pending) };
  };
  let left = await count();
  while ((left.unrouted || left.pending) && now() - since < timeoutMs) {
    await new Promise((r) => setTimeout(r, 50));
    left = await count();
  }
  const drained = !left.unrouted && !left.pending;
  return {
    at: now(),
    drained,
    left,
    problem: drained
      ? null
      : `not drained ${timeoutMs / 1000} s after the load: ${left.unrouted} inbound unrouted, ${left.pending} outbound queued or sending`,
  };
}

/**
 * The pipeline's promises, checked against the database, the load's deliveries and the fake's
 * requests (read after the drain):
 *   every acknowledged wamid stored once; every inbound message routed, once; every outbound row
 *   ends `sent` (or a legitimate `failed`); exactly one send request per outbound message and at
 *   most one mark-as-read per answered message; replies of a conversation sent in the order of
 *   the messages they answer; each new customer welcomed once; team members answered, never
 *   welcomed; STOP confirmed once and nothing sent after; no job fails, none left waiting.
 * Returns one line per check, the violations (with examples), and what the figures need.
 */
export async function checkPipeline(o: {
  query: Query;
  load: LoadResult;
  received: Received[];
  memberPhones: Set<string>;
  stopPhones: Set<string>;
  logged: Logged[];
  drain: { drained: boolean; problem: string | null };
}) {
  const { query, load, received, memberPhones, stopPhones, logged } = o;
  const { splitText } = await import('../src/outbound/split.ts');
  const { defaultChannels } = await import('../src/channels/registry.ts');
  const whatsappLimit = defaultChannels.surface('whatsapp')!.surface.textLimit;
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
  const drained = o.drain.drained;
  if (o.drain.problem) violate(o.drain.problem);
  const [jobsLeft] = await query<{ n: string }>(
    `select count(*) as n from pgboss.job where name in ('inbound.route', 'outbound.send') and state in ('created', 'retry', 'active')`,
  );

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
  const msgs = await query<Msg>(
    `select id, conversation_id, channel_id, direction, provider_message_id, text, status, fail_reason, purpose, dedupe_key, reply_to_id, routed_at, meta, attempts from messages order by created_at, id`,
  );
  const convs = new Map(
    (
      await query<Conv>(
        `select c.id, c.external_id, c.contact_phone, c.channel, ch.kind as channel_kind, c.opted_out_at, c.handed_off_at, c.member_id from conversations c join channels ch on ch.id = c.channel_id`,
      )
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
  const twiceLeads = await query<{ key: string; n: string }>(
    `select coalesce(phone, company) as key, count(*) as n from leads group by coalesce(phone, company) having count(*) > 1
                              union all select 'activity lead.created ' || lead_id, count(*) from activities where type = 'lead.created' group by lead_id having count(*) > 1`,
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
  // Two messages of one contact that were in flight at once to two different servers have no order
  // (neither was acknowledged before the other was sent; Meta promises none either): their replies
  // may go either way. Every other pair — one server, or one acknowledged before the next was
  // sent — must be answered in the stored order.
  const deliveryOf = new Map(load.delivered.map((d) => [d.wamid, d]));
  const inboundById = new Map(inbound.map((m) => [m.id, m]));
  /** Two inbound messages in flight at once to two different servers: they have no order. */
  const racedIn = (a: Msg | undefined, b: Msg | undefined) => {
    const da = deliveryOf.get(a?.provider_message_id ?? '');
    const db = deliveryOf.get(b?.provider_message_id ?? '');
    return !!da && !!db && da.server !== db.server && da.ackAt > db.sentAt && db.ackAt > da.sentAt;
  };
  const raced = (a: Msg, b: Msg) => racedIn(inboundById.get(a.reply_to_id!), inboundById.get(b.reply_to_id!));
  let racedPairs = 0;
  for (const [convId, rs] of ordered) {
    rs.sort((a, b) => rankOf.get(a.reply_to_id!)! - rankOf.get(b.reply_to_id!)! || keyIndex(a) - keyIndex(b));
    if (rs.length > 1) orderedConvs++;
    for (let i = 1; i < rs.length; i++) {
      if (rs[i].reply_to_id !== rs[i - 1].reply_to_id && raced(rs[i - 1], rs[i])) {
        racedPairs++;
        continue;
      }
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
  let welcomedRaced = 0;
  for (const [convId, first] of firstIn) {
    const ws = welcomes.get(convId) ?? [];
    if (ws[0] && ws[0].reply_to_id !== first.id) welcomedRaced++;
    if (isMember(convId)) {
      if (ws.length) memberWrong.push({ conversation: convId, welcomed: ws.length });
    } else if (
      ws.length !== 1 ||
      ws[0].status !== 'sent' ||
      // The first message stored, or one that raced it to the other server and was stored first.
      (ws[0].reply_to_id !== first.id && !racedIn(first, inboundById.get(ws[0].reply_to_id ?? '')))
    )
      welcomeWrong.push({ conversation: convId, welcomes: ws.length, with: ws[0]?.text?.slice(0, 30) });
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
  let racedStopSends = 0;
  for (const phone of stopPhones) {
    const conv = [...convs.values()].find((c) => digits(c.contact_phone) === phone && c.channel_kind === 'whatsapp');
    const confirmations = conv ? outbound.filter((o) => o.conversation_id === conv.id && o.purpose === 'opt_out') : [];
    const confirmation = confirmations[0] && firstRequest.get(confirmations[0].id);
    // After the confirmation only the answers to a message that raced the STOP to the other server
    // (stored after it was routed, though sent as early): those the customer did send before STOP.
    const stopMsg = inboundById.get(confirmations[0]?.reply_to_id ?? '');
    const racedStop = new Set(
      outbound
        .filter((o) => o.conversation_id === conv?.id && o.reply_to_id && o.purpose !== 'opt_out')
        .filter((o) => racedIn(stopMsg, inboundById.get(o.reply_to_id!)))
        .flatMap((o) => (o.meta?.parts?.sent ?? [o.provider_message_id]).filter((x): x is string => !!x)),
    );
    const toPhone = sends.filter((r) => digits(r.body?.to) === phone && !(r.answerId && racedStop.has(r.answerId)));
    racedStopSends += racedStop.size;
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
  const jobs = await query<{ name: string; state: string; n: string; retried: string }>(
    `select name, state, count(*) as n, count(*) filter (where retry_count > 0) as retried from pgboss.job where name in ('inbound.route', 'outbound.send') group by name, state order by name, state`,
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

  const checks: { ok: boolean; text: string }[] = [];
  const check = (ok: boolean, text: string) => checks.push({ ok, text });
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
    `replies sent in the order of the messages they answer (${orderedConvs} conversations with several replies${racedPairs ? `; ${racedPairs} pairs of messages in flight at once to two servers not ordered` : ''})`,
  );
  check(
    !welcomeWrong.length,
    `each of ${[...firstIn.keys()].filter((c) => !isMember(c)).length} new customers welcomed once, with the first answer${welcomedRaced ? ` (${welcomedRaced} with a message that raced the first to the other server and was stored first)` : ''}`,
  );
  check(
    !memberWrong.length,
    `team members' ${inbound.filter((m) => isMember(m.conversation_id)).length} commands answered, no welcome`,
  );
  check(!silent.length, `no message left unanswered without a reason (handoff, repeated STOP)`);
  check(
    !stopWrong.length,
    `${stopPhones.size} STOP senders: one confirmation, nothing sent after it${racedStopSends ? ` but ${racedStopSends} answers to messages that raced the STOP to the other server` : ''}`,
  );
  check(!failedJobs.length && !Number(jobsLeft.n) && drained, `drained, no job failed, none left waiting`);
  return {
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
  };
}

// Last, so that everything above is defined when a thread or a child process starts.
const role = !isMainThread
  ? (workerData as { benchThread?: string } | null)?.benchThread
  : process.argv[1] === fileURLToPath(import.meta.url)
    ? process.env.BENCH_ROLE
    : undefined;
// A child process whose parent went away (a watchdog's exit) goes too.
if (role && isMainThread) process.on('disconnect', () => process.exit(0));
if (role === 'fake') await runFake();
else if (role === 'load')
  parent!.once((plan: Plan) => {
    runLoad(plan).then(
      (r) => parent!.send({ ok: true, result: r }),
      (err: unknown) => parent!.send({ ok: false, error: String(err) }),
    );
  });
