// Knowledge retrieval (issue 13), on PostgreSQL (BENCH_DATABASE_URL, default the local `test`):
//  1. recall@3 of the question set test/fixtures/knowledge/questions.jsonl (English, Hinglish,
//     Hindi, own-record questions; the answer known for each) over the clinic fixtures, and how
//     the rules bot's confident answers fare (right record, wrong record, no answer);
//  2. search latency p50/p95 at 10,000 and 100,000 chunks (goal p95 < 50 ms), with typos,
//     phones, emails, ids and Hinglish among the queries. Bounded: a fixed number of queries.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { openPostgres, rowsOf } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { rulesAnswer } from '../src/knowledge/answer.ts';
import { createLink } from '../src/knowledge/links.ts';
import { searchKnowledge, type SearchScope } from '../src/knowledge/search.ts';
import { rebuildVocabulary } from '../src/knowledge/store.ts';
import { indexContent, type KnowledgeDeps } from '../src/knowledge/sync.ts';
import { createJobQueue } from '../src/jobs/queue.ts';
import { createSecretBox } from '../src/lib/secrets.ts';
import { benchDatabase } from './lib.ts';

const QUERIES = Number(process.env.BENCH_KNOWLEDGE_QUERIES ?? 400);
const fixtures = new URL('../test/fixtures/knowledge/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixtures), 'utf8');
type Question = { q: string; lang: string; link: string; record: string; contact?: string };
const questions = read('questions.jsonl')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Question);

