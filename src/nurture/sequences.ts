// The Message Master: sequences of pre-written follow-ups and their steps. Everyone in the
// workspace reads them; owners and admins write them. Editing a step changes what pending
// reminders will send (they read the step when they fire); deleting one cancels its reminders.
import { and, asc, eq, inArray, max } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import {
  messageMaster,
  messageMasterSteps,
  reminders,
  type NurtureTrigger,
  type StepAttachment,
} from '../db/schema/index.ts';
import { isAdmin, type Actor } from '../crm/actor.ts';
import { forbidden, notFound } from '../lib/errors.ts';

export type Sequence = typeof messageMaster.$inferSelect;
export type Step = typeof messageMasterSteps.$inferSelect;
export type SequenceWithSteps = Sequence & { steps: Step[] };

export type AttachmentInput = {
  url: string;
  mediaType?: StepAttachment['mediaType'];
  caption?: string | null;
  filename?: string | null;
};
export type StepInput = {
  position?: number;
  delayDays?: number;
  delayHours?: number;
  sendTime?: string | null;
  title?: string | null;
  text: string;
  attachments?: AttachmentInput[];
};
export type SequenceInput = { name: string; trigger?: NurtureTrigger; active?: boolean; steps?: StepInput[] };

const requireAdmin = (actor: Actor) => {
  if (!isAdmin(actor)) throw forbidden('Only owners and admins change the Message Master');
};

/** image/video/audio by extension, anything else a document. */
export function mediaTypeOf(url: string): StepAttachment['mediaType'] {
  const ext = new URL(url).pathname.split('.').pop()?.toLowerCase() ?? '';
  if (['jpg', 'jpeg', 'png', 'webp'].includes(ext)) return 'image';
  if (['mp4', '3gp'].includes(ext)) return 'video';
  if (['mp3', 'ogg', 'opus', 'aac', 'm4a', 'amr'].includes(ext)) return 'audio';
  return 'document';
}

function attachmentsOf(input: AttachmentInput[] | undefined): StepAttachment[] {
  return (input ?? []).map((a) => ({
    url: a.url,
    mediaType: a.mediaType ?? mediaTypeOf(a.url),
    ...(a.caption ? { caption: a.caption } : {}),
    ...(a.filename ? { filename: a.filename } : {}),
  }));
}

function stepValues(s: Partial<StepInput>): Partial<typeof messageMasterSteps.$inferInsert> {
  const v: Partial<typeof messageMasterSteps.$inferInsert> = {};
  if (s.position !== undefined) v.position = s.position;
  if (s.delayDays !== undefined) v.delayDays = s.delayDays;
  if (s.delayHours !== undefined) v.delayHours = s.delayHours;
  if (s.sendTime !== undefined) v.sendTime = s.sendTime;
  if (s.title !== undefined) v.title = s.title?.trim() || null;
  if (s.text !== undefined) v.text = s.text;
  if (s.attachments !== undefined) v.attachments = attachmentsOf(s.attachments);
  return v;
}

async function stepsOf(db: DbOrTx, workspaceId: string, sequenceIds: string[]): Promise<Step[]> {
  if (!sequenceIds.length) return [];
  return db
    .select()
    .from(messageMasterSteps)
    .where(and(eq(messageMasterSteps.workspaceId, workspaceId), inArray(messageMasterSteps.sequenceId, sequenceIds)))
    .orderBy(
      asc(messageMasterSteps.position),
      asc(messageMasterSteps.delayDays),
      asc(messageMasterSteps.delayHours),
      asc(messageMasterSteps.id),
    );
}

export async function listSequences(
  db: DbOrTx,
  actor: Actor,
  filters: { trigger?: NurtureTrigger; active?: boolean } = {},
): Promise<SequenceWithSteps[]> {
  const rows = await db
    .select()
    .from(messageMaster)
    .where(
      and(
        eq(messageMaster.workspaceId, actor.workspaceId),
        filters.trigger ? eq(messageMaster.trigger, filters.trigger) : undefined,
        filters.active === undefined ? undefined : eq(messageMaster.active, filters.active),
      ),
    )
    .orderBy(asc(messageMaster.id));
  const steps = await stepsOf(
    db,
    actor.workspaceId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, steps: steps.filter((s) => s.sequenceId === r.id) }));
}

