// Leads: create, read, update, assign, find. Every change writes its activity in the same transaction.
import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { inTransaction, rowsOf, type DbOrTx } from '../db/client.ts';
import { leads, type LeadStatus } from '../db/schema/index.ts';
import { badRequest, conflict, notFound } from '../lib/errors.ts';
import { normalizePhone } from '../lib/phone.ts';
import { formatDateTime } from '../lib/time.ts';
import { diff, recordActivity } from './activities.ts';
import { seesAll, type Actor } from './actor.ts';
import { memberName, memberNames, requireAssignee } from './members.ts';
import {
  clampLimit,
  decodeCursor,
  encodeCursor,
  isIdCursor,
  toPage,
  type Page,
  type PageParams,
} from './pagination.ts';
import { getWorkspace } from './workspaces.ts';

export type Lead = typeof leads.$inferSelect;

export type LeadInput = {
  company?: string | null;
  contactName?: string | null;
  phone?: string | null;
  email?: string | null;
  position?: string | null;
  source?: string | null;
  status?: LeadStatus;
  score?: number;
  assigneeId?: string | null;
  address?: string | null;
  turnover?: string | null;
  currentSystem?: string | null;
  challenges?: string | null;
  requirements?: string | null;
  notes?: string | null;
  lastContactAt?: Date | null;
  nextFollowUpAt?: Date | null;
  customFields?: Record<string, unknown>;
};

/** Fields whose old → new values the timeline records. */
const trackedFields = [
  'status',
  'assigneeId',
  'lastContactAt',
  'nextFollowUpAt',
  'score',
  'company',
  'contactName',
  'phone',
  'email',
] as const;

const label: Record<string, string> = {
  status: 'status',
  assigneeId: 'assignee',
  lastContactAt: 'last contact',
  nextFollowUpAt: 'next follow-up',
  score: 'score',
  company: 'company',
  contactName: 'contact name',
  phone: 'phone',
  email: 'email',
};

const visibility = (actor: Actor): SQL | undefined =>
  seesAll(actor) ? undefined : actor.userId ? eq(leads.assigneeId, actor.userId) : sql`false`;

async function normalizeInput(db: DbOrTx, workspaceId: string, input: LeadInput): Promise<LeadInput> {
  const out = { ...input };
  if (input.phone !== undefined && input.phone !== null && input.phone !== '') {
    const ws = await getWorkspace(db, workspaceId);
    const phone = normalizePhone(input.phone, ws.phoneRegion);
    if (!phone) throw badRequest('Invalid phone number', { phone: `"${input.phone}" is not a valid phone number` });
    out.phone = phone;
  } else if (input.phone === '') out.phone = null;
  if (input.assigneeId) await requireAssignee(db, workspaceId, input.assigneeId);
  return out;
}

async function assertPhoneFree(db: DbOrTx, workspaceId: string, phone: string | null | undefined, exceptId?: string) {
  if (!phone) return;
  const [other] = await db
    .select({ id: leads.id })
    .from(leads)
    .where(and(eq(leads.workspaceId, workspaceId), eq(leads.phone, phone)));
  if (other && other.id !== exceptId)
    throw conflict('Another lead already has this phone number', { phone: 'already used by another lead' });
}

export async function createLead(db: DbOrTx, actor: Actor, input: LeadInput): Promise<Lead> {
  if (!input.company?.trim() && !input.contactName?.trim() && !input.phone) {
    throw badRequest('A lead needs a company, a contact name or a phone number', {
      company: 'required when contact_name and phone are empty',
    });
  }
  return inTransaction(db, async (tx) => {
    const values = await normalizeInput(tx, actor.workspaceId, input);
    await assertPhoneFree(tx, actor.workspaceId, values.phone);
    const assigneeId = values.assigneeId === undefined ? actor.userId : values.assigneeId;
    const [lead] = await tx
      .insert(leads)
      .values({ ...values, assigneeId, workspaceId: actor.workspaceId, createdById: actor.userId })
      .onConflictDoNothing()
      .returning();
    if (!lead) throw conflict('Another lead already has this phone number', { phone: 'already used by another lead' });
    const names = await memberNames(tx, actor.workspaceId, [actor.userId, assigneeId]);
    const by = actor.userId ? (names.get(actor.userId) ?? 'a former member') : 'the system';
    await recordActivity(tx, leadCreatedActivity(actor, lead, by, assigneeId ? names.get(assigneeId) : undefined));
    return lead;
  });
}

