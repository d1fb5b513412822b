// Erasure on request (GDPR "right to be forgotten"): in one transaction, everything personal about
// one person in one workspace goes.
//
// What happens, and why:
// - Profile facts and consents of the person: deleted.
// - Their conversations and every message in them: deleted.
// - Their lead(s): DELETED, not anonymized, with the deals, tasks, notes and activities that hang
//   off them (the foreign keys cascade; we delete them explicitly to count them). An anonymized
//   shell would keep free text (notes, deal titles, activity texts) that can name the person.
//   Consequence: reports lose that lead's deals; the audit row keeps the counts of what went.
// - Elsewhere in the workspace, messages that carry them — team notifications about their
//   messages, and any message whose text mentions their number — are redacted to "[erased]".
// - One audit_log row `privacy.erase` with the subject hash and the counts, never the number.
// Running it again finds nothing and records zeros: erasure is idempotent.
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Actor } from '../crm/actor.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import {
  activities,
  consents,
  conversations,
  deals,
  leads,
  messages,
  notes,
  profileFacts,
  tasks,
} from '../db/schema/index.ts';
import { formatPhone } from '../lib/phone.ts';
import { assertMayHandlePersonalData, contactOf, findSubject, recordAudit, type Subject } from './export.ts';

/** What the customer types to confirm that the bot should delete their data. */
export const ERASE_CONFIRMATION = 'DELETE MY DATA';

export const ERASED_TEXT = '[erased]';

export type EraseCounts = {
  leads: number;
  deals: number;
  tasks: number;
  notes: number;
  activities: number;
  conversations: number;
  messages: number;
  profile_facts: number;
  consents: number;
  /** Messages elsewhere in the workspace (notifications, mentions of the number) redacted. */
  redacted_messages: number;
};

export type EraseResult = { subjectHash: string; counts: EraseCounts; auditId: string };

/** Ways the number appears in texts people write: "9876543210", "98765 43210" (and so "+91 98765 43210"). */
function mentionPatterns(contact: string): string[] {
  if (!contact.startsWith('+')) return [];
  const national = formatPhone(contact).replace(/^\+\d+\s+/, '');
  const digits = national.replace(/\D/g, '');
  return [...new Set([digits, national])]
    .filter((p) => p.replace(/\D/g, '').length >= 6)
    .map((p) => `%${p.replace(/[\\%_]/g, '\\$&')}%`);
}

async function redactElsewhere(tx: DbOrTx, s: Subject): Promise<number> {
  const convs = s.conversationIds;
  const patterns = mentionPatterns(s.contact);
  const aboutThem = [
    // Notices to the team about a customer's message carry it as their source: msg:<id>/m:<member>/<n>
    // (outbound/queue.ts).
    convs.length
      ? sql`(m.dedupe_key like 'msg:%/m:%' and split_part(m.dedupe_key, '/', 1) in (select 'msg:' || x.id::text from messages x where x.conversation_id in ${convs}))`
      : null,
    ...patterns.map((p) => sql`m.text like ${p}`),
  ].filter((c) => c !== null);
  if (!aboutThem.length) return 0;
  const result = await tx.execute(sql`
    update messages m set
      text = ${ERASED_TEXT},
      payload = case when m.direction = 'out' then ${JSON.stringify({ type: 'text', text: ERASED_TEXT })}::jsonb else '{}'::jsonb end,
      status = case when m.status = 'queued' then 'failed' else m.status end,
      fail_reason = case when m.status = 'queued' then 'erased' else m.fail_reason end,
      updated_at = now()
    where m.workspace_id = ${s.workspaceId}
      ${convs.length ? sql`and m.conversation_id not in ${convs}` : sql``}
      and m.text is distinct from ${ERASED_TEXT}
      and (${sql.join(aboutThem, sql` or `)})
    returning m.id`);
  return (result as unknown as { rows: unknown[] }).rows.length;
}

/**
 * Erases the person named by `phone` (any format) in the actor's workspace. Owners and admins, or
 * `systemActor(workspaceId)` when the customer asked the bot and confirmed with ERASE_CONFIRMATION.
 */
export async function eraseContact(
  db: DbOrTx,
  actor: Actor,
  phone: string,
  opts: { source: 'api' | 'customer' },
): Promise<EraseResult> {
  assertMayHandlePersonalData(actor);
  const w = actor.workspaceId;
  const contact = await contactOf(db, w, phone);
  // On a caller's transaction (the bot's confirmation step) this is a savepoint.
  return (db as Db).transaction(async (tx) => {
    const s = await findSubject(tx, w, contact);
    const { leadIds: l, conversationIds: c } = s;
    const count = async (q: Promise<{ id: string }[]>) => (await q).length;
    const byLead = <T extends typeof deals | typeof tasks | typeof notes | typeof activities>(t: T) =>
      l.length
        ? count(
            tx
              .delete(t)
              .where(and(eq(t.workspaceId, w), inArray(t.leadId, l)))
              .returning({ id: t.id }) as Promise<{ id: string }[]>,
          )
        : Promise.resolve(0);

    const redacted = await redactElsewhere(tx, s);
    const facts = await count(
      tx
        .delete(profileFacts)
        .where(
          and(
            eq(profileFacts.workspaceId, w),
            or(inArray(profileFacts.contact, s.contactKeys), l.length ? inArray(profileFacts.leadId, l) : undefined),
          ),
        )
        .returning({ id: profileFacts.id }),
    );
    const consentCount = await count(
      tx
        .delete(consents)
        .where(
          and(
            eq(consents.workspaceId, w),
            or(inArray(consents.contact, s.contactKeys), l.length ? inArray(consents.leadId, l) : undefined),
          ),
        )
        .returning({ id: consents.id }),
    );
    const messageCount = c.length
      ? await count(
          tx
            .delete(messages)
            .where(and(eq(messages.workspaceId, w), inArray(messages.conversationId, c)))
            .returning({ id: messages.id }),
        )
      : 0;
    const conversationCount = c.length
      ? await count(
          tx
            .delete(conversations)
            .where(and(eq(conversations.workspaceId, w), inArray(conversations.id, c)))
            .returning({ id: conversations.id }),
        )
      : 0;
    const counts: EraseCounts = {
      deals: await byLead(deals),
      tasks: await byLead(tasks),
      notes: await byLead(notes),
      activities: await byLead(activities),
      leads: l.length
        ? await count(
            tx
              .delete(leads)
              .where(and(eq(leads.workspaceId, w), inArray(leads.id, l)))
              .returning({ id: leads.id }),
          )
        : 0,
      conversations: conversationCount,
      messages: messageCount,
      profile_facts: facts,
      consents: consentCount,
      redacted_messages: redacted,
    };
    const audit = await recordAudit(tx, {
      workspaceId: w,
      actorId: actor.userId,
      action: 'privacy.erase',
      subjectHash: s.hash,
      details: { source: opts.source, counts },
    });
    return { subjectHash: s.hash, counts, auditId: audit.id };
  });
}