export async function getSequence(db: DbOrTx, actor: Actor, id: string): Promise<SequenceWithSteps> {
  const [row] = await db
    .select()
    .from(messageMaster)
    .where(and(eq(messageMaster.workspaceId, actor.workspaceId), eq(messageMaster.id, id)));
  if (!row) throw notFound('Sequence');
  return { ...row, steps: await stepsOf(db, actor.workspaceId, [row.id]) };
}

export async function createSequence(db: DbOrTx, actor: Actor, input: SequenceInput): Promise<SequenceWithSteps> {
  requireAdmin(actor);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(messageMaster)
      .values({
        workspaceId: actor.workspaceId,
        name: input.name.trim(),
        trigger: input.trigger ?? 'demo_done',
        active: input.active ?? true,
        createdById: actor.userId,
      })
      .returning();
    const steps = input.steps ?? [];
    if (steps.length) {
      await tx.insert(messageMasterSteps).values(
        steps.map((s, i) => ({
          ...stepValues(s),
          text: s.text,
          position: s.position ?? i + 1,
          workspaceId: actor.workspaceId,
          sequenceId: row.id,
        })),
      );
    }
    return getSequence(tx, actor, row.id);
  });
}

export async function updateSequence(
  db: DbOrTx,
  actor: Actor,
  id: string,
  patch: Partial<Omit<SequenceInput, 'steps'>>,
): Promise<SequenceWithSteps> {
  requireAdmin(actor);
  await getSequence(db, actor, id);
  const values: Partial<typeof messageMaster.$inferInsert> = {};
  if (patch.name !== undefined) values.name = patch.name.trim();
  if (patch.trigger !== undefined) values.trigger = patch.trigger;
  if (patch.active !== undefined) values.active = patch.active;
  if (Object.keys(values).length)
    await db
      .update(messageMaster)
      .set(values)
      .where(and(eq(messageMaster.workspaceId, actor.workspaceId), eq(messageMaster.id, id)));
  return getSequence(db, actor, id);
}

/** Deletes a sequence; its enrollments and their pending reminders go with it (cascade). */
export async function deleteSequence(db: DbOrTx, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  await getSequence(db, actor, id);
  await db.delete(messageMaster).where(and(eq(messageMaster.workspaceId, actor.workspaceId), eq(messageMaster.id, id)));
}

export async function addStep(db: DbOrTx, actor: Actor, sequenceId: string, input: StepInput): Promise<Step> {
  requireAdmin(actor);
  await getSequence(db, actor, sequenceId);
  const [{ last }] = await db
    .select({ last: max(messageMasterSteps.position) })
    .from(messageMasterSteps)
    .where(eq(messageMasterSteps.sequenceId, sequenceId));
  const [row] = await db
    .insert(messageMasterSteps)
    .values({
      ...stepValues(input),
      text: input.text,
      position: input.position ?? (last ?? 0) + 1,
      workspaceId: actor.workspaceId,
      sequenceId,
    })
    .returning();
  return row;
}

async function getStep(db: DbOrTx, actor: Actor, id: string): Promise<Step> {
  const [row] = await db
    .select()
    .from(messageMasterSteps)
    .where(and(eq(messageMasterSteps.workspaceId, actor.workspaceId), eq(messageMasterSteps.id, id)));
  if (!row) throw notFound('Step');
  return row;
}

/** Text and attachments apply to pending reminders too; timing applies to enrollments from now on. */
export async function updateStep(db: DbOrTx, actor: Actor, id: string, patch: Partial<StepInput>): Promise<Step> {
  requireAdmin(actor);
  const before = await getStep(db, actor, id);
  const values = stepValues(patch);
  if (!Object.keys(values).length) return before;
  const [row] = await db
    .update(messageMasterSteps)
    .set(values)
    .where(and(eq(messageMasterSteps.workspaceId, actor.workspaceId), eq(messageMasterSteps.id, id)))
    .returning();
  return row;
}

/** Deletes a step and cancels the reminders still waiting to send it. */
export async function deleteStep(db: DbOrTx, actor: Actor, id: string, now: Date): Promise<void> {
  requireAdmin(actor);
  await getStep(db, actor, id);
  await db.transaction(async (tx) => {
    await tx
      .update(reminders)
      .set({ status: 'cancelled', cancelledAt: now, reason: 'step_deleted' })
      .where(
        and(eq(reminders.workspaceId, actor.workspaceId), eq(reminders.stepId, id), eq(reminders.status, 'scheduled')),
      );
    await tx
      .delete(messageMasterSteps)
      .where(and(eq(messageMasterSteps.workspaceId, actor.workspaceId), eq(messageMasterSteps.id, id)));
  });
}
