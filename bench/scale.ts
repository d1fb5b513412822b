// `npm run bench -- scale [flags]` (issue 15, "Scale"): one workspace on PostgreSQL with 1,000,000
// leads, 10,000,000 messages in conversations (a few very big ones), 2,000,000 activities (one lead
// with a 10,000-entry history), 500,000 tasks and 100,000 knowledge chunks, then the product's own
// queries timed through the service functions the API routes call, each printed with its goal.
//
// The data lives in its own database (`--db`, default parley_scale on the BENCH_DATABASE_URL
// server), migrated with the app's migrations and kept: a later run whose sizes match reuses it
// (and applies any new migration to it, timed); `--fresh` regenerates. `--leads 100000` shrinks
// everything in proportion for a quick run (messages 10×, activities 2×, tasks ½× the leads;
// knowledge chunks and the long history keep their size unless given). `--explain` prints
// EXPLAIN (ANALYZE, BUFFERS) of each query's statements as the service issues them.
//
// Exits non-zero when a query returns something wrong (the long history's first page is not the
// newest 50 entries, a phone finds no lead…), never for a missed speed goal.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { contactKey, getCustomerContext } from '../src/bot/context.ts';
import { conversationAnalytics } from '../src/conversations/analytics.ts';
import { listConversations } from '../src/conversations/inbox.ts';
import { messageHistory } from '../src/conversations/linking.ts';
import type { Actor } from '../src/crm/actor.ts';
import { getLeadHistoryPage } from '../src/crm/history.ts';
import { findLeadByPhone, listLeads } from '../src/crm/leads.ts';
import { openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { searchKnowledge, type SearchScope } from '../src/knowledge/search.ts';
import { rebuildVocabulary } from '../src/knowledge/store.ts';
import {
  AGENTS,
  HISTORY_LEAD,
  OWNER,
  PAGE_ID,
  WS,
  generate,
  leadPhone,
  strangerPhone,
  type ScaleSizes,
} from './scale-generate.ts';

const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== 'scale'),
  options: {
    leads: { type: 'string' },
    messages: { type: 'string' },
    activities: { type: 'string' },
    tasks: { type: 'string' },
    chunks: { type: 'string' },
    history: { type: 'string' },
    db: { type: 'string', default: 'parley_scale' },
    fresh: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: true },
    runs: { type: 'string', default: '200' },
    explain: { type: 'boolean', default: false },
    /** Only the queries whose name contains this. */
    only: { type: 'string' },
  },
});
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v.replace(/_/g, '')));
const leadsN = num(flags.leads) ?? 1_000_000;
const sizes: ScaleSizes = {
  leads: leadsN,
  messages: num(flags.messages) ?? leadsN * 10,
  activities: num(flags.activities) ?? leadsN * 2,
  tasks: num(flags.tasks) ?? Math.floor(leadsN / 2),
  chunks: num(flags.chunks) ?? 100_000,
  history: num(flags.history) ?? 10_000,
};
const RUNS = Number(flags.runs);
if (!/^[a-z_][a-z0-9_]*$/.test(flags.db!)) throw new Error('--db: a plain database name');

const base = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const url = new URL(base);
url.pathname = `/${flags.db}`;
const admin = new pg.Client({ connectionString: base.toString() });
await admin.connect();
const want = JSON.stringify(sizes);
const [existing] = (
  await admin.query<{ comment: string | null }>(
    `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
    [flags.db],
  )
).rows;
const log = (line: string) => console.log(line);
const reuse = !flags.fresh && flags.reuse && existing?.comment === want;
let generatedIn: number | null = null;
if (!reuse) {
  log(`# generating ${flags.db}: ${want}`);
  await admin.query(`drop database if exists ${flags.db} with (force)`);
  await admin.query(`create database ${flags.db}`);
  const t0 = performance.now();
  const database = await openPostgres({ url: url.toString(), poolSize: 2 });
  await migrate(database.db);
  await generate(
    async () => {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      return c;
    },
    sizes,
    log,
  );
  const tv = performance.now();
  await rebuildVocabulary(database.db, WS);
  log(`  vocabulary (rebuildVocabulary): ${((performance.now() - tv) / 1000).toFixed(1)} s`);
  await database.close();
  generatedIn = (performance.now() - t0) / 1000;
  await admin.query(`comment on database ${flags.db} is '${want}'`);
  log(`# generated in ${generatedIn.toFixed(0)} s`);
} else {
  log(`# reusing ${flags.db} (${want})`);
}
await admin.end();

const database = await openPostgres({ url: url.toString(), poolSize: 4 });
const db = database.db;
const pool = database.pool!;
{
  const t = performance.now();
  const applied = await migrate(db);
  const migratedIn = (performance.now() - t) / 1000;
  if (applied.length) {
    log(`# applied ${applied.join(', ')} to the filled database in ${migratedIn.toFixed(1)} s`);
    await pool.query('analyze');
  }
}
const counts = (
  await pool.query<{ t: string; n: string }>(
    `select 'leads' t, count(*) n from leads union all select 'conversations', count(*) from conversations
     union all select 'messages', count(*) from messages union all select 'activities', count(*) from activities
     union all select 'tasks', count(*) from tasks union all select 'knowledge chunks', count(*) from knowledge_chunks`,
  )
).rows;
const dbSize = (await pool.query<{ s: string }>(`select pg_size_pretty(pg_database_size(current_database())) s`))
  .rows[0].s;
log(`# ${counts.map((r) => `${Number(r.n).toLocaleString('en')} ${r.t}`).join(', ')}; database ${dbSize}`);

// Statements as the services issue them, for EXPLAIN: every client's query() records while capturing.
let capture: { text: string; values: unknown[] }[] | null = null;
const realQuery = pool.query.bind(pool) as (text: string, values: unknown[]) => Promise<unknown>;
const clientQuery = pg.Client.prototype.query as (...a: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown }).query = function (
  this: pg.Client,
  ...a: unknown[]
) {
  if (capture) {
    const q = a[0] as string | { text: string; values?: unknown[] };
    if (typeof q === 'string') capture.push({ text: q, values: (a[1] as unknown[]) ?? [] });
    else capture.push({ text: q.text, values: q.values ?? (a[1] as unknown[]) ?? [] });
  }
  return clientQuery.apply(this, a);
};

