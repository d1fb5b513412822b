// `npm run chaos`: the fault suite (issue 12). Each fault gets its own database — a throwaway
// PostgreSQL cluster on its own port (never the shared server) or a fresh PGlite folder (one
// process per folder) — a real `parley serve` process and a fake Graph API, all on 127.0.0.1.
//
// Meta is played as Meta plays it: every message of the run (default 2,000 from 300 numbers) is a
// signed delivery; one that is not acknowledged with a 200 (an error, a reset, a refusal, a
// timeout) is delivered again with backoff until it is; 5% of the acknowledged ones are delivered a
// second time a moment later (Meta's duplicates); and Meta's status webhook ("delivered", echoing
// biz_opaque_callback_data) follows every message the fake accepted. A few API loops play the
// dashboard meanwhile. The fault strikes mid-ingest (a third of the messages acknowledged) or
// mid-drain (a third of the replies sent, the outbox busy).
//
// Checks per fault: every acknowledged message stored once; every customer message answered
// exactly once at the fake (no reply row accepted twice, none missing); no row `queued`/`sending`
// or in doubt and no job of a dead process once the outbox settled; the server alive throughout
// (503 while the database is down, never a 500); time to drain. One line per fault; exit 1 on any
// loss, duplicate, stuck row or dead process.
//
// Flags (or environment): --messages N (CHAOS_MESSAGES, 2000), --numbers N (CHAOS_NUMBERS, 300),
// --big N (CHAOS_BIG, 1000: the one big delivery), --loops N (CHAOS_LOOPS, 8 delivery loops),
// --db postgres|pglite|both (CHAOS_DB, both), --faults word,word (CHAOS_FAULTS: faults whose names
// contain a word), --settle S (CHAOS_SETTLE_S, 300: the bound on the wait for the outbox; a send in
// doubt that never reached Meta waits 2 minutes for a status), --list (names only).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { pgliteExtensions } from '../src/db/client.ts';
import { startFakeGraphApi, type FakeGraphApi } from '../test/fakes/graph-api.ts';
import { byStatus, request, type Outcome } from '../test/helpers/load.ts';
import { freePort, startCluster, type PgCluster } from '../test/helpers/pg-cluster.ts';
import { startServer, type ServerProcess } from '../test/helpers/server-process.ts';
import { metaSignature, waText } from '../test/helpers/webhooks.ts';

