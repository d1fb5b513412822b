// The customer context: everything the bot (and GET /api/customer-context/{phone}) knows about a
// contact, assembled in one query — lead fields, open deals, pending tasks, notes, active profile
// facts and the latest messages — so it stays fast with many leads.
import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../db/client.ts';
import { normalizePhone } from '../lib/phone.ts';

export type ContextDeal = { title: string; value: number; currency: string; stage: string; probability: number };
export type ContextTask = {
  title: string;
  description: string | null;
  due_date: string | null;
  priority: string;
  type: string;
};
export type ContextFact = { key: string; value: unknown; confidence: number; created_at: string };
export type ContextMessage = { direction: 'in' | 'out'; text: string | null; at: string; purpose: string | null };

export type CustomerContext = {
  contact: string;
  leadId: string | null;
  name: string | null;
  email: string | null;
  company: string | null;
  position: string | null;
  status: string | null;
  score: number | null;
  source: string | null;
  notes: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  lastContactAt: string | null;
  nextFollowUpAt: string | null;
  optedOut: boolean;
  deals: ContextDeal[];
  tasks: ContextTask[];
  recentNotes: string[];
  facts: ContextFact[];
  recentMessages: ContextMessage[];
};

/** A phone in any format (or a WhatsApp JID) → E.164; otherwise the raw id (WhatsApp user id, PSID). */
export function contactKey(input: string, region = 'IN'): string {
  return normalizePhone(input, region) ?? input.trim();
}

/** Hot: a high score on a lead that is still open. */
export function temperature(
  ctx: Pick<CustomerContext, 'status' | 'score'>,
): 'customer' | 'hot' | 'qualified' | 'lost' | 'new' {
  if (ctx.status === 'customer' || ctx.status === 'won') return 'customer';
  if (ctx.status === 'lost') return 'lost';
  if ((ctx.score ?? 0) >= 80) return 'hot';
  if (
    (ctx.score ?? 0) >= 60 ||
    ['qualified', 'meeting_scheduled', 'demo_scheduled', 'demo_done', 'proposal', 'negotiation'].includes(
      ctx.status ?? '',
    )
  )
    return 'qualified';
  return 'new';
}

export async function getCustomerContext(
  db: DbOrTx,
  workspaceId: string,
  contact: string,
  opts: { messages?: number } = {},
): Promise<CustomerContext | null> {
  const limit = opts.messages ?? 10;
  // One index path per kind of contact: an OR of phone and user id would defeat both indexes.
  const byPhone = contact.startsWith('+');
  const result = await db.execute(sql`
    with lead as (
      select l.* from leads l
      where l.workspace_id = ${workspaceId} and ${byPhone ? sql`l.phone = ${contact}` : sql`l.id = (select c.lead_id from conversations c where c.workspace_id = ${workspaceId} and c.contact_user_id = ${contact} and c.lead_id is not null limit 1)`}
      limit 1
    )
    select
      l.id, l.contact_name, l.email, l.company, l.position, l.status, l.score, l.source, l.notes, l.assignee_id,
      l.last_contact_at, l.next_follow_up_at, l.opted_out_at,
      (select u.name from users u where u.id = l.assignee_id) as assignee_name,
      coalesce((select json_agg(json_build_object('title', d.title, 'value', d.value::float8, 'currency', d.currency, 'stage', d.stage, 'probability', d.probability) order by d.updated_at desc)
        from deals d where d.workspace_id = ${workspaceId} and d.lead_id = l.id and d.stage not in ('won', 'lost')), '[]'::json) as deals,
      coalesce((select json_agg(json_build_object('title', t.title, 'description', t.description, 'due_date', t.due_at, 'priority', t.priority, 'type', t.type) order by t.due_at nulls last)
        from tasks t where t.workspace_id = ${workspaceId} and t.lead_id = l.id and t.status = 'pending'), '[]'::json) as tasks,
      coalesce((select json_agg(n.body order by n.created_at desc) from (select body, created_at from notes n where n.workspace_id = ${workspaceId} and n.lead_id = l.id order by created_at desc limit 5) n), '[]'::json) as recent_notes,
      coalesce((select json_agg(json_build_object('key', f.key, 'value', f.value, 'confidence', f.confidence, 'created_at', f.created_at) order by f.created_at)
        from profile_facts f where f.workspace_id = ${workspaceId} and f.contact = ${contact} and f.status = 'active'), '[]'::json) as facts,
      coalesce((select json_agg(json_build_object('direction', m.direction, 'text', m.text, 'at', m.created_at, 'purpose', m.purpose) order by m.created_at, m.id)
        from (select m.* from messages m join conversations c on c.id = m.conversation_id
              where c.workspace_id = ${workspaceId} and ${byPhone ? sql`c.contact_phone = ${contact}` : sql`c.contact_user_id = ${contact}`} and m.type <> 'reaction'
              order by m.created_at desc, m.id desc limit ${limit}) m), '[]'::json) as recent_messages
    from (select 1) one left join lead l on true`);
  const [r] = rowsOf<Record<string, unknown>>(result);
  return contextOf(contact, r);
}