/** The timeline's "lead.created" of a lead just inserted (createLead, and the router's batch capture). */
export function leadCreatedActivity(
  actor: Actor,
  lead: Pick<Lead, 'id' | 'status' | 'assigneeId'>,
  by: string,
  assigneeName?: string,
) {
  return {
    workspaceId: actor.workspaceId,
    leadId: lead.id,
    actorId: actor.userId,
    type: 'lead.created',
    text: `Lead created by ${by}${lead.assigneeId ? ` and assigned to ${assigneeName}` : ''}`,
    changes: { status: { old: null, new: lead.status }, assigneeId: { old: null, new: lead.assigneeId ?? null } },
  };
}

/** A lead the actor may see, or 404 (also for other workspaces' ids: nothing leaks). */
export async function getLead(db: DbOrTx, actor: Actor, id: string): Promise<Lead> {
  const [lead] = await db
    .select()
    .from(leads)
    .where(and(eq(leads.workspaceId, actor.workspaceId), eq(leads.id, id), visibility(actor)));
  if (!lead) throw notFound('Lead');
  return lead;
}

/**
 * The least score a lead has at each stage: a status change raises `score` to it (never lowers it),
 * so the customer bot's tone follows the pipeline; a won lead is 100. Lost leaves the score to the
 * caller (the team bot sets 0); an explicit score in the same patch wins.
 */
export const STATUS_SCORE: Partial<Record<LeadStatus, number>> = {
  contacted: 10,
  qualified: 40,
  meeting_scheduled: 50,
  demo_scheduled: 60,
  demo_done: 70,
  proposal: 80,
  negotiation: 85,
  won: 100,
  customer: 100,
};

export async function updateLead(
  db: DbOrTx,
  actor: Actor,
  id: string,
  patch: LeadInput,
  opts: { activityType?: string; note?: string } = {},
): Promise<Lead> {
  return db.transaction(async (tx) => {
    const before = await getLead(tx, actor, id);
    const floor = patch.status && patch.status !== before.status ? STATUS_SCORE[patch.status] : undefined;
    if (floor !== undefined && patch.score === undefined && before.score < floor) patch = { ...patch, score: floor };
    const values = await normalizeInput(tx, actor.workspaceId, patch);
    if (values.phone) await assertPhoneFree(tx, actor.workspaceId, values.phone, id);
    const changes = diff(before as unknown as Record<string, unknown>, values as Record<string, unknown>, [
      ...trackedFields,
    ]);
    const otherChanged = Object.keys(values).some(
      (k) =>
        !(trackedFields as readonly string[]).includes(k) &&
        JSON.stringify((before as Record<string, unknown>)[k] ?? null) !==
          JSON.stringify((values as Record<string, unknown>)[k] ?? null),
    );
    if (!Object.keys(changes).length && !otherChanged) return before;
    const [lead] = await tx
      .update(leads)
      .set(values)
      .where(and(eq(leads.workspaceId, actor.workspaceId), eq(leads.id, id)))
      .returning();
    const text = await describeLeadChange(
      tx,
      actor,
      changes,
      Object.keys(values).filter((k) => !(k in changes)),
    );
    const type =
      opts.activityType ??
      (changes.status && Object.keys(changes).every((k) => k === 'status' || k === 'score')
        ? 'status.changed'
        : changes.assigneeId && Object.keys(changes).length === 1
          ? 'lead.reassigned'
          : 'lead.updated');
    await recordActivity(tx, {
      workspaceId: actor.workspaceId,
      leadId: id,
      actorId: actor.userId,
      type,
      text: opts.note ? `${text}. ${opts.note}` : text,
      changes,
    });
    return lead;
  });
}