const { values: flags } = parseArgs({
  options: {
    messages: { type: 'string' },
    numbers: { type: 'string' },
    big: { type: 'string' },
    loops: { type: 'string' },
    db: { type: 'string' },
    faults: { type: 'string' },
    settle: { type: 'string' },
    list: { type: 'boolean' },
  },
});
const num = (flag: string | undefined, env: string | undefined, fallback: number) => {
  const n = Number(flag ?? env ?? fallback);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a count: ${flag ?? env}`);
  return n;
};
const MESSAGES = num(flags.messages, process.env.CHAOS_MESSAGES, 2000);
const NUMBERS = Math.max(1, num(flags.numbers, process.env.CHAOS_NUMBERS, 300));
const BIG = num(flags.big, process.env.CHAOS_BIG, 1000);
const LOOPS = Math.max(1, num(flags.loops, process.env.CHAOS_LOOPS, 8));
const SETTLE_MS = num(flags.settle, process.env.CHAOS_SETTLE_S, 300) * 1000;
const DB = flags.db ?? process.env.CHAOS_DB ?? 'both';
const DOWN_MS = Number(process.env.CHAOS_DOWN_MS ?? 3000);
const STORM_MS = Number(process.env.CHAOS_STORM_MS ?? 20_000);
/** A start on a loaded machine (PGlite migrates its folder first) may take a while. */
const START_TIMEOUT_MS = 180_000;
/** Every 20th acknowledged delivery comes again: 5% duplicates. */
const DUPLICATE_EVERY = 20;

const SECRET = 'chaos-app-secret';
const PHONE_ID = '5550001112223';
const ADMIN = { email: 'owner@chaos.example', password: 'chaos password 1' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Backend = 'postgres' | 'pglite';
type Ctx = {
  cluster: PgCluster | null;
  graph: FakeGraphApi;
  server: () => ServerProcess;
  restart(): Promise<void>;
  workers: ServerProcess[];
  meta: Meta;
  /** Said by a fault that gets further than "struck" (how far the drain was, say). */
  note(text: string): void;
};
/**
 * `at`: when the fault strikes — mid-ingest (a third of the messages acknowledged) or mid-drain
 * (a third answered, the outbox busy). `workers`: the server runs no jobs, that many
 * `parley worker` processes do (PostgreSQL only).
 */
type Fault = {
  name: string;
  db: Backend[];
  at: 'ingest' | 'drain';
  workers?: number;
  inject(ctx: Ctx): Promise<void>;
};

const killServer = async (ctx: Ctx) => {
  await ctx.server().stop('SIGKILL');
  await ctx.restart();
};

const faults: Fault[] = [
  { name: 'server kill -9 mid-ingest', db: ['postgres', 'pglite'], at: 'ingest', inject: killServer },
  { name: 'server kill -9 mid-drain', db: ['postgres', 'pglite'], at: 'drain', inject: killServer },
  {
    name: `a ${BIG.toLocaleString('en')}-message delivery, then kill -9 of the server`,
    db: ['postgres', 'pglite'],
    at: 'ingest',
    async inject(ctx) {
      const ids = await ctx.meta.bigDelivery(BIG);
      if (!ids) throw new Error('the big delivery was not acknowledged');
      await ctx.server().stop('SIGKILL');
      await ctx.restart();
    },
  },
  {
    name: 'kill -9 of one of two workers mid-drain',
    db: ['postgres'],
    at: 'drain',
    workers: 2,
    async inject(ctx) {
      await ctx.workers[0].stop('SIGKILL');
      await sleep(DOWN_MS);
    },
  },
  {
    name: 'PostgreSQL postmaster kill -9 under load',
    db: ['postgres'],
    at: 'ingest',
    async inject({ cluster }) {
      await cluster!.kill();
      await sleep(DOWN_MS);
      await cluster!.start();
    },
  },
  {
    name: 'PostgreSQL restart -m fast under load',
    db: ['postgres'],
    at: 'ingest',
    async inject({ cluster }) {
      await cluster!.stop('fast');
      await sleep(DOWN_MS);
      await cluster!.start();
    },
  },
  ...([429, 500, 0] as const).map((status): Fault => ({
    name: `provider ${status || 'hang'} for ${STORM_MS / 1000} s`,
    db: ['postgres'],
    at: 'ingest',
    async inject({ graph }) {
      graph.failFor(status, STORM_MS);
      await sleep(STORM_MS);
    },
  })),
];

const numberOf = (i: number) => `919870${String(i % NUMBERS).padStart(6, '0')}`;

/**
 * Meta: `loops` deliveries at a time, one message each; unacknowledged ones again with backoff
 * (Meta's schedule, compressed: 0.5 s doubling to 5 s); every DUPLICATE_EVERY-th acknowledged one
 * once more a moment later. Status webhooks for what the fake accepted, as Meta sends them.
 */
class Meta {
  readonly outcomes: Outcome[] = [];
  /** Every message id Meta got a 200 for, with the body that carried it. */
  readonly acked = new Set<string>();
  readonly ids: string[] = [];
  deliveries = 0;
  redeliveries = 0;
  duplicates = 0;
  statusesPosted = 0;
  /** When the last message was first acknowledged (ingest done). */
  ingestedAt = 0;
  private base = '';
  private next = 0;
  private due: { at: number; body: string; ids: string[]; attempt: number; dup: boolean }[] = [];
  private posted = new Set<string>();
  private running = true;
  private loops: Promise<void>[] = [];
  private run = `${Date.now().toString(36)}`;

  private readonly graph: FakeGraphApi;
  private total: number;

  constructor(graph: FakeGraphApi, total: number) {
    this.graph = graph;
    this.total = total;
  }

  setBase(url: string) {
    this.base = url;
  }

  private post(body: string, kind: string) {
    return request(`${this.base}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
      body,
    }).then((status) => {
      this.outcomes.push({ status, kind, at: Date.now() });
      return status;
    });
  }

  /** One delivery, retried as Meta retries until acknowledged (or stopped). */
  private async deliver(body: string, ids: string[], attempt: number, dup: boolean) {
    this.deliveries++;
    if (attempt > 0) this.redeliveries++;
    const status = await this.post(body, 'webhook');
    if (status === 200) {
      for (const id of ids) {
        if (!this.acked.has(id) && !dup) {
          this.acked.add(id);
          const i = Number(id.split('.').at(-1));
          if (i % DUPLICATE_EVERY === 7 && !id.includes('.big.'))
            this.due.push({ at: Date.now() + 200 + Math.random() * 2000, body, ids, attempt: 0, dup: true });
        }
      }
      if (this.acked.size >= this.total && !this.ingestedAt) this.ingestedAt = Date.now();
      return true;
    }
    this.due.push({ at: Date.now() + Math.min(5000, 500 * 2 ** attempt), body, ids, attempt: attempt + 1, dup });
    return false;
  }

  private async loop() {
    while (this.running) {
      const now = Date.now();
      const ready = this.due.findIndex((d) => d.at <= now);
      if (ready >= 0) {
        const [d] = this.due.splice(ready, 1);
        if (d.dup) this.duplicates++;
        await this.deliver(d.body, d.ids, d.attempt, d.dup);
        continue;
      }
      if (this.next < MESSAGES) {
        const i = this.next++;
        const id = `wamid.chaos.${this.run}.${i}`;
        this.ids.push(id);
        await this.deliver(waText(PHONE_ID, numberOf(i), 'hi', { id, name: `Chaos ${i % NUMBERS}` }), [id], 0, false);
        continue;
      }
      await sleep(50);
    }
  }

  /** Meta's status webhooks for what the fake accepted; those not acknowledged come again. */
  private statusCursor = 0;
  private statusRetries: string[] = [];

  /** Meta's status webhooks for what the fake accepted, a few at a time; those not acknowledged come again. */
  private async statuses() {
    while (this.running) {
      const wamid = this.statusRetries.shift() ?? this.graph.accepted[this.statusCursor++]?.wamid;
      if (wamid === undefined) {
        this.statusCursor = Math.min(this.statusCursor, this.graph.accepted.length);
        await sleep(250);
        continue;
      }
      if (this.posted.has(wamid)) continue;
      const status = await this.post(this.graph.statusWebhook(wamid, 'delivered'), 'status');
      if (status === 200) {
        this.posted.add(wamid);
        this.statusesPosted++;
      } else {
        this.statusRetries.push(wamid);
        await sleep(200);
      }
    }
  }

  start() {
    this.loops = [
      ...Array.from({ length: LOOPS }, () => this.loop()),
      ...Array.from({ length: 3 }, () => this.statuses()),
    ];
  }

  /** All messages handed over and acknowledged, duplicates included. */
  get done() {
    return this.next >= MESSAGES && this.acked.size >= this.total && this.due.length === 0;
  }

  get unacked() {
    return this.total - this.acked.size;
  }

  /** One delivery of `count` messages from the first 100 numbers (Meta batches under load). */
  async bigDelivery(count: number): Promise<string[] | null> {
    const now = Math.floor(Date.now() / 1000);
    const numbers = Math.min(100, NUMBERS);
    const contacts = Array.from({ length: numbers }, (_, i) => ({
      profile: { name: `Chaos ${i}` },
      wa_id: numberOf(i),
    }));
    const messages = Array.from({ length: count }, (_, i) => ({
      from: numberOf(i % numbers),
      id: `wamid.chaos.${this.run}.big.${i}`,
      timestamp: String(now),
      type: 'text',
      text: { body: 'hi' },
    }));
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102938475610293',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550001111', phone_number_id: PHONE_ID },
                contacts,
                messages,
              },
            },
          ],
        },
      ],
    });
    const ids = messages.map((m) => m.id);
    this.total += count;
    this.ids.push(...ids);
    this.ingestedAt = 0;
    this.deliveries++;
    const status = await this.post(body, 'webhook');
    if (status !== 200) return null;
    for (const id of ids) this.acked.add(id);
    return ids;
  }

  /** Waits until every message is acknowledged (bounded), then stops the loops. */
  async finish(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (!this.done && Date.now() < deadline) await sleep(100);
    if (!this.ingestedAt) this.ingestedAt = Date.now();
  }

  async stop() {
    this.running = false;
    await Promise.all(this.loops);
  }
}