/**
 * getCustomerContext for many E.164 phones of one workspace in one statement (the router's batch):
 * the same fields, one row per phone. Contacts that are not phones are looked up one by one.
 */
export async function getCustomerContexts(
  db: DbOrTx,
  workspaceId: string,
  contacts: string[],
  opts: { messages?: number } = {},
): Promise<Map<string, CustomerContext | null>> {
  const out = new Map<string, CustomerContext | null>();
  const phones = [...new Set(contacts.filter((c) => c.startsWith('+')))];
  for (const c of new Set(contacts.filter((c) => !c.startsWith('+'))))
    out.set(c, await getCustomerContext(db, workspaceId, c, opts));
  if (!phones.length) return out;
  const limit = opts.messages ?? 10;
  const result = await db.execute(sql`
    select
      k.contact, l.id, l.contact_name, l.email, l.company, l.position, l.status, l.score, l.source, l.notes, l.assignee_id,
      l.last_contact_at, l.next_follow_up_at, l.opted_out_at,
      (select u.name from users u where u.id = l.assignee_id) as assignee_name,
      coalesce((select json_agg(json_build_object('title', d.title, 'value', d.value::float8, 'currency', d.currency, 'stage', d.stage, 'probability', d.probability) order by d.updated_at desc)
        from deals d where d.workspace_id = ${workspaceId} and d.lead_id = l.id and d.stage not in ('won', 'lost')), '[]'::json) as deals,
      coalesce((select json_agg(json_build_object('title', t.title, 'description', t.description, 'due_date', t.due_at, 'priority', t.priority, 'type', t.type) order by t.due_at nulls last)
        from tasks t where t.workspace_id = ${workspaceId} and t.lead_id = l.id and t.status = 'pending'), '[]'::json) as tasks,
      coalesce((select json_agg(n.body order by n.created_at desc) from (select body, created_at from notes n where n.workspace_id = ${workspaceId} and n.lead_id = l.id order by created_at desc limit 5) n), '[]'::json) as recent_notes,
      coalesce((select json_agg(json_build_object('key', f.key, 'value', f.value, 'confidence', f.confidence, 'created_at', f.created_at) order by f.created_at)
        from profile_facts f where f.workspace_id = ${workspaceId} and f.contact = k.contact and f.status = 'active'), '[]'::json) as facts,
      coalesce((select json_agg(json_build_object('direction', m.direction, 'text', m.text, 'at', m.created_at, 'purpose', m.purpose) order by m.created_at, m.id)
        from (select m.* from messages m join conversations c on c.id = m.conversation_id
              where c.workspace_id = ${workspaceId} and c.contact_phone = k.contact and m.type <> 'reaction'
              order by m.created_at desc, m.id desc limit ${limit}) m), '[]'::json) as recent_messages
    from unnest(array[${sql.join(
      phones.map((p) => sql`${p}`),
      sql`, `,
    )}]::text[]) as k(contact)
    left join lateral (select l.* from leads l where l.workspace_id = ${workspaceId} and l.phone = k.contact limit 1) l on true`);
  for (const r of rowsOf<Record<string, unknown>>(result))
    out.set(r.contact as string, contextOf(r.contact as string, r));
  return out;
}