const owner: Actor = { workspaceId: WS, userId: OWNER, role: 'owner' };
const agent: Actor = { workspaceId: WS, userId: AGENTS[0], role: 'agent' };
const L = sizes.leads;
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
};
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const anyLead = () => 1 + Math.floor(rand() * L);

type Case = { label: string; run: () => Promise<unknown> };
type Result = {
  goal: string;
  p: 0.95 | 0.99 | 1;
  limit: number;
  times: number[];
  byCase: Map<string, number[]>;
  /** CPU ms per query: PostgreSQL's server processes and this process. */
  cpu: { node: number; db: number };
};
const results: { name: string; r: Result }[] = [];
const explains: { name: string; label: string; plans: string[] }[] = [];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

/** CPU ms so far of this process and of the database's server processes (utime + stime from /proc). */
async function cpuNow(): Promise<{ node: number; backends: Map<number, number> }> {
  const pids = (await realQuery(`select pid from pg_stat_activity where datname = current_database()`, [])) as {
    rows: { pid: number }[];
  };
  const backends = new Map<number, number>();
  for (const { pid } of pids.rows) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      backends.set(pid, ((Number(f[11]) + Number(f[12])) * 1000) / 100); // clock ticks of 10 ms
    } catch {
      // not on this machine (a remote server): node only
    }
  }
  const u = process.cpuUsage();
  return { node: (u.user + u.system) / 1000, backends };
}
const cpuSince = (a: Awaited<ReturnType<typeof cpuNow>>, b: Awaited<ReturnType<typeof cpuNow>>) => {
  let db = 0;
  for (const [pid, ms] of b.backends) db += ms - (a.backends.get(pid) ?? 0);
  return { node: b.node - a.node, db };
};

async function measure(name: string, goal: string, p: Result['p'], limit: number, cases: Case[], runs = RUNS) {
  if (flags.only && !name.includes(flags.only)) return;
  for (let i = 0; i < Math.min(20, runs); i++) await cases[i % cases.length].run(); // warm-up
  const r: Result = { goal, p, limit, times: [], byCase: new Map(), cpu: { node: 0, db: 0 } };
  const before = await cpuNow();
  for (let i = 0; i < runs; i++) {
    const c = cases[i % cases.length];
    const t = performance.now();
    await c.run();
    const ms = performance.now() - t;
    r.times.push(ms);
    r.byCase.set(c.label, [...(r.byCase.get(c.label) ?? []), ms]);
  }
  const used = cpuSince(before, await cpuNow());
  r.cpu = { node: used.node / runs, db: used.db / runs };
  results.push({ name, r });
  const v = pct(r.times, p);
  log(
    `| ${name} | ${runs} | ${pct(r.times, 0.5).toFixed(2)} | ${v.toFixed(2)} | ${Math.max(...r.times).toFixed(2)} | ${r.cpu.db.toFixed(2)} + ${r.cpu.node.toFixed(2)} | ${goal}: ${v < limit ? 'met' : 'MISSED'} |`,
  );
  if (flags.explain) {
    for (const c of cases) {
      capture = [];
      await c.run();
      const stmts = capture;
      capture = null;
      const plans: string[] = [];
      const client = await pool.connect();
      for (const s of stmts) {
        // A statement's transaction-local settings apply to the plans that follow it.
        if (/^\s*set local /i.test(s.text)) await client.query(s.text.replace(/^\s*set local /i, 'set '));
        if (/^\s*(begin|commit|rollback|set|select 1\b)/i.test(s.text)) continue;
        const res = await client.query(`explain (analyze, buffers) ${s.text}`, s.values);
        plans.push(
          `-- ${s.text.replace(/\s+/g, ' ').slice(0, 160)}…\n` +
            (res as { rows: Record<string, string>[] }).rows.map((row) => row['QUERY PLAN']).join('\n'),
        );
      }
      await client.query('reset all');
      client.release();
      explains.push({ name, label: c.label, plans });
    }
  }
}