const { name, url, admin } = benchDatabase('parley_bench_kb');
/** Keeps the database afterwards (BENCH_KEEP=1), to look at plans. */
const KEEP = process.env.BENCH_KEEP === '1';
await admin(`create database ${name}`);
const database = await openPostgres({ url: url.toString(), poolSize: 4 });
try {
  await migrate(database.db);
  const db = database.db;
  const ws = '00000000-0000-7000-8000-0000000000b1';
  const page = '100200300400';
  await db.execute(sql`insert into workspaces (id, name) values (${ws}, 'Bench clinic')`);
  await db.execute(
    sql`insert into channels (id, workspace_id, kind, name, account_id) values (gen_random_uuid(), ${ws}, 'whatsapp', 'WA', ${page})`,
  );
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PARLEY_SECRET_KEY: 'bench-secret-key-0123456789',
  });
  const log = pino({ level: 'silent' });
  const deps: KnowledgeDeps = {
    db,
    config,
    secrets: createSecretBox(config.PARLEY_SECRET_KEY),
    log,
    now: () => new Date(),
    queue: createJobQueue(database, { log }),
  };
  const actor = { workspaceId: ws, userId: null, role: 'owner' as const };
  const sources: [string, string, 'public' | 'per_contact'][] = [
    ['Clinic CRM', 'clinic.json', 'public'],
    ['FAQ (Hindi)', 'faq-hi.json', 'public'],
    ['Patients', 'patients.json', 'per_contact'],
  ];
  for (const [linkName, file, visibility] of sources) {
    const { link } = await createLink(deps, actor, {
      pageId: page,
      channels: ['whatsapp'],
      name: linkName,
      type: 'file',
      isActive: true,
      visibility,
    });
    await indexContent(deps, link, read(file), 'json', 'upload');
  }

  // 1. Recall@3 and the rules answers.
  const by: Record<string, { n: number; hit: number; right: number; wrong: number; none: number }> = {};
  const misses: string[] = [];
  for (const question of questions) {
    const scope: SearchScope = {
      workspaceId: ws,
      pageId: page,
      channel: 'whatsapp',
      audience: { kind: 'contact', keys: question.contact ? [question.contact] : [] },
    };
    const { hits, trace } = await searchKnowledge(db, scope, question.q, { limit: 5 });
    const is = (h: { linkName: string; record: string }) =>
      h.linkName === question.link && h.record === question.record;
    const s = (by[question.lang] ??= { n: 0, hit: 0, right: 0, wrong: 0, none: 0 });
    s.n++;
    if (hits.slice(0, 3).some(is)) s.hit++;
    else
      misses.push(
        `${question.q} → ${
          hits
            .slice(0, 3)
            .map((h) => `${h.linkName} › ${h.record}`)
            .join(', ') || 'nothing'
        }`,
      );
    const answer = rulesAnswer(hits, trace.plan, question.lang as 'en');
    if (!answer) s.none++;
    else if (is(answer.used[0])) s.right++;
    else s.wrong++;
  }
  const total = Object.values(by).reduce(
    (a, s) => ({
      n: a.n + s.n,
      hit: a.hit + s.hit,
      right: a.right + s.right,
      wrong: a.wrong + s.wrong,
      none: a.none + s.none,
    }),
    { n: 0, hit: 0, right: 0, wrong: 0, none: 0 },
  );
  console.log('# retrieval recall@3 and rules answers (clinic fixtures, PostgreSQL, lexical legs)\n');
  console.log('| language | questions | recall@3 | rules answered right | answered wrong | not answered |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [lang, s] of [...Object.entries(by), ['all', total] as const])
    console.log(`| ${lang} | ${s.n} | ${(s.hit / s.n).toFixed(2)} | ${s.right} | ${s.wrong} | ${s.none} |`);
  if (misses.length) console.log(`\nMissed at 3:\n${misses.map((m) => `- ${m}`).join('\n')}`);

  // 2. Latency at 10k and 100k chunks.
  const [{ id: bulk }] = rowsOf<{ id: string }>(
    await db.execute(
      sql`insert into knowledge_links (id, workspace_id, page_id, channels, active_channels, name, type, visibility) values (gen_random_uuid(), ${ws}, ${page}, '{whatsapp}', '{whatsapp}', 'Customers', 'file', 'per_contact') returning id`,
    ),
  );
  const fill = async (from: number, to: number) => {
    await db.execute(
      sql.raw(`
      with n as (select i,
        (array['rahul','priya','amit','sunita','vikram','ananya','rohan','kavita','arjun','meera','sanjay','pooja','nikhil','divya','karan'])[1 + i % 15] as first,
        (array['sharma','nair','verma','iyer','shetty','rao','gupta','mehta','reddy','kapoor','singh','das','joshi','pillai','bose','khan','patel'])[1 + (i / 15) % 17] as last,
        (array['gold','silver','basic','platinum','family'])[1 + i % 5] as plan,
        (array['bengaluru','mumbai','pune','delhi','chennai','hyderabad','kolkata','jaipur'])[1 + i % 8] as city,
        '+9190' || lpad(i::text, 8, '0') as phone
        from generate_series(${from}, ${to}) i)
      insert into knowledge_chunks (id, workspace_id, link_id, record, part, text, search_text, key_text, keys, contact_keys, hash)
      select gen_random_uuid(), '${ws}', '${bulk}', 'customers[' || i || ']', 0,
        'customers[' || i || '].id: CUST-' || i || E'\\ncustomers[' || i || '].name: ' || initcap(first) || ' ' || initcap(last) || E'\\ncustomers[' || i || '].phone: ' || phone || E'\\ncustomers[' || i || '].email: user' || i || E'@example.com\\ncustomers[' || i || '].plan: ' || plan || E'\\ncustomers[' || i || '].city: ' || city || E'\\ncustomers[' || i || '].notes: last visit for ' || (array['cleaning','whitening','root canal','braces review','check-up'])[1 + i % 5],
        'cust ' || i || ' ' || first || ' ' || last || ' ' || phone || ' user' || i || '@example.com ' || plan || ' ' || city || ' last visit for ' || (array['cleaning','whitening','root canal','braces review','check up'])[1 + i % 5],
        'customers id name phone email plan city notes',
        array['cust' || i, phone, 'user' || i || '@example.com'], array[phone, 'user' || i || '@example.com'], md5(i::text)
      from n`),
    );
    await rebuildVocabulary(db, ws);
    await db.execute(sql`analyze knowledge_chunks`);
    await db.execute(sql`analyze knowledge_terms`);
  };
  const staff: SearchScope = { workspaceId: ws, audience: { kind: 'staff', perContact: true } };
  const customer = (i: number): SearchScope => ({
    workspaceId: ws,
    pageId: page,
    channel: 'whatsapp',
    audience: { kind: 'contact', keys: [`+9190${String(i).padStart(8, '0')}`] },
  });
  const queryOf = (i: number, size: number): [string, SearchScope] => {
    const n = 1 + ((i * 7919) % size);
    switch (i % 8) {
      case 0:
        return ['rahul sharma gold plan', staff];
      case 1:
        return ['priya nair pune', staff];
      case 2:
        return ['vikrm shety', staff]; // typos
      case 3:
        return [
          `+91 90${String(n)
            .padStart(8, '0')
            .replace(/(\d{3})(\d{5})/, '$1 $2')}`,
          staff,
        ];
      case 4:
        return [`user${n}@example.com`, staff];
      case 5:
        return [`CUST-${n}`, staff];
      case 6:
        return ['whitening ka price kya hai?', customer(n)];
      default:
        return ['When is my next visit?', customer(n)];
    }
  };
  console.log('\n# search latency (PostgreSQL; full text + spelling correction + identifiers, RRF)\n');
  console.log('| chunks | queries | p50 ms | p95 ms | max ms | goal p95 < 50 ms |');
  console.log('| ---: | ---: | ---: | ---: | ---: | --- |');
  let filled = 0;
  const kinds: string[] = [];
  for (const size of (process.env.BENCH_KNOWLEDGE_SIZES ?? '10000,100000').split(',').map(Number)) {
    const t0 = performance.now();
    for (let from = filled + 1; from <= size; from += 20_000) await fill(from, Math.min(size, from + 19_999));
    filled = size;
    const seeded = ((performance.now() - t0) / 1000).toFixed(1);
    for (let i = 0; i < 40; i++) await searchKnowledge(db, ...swap(queryOf(i, size))); // warm-up
    const times: number[] = [];
    const byKind = new Map<number, number[]>();
    for (let i = 0; i < QUERIES; i++) {
      const [q, scope] = queryOf(i, size);
      const t = performance.now();
      await searchKnowledge(db, scope, q, { limit: 5 });
      const ms = performance.now() - t;
      times.push(ms);
      byKind.set(i % 8, [...(byKind.get(i % 8) ?? []), ms]);
    }
    kinds.push(
      `${size}: ` +
        [...byKind.entries()]
          .map(
            ([k, ts]) =>
              `${queryOf(k, size)[0].slice(0, 24)} p95 ${ts.sort((a, b) => a - b)[Math.floor(0.95 * ts.length)].toFixed(1)}`,
          )
          .join(' · '),
    );
    times.sort((a, b) => a - b);
    const p = (x: number) => times[Math.min(times.length - 1, Math.floor(x * times.length))];
    console.log(
      `| ${size} | ${QUERIES} | ${p(0.5).toFixed(1)} | ${p(0.95).toFixed(1)} | ${times.at(-1)!.toFixed(1)} | ${p(0.95) < 50 ? 'met' : 'MISSED'} (seeded in ${seeded} s) |`,
    );
  }
  console.log(`\nBy query (ms):\n${kinds.map((k) => `- ${k}`).join('\n')}`);
} finally {
  await database.close();
  if (!KEEP) await admin(`drop database if exists ${name} with (force)`);
}

function swap([q, scope]: [string, SearchScope]): [SearchScope, string] {
  return [scope, q];
}