function contextOf(contact: string, r: Record<string, unknown>): CustomerContext | null {
  const facts = parseJson<ContextFact[]>(r.facts);
  const recentMessages = parseJson<ContextMessage[]>(r.recent_messages);
  if (!r.id && !facts.length && !recentMessages.length) return null;
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return {
    contact,
    leadId: (r.id as string) ?? null,
    name: (r.contact_name as string) ?? null,
    email: (r.email as string) ?? null,
    company: (r.company as string) ?? null,
    position: (r.position as string) ?? null,
    status: (r.status as string) ?? null,
    score: r.score === null || r.score === undefined ? null : Number(r.score),
    source: (r.source as string) ?? null,
    notes: (r.notes as string) ?? null,
    assigneeId: (r.assignee_id as string) ?? null,
    assigneeName: (r.assignee_name as string) ?? null,
    lastContactAt: iso(r.last_contact_at),
    nextFollowUpAt: iso(r.next_follow_up_at),
    optedOut: !!r.opted_out_at,
    deals: parseJson<ContextDeal[]>(r.deals),
    tasks: parseJson<ContextTask[]>(r.tasks).map((t) => ({ ...t, due_date: iso(t.due_date) })),
    recentNotes: parseJson<string[]>(r.recent_notes),
    facts,
    recentMessages: recentMessages.map((m) => ({ ...m, at: iso(m.at)! })),
  };
}

const parseJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : (v ?? [])) as T;

/** The profile as one object: the latest active value per key (special notes and services accumulate). */
export function profileOf(facts: ContextFact[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of facts) {
    if (f.key === 'special_notes' || f.key === 'preferred_services') {
      const list = (out[f.key] as unknown[]) ?? [];
      for (const v of [f.value].flat()) if (!list.some((x) => JSON.stringify(x) === JSON.stringify(v))) list.push(v);
      out[f.key] = list;
    } else if (f.key === 'declined') {
      const list = (out.declined as string[]) ?? [];
      for (const v of [f.value].flat() as string[]) if (!list.includes(v)) list.push(v);
      out.declined = list;
    } else out[f.key] = f.value;
  }
  return out;
}

const money = (d: ContextDeal) => `${d.currency} ${Number(d.value).toLocaleString('en-IN')}`;

/** "Customer: John Doe | Company: Tech Corp | Lead Status: Hot (Score: 92/100) | Active Deals: …" */
export function contextSummary(ctx: CustomerContext | null): string {
  if (!ctx || !ctx.leadId) return 'New customer: no CRM record yet';
  const parts = [`Customer: ${ctx.name ?? 'Unknown'}`];
  if (ctx.company) parts.push(`Company: ${ctx.company}`);
  if (ctx.position) parts.push(`Position: ${ctx.position}`);
  const t = temperature(ctx);
  parts.push(
    `Lead Status: ${t === 'hot' ? 'Hot' : (ctx.status ?? 'new').replace(/_/g, ' ')} (Score: ${ctx.score ?? 0}/100)`,
  );
  if (ctx.deals.length)
    parts.push(`Active Deals: ${ctx.deals.map((d) => `${d.title} (${money(d)} - ${d.stage})`).join(', ')}`);
  if (ctx.tasks.length)
    parts.push(
      `Pending Tasks: ${ctx.tasks.map((x) => `${x.title}${x.due_date ? ` (Due: ${x.due_date.slice(0, 10)})` : ''}`).join(', ')}`,
    );
  return parts.join(' | ');
}