const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
})();
log(
  `\n# scale: ${new Date().toISOString()}, commit ${commit}, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}\n`,
);
log('| query | runs | p50 ms | goal percentile ms | max ms | CPU ms per query (PostgreSQL + Node) | goal |');
log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');

// 1. The lead list (GET /api/leads): filters, agent's view, fuzzy search, typo, phone, next page.
{
  const firstPage = await listLeads(db, owner, { status: 'qualified' });
  const cursor = firstPage.nextCursor ?? undefined;
  check(firstPage.data.length === 50, 'lead list: a status filter returns a full page');
  const found = await listLeads(db, owner, { search: 'kavita rao' });
  check(found.data.length > 0, 'lead search finds "kavita rao"');
  const cases: Case[] = [
    { label: 'all, newest first', run: () => listLeads(db, owner, {}) },
    { label: 'status', run: () => listLeads(db, owner, { status: 'qualified' }) },
    { label: 'status, next page', run: () => listLeads(db, owner, { status: 'qualified', cursor }) },
    { label: 'assignee + status', run: () => listLeads(db, owner, { assigneeId: AGENTS[3], status: 'proposal' }) },
    { label: "agent's own leads", run: () => listLeads(db, agent, {}) },
    { label: 'source', run: () => listLeads(db, owner, { source: 'referral' }) },
    { label: 'search contact name', run: () => listLeads(db, owner, { search: 'kavita rao' }) },
    { label: 'search company word', run: () => listLeads(db, owner, { search: 'textiles' }) },
    { label: 'search typo', run: () => listLeads(db, owner, { search: 'kavta rao' }) },
    { label: 'search phone', run: () => listLeads(db, owner, { search: leadPhone(anyLead()).slice(3) }) },
    { label: 'agent search', run: () => listLeads(db, agent, { search: 'priya sharma', status: 'new' }) },
  ];
  await measure('lead list, filters and fuzzy search', 'p95 < 50 ms', 0.95, 50, cases);
}

// 2. Phone lookup (GET /api/leads?phone=) and the customer context (the bot's, GET /api/customer-context).
{
  const hit = await findLeadByPhone(db, owner, `0${leadPhone(7).slice(3)}`);
  check(!!hit, 'phone lookup finds lead 7 in national format');
  const ctx = await getCustomerContext(db, WS, contactKey(leadPhone(HISTORY_LEAD)));
  check(ctx?.leadId === hit?.id || !!ctx?.leadId, 'customer context of a known phone has its lead');
  await measure(
    'phone lookup',
    'p99 < 5 ms',
    0.99,
    5,
    [
      { label: 'known phone', run: () => findLeadByPhone(db, owner, leadPhone(anyLead())) },
      { label: 'unknown phone', run: () => findLeadByPhone(db, owner, strangerPhone(anyLead())) },
    ],
    RUNS * 5,
  );
  await measure(
    'customer context',
    'p99 < 5 ms',
    0.99,
    5,
    [
      { label: 'known lead', run: () => getCustomerContext(db, WS, contactKey(leadPhone(anyLead()))) },
      {
        label: 'stranger with a conversation',
        run: () => getCustomerContext(db, WS, contactKey(strangerPhone(10 * anyLead()))),
      },
      {
        label: 'unknown',
        run: () => getCustomerContext(db, WS, contactKey(`+9196${String(anyLead()).padStart(8, '0')}`)),
      },
    ],
    RUNS * 5,
  );
}