/** The dashboard meanwhile: lead lists and creations. */
function apiLoad(base: () => string, auth: Record<string, string>, loops = 2) {
  const outcomes: Outcome[] = [];
  let running = true;
  let n = 0;
  const loop = async () => {
    while (running) {
      const i = n++;
      const status =
        i % 2
          ? await request(`${base()}/api/leads?limit=5`, { headers: auth })
          : await request(`${base()}/api/leads`, {
              method: 'POST',
              headers: { ...auth, 'content-type': 'application/json' },
              body: JSON.stringify({ company: `Load Co ${i}` }),
            });
      outcomes.push({ status, kind: 'api', at: Date.now() });
      await sleep(status === 503 || status === 0 ? 100 : 20);
    }
  };
  const all = Array.from({ length: loops }, loop);
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(all);
    },
  };
}

type Query = <T>(text: string, params?: unknown[]) => Promise<T[]>;

/** The database as the suite reads it: PostgreSQL directly; PGlite through a snapshot the server takes. */
type Reader = { query: Query; refresh(): Promise<void>; close(): Promise<void> };

async function postgresReader(url: string): Promise<Reader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    query: async (text, params) => (await client.query(text, params)).rows,
    async refresh() {},
    close: () => client.end(),
  };
}

/** PGlite allows one process per folder: the running server snapshots it (GET /internal/backup). */
function pgliteReader(dir: string): Reader {
  let db: PGlite | null = null;
  return {
    async query(text, params) {
      if (!db) throw new Error('no snapshot yet');
      return (await db.query(text, params)).rows as never;
    },
    async refresh() {
      const lock = JSON.parse(readFileSync(join(dir, 'parley.lock'), 'utf8')) as { url: string; token: string };
      const res = await fetch(`${lock.url}/internal/backup`, { headers: { authorization: `Bearer ${lock.token}` } });
      if (!res.ok) throw new Error(`the server refused a snapshot: ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      await db?.close();
      db = await PGlite.create({ loadDataDir: new Blob([bytes]), extensions: pgliteExtensions });
    },
    async close() {
      await db?.close();
    },
  };
}

const PENDING = `select
    (select count(*)::int from messages where direction = 'out'
       and (status in ('queued', 'sending') or (status = 'failed' and fail_reason = 'delivery_unknown'))) as outbox,
    (select count(*)::int from messages where direction = 'in' and routed_at is null) as unrouted,
    (select count(*)::int from pgboss.job where state in ('created', 'retry', 'active')
       and name in ('inbound.route', 'outbound.send')) as jobs`;

const pendingLeft = (p: { outbox: number; unrouted: number; jobs: number }) => p.outbox + p.unrouted + p.jobs;

type Result = {
  ok: boolean;
  line: string;
  row: Record<string, string | number>;
};

async function runFault(fault: Fault, backend: Backend): Promise<Result> {
  const started = Date.now();
  const graph = await startFakeGraphApi();
  const cluster = backend === 'postgres' ? await startCluster() : null;
  const dataDir = backend === 'pglite' ? mkdtempSync(join(tmpdir(), 'parley-chaos-')) : '';
  const port = await freePort();
  const env = {
    ...(cluster ? { DATABASE_URL: cluster.url } : { PARLEY_DATA_DIR: dataDir }),
    PORT: String(port),
    PARLEY_DEMO: 'false',
    PARLEY_ADMIN_EMAIL: ADMIN.email,
    PARLEY_ADMIN_PASSWORD: ADMIN.password,
    PARLEY_SECRET_KEY: 'chaos-secret-key-0123456789',
    WHATSAPP_APP_SECRET: SECRET,
    WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
    WHATSAPP_ACCESS_TOKEN: 'EAAG-chaos',
    WHATSAPP_API_URL: graph.url,
    LOG_LEVEL: 'warn',
    ...(fault.workers ? { PARLEY_WORKERS: 'false' } : {}),
  };
  const start = (extra: Record<string, string> = {}, command?: string[]) =>
    startServer({ ...env, ...extra }, { timeoutMs: START_TIMEOUT_MS, ...(command ? { command } : {}) });
  let server: ServerProcess;
  const workers: ServerProcess[] = [];
  try {
    server = await start();
    for (let i = 0; i < (fault.workers ?? 0); i++) workers.push(await start({ PORT: '0' }, ['worker']));
  } catch (err) {
    for (const w of workers) await w.stop('SIGKILL');
    await cluster?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await graph.close();
    const line = `FAIL [${backend}] ${fault.name}: ${(err as Error).message.split('\n')[0]}`;
    console.log(line);
    return { ok: false, line, row: {} };
  }
  const meta = new Meta(graph, MESSAGES);
  meta.setBase(server.url);
  const notes: string[] = [];
  let deaths = 0;
  const ctx: Ctx = {
    cluster,
    graph,
    server: () => server,
    async restart() {
      server = await start();
    },
    workers,
    meta,
    note: (t) => notes.push(t),
  };
  const watch = setInterval(() => {
    if (server.exited && server.exited.signal !== 'SIGKILL') deaths++;
  }, 200);
  let reader: Reader | null = null;
  try {
    const login = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const auth = { authorization: `Bearer ${(await login.json()).token}` };
    const api = apiLoad(() => server.url, auth);
    meta.start();
    // /health every 200 ms: how long the server was not healthy in all.
    let unhealthyMs = 0;
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const t = Date.now();
        const status = await request(`${server.url}/health`);
        await sleep(200);
        if (status !== 200) unhealthyMs += Date.now() - t;
      }
    })();

    // Until the fault strikes.
    const waitUntil = async (cond: () => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!cond() && Date.now() < deadline) await sleep(50);
    };
    // Mid-drain: a third of the replies sent. (It waited for every message to be acknowledged
    // first; since sending keeps up with ingest, every reply had left by then and the fault struck
    // an idle outbox. Now the outbox is busy when it strikes, and ingest may still be going.)
    const sentCount = () => new Set(graph.accepted.map((a) => a.callbackData)).size;
    if (fault.at === 'drain') await waitUntil(() => sentCount() >= MESSAGES / 3, 180_000);
    else await waitUntil(() => meta.acked.size >= MESSAGES / 3, 120_000);
    const struckAcked = meta.acked.size;
    const struckSent = sentCount();
    const from = Date.now();
    await fault.inject(ctx);
    const back = Date.now();
    while ((await request(`${server.url}/health`)) !== 200 && Date.now() - back < 60_000) await sleep(100);
    const recovered = Date.now();
    await meta.finish(180_000);
    await api.stop();
    probing = false;
    await prober;

    // The outbox settles (Meta's statuses keep coming meanwhile).
    reader = backend === 'postgres' ? await postgresReader(cluster!.url) : pgliteReader(dataDir);
    const settleStarted = Date.now();
    let pending = { outbox: -1, unrouted: -1, jobs: -1 };
    let lastAccepted = -1;
    let quietSince = Date.now();
    while (Date.now() - settleStarted < SETTLE_MS) {
      if (backend === 'pglite') {
        // A snapshot costs the server a checkpoint: take one only once the fake has gone quiet.
        const accepted = graph.accepted.length;
        if (accepted !== lastAccepted) {
          lastAccepted = accepted;
          quietSince = Date.now();
        }
        const answeredAll = new Set(graph.accepted.map((a) => a.callbackData)).size >= meta.acked.size;
        if (Date.now() - quietSince < (answeredAll ? 2000 : 10_000)) {
          await sleep(500);
          continue;
        }
        quietSince = Date.now();
      }
      await reader.refresh();
      pending = (await reader.query<typeof pending>(PENDING))[0];
      if (pending.outbox + pending.unrouted + pending.jobs === 0) break;
      await sleep(1000);
    }
    const drainedAt = Date.now();
    // The statuses of the last sends, then the final state.
    await sleep(1500);
    await meta.stop();
    await reader.refresh();
    const q = reader.query;

    const stored = new Map(
      (
        await q<{ id: string; n: number }>(
          `select provider_message_id as id, count(*)::int as n from messages where direction = 'in' group by 1`,
        )
      ).map((r) => [r.id, r.n]),
    );
    const lost = meta.ids.filter((id) => meta.acked.has(id) && !stored.has(id)).length;
    const twice = [...stored.values()].filter((n) => n > 1).length;
    const out = await q<{ status: string; reason: string | null; n: number }>(
      `select status, fail_reason as reason, count(*)::int as n from messages where direction = 'out' group by 1, 2 order by 1, 2`,
    );
    const count = (status: string, reason?: string) =>
      out
        .filter((r) => r.status === status && (reason === undefined || r.reason === reason))
        .reduce((a, r) => a + r.n, 0);
    const stuck = count('queued') + count('sending');
    const inDoubt = count('failed', 'delivery_unknown');

    // Answered exactly once, as the fake saw it: every reply row of a customer message accepted once.
    const acceptedTimes = new Map<string, number>();
    for (const a of graph.accepted)
      if (a.callbackData) acceptedTimes.set(a.callbackData, (acceptedTimes.get(a.callbackData) ?? 0) + 1);
    const sentTwice = [...acceptedTimes.values()].filter((n) => n > 1).length;
    const inbound = await q<{ pid: string; handed: boolean; replies: string[] | null }>(
      `select i.provider_message_id as pid,
              exists (select 1 from conversations c where c.id = i.conversation_id
                      and c.handed_off_at is not null and c.handed_off_at <= i.routed_at) as handed,
              (select array_agg(o.id::text) from messages o where o.reply_to_id = i.id and o.direction = 'out') as replies
         from messages i where i.direction = 'in'`,
    );
    let answeredOnce = 0;
    let answeredTwice = 0;
    let unanswered = 0;
    let handedOff = 0;
    let notAtFake = 0;
    for (const m of inbound) {
      const replies = m.replies ?? [];
      const times = replies.map((id) => acceptedTimes.get(id) ?? 0);
      if (times.some((t) => t > 1)) answeredTwice++;
      else if (replies.length && times.every((t) => t === 1)) answeredOnce++;
      else if (!replies.length && m.handed) handedOff++;
      else {
        unanswered++;
        if (replies.length) notAtFake++;
      }
    }
    // What is left in the queue, when something is: by job, state and whether it waits for a retry.
    const leftover = pendingLeft(pending)
      ? (
          await q<{ name: string; state: string; retries: number; n: number; wait: number }>(
            `select name, state, max(retry_count)::int as retries, count(*)::int as n,
                    round(extract(epoch from max(start_after) - now()))::int as wait
               from pgboss.job where state in ('created', 'retry', 'active')
                and name in ('inbound.route', 'outbound.send') group by 1, 2`,
          )
        )
          .map((r) => `${r.name} ${r.state} ${r.n} (retries ≤ ${r.retries}, last starts in ${r.wait} s)`)
          .join(', ')
      : '';
    const deadJobs = (
      await q<{ n: number }>(
        `select count(*)::int as n from pgboss.job where state = 'active'
           and name in ('inbound.route', 'outbound.send') and started_on < $1`,
        [new Date(recovered).toISOString()],
      )
    )[0].n;

    const outcomes = [...meta.outcomes, ...api.outcomes];
    const statuses = byStatus(outcomes);
    const during = byStatus(outcomes.filter((o) => o.at >= from && o.at <= recovered));
    const alive = server.exited === null && deaths === 0 && workers.slice(1).every((w) => w.exited === null);
    const ok =
      !lost &&
      !twice &&
      !sentTwice &&
      !answeredTwice &&
      !unanswered &&
      !stuck &&
      !inDoubt &&
      !deadJobs &&
      !meta.unacked &&
      !statuses[500] &&
      alive &&
      pendingLeft(pending) === 0;
    const drain = (drainedAt - meta.ingestedAt) / 1000;
    const row = {
      db: backend === 'postgres' ? 'PostgreSQL' : 'PGlite',
      fault: fault.name,
      messages: meta.acked.size,
      numbers: NUMBERS,
      deliveries: meta.deliveries,
      redeliveries: meta.redeliveries,
      duplicates: meta.duplicates,
      stored: `${stored.size - twice} once / ${twice} twice / ${lost} lost`,
      answered: `${answeredOnce} once / ${answeredTwice} twice / ${unanswered} unanswered${handedOff ? ` / ${handedOff} handed off` : ''}`,
      stuck: `${stuck} / ${inDoubt} in doubt / ${deadJobs} dead jobs`,
      drain: `${drain.toFixed(1)} s`,
      unhealthy: `${(unhealthyMs / 1000).toFixed(1)} s`,
      '503s': during[503] ?? 0,
      '500s': statuses[500] ?? 0,
      server: alive ? 'alive' : 'DEAD',
    };
    const line =
      `${ok ? 'ok  ' : 'FAIL'} [${row.db}] ${fault.name}: ${row.messages} messages from ${NUMBERS} numbers ` +
      `(${meta.deliveries} deliveries: ${meta.redeliveries} re-deliveries, ${meta.duplicates} duplicates; ` +
      `${meta.statusesPosted} statuses), struck at ${struckAcked} acknowledged / ${struckSent} replies sent; ` +
      `stored ${row.stored}; answered ${row.answered}${notAtFake ? ` (${notAtFake} with a reply row the fake never got)` : ''}; ` +
      `${sentTwice} reply rows sent twice; ${row.stuck}; ${meta.unacked} never acknowledged; ` +
      `outbound ${out.map((r) => `${r.status}${r.reason ? `/${r.reason}` : ''} ${r.n}`).join(', ')}; ` +
      `${statuses[500] ?? 0} × 500, ${during[503] ?? 0} × 503 / ${during[0] ?? 0} unanswered while faulty; ` +
      `server ${row.server}, not healthy for ${(unhealthyMs / 1000).toFixed(1)} s; ` +
      `drained ${row.drain} after the last acknowledgement` +
      `${pendingLeft(pending) ? ` (NOT SETTLED: ${JSON.stringify(pending)}; ${leftover})` : ''}${notes.length ? `; ${notes.join('; ')}` : ''} ` +
      `(${((Date.now() - started) / 1000).toFixed(0)} s in all, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`;
    console.log(line);
    return { ok, line, row };
  } catch (err) {
    const line = `FAIL [${backend}] ${fault.name}: ${(err as Error).message.split('\n')[0]}`;
    console.log(line);
    return { ok: false, line, row: {} };
  } finally {
    clearInterval(watch);
    await meta.stop();
    await reader?.close();
    for (const w of workers) await w.stop('SIGKILL');
    await server.stop('SIGKILL');
    await cluster?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await graph.close();
  }
}

const backends: Backend[] = DB === 'both' ? ['postgres', 'pglite'] : [DB as Backend];
if (!backends.every((b) => b === 'postgres' || b === 'pglite')) throw new Error(`--db postgres|pglite|both, not ${DB}`);
const pick = (flags.faults ?? process.env.CHAOS_FAULTS ?? '').split(',').filter(Boolean);
const runs = backends.flatMap((b) =>
  faults
    .filter((f) => f.db.includes(b) && (!pick.length || pick.some((p) => f.name.includes(p))))
    .map((f) => ({ fault: f, backend: b })),
);
if (flags.list) {
  for (const r of runs) console.log(`[${r.backend}] ${r.fault.name}`);
  process.exit(0);
}
console.log(
  `chaos: ${runs.length} faults, ${MESSAGES} messages from ${NUMBERS} numbers each, ${LOOPS} delivery loops, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const suiteStarted = Date.now();
const results: Result[] = [];
for (const r of runs) results.push(await runFault(r.fault, r.backend));
const failed = results.filter((r) => !r.ok).length;
console.log(
  `chaos: ${results.length - failed}/${results.length} faults passed in ${((Date.now() - suiteStarted) / 1000).toFixed(0)} s`,
);
if (process.env.CHAOS_TABLE) {
  const cols = Object.keys(results.find((r) => Object.keys(r.row).length)?.row ?? {});
  console.log(`| ${cols.join(' | ')} |\n| ${cols.map(() => '---').join(' | ')} |`);
  for (const r of results) if (Object.keys(r.row).length) console.log(`| ${cols.map((c) => r.row[c]).join(' | ')} |`);
}
process.exit(failed ? 1 : 0);
