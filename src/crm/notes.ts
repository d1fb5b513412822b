import { and, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { notes } from '../db/schema/index.ts';
import { recordActivity } from './activities.ts';
import type { Actor } from './actor.ts';
import { getLead } from './leads.ts';
import { memberName } from './members.ts';

export type Note = typeof notes.$inferSelect;

export async function addNote(
  db: DbOrTx,
  actor: Actor,
  leadId: string,
  body: string,
  opts: { activityType?: string } = {},
): Promise<Note> {
  return db.transaction(async (tx) => {
    await getLead(tx, actor, leadId);
    const [note] = await tx
      .insert(notes)
      .values({ workspaceId: actor.workspaceId, leadId, authorId: actor.userId, body })
      .returning();
    const by = await memberName(tx, actor.workspaceId, actor.userId);
    await recordActivity(tx, {
      workspaceId: actor.workspaceId,
      leadId,
      actorId: actor.userId,
      type: opts.activityType ?? 'note.added',
      text: `${by.charAt(0).toUpperCase()}${by.slice(1)} added a note: ${body}`,
      subjectType: 'note',
      subjectId: note.id,
    });
    return note;
  });
}

export async function listNotes(db: DbOrTx, actor: Actor, leadId: string): Promise<Note[]> {
  await getLead(db, actor, leadId);
  return db
    .select()
    .from(notes)
    .where(and(eq(notes.workspaceId, actor.workspaceId), eq(notes.leadId, leadId)))
    .orderBy(desc(notes.id));
}
