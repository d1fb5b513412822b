// The scale bench's data (issue 15): one workspace filled with set-based SQL (INSERT … SELECT over
// generate_series), in rows of the shapes the app writes: UUIDv7 ids in creation order, E.164
// phones, workspace_id on every row, inbound messages with provider ids and routed_at, outbound
// ones with their dedupe keys and delivery statuses, one lead.created activity per lead.
//
// Loading: the database is the app's (migrated by the caller). During the load, foreign-key and
// other triggers are off (session_replication_role = replica: the generator makes every reference
// valid by construction) and the big tables' secondary indexes are dropped and rebuilt afterwards
// from their own definitions (pg_get_indexdef), which is what makes 10 million rows take minutes.
import type pg from 'pg';

export type ScaleSizes = {
  leads: number;
  messages: number;
  activities: number;
  tasks: number;
  chunks: number;
  /** Entries of the one lead with a long history (activities). */
  history: number;
};

export const WS = '00000000-0000-7000-8000-00000000a001';
export const OWNER = '00000000-0000-7000-8000-00000000a101';
export const MANAGER = '00000000-0000-7000-8000-00000000a102';
/** Agents a103…a10a. */
export const AGENTS = Array.from(
  { length: 8 },
  (_, i) => `00000000-0000-7000-8000-00000000a1${(3 + i).toString(16).padStart(2, '0')}`,
);
export const CHANNEL = '00000000-0000-7000-8000-00000000a201';
export const KB_LINK = '00000000-0000-7000-8000-00000000a301';
export const KB_FAQ = '00000000-0000-7000-8000-00000000a302';
export const PAGE_ID = '1098765432101';
/** The lead with the long history (its number in the lead sequence). */
export const HISTORY_LEAD = 42;

/** E.164 phone of lead i (an Indian mobile number), and of the unlinked conversation i. */
export const leadPhone = (i: number) => `+9198${String(i).padStart(8, '0')}`;
export const strangerPhone = (i: number) => `+9197${String(i).padStart(8, '0')}`;

/** The SQL of a UUIDv7 for row `i` of a table at time `at` (a timestamptz expression). */
const v7 = (at: string, i: string) =>
  `(lpad(to_hex((extract(epoch from ${at}) * 1000)::bigint), 12, '0') || '7' || lpad(to_hex((${i}) % 4096), 3, '0') || '8' || lpad(to_hex(${i}), 15, '0'))::uuid`;

// Word lists: contact names people type, companies made of invented words (three syllables, so
// trigrams are about as selective as in real names) and a kind of business.
const firstNames = [
  'Kavita',
  'Arjun',
  'Ramesh',
  'Priya',
  'Amit',
  'Sunita',
  'Vikram',
  'Ananya',
  'Rohan',
  'Meera',
  'Sanjay',
  'Pooja',
  'Nikhil',
  'Divya',
  'Karan',
  'Rahul',
  'Neha',
  'Suresh',
  'Lakshmi',
  'Farhan',
  'Imran',
  'Deepa',
  'Gaurav',
  'Harish',
  'Ishaan',
  'Jyoti',
  'Kiran',
  'Manoj',
  'Nandini',
  'Omkar',
  'Pallavi',
  'Rekha',
  'Sameer',
  'Tanvi',
  'Uday',
  'Varun',
  'Yamini',
  'Zoya',
  'Abhishek',
  'Bhavna',
];
const lastNames = [
  'Rao',
  'Mehta',
  'Yadav',
  'Sharma',
  'Verma',
  'Iyer',
  'Nair',
  'Shetty',
  'Gupta',
  'Reddy',
  'Kapoor',
  'Singh',
  'Das',
  'Joshi',
  'Pillai',
  'Bose',
  'Khan',
  'Patel',
  'Kumar',
  'Menon',
  'Chopra',
  'Bhat',
  'Kulkarni',
  'Desai',
  'Agarwal',
  'Banerjee',
  'Chatterjee',
  'Dutta',
  'Ghosh',
  'Hegde',
  'Jain',
  'Kamath',
  'Malhotra',
  'Naidu',
  'Pandey',
  'Qureshi',
  'Saxena',
  'Tiwari',
  'Varghese',
  'Wadia',
];
const kinds = [
  'Textiles',
  'Traders',
  'Labs',
  'Foods',
  'Pharma',
  'Motors',
  'Logistics',
  'Exports',
  'Builders',
  'Systems',
  'Agencies',
  'Enterprises',
  'Industries',
  'Solutions',
  'Studios',
  'Clinic',
  'Retail',
  'Steel',
  'Organics',
  'Tech',
];
const texts = [
  'Hi, any update on the proposal?',
  'What is the price for the annual plan?',
  'Can we schedule a demo tomorrow?',
  'Thanks, received.',
  'Please call me after 4 pm',
  'Kal 11 baje demo rakh sakte hain?',
  'Invoice bhej dijiye',
  'क्या आप कल मिल सकते हैं?',
  'Is GST included?',
  'Ok, I will check with my partner',
  'Send me the brochure please',
  'Hello',
  'Can you share the payment link?',
  'We need 5 more licences',
  'Meeting confirmed for Monday',
];
const replies = [
  'Hello! Happy to help. Our team will share the proposal today.',
  'The annual plan is ₹24,000 + GST.',
  'Sure, I have asked Rekha to call you.',
  'Your demo is booked. See you then!',
  'Thank you, noted.',
  'Ji bilkul, kal 11 baje demo confirm hai.',
  'Here is the brochure.',
  'Our office is open 10:00–18:00.',
];
const syllables = [
  'ka',
  'ra',
  'mi',
  'to',
  'su',
  'ne',
  'vi',
  'lo',
  'da',
  'pe',
  'ri',
  'sa',
  'no',
  'ta',
  'ku',
  'ma',
  'ji',
  'ba',
  'ha',
  'ze',
  'go',
  'fa',
  'wi',
  'ya',
  'chi',
  'bro',
  'tre',
  'plu',
  'ar',
  'on',
];

