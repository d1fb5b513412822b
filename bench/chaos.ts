// `npm run chaos`: the fault suite (issue 12). Each fault gets a throwaway PostgreSQL cluster on its
// own port (never the shared server), a real `parley serve` process and a fake Graph API, all on
// 127.0.0.1. Signed webhooks from a few hundred numbers (with re-deliveries: every unacknowledged
// delivery is re-sent as Meta does, and 5% are delivered twice) and API calls keep coming while the
// fault happens. Afterwards the fake posts the status webhooks Meta would send for every message it
// accepted (echoing biz_opaque_callback_data), and the suite waits for the outbox to settle.
// Checks per fault: every acknowledged message stored once; every reply sent once at the fake (no
// row id accepted twice) and none left `queued`/`sending` or in doubt; the server alive throughout
// (503 while the database is down, never 500); time to drain. One line per fault; exit 1 on any
// loss, duplicate, stuck row or dead process.
//
// CHAOS_FAULTS=name,name picks faults (by the words in their names); CHAOS_SETTLE_S bounds the wait
// for the outbox (default 240 s: a send in doubt that never reached Meta waits 2 minutes for a status).
import pg from 'pg';
import { startFakeGraphApi, type FakeGraphApi } from '../test/fakes/graph-api.ts';
import { byStatus, request, startLoad } from '../test/helpers/load.ts';
import { freePort, startCluster, type PgCluster } from '../test/helpers/pg-cluster.ts';
import { startServer, type ServerProcess } from '../test/helpers/server-process.ts';
import { metaSignature } from '../test/helpers/webhooks.ts';

const SECRET = 'chaos-app-secret';
const PHONE_ID = '5550001112223';
const ADMIN = { email: 'owner@chaos.example', password: 'chaos password 1' };
const DOWN_MS = Number(process.env.CHAOS_DOWN_MS ?? 3000);
const STORM_MS = Number(process.env.CHAOS_STORM_MS ?? 20_000);
const SETTLE_MS = Number(process.env.CHAOS_SETTLE_S ?? 240) * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Ctx = {
  cluster: PgCluster;
  graph: FakeGraphApi;
  server: () => ServerProcess;
  restart(): Promise<void>;
  workers: ServerProcess[];
};
/** `workers`: the server runs no jobs, that many `parley worker` processes do. */
type Fault = { name: string; workers?: number; inject(ctx: Ctx): Promise<void> };

