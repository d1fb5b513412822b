import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { deals, leads, type DealStage } from '../db/schema/index.ts';
import { notFound } from '../lib/errors.ts';
import { diff, recordActivity } from './activities.ts';
import { seesAll, type Actor } from './actor.ts';
import { getLead } from './leads.ts';
import { memberName } from './members.ts';
import { clampLimit, decodeCursor, isIdCursor, toPage, type Page, type PageParams } from './pagination.ts';

export type Deal = typeof deals.$inferSelect;
export type DealInput = { title: string; value?: number; currency?: string; stage?: DealStage; probability?: number };

const money = (d: Pick<Deal, 'value' | 'currency'>) => `${d.currency} ${Number(d.value).toLocaleString('en-IN')}`;

export async function createDeal(db: DbOrTx, actor: Actor, leadId: string, input: DealInput): Promise<Deal> {
  return db.transaction(async (tx) => {
    await getLead(tx, actor, leadId);
    const closed = input.stage === 'won' || input.stage === 'lost';
    const [deal] = await tx
      .insert(deals)
      .values({
        ...input,
        currency: input.currency?.toUpperCase(),
        workspaceId: actor.workspaceId,
        leadId,
        createdById: actor.userId,
        closedAt: closed ? new Date() : null,
      })
      .returning();
    const by = await memberName(tx, actor.workspaceId, actor.userId);
    await recordActivity(tx, {
      workspaceId: actor.workspaceId,
      leadId,
      actorId: actor.userId,
      type: 'deal.created',
      text: `Deal "${deal.title}" (${money(deal)}, ${deal.stage}) created by ${by}`,
      changes: { stage: { old: null, new: deal.stage } },
      subjectType: 'deal',
      subjectId: deal.id,
    });
    return deal;
  });
}

export async function getDeal(db: DbOrTx, actor: Actor, id: string): Promise<Deal> {
  const [row] = await db
    .select()
    .from(deals)
    .where(and(eq(deals.workspaceId, actor.workspaceId), eq(deals.id, id)));
  if (!row) throw notFound('Deal');
  await getLead(db, actor, row.leadId).catch(() => {
    throw notFound('Deal');
  });
  return row;
}

export async function updateDeal(db: DbOrTx, actor: Actor, id: string, patch: Partial<DealInput>): Promise<Deal> {
  return db.transaction(async (tx) => {
    const before = await getDeal(tx, actor, id);
    const changes = diff(before as unknown as Record<string, unknown>, patch as Record<string, unknown>, [
      'stage',
      'value',
      'probability',
      'title',
      'currency',
    ]);
    if (!Object.keys(changes).length) return before;
    const closing = patch.stage && patch.stage !== before.stage;
    const closedAt = closing ? (patch.stage === 'won' || patch.stage === 'lost' ? new Date() : null) : before.closedAt;
    const [deal] = await tx
      .update(deals)
      .set({ ...patch, currency: patch.currency?.toUpperCase(), closedAt })
      .where(and(eq(deals.workspaceId, actor.workspaceId), eq(deals.id, id)))
      .returning();
    const by = await memberName(tx, actor.workspaceId, actor.userId);
    const what = Object.entries(changes)
      .map(([f, c]) => `${f} ${String(c.old)} → ${String(c.new)}`)
      .join(', ');
    await recordActivity(tx, {
      workspaceId: actor.workspaceId,
      leadId: deal.leadId,
      actorId: actor.userId,
      type: changes.stage ? 'deal.stage_changed' : 'deal.updated',
      text: `Deal "${deal.title}" updated by ${by}: ${what}`,
      changes,
      subjectType: 'deal',
      subjectId: deal.id,
    });
    return deal;
  });
}

export async function listDeals(
  db: DbOrTx,
  actor: Actor,
  filters: { leadId?: string; stage?: DealStage } & PageParams = {},
): Promise<Page<Deal>> {
  if (filters.leadId) await getLead(db, actor, filters.leadId); // 404 for a lead the actor may not see
  const limit = clampLimit(filters.limit);
  const after = decodeCursor(filters.cursor, isIdCursor);
  const where = [eq(deals.workspaceId, actor.workspaceId)];
  if (filters.leadId) where.push(eq(deals.leadId, filters.leadId));
  if (filters.stage) where.push(eq(deals.stage, filters.stage));
  if (after) where.push(lt(deals.id, after.id));
  if (!seesAll(actor))
    where.push(
      sql`${deals.leadId} in (select ${leads.id} from ${leads} where ${leads.workspaceId} = ${actor.workspaceId} and ${leads.assigneeId} = ${actor.userId})`,
    );
  const rows = await db
    .select()
    .from(deals)
    .where(and(...where))
    .orderBy(desc(deals.id))
    .limit(limit + 1);
  return toPage(rows, limit, (r) => ({ id: r.id }));
}