export function assignLead(db: DbOrTx, actor: Actor, id: string, assigneeId: string): Promise<Lead> {
  return updateLead(db, actor, id, { assigneeId }, { activityType: 'lead.reassigned' });
}

async function describeLeadChange(
  db: DbOrTx,
  actor: Actor,
  changes: Record<string, { old: unknown; new: unknown }>,
  otherFields: string[],
): Promise<string> {
  const by = await memberName(db, actor.workspaceId, actor.userId);
  const tz = (await getWorkspace(db, actor.workspaceId)).timeZone;
  const parts: string[] = [];
  for (const [field, { old, new: now }] of Object.entries(changes)) {
    if (field === 'assigneeId') {
      const names = await memberNames(db, actor.workspaceId, [old as string, now as string]);
      const from = old ? names.get(old as string) : null;
      const to = now ? names.get(now as string) : 'nobody';
      parts.push(from ? `reassigned from ${from} to ${to}` : `assigned to ${to}`);
    } else {
      const show = (v: unknown) =>
        v === null || v === undefined
          ? 'none'
          : field.endsWith('At')
            ? formatDateTime(new Date(v as string), tz)
            : String(v);
      parts.push(`${label[field]} changed from ${show(old)} to ${show(now)}`);
    }
  }
  if (otherFields.length)
    parts.push(`${otherFields.map((f) => f.replace(/[A-Z]/g, (c) => ' ' + c.toLowerCase())).join(', ')} updated`);
  const what = parts.join('; ');
  return `Lead ${what} by ${by}`;
}

/** How many substring matches (the newest) and fuzzy matches a search ranks, each. */
export const SEARCH_POOL = 200;

export type LeadFilters = { status?: LeadStatus; assigneeId?: string; search?: string; source?: string };

/** Lists leads the actor may see. With `search`, ranks by fuzzy similarity of company or contact name. */
export async function listLeads(db: DbOrTx, actor: Actor, filters: LeadFilters & PageParams = {}): Promise<Page<Lead>> {
  const limit = clampLimit(filters.limit);
  const where = [eq(leads.workspaceId, actor.workspaceId), visibility(actor)];
  if (filters.status) where.push(eq(leads.status, filters.status));
  if (filters.assigneeId) where.push(eq(leads.assigneeId, filters.assigneeId));
  if (filters.source) where.push(sql`lower(${leads.source}) = lower(${filters.source})`);
  const q = filters.search?.trim().toLowerCase();
  if (q) {
    // Offset cursor: a ranked list has no stable key to continue from.
    const offset =
      decodeCursor(
        filters.cursor,
        (v): v is { offset: number } => typeof (v as { offset?: unknown })?.offset === 'number',
      )?.offset ?? 0;
    // The trigram indexes are on lower(company) and lower(contact_name): the conditions use those
    // very expressions (a NULL column simply does not match). Ranking is per row, so a search ranks
    // a bounded set: the newest substring matches (SEARCH_POOL) and the phone; and only when those
    // do not fill the page, the fuzzy matches (typos, words in another order; SEARCH_POOL more) —
    // a trigram similarity scan reads every posting list of the query's trigrams, the costly part.
    const like = `%${q.replace(/[\\%_]/g, '\\$&')}%`;
    const scoped = and(...where);
    const phone = normalizePhone(q);
    const exact = sql`(select ${leads.id} from ${leads} where ${scoped} and (lower(${leads.company}) like ${like} or lower(${leads.contactName}) like ${like}) order by ${leads.id} desc limit ${SEARCH_POOL})
      ${phone ? sql`union (select ${leads.id} from ${leads} where ${scoped} and ${leads.phone} = ${phone})` : sql``}`;
    const fuzzy = sql`(select ${leads.id} from ${leads} where ${scoped} and (${q} <% lower(${leads.company}) or ${q} <% lower(${leads.contactName})) limit ${SEARCH_POOL})`;
    const rank = sql<number>`greatest(coalesce(word_similarity(${q}, lower(${leads.company})), 0), coalesce(word_similarity(${q}, lower(${leads.contactName})), 0))`;
    // pg_trgm's operators cost the planner no more than an equality, so under a LIMIT it would walk
    // the table computing word_similarity on thousands of rows rather than ask the trigram index;
    // for these statements (transaction-local) the table walk is off.
    const rows = await inTransaction(db, async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const ids = rowsOf<{ id: string }>(await tx.execute(sql`select id from (${exact}) e`)).map((r) => r.id);
      const found = await tx
        .select()
        .from(leads)
        .where(
          and(
            eq(leads.workspaceId, actor.workspaceId),
            ids.length > offset + limit
              ? inArray(leads.id, ids)
              : ids.length
                ? sql`${leads.id} in (${fuzzy} union select unnest(array[${sql.join(
                    ids.map((id) => sql`${id}`),
                    sql`, `,
                  )}]::uuid[]))`
                : sql`${leads.id} in ${fuzzy}`,
          ),
        )
        .orderBy(desc(rank), desc(leads.id))
        .limit(limit + 1)
        .offset(offset);
      await tx.execute(sql`set local enable_seqscan = default`); // the caller's transaction, when it is one
      return found;
    });
    const more = rows.length > limit;
    return { data: rows.slice(0, limit), nextCursor: more ? encodeCursor({ offset: offset + limit }) : null };
  }
  const after = decodeCursor(filters.cursor, isIdCursor);
  if (after) where.push(lt(leads.id, after.id));
  const rows = await db
    .select()
    .from(leads)
    .where(and(...where))
    .orderBy(desc(leads.id))
    .limit(limit + 1);
  return toPage(rows, limit, (r) => ({ id: r.id }));
}

