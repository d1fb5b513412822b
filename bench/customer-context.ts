// Customer context lookup latency with 100,000 leads on PostgreSQL (issue 5: p99 under 5 ms).
// Creates its own database, fills it with generate_series, times getCustomerContext for random
// known and unknown phones, drops the database.
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { contactKey, getCustomerContext } from '../src/bot/context.ts';
import { openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { benchDatabase } from './lib.ts';

const LEADS = Number(process.env.BENCH_LEADS ?? 100_000);
const LOOKUPS = 3000;
const { name, url, admin } = benchDatabase('parley_bench_ctx');

await admin(`create database ${name}`);
const database = await openPostgres({ url: url.toString(), poolSize: 4 });
try {
  await migrate(database.db);
  const t0 = performance.now();
  await database.db.execute(
    sql`insert into workspaces (id, name) values ('00000000-0000-7000-8000-000000000001', 'Bench')`,
  );
  await database.db.execute(
    sql`insert into users (id, workspace_id, name, username, email, role) values ('00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000001', 'Amit Verma', 'amit', 'amit@bench.local', 'agent')`,
  );
  await database.db.execute(
    sql.raw(`
    insert into leads (id, workspace_id, company, contact_name, phone, status, score, assignee_id, notes)
    select gen_random_uuid(), '00000000-0000-7000-8000-000000000001', 'Company ' || i, 'Contact ' || i, '+9190' || lpad(i::text, 8, '0'),
      (array['new','contacted','qualified','proposal','customer'])[1 + i % 5], i % 101, '00000000-0000-7000-8000-000000000002', 'note ' || i
    from generate_series(1, ${LEADS}) i`),
  );
  await database.db.execute(
    sql.raw(`
    insert into deals (id, workspace_id, lead_id, title, value, stage, probability)
    select gen_random_uuid(), workspace_id, id, 'Deal of ' || company, 50000, 'proposal', 60 from leads where score % 3 = 0`),
  );
  await database.db.execute(
    sql.raw(`
    insert into tasks (id, workspace_id, lead_id, type, title, due_at, assignee_id)
    select gen_random_uuid(), workspace_id, id, 'follow_up', 'Follow up', now() + interval '1 day', assignee_id from leads where score % 4 = 0`),
  );
  await database.db.execute(sql`analyze`);
  console.log(`# customer context: ${LEADS} leads seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const ws = '00000000-0000-7000-8000-000000000001';
  for (let i = 0; i < 200; i++)
    await getCustomerContext(database.db, ws, contactKey(`9190${String(1 + i).padStart(8, '0')}`)); // warm-up
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < LOOKUPS; i++) {
    const known = i % 10 !== 0;
    const n = known ? 1 + Math.floor(Math.random() * LEADS) : LEADS + 1 + i;
    const phone = contactKey(`+91 90${String(n).padStart(8, '0')}`);
    const t = performance.now();
    const ctx = await getCustomerContext(database.db, ws, phone);
    times.push(performance.now() - t);
    if (ctx?.leadId) found++;
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
  console.log(`| leads | lookups | found | p50 ms | p99 ms | max ms | target p99 |`);
  console.log(`| ---: | ---: | ---: | ---: | ---: | ---: | --- |`);
  console.log(
    `| ${LEADS} | ${LOOKUPS} | ${found} | ${q(0.5)} | ${q(0.99)} | ${times.at(-1)!.toFixed(2)} | < 5 ms: ${Number(q(0.99)) < 5 ? 'met' : 'MISSED'} |`,
  );
} finally {
  await database.close();
  await admin(`drop database if exists ${name} with (force)`);
}