// 3. The lead with the long history: its first page (GET /api/leads/{id}/history).
{
  const lead = await findLeadByPhone(db, owner, leadPhone(HISTORY_LEAD));
  check(!!lead, 'the history lead exists');
  const first = await getLeadHistoryPage(db, owner, lead!.id, [messageHistory], { limit: 50 });
  const newest = await pool.query<{ id: string }>(
    `select id from activities where lead_id = $1 order by created_at desc, id desc limit 1`,
    [lead!.id],
  );
  check(first.data.length === 50 && !!first.nextCursor, 'the long history has a full first page and a next one');
  check(
    first.data.some((i) => i.id === newest.rows[0]?.id),
    "the long history's first page holds its newest activity",
  );
  const second = await getLeadHistoryPage(db, owner, lead!.id, [messageHistory], {
    limit: 50,
    cursor: first.nextCursor!,
  });
  check(
    second.data.length === 50 &&
      second.data[0].at <= first.data[49].at &&
      !second.data.some((i) => first.data.some((f) => f.id === i.id)),
    'the second page continues the first',
  );
  await measure(
    'lead history (10,000 entries), first page',
    'p95 < 50 ms',
    0.95,
    50,
    [
      { label: 'first page', run: () => getLeadHistoryPage(db, owner, lead!.id, [messageHistory], { limit: 50 }) },
      {
        label: 'second page',
        run: () => getLeadHistoryPage(db, owner, lead!.id, [messageHistory], { limit: 50, cursor: first.nextCursor! }),
      },
    ],
    Math.max(20, RUNS / 4),
  );
}

// 4. The inbox (GET /api/conversations): latest first, filters, search.
{
  const first = await listConversations(db, owner, {});
  check(first.data.length === 50, 'the inbox has a full first page');
  const cursor = first.nextCursor ?? undefined;
  await measure('conversation list and inbox search', 'p95 < 50 ms', 0.95, 50, [
    { label: 'latest', run: () => listConversations(db, owner, {}) },
    { label: 'next page', run: () => listConversations(db, owner, { cursor }) },
    { label: 'handed off', run: () => listConversations(db, owner, { handedOff: true }) },
    { label: 'unlinked', run: () => listConversations(db, owner, { linked: false }) },
    { label: "agent's", run: () => listConversations(db, agent, {}) },
    { label: 'search name', run: () => listConversations(db, owner, { search: 'kavita rao' }) },
    { label: 'search company', run: () => listConversations(db, owner, { search: 'textiles' }) },
    {
      label: 'search phone digits',
      run: () => listConversations(db, owner, { search: leadPhone(anyLead()).slice(5) }),
    },
    { label: 'agent search', run: () => listConversations(db, agent, { search: 'sharma' }) },
  ]);
}

// 5. Analytics over the last 30 days (GET /api/analytics/conversations).
await measure(
  'analytics, 30 days',
  'max < 500 ms',
  1,
  500,
  [
    { label: 'owner, last 30 days', run: () => conversationAnalytics(db, owner) },
    { label: 'agent, last 30 days', run: () => conversationAnalytics(db, agent) },
  ],
  10,
);

// 6. Knowledge search over 100k chunks (the bots' and GET /api/knowledge/search).
{
  const staff: SearchScope = { workspaceId: WS, audience: { kind: 'staff', perContact: true } };
  const customer = (i: number): SearchScope => ({
    workspaceId: WS,
    pageId: PAGE_ID,
    channel: 'whatsapp',
    audience: { kind: 'contact', keys: [leadPhone(i)] },
  });
  const hits = await searchKnowledge(db, staff, 'CUST-77', { limit: 5 });
  check(
    hits.hits.some((h) => h.record === 'customers[77]'),
    'knowledge search finds CUST-77',
  );
  const n = () => 1 + Math.floor(rand() * Math.max(1, sizes.chunks - 50));
  await measure('knowledge search, 100k chunks', 'p95 < 50 ms', 0.95, 50, [
    { label: 'name + plan', run: () => searchKnowledge(db, staff, 'kavita rao gold plan', { limit: 5 }) },
    { label: 'typo', run: () => searchKnowledge(db, staff, 'vikrm shety', { limit: 5 }) },
    { label: 'phone', run: () => searchKnowledge(db, staff, leadPhone(n()), { limit: 5 }) },
    { label: 'id', run: () => searchKnowledge(db, staff, `CUST-${n()}`, { limit: 5 }) },
    {
      label: 'customer: price (Hinglish)',
      run: () => searchKnowledge(db, customer(n()), 'annual plan ka price kya hai?', { limit: 5 }),
    },
    { label: 'customer: my plan', run: () => searchKnowledge(db, customer(n()), 'what is my plan?', { limit: 5 }) },
  ]);
}

log('\nBy case (p95 ms):');
for (const { name, r } of results)
  log(`- ${name}: ${[...r.byCase.entries()].map(([k, ts]) => `${k} ${pct(ts, 0.95).toFixed(1)}`).join(' · ')}`);
const met = results.filter(({ r }) => pct(r.times, r.p) < r.limit).length;
log(
  `\n${met} of ${results.length} speed goals met; load average now ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
if (generatedIn !== null) log(`generated in ${generatedIn.toFixed(0)} s`);
if (flags.explain) for (const e of explains) log(`\n## EXPLAIN: ${e.name} — ${e.label}\n\n${e.plans.join('\n\n')}`);
if (failures.length) {
  log(`\nFAILED checks:\n${failures.map((f) => `- ${f}`).join('\n')}`);
  process.exitCode = 1;
}
await database.close();