/**
 * Fuzzy lookup by company or contact name (pg_trgm), best match first, with its similarity 0–1.
 * "orbit textile" finds "Orbit Textiles"; typos like "orbt textiles" too.
 */
export async function findLeadsByName(
  db: DbOrTx,
  actor: Actor,
  name: string,
  limit = 5,
): Promise<(Lead & { similarity: number })[]> {
  const q = name.trim().toLowerCase();
  if (!q) return [];
  // greatest() skips a NULL column; the expressions are those of the trigram indexes.
  const company = sql`lower(${leads.company})`;
  const contact = sql`lower(${leads.contactName})`;
  const sim = sql<number>`greatest(similarity(${q}, ${company}), word_similarity(${q}, ${company}), similarity(${q}, ${contact}), word_similarity(${q}, ${contact}))`;
  // The operators find the candidates through the trigram indexes (similarity ≥ 0.3 is `%`,
  // word similarity ≥ 0.3 is `<%` at that threshold), so a million leads are not each scored; the
  // planner would still walk the table under a LIMIT, hence the transaction-local settings.
  return inTransaction(db, async (tx) => {
    await tx.execute(sql`set local pg_trgm.word_similarity_threshold = 0.3`);
    await tx.execute(sql`set local enable_seqscan = off`);
    const rows = await tx
      .select({ lead: leads, similarity: sim })
      .from(leads)
      .where(
        and(
          eq(leads.workspaceId, actor.workspaceId),
          visibility(actor),
          sql`(${company} % ${q} or ${q} <% ${company} or ${contact} % ${q} or ${q} <% ${contact})`,
          sql`${sim} > 0.3`,
        ),
      )
      .orderBy(desc(sim), desc(leads.updatedAt))
      .limit(limit);
    // The caller's transaction, when it is one, goes on with the defaults.
    await tx.execute(sql`set local pg_trgm.word_similarity_threshold = default`);
    await tx.execute(sql`set local enable_seqscan = default`);
    return rows.map((r) => ({ ...r.lead, similarity: Number(r.similarity) }));
  });
}

/** Exact lookup by phone in any format ("+91 98765 43210", "098765-43210", "919876543210"). */
export async function findLeadByPhone(db: DbOrTx, actor: Actor, phone: string): Promise<Lead | undefined> {
  const ws = await getWorkspace(db, actor.workspaceId);
  const e164 = normalizePhone(phone, ws.phoneRegion);
  if (!e164) return undefined;
  const [lead] = await db
    .select()
    .from(leads)
    .where(and(eq(leads.workspaceId, actor.workspaceId), eq(leads.phone, e164), visibility(actor)));
  return lead;
}