const arr = (xs: string[]) => `array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;
/** Element (n mod length) of a literal array, 1-based as SQL wants. */
const pick = (xs: string[], n: string) => `(${arr(xs)})[(1 + ((${n}) % ${xs.length}))::int]`;
/** An invented word of three syllables from a number. */
const word = (n: string) =>
  `initcap(${pick(syllables, n)} || ${pick(syllables, `(${n}) / ${syllables.length}`)} || ${pick(syllables, `(${n}) / ${syllables.length ** 2}`)})`;

/** Company of lead i; contact name of lead i (SQL over an integer column `i`). */
export const companySql = (i: string) =>
  `${word(`(${i} * 7919) % 27000`)} || ' ' || ${word(`(${i} * 104729 / 7) % 27000`)} || ' ' || ${pick(kinds, `${i} / 3`)}`;
export const contactSql = (i: string) => `${pick(firstNames, `${i} * 31`)} || ' ' || ${pick(lastNames, `${i} / 40`)}`;

type Run = (label: string, sql: string) => Promise<void>;

/** Tables whose secondary indexes are dropped during the load and rebuilt after it. */
const bulkTables = ['leads', 'conversations', 'messages', 'activities', 'tasks', 'deals', 'knowledge_chunks'];

export async function generate(
  connect: () => Promise<pg.Client>,
  sizes: ScaleSizes,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const c = await connect();
  const timings: Record<string, number> = {};
  const run: Run = async (label, text) => {
    const t = performance.now();
    await c.query(text);
    timings[label] = (performance.now() - t) / 1000;
    log(`  ${label}: ${timings[label].toFixed(1)} s`);
  };
  const session = [
    "set session_replication_role = 'replica'",
    'set synchronous_commit = off',
    "set maintenance_work_mem = '512MB'",
    "set work_mem = '256MB'",
    'set max_parallel_maintenance_workers = 1',
  ];
  for (const s of session) await c.query(s);

  const L = sizes.leads;
  const C = L; // one conversation per lead number: 90% linked to it, 10% strangers (no lead yet)
  const now = `'${new Date().toISOString()}'::timestamptz`;
  // Leads are created over two years, in order: lead i at this time.
  const leadAt = (i: string) => `(${now} - interval '730 days' + (${i})::float8 / ${L} * interval '720 days')`;

  const indexDefs = (
    await c.query<{ indexname: string; tablename: string; def: string }>(
      `select i.indexname, i.tablename, pg_get_indexdef(x.indexrelid) as def
       from pg_indexes i join pg_class ic on ic.relname = i.indexname join pg_index x on x.indexrelid = ic.oid
       where i.schemaname = 'public' and i.tablename = any($1) and not x.indisprimary`,
      [bulkTables],
    )
  ).rows;
  for (const ix of indexDefs) await c.query(`drop index ${ix.indexname}`);

  await run(
    'workspace, members, channel',
    `
    insert into workspaces (id, name, time_zone, phone_region, settings, created_at, updated_at)
      values ('${WS}', 'Scale Co', 'Asia/Kolkata', 'IN', '{}', ${now} - interval '731 days', ${now});
    insert into users (id, workspace_id, name, username, email, phone, role, created_at, updated_at) values
      ('${OWNER}', '${WS}', 'Priya Owner', 'priya', 'owner@scale.parley.local', '+919000000001', 'owner', ${now} - interval '731 days', ${now}),
      ('${MANAGER}', '${WS}', 'Amit Manager', 'amit', 'manager@scale.parley.local', '+919000000002', 'manager', ${now} - interval '731 days', ${now})
      ${AGENTS.map((a, k) => `, ('${a}', '${WS}', 'Agent ${k + 1}', 'agent${k + 1}', 'agent${k + 1}@scale.parley.local', '+91900000001${k}', 'agent', ${now} - interval '731 days', ${now})`).join('')};
    insert into channels (id, workspace_id, kind, name, account_id, settings, created_at, updated_at)
      values ('${CHANNEL}', '${WS}', 'whatsapp', 'WhatsApp', '${PAGE_ID}', '{}', ${now} - interval '731 days', ${now});`,
  );

  // Leads: 95% assigned round robin to the agents, statuses spread over the pipeline.
  const statuses = [
    'new',
    'contacted',
    'qualified',
    'meeting_scheduled',
    'demo_scheduled',
    'demo_done',
    'proposal',
    'negotiation',
    'won',
    'lost',
    'customer',
  ];
  const sources = ['WhatsApp', 'Trade fair', 'Website', 'Referral', 'Facebook', 'Cold call'];
  await run(
    `leads (${L})`,
    `insert into leads (id, workspace_id, company, contact_name, phone, email, source, status, score, assignee_id, created_by_id,
        last_contact_at, next_follow_up_at, custom_fields, created_at, updated_at)
     select ${v7('at', 'i')}, '${WS}', case when i % 17 = 0 then null else ${companySql('i')} end, ${contactSql('i')},
        '+9198' || lpad(i::text, 8, '0'), case when i % 3 = 0 then 'lead' || i || '@example.in' end, ${pick(sources, 'i / 7')},
        st, least(100, (i * 37) % 101), case when i % 20 = 0 then null else (${arr(AGENTS)})[(1 + i % 8)::int]::uuid end, '${OWNER}',
        at + interval '1 day', case when st not in ('won', 'lost', 'customer') and i % 4 = 0 then ${now} + ((i % 30) || ' days')::interval end,
        '{}', at, at + interval '1 day'
     from (select i, ${leadAt('i')} as at, ${pick(statuses, '(i * 13) / 11')} as st from generate_series(1::bigint, ${L}) i) s`,
  );

  // Conversations and messages from one plan: conversation i starts with lead i (or a stranger's
  // number), its messages follow at a steady pace. A few very big conversations (0.5% of the
  // messages each, over a year), a thousand busy ones, the rest a handful each (base ± a spread that
  // cancels out in pairs, so the total is exact).
  const M = sizes.messages;
  const nBig = Math.min(10, Math.max(1, Math.floor(C / 10000)));
  const nMed = Math.min(1000, Math.max(1, Math.floor(C / 1000)));
  const perBig = Math.floor((M * 0.05) / nBig);
  const perMed = Math.floor((M * 0.1) / nMed);
  const nRest = C - nBig - nMed;
  const restTotal = M - perBig * nBig - perMed * nMed;
  const base = Math.floor(restTotal / nRest);
  const extra = restTotal - base * nRest; // the first `extra` of the rest get one more
  const bigStep = Math.max(1, Math.floor(C / nBig));
  const medStep = Math.max(1, Math.floor(C / nMed));
  await c.query('drop table if exists scale_plan');
  await run(
    'plan',
    `create temp table scale_plan as
     select i, tier, n, start, case when tier = 2 then interval '1 second' * (31536000.0 / greatest(n, 1)) else interval '1 minute' * (3 + i % 240) end as step,
       ${v7('start', 'i')} as conv_id, (i % 10 <> 0) as linked
     from (
       select i, tier, start,
         case tier when 2 then ${perBig} when 1 then ${perMed}
           else ${base} + (case when r < ${extra} then 1 else 0 end)
                + (case when r % 2 = 0 and r + 1 < ${nRest} then 1 when r % 2 = 1 then -1 else 0 end) * (((r / 2) * 7919) % greatest(${base}, 1))
         end as n
       from (
         select i, tier, start, (row_number() over (partition by tier order by i) - 1) as r
         from (select i,
           case when i % ${bigStep} = 1 and i / ${bigStep} < ${nBig} then 2 when i % ${medStep} = 2 and i / ${medStep} < ${nMed} then 1 else 0 end as tier,
           ${leadAt('i')} - interval '1 minute' as start
           from generate_series(1::bigint, ${C}) i) g
       ) r
     ) p;
     update scale_plan set start = least(start, ${now} - interval '400 days') where tier = 2;
     update scale_plan set start = least(start, ${now} - (step * n) - interval '1 hour') where start + step * n > ${now};
     alter table scale_plan add primary key (i);
     analyze scale_plan;`,
  );
  const lastAt = `(p.start + p.step * (p.n - 1))`;
  await run(
    `conversations (${C})`,
    `insert into conversations (id, workspace_id, channel_id, channel, external_id, contact_phone, contact_name, lead_id,
        handed_off_at, handoff_reason, welcomed_at, last_inbound_at, last_outbound_at, last_message_at, state, created_at, updated_at)
     select p.conv_id, '${WS}', '${CHANNEL}', 'whatsapp', ph, ph, ${contactSql('p.i')},
       case when p.linked then ${v7(leadAt('p.i'), 'p.i')} end,
       case when p.i % 97 = 0 then ${lastAt} end, case when p.i % 97 = 0 then 'asked for a person' end,
       p.start, ${lastAt} - case when p.n > 1 and (p.n - 1) % 2 = 1 then p.step else interval '0' end,
       case when p.n > 1 then ${lastAt} - case when (p.n - 1) % 2 = 0 then p.step else interval '0' end end,
       ${lastAt}, '{}', p.start, ${lastAt}
     from (select p.*, case when p.linked then '+9198' else '+9197' end || lpad(p.i::text, 8, '0') as ph from scale_plan p) p`,
  );
  // Message k of a conversation: even k inbound (received, routed), odd k the reply (delivered or read).
  const msgAt = `(p.start + p.step * k)`;
  await run(
    `messages (${M})`,
    `insert into messages (id, workspace_id, conversation_id, channel_id, direction, provider_message_id, type, text, payload,
        status, attempts, purpose, dedupe_key, routed_at, sent_at, delivered_at, read_at, created_at, updated_at)
     select ${v7(msgAt, `p.i::bigint * 1048576 + k`)}, '${WS}', p.conv_id, '${CHANNEL}',
       case when k % 2 = 0 then 'in' else 'out' end,
       'wamid.HBgM' || to_hex(p.i) || 'x' || to_hex(k),
       case when k % 53 = 7 then 'image' else 'text' end,
       case when k % 53 = 7 then null when k % 2 = 0 then ${pick(texts, 'p.i + k')} else ${pick(replies, 'p.i + k')} end,
       case when k % 53 = 7 then '{"media":{"id":"m","mime_type":"image/jpeg"}}'::jsonb else '{}'::jsonb end,
       case when k % 2 = 0 then 'received' when k % 3 = 0 then 'read' else 'delivered' end,
       case when k % 2 = 0 then 0 else 1 end,
       case when k % 2 = 1 then 'reply' end,
       case when k % 2 = 1 then 'msg:' || p.i || '-' || (k - 1) || '/c/0' end,
       case when k % 2 = 0 then ${msgAt} + interval '1 second' end,
       case when k % 2 = 1 then ${msgAt} + interval '1 second' end,
       case when k % 2 = 1 then ${msgAt} + interval '3 seconds' end,
       case when k % 2 = 1 and k % 3 = 0 then ${msgAt} + interval '1 minute' end,
       ${msgAt}, ${msgAt}
     from scale_plan p cross join lateral generate_series(0, p.n - 1) k`,
  );

  // Activities: lead.created for every lead, the long history on one lead, the rest status changes
  // and notes logged spread over the leads.
  const A = sizes.activities;
  const H = sizes.history;
  const rest = Math.max(0, A - L - H);
  await run(
    `activities (${L + H + rest})`,
    `insert into activities (id, workspace_id, lead_id, actor_id, type, text, changes, created_at)
     select ${v7('at', 'i')}, '${WS}', ${v7(leadAt('i'), 'i')}, '${OWNER}', 'lead.created', 'Lead created by Priya Owner and assigned to an agent',
       '{"status":{"old":null,"new":"new"}}'::jsonb, at
     from (select i, ${leadAt('i')} as at from generate_series(1::bigint, ${L}) i) s;
     insert into activities (id, workspace_id, lead_id, actor_id, type, text, changes, subject_type, created_at)
     select ${v7('at', `${L} + j`)}, '${WS}', ${v7(leadAt(String(HISTORY_LEAD)), String(HISTORY_LEAD))}, (${arr(AGENTS)})[(1 + j % 8)::int]::uuid,
       case when j % 3 = 0 then 'status.changed' when j % 3 = 1 then 'call.logged' else 'meeting.completed' end,
       'Entry ' || j || ' of a long history', case when j % 3 = 0 then '{"status":{"old":"contacted","new":"qualified"}}'::jsonb else '{}'::jsonb end,
       case when j % 3 = 2 then 'task' end, at
     from (select j, ${leadAt(String(HISTORY_LEAD))} + interval '1 hour' + (${now} - ${leadAt(String(HISTORY_LEAD))} - interval '2 hours') * (j::float8 / ${H}) as at
           from generate_series(1::bigint, ${H}) j) s;
     insert into activities (id, workspace_id, lead_id, actor_id, type, text, changes, created_at)
     select ${v7('at', `${L + H} + j`)}, '${WS}', ${v7(leadAt('li'), 'li')}, (${arr(AGENTS)})[(1 + li % 8)::int]::uuid, 'status.changed',
       'Lead status changed from new to contacted by an agent', '{"status":{"old":"new","new":"contacted"}}'::jsonb, at
     from (select j, li, least(${leadAt('li')} + interval '1 hour' * (1 + j / ${L}), ${now}) as at
           from (select j, 1 + (j - 1) % ${L} as li from generate_series(1::bigint, ${rest}) j) a) s`,
  );

  // Tasks: every other lead (and more for the history lead), due around its creation; past ones done.
  const T = sizes.tasks;
  const taskTypes = ['meeting', 'demo', 'follow_up', 'call', 'follow_up'];
  await run(
    `tasks (${T})`,
    `insert into tasks (id, workspace_id, lead_id, type, title, due_at, status, priority, assignee_id, created_by_id, completed_at, created_at, updated_at)
     select ${v7('created', 't')}, '${WS}', ${v7(leadAt('li'), 'li')}, ty, initcap(replace(ty, '_', ' ')) || ' with lead ' || li, due,
       case when due < ${now} then (case when t % 9 = 0 then 'cancelled' else 'done' end) else 'pending' end,
       ${pick(['low', 'medium', 'high'], 't')}, case when li % 20 = 0 then null else (${arr(AGENTS)})[(1 + li % 8)::int]::uuid end, '${OWNER}',
       case when due < ${now} and t % 9 <> 0 then due + interval '1 hour' end, created, created
     from (select t, li, ${pick(taskTypes, 't')} as ty, ${leadAt('li')} + interval '1 hour' as created,
             least(${leadAt('li')} + interval '1 day' * (1 + t % 20), ${now} + interval '1 day' * (t % 30)) as due
           from (select t, case when t <= 20 then ${HISTORY_LEAD} else 1 + ((t - 21) * 2) % ${L} end as li from generate_series(1::bigint, ${T}) t) a) s`,
  );

  await run(
    `deals (${Math.floor(L / 5)})`,
    `insert into deals (id, workspace_id, lead_id, title, value, currency, stage, probability, created_by_id, created_at, updated_at)
     select ${v7(leadAt('li') + " + interval '2 days'", 'li')}, '${WS}', ${v7(leadAt('li'), 'li')}, 'Annual plan', 24000 + (li % 50) * 1000, 'INR',
       ${pick(['qualification', 'proposal', 'negotiation', 'won', 'lost'], 'li')}, 10 + (li % 9) * 10, '${OWNER}',
       ${leadAt('li')} + interval '2 days', ${leadAt('li')} + interval '3 days'
     from generate_series(1::bigint, ${L}, 5) li`,
  );
  await run(
    'notes',
    `insert into notes (id, workspace_id, lead_id, author_id, body, created_at)
     select ${v7(leadAt('li') + " + interval '3 hours'", 'li')}, '${WS}', ${v7(leadAt('li'), 'li')}, '${OWNER}', 'Called, interested in the annual plan', ${leadAt('li')} + interval '3 hours'
     from generate_series(1::bigint, ${L}, 10) li`,
  );

  // Knowledge: customer records of a per-contact CRM source (the knowledge bench's shape) and a
  // public FAQ.
  const K = sizes.chunks;
  await run(
    `knowledge (${K} chunks)`,
    `insert into knowledge_links (id, workspace_id, page_id, channels, active_channels, name, type, visibility, status, records, chunks, created_at, updated_at)
       values ('${KB_LINK}', '${WS}', '${PAGE_ID}', '{whatsapp}', '{whatsapp}', 'Customers', 'file', 'per_contact', 'ok', ${K - 50}, ${K - 50}, ${now}, ${now}),
              ('${KB_FAQ}', '${WS}', '${PAGE_ID}', '{whatsapp}', '{whatsapp}', 'FAQ', 'faq', 'public', 'ok', 50, 50, ${now}, ${now});
     insert into knowledge_chunks (id, workspace_id, link_id, record, part, text, search_text, key_text, keys, contact_keys, hash, created_at)
     select ${v7(now, 'i')}, '${WS}', '${KB_FAQ}', 'faq[' || i || ']', 0,
       'faq[' || i || '].question: ' || q || E'\\nfaq[' || i || '].answer: ' || a, lower(q || ' ' || a), 'faq question answer', '{}', null, md5('faq' || i), ${now}
     from (select i, ${pick(['What is the price of the annual plan', 'What are your opening hours', 'Do you offer a free trial', 'Is GST included in the price', 'How do I pay', 'Where is your office', 'Do you support Tally import', 'Can I cancel anytime', 'Do you have a mobile app', 'How many users are included'], 'i')} || ' (' || i || ')' as q,
                  ${pick(['The annual plan is 24000 rupees plus GST', 'We are open 10:00 to 18:00 Monday to Saturday', 'Yes, 14 days free', 'GST is extra at 18 percent', 'UPI, card or bank transfer', 'Koramangala, Bengaluru', 'Yes, Tally import is included', 'Yes, cancel anytime from settings', 'Yes, Android and iOS', 'Five users, more at 2000 rupees each'], 'i')} as a
           from generate_series(1, 50) i) f;
     insert into knowledge_chunks (id, workspace_id, link_id, record, part, text, search_text, key_text, keys, contact_keys, hash, created_at)
     select ${v7(now, '100 + i')}, '${WS}', '${KB_LINK}', 'customers[' || i || ']', 0,
       'customers[' || i || '].id: CUST-' || i || E'\\ncustomers[' || i || '].name: ' || nm || E'\\ncustomers[' || i || '].phone: ' || ph || E'\\ncustomers[' || i || '].email: user' || i || E'@example.com\\ncustomers[' || i || '].plan: ' || pl || E'\\ncustomers[' || i || '].city: ' || ci,
       lower('cust ' || i || ' ' || nm || ' ' || ph || ' user' || i || '@example.com ' || pl || ' ' || ci), 'customers id name phone email plan city',
       array['cust' || i, ph, 'user' || i || '@example.com'], array[ph, 'user' || i || '@example.com'], md5(i::text), ${now}
     from (select i, ${contactSql('i')} as nm, '+9198' || lpad(i::text, 8, '0') as ph, ${pick(['gold', 'silver', 'basic', 'platinum', 'family'], 'i')} as pl,
                  ${pick(['bengaluru', 'mumbai', 'pune', 'delhi', 'chennai', 'hyderabad', 'kolkata', 'jaipur'], 'i / 3')} as ci
           from generate_series(1::bigint, ${Math.max(0, K - 50)}) i) s;`,
  );
  await c.query('drop table if exists scale_plan');

  // Indexes back, from their own definitions; then the statistics.
  const t = performance.now();
  for (const ix of indexDefs) {
    const t1 = performance.now();
    await c.query(ix.def);
    log(`    ${ix.indexname}: ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  }
  timings.indexes = (performance.now() - t) / 1000;
  log(`  indexes (${indexDefs.length}): ${timings.indexes.toFixed(1)} s`);
  await run('vacuum analyze', 'vacuum (analyze)');
  await c.end();
  return timings;
}