const faults: Fault[] = [
  {
    name: 'kill -9 of one of two workers mid-drain',
    workers: 2,
    async inject(ctx) {
      await ctx.workers[0].stop('SIGKILL');
      await sleep(DOWN_MS);
    },
  },
  {
    name: 'server kill -9 mid-drain',
    async inject(ctx) {
      await ctx.server().stop('SIGKILL');
      await ctx.restart();
    },
  },
  {
    name: 'a 1,000-message delivery, then kill -9 of the server',
    async inject(ctx) {
      const body = bigDelivery(1000, 100);
      const res = await fetch(`${ctx.server().url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
        body,
      });
      if (res.status !== 200) throw new Error(`the big delivery was answered ${res.status}`);
      bigDeliveries.push(...(JSON.parse(body).entry[0].changes[0].value.messages as { id: string }[]).map((m) => m.id));
      await ctx.server().stop('SIGKILL');
      await ctx.restart();
    },
  },
  {
    name: 'PostgreSQL postmaster kill -9 under load',
    async inject({ cluster }) {
      await cluster.kill();
      await sleep(DOWN_MS);
      await cluster.start();
    },
  },
  {
    name: 'PostgreSQL restart -m fast under load',
    async inject({ cluster }) {
      await cluster.stop('fast');
      await sleep(DOWN_MS);
      await cluster.start();
    },
  },
  {
    name: `provider 429 for ${STORM_MS / 1000} s`,
    async inject({ graph }) {
      graph.failFor(429, STORM_MS);
      await sleep(STORM_MS);
    },
  },
  {
    name: `provider 500 for ${STORM_MS / 1000} s`,
    async inject({ graph }) {
      graph.failFor(500, STORM_MS);
      await sleep(STORM_MS);
    },
  },
  {
    name: `provider hang for ${STORM_MS / 1000} s`,
    async inject({ graph }) {
      graph.failFor(0, STORM_MS);
      await sleep(STORM_MS);
    },
  },
];

/** Ids of the messages of big deliveries (acknowledged: they must all be stored and answered). */
const bigDeliveries: string[] = [];

/** One signed-able WhatsApp delivery with `count` text messages from `numbers` customers. */
function bigDelivery(count: number, numbers: number): string {
  const now = Math.floor(Date.now() / 1000);
  const contacts = Array.from({ length: numbers }, (_, i) => ({
    profile: { name: `Bulk ${i}` },
    wa_id: `91987${String(50000 + i).padStart(5, '0')}`,
  }));
  const messages = Array.from({ length: count }, (_, i) => ({
    from: contacts[i % numbers].wa_id,
    id: `wamid.bulk.${now}.${i}`,
    timestamp: String(now),
    type: 'text',
    text: { body: `question ${i}` },
  }));
  return JSON.stringify({
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
}

async function runFault(fault: Fault): Promise<boolean> {
  bigDeliveries.length = 0;
  const started = Date.now();
  const graph = await startFakeGraphApi();
  const cluster = await startCluster();
  const port = await freePort();
  const env = {
    DATABASE_URL: cluster.url,
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
  let server = await startServer(env);
  const workers: ServerProcess[] = [];
  for (let i = 0; i < (fault.workers ?? 0); i++)
    workers.push(await startServer({ ...env, PORT: '0' }, { command: ['worker'] }));
  let deaths = 0;
  const ctx: Ctx = {
    cluster,
    graph,
    server: () => server,
    async restart() {
      server = await startServer(env);
    },
    workers,
  };
  const watch = setInterval(() => {
    if (server.exited && server.exited.signal !== 'SIGKILL') deaths++;
  }, 200);
  try {
    const login = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const auth = { authorization: `Bearer ${(await login.json()).token}` };
    const base = server.url;
    const load = startLoad({ base, auth, secret: SECRET, phoneId: PHONE_ID, webhookLoops: 4, numbers: 75 });
    await sleep(3000);
    const from = Date.now();
    await fault.inject(ctx);
    const back = Date.now();
    while ((await request(`${base}/health`)) !== 200 && Date.now() - back < 60_000) await sleep(100);
    const recovered = (Date.now() - back) / 1000;
    await sleep(3000);
    await load.stop();
    await load.resendUnacked();
    // 5% of the deliveries again, as Meta's duplicates.
    let dup = 0;
    for (const d of load.deliveries.values()) if (dup++ % 20 === 0) await load.webhook(d.body);

    const db = new pg.Client({ connectionString: cluster.url });
    await db.connect();
    const pending = async () =>
      (
        await db.query<{ n: number }>(
          `select (select count(*)::int from messages where direction = 'out'
             and (status in ('queued', 'sending') or (status = 'failed' and fail_reason = 'delivery_unknown')))
           + (select count(*)::int from messages where direction = 'in' and routed_at is null)
           + (select count(*)::int from pgboss.job where state in ('created', 'retry', 'active')
                and name in ('inbound.route', 'outbound.send')) as n`,
        )
      ).rows[0].n;
    // Meta's status webhooks for what it accepted, until the outbox has settled (or the bound).
    const settleStarted = Date.now();
    const posted = new Set<string>();
    while (Date.now() - settleStarted < SETTLE_MS) {
      for (const a of graph.accepted) {
        if (posted.has(a.wamid)) continue;
        const body = graph.statusWebhook(a.wamid, 'delivered');
        const status = await request(`${server.url}/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
          body,
        });
        if (status === 200) posted.add(a.wamid);
      }
      if ((await pending()) === 0) break;
      await sleep(1000);
    }
    const drained = (Date.now() - settleStarted) / 1000;
    const { rows } = await db.query<{ id: string; n: number }>(
      `select provider_message_id as id, count(*)::int as n from messages where direction = 'in' group by 1`,
    );
    const out = (
      await db.query<{ status: string; reason: string | null; n: number }>(
        `select status, fail_reason as reason, count(*)::int as n from messages where direction = 'out' group by 1, 2`,
      )
    ).rows;
    const unanswered = (
      await db.query<{ n: number }>(
        `select count(*)::int as n from messages i where i.direction = 'in'
           and not exists (select 1 from messages o where o.reply_to_id = i.id and o.status in ('sent', 'delivered', 'read'))
           -- handed to a person (the bot could not answer twice): nobody answers by design
           and not exists (select 1 from conversations c where c.id = i.conversation_id
                           and c.handed_off_at is not null and c.handed_off_at <= i.routed_at)
           and not exists (select 1 from messages o where o.reply_to_id = i.id and o.status = 'failed'
                           and o.fail_reason not in ('delivery_unknown', 'retries_exhausted', 'internal'))`,
      )
    ).rows[0].n;
    const unrouted = (
      await db.query<{ n: number }>(
        `select count(*)::int as n from messages where direction = 'in' and routed_at is null`,
      )
    ).rows[0].n;
    const deadJobs = (
      await db.query<{ n: number }>(
        `select count(*)::int as n from pgboss.job where state = 'active' and name in ('inbound.route', 'outbound.send')`,
      )
    ).rows[0].n;
    await db.end();

    const stored = new Map(rows.map((r) => [r.id, r.n]));
    const lost = [...load.deliveries.keys(), ...bigDeliveries].filter((id) => !stored.has(id)).length;
    const twice = rows.filter((r) => r.n > 1).length;
    const sentTimes = new Map<string, number>();
    for (const a of graph.accepted)
      if (a.callbackData) sentTimes.set(a.callbackData, (sentTimes.get(a.callbackData) ?? 0) + 1);
    const duplicates = [...sentTimes.values()].filter((n) => n > 1).length;
    const statuses = byStatus(load.outcomes);
    const during = byStatus(load.outcomes.filter((o) => o.at >= from && o.at <= back));
    const alive = server.exited === null && deaths === 0 && workers.slice(1).every((w) => w.exited === null);
    const count = (status: string, reason?: string) =>
      out
        .filter((r) => r.status === status && (reason === undefined || r.reason === reason))
        .reduce((a, r) => a + r.n, 0);
    const stuck = count('queued') + count('sending');
    const inDoubt = count('failed', 'delivery_unknown');
    const sent = count('sent') + count('delivered') + count('read');
    const ok = !lost && !twice && !duplicates && !statuses[500] && alive && !stuck && !inDoubt && !unanswered;
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${fault.name}: ${load.deliveries.size} deliveries${bigDeliveries.length ? ` + ${bigDeliveries.length} messages in one` : ''}, ${lost} lost, ${twice} stored twice, ` +
        `${sent} replies sent, ${duplicates} sent twice, ${unanswered} messages unanswered, ` +
        `${unrouted} not routed yet, ${stuck} stuck, ${inDoubt} in doubt, ${deadJobs} jobs still active, ` +
        `outbound by state ${out.map((r) => `${r.status}${r.reason ? `/${r.reason}` : ''} ${r.n}`).join(', ')}, ` +
        `${statuses[500] ?? 0} × 500, ${during[503] ?? 0} × 503 / ${during[0] ?? 0} unanswered while faulty, ` +
        `server ${alive ? 'alive' : 'DEAD'}, healthy ${recovered.toFixed(1)} s after the fault, ` +
        `outbox settled in ${drained.toFixed(1)} s (${((Date.now() - started) / 1000).toFixed(0)} s in all)`,
    );
    return ok;
  } finally {
    clearInterval(watch);
    for (const w of workers) await w.stop('SIGKILL');
    await server.stop('SIGKILL');
    await cluster.destroy();
    await graph.close();
  }
}

const pick = (process.env.CHAOS_FAULTS ?? '').split(',').filter(Boolean);
const chosen = pick.length ? faults.filter((f) => pick.some((p) => f.name.includes(p))) : faults;
let failed = 0;
for (const fault of chosen) if (!(await runFault(fault))) failed++;
process.exit(failed ? 1 : 0);
