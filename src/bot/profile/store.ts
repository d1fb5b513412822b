// Storing what the customer said about themselves. A fact is never overwritten: only a
// correction supersedes it (the old row stays, marked superseded); lists (special notes,
// services) grow; a declined field is remembered so it is never asked again.
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { consents, leads, profileFacts, type ProfileKey } from '../../db/schema/index.ts';
import type { ContextFact } from '../context.ts';
import type { ProfileExtraction, SpecialNote } from './facts.ts';

export type StoreResult = { stored: ProfileKey[]; corrected: ProfileKey[]; sensitive: SpecialNote[] };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function storeProfileFacts(
  tx: DbOrTx,
  input: {
    workspaceId: string;
    leadId: string | null;
    conversationId: string;
    contact: string;
    messageId: string;
    extraction: ProfileExtraction;
    existing: ContextFact[];
  },
): Promise<StoreResult> {
  const { facts, confidence, corrects = [] } = input.extraction;
  const result: StoreResult = { stored: [], corrected: [], sensitive: [] };
  const base = {
    workspaceId: input.workspaceId,
    leadId: input.leadId,
    conversationId: input.conversationId,
    contact: input.contact,
    sourceMessageId: input.messageId,
  };
  const active = (key: string) => input.existing.filter((f) => f.key === key);

  for (const [key, value] of Object.entries(facts) as [ProfileKey, unknown][]) {
    if (value === undefined) continue;
    const conf = confidence[key] ?? 0.7;
    if (key === 'special_notes' || key === 'preferred_services') {
      const have = active(key).flatMap((f) => [f.value].flat());
      for (const item of value as unknown[]) {
        // One sentence is one note, even when it names two categories ("allergic to … and diabetic").
        if (have.some((h) => same(h, item) || (key === 'special_notes' && sameText(h, item)))) continue;
        have.push(item);
        await tx.insert(profileFacts).values({ ...base, key, value: item, confidence: conf });
        result.stored.push(key);
        if (key === 'special_notes') result.sensitive.push(item as SpecialNote);
      }
      continue;
    }
    if (key === 'declined') {
      if (!active('declined').some((f) => same(f.value, value))) {
        await tx.insert(profileFacts).values({ ...base, key, value, confidence: conf });
        result.stored.push(key);
      }
      continue;
    }
    const current = active(key).at(-1);
    if (current && same(current.value, value)) continue;
    if (current && !corrects.includes(key)) continue; // never overwrite unless corrected
    if (current) {
      await tx
        .update(profileFacts)
        .set({ status: 'superseded' })
        .where(
          and(
            eq(profileFacts.workspaceId, input.workspaceId),
            eq(profileFacts.contact, input.contact),
            eq(profileFacts.key, key),
            eq(profileFacts.status, 'active'),
          ),
        );
      result.corrected.push(key);
    }
    await tx.insert(profileFacts).values({ ...base, key, value, confidence: conf });
    result.stored.push(key);
  }

  // The CRM learns the basics too, without overwriting what the team entered.
  if (input.leadId && (facts.name || facts.email)) {
    const [lead] = await tx.select().from(leads).where(eq(leads.id, input.leadId));
    const patch: Partial<typeof leads.$inferInsert> = {};
    if (facts.name && (!lead.contactName || result.corrected.includes('name'))) patch.contactName = facts.name;
    if (facts.email && (!lead.email || result.corrected.includes('email'))) patch.email = facts.email;
    if (Object.keys(patch).length) await tx.update(leads).set(patch).where(eq(leads.id, input.leadId));
  }
  // Telling us a sensitive detail is consent to keep it for their care; record it.
  if (result.sensitive.length) {
    await tx.insert(consents).values({
      workspaceId: input.workspaceId,
      contact: input.contact,
      leadId: input.leadId,
      kind: 'special_notes',
      granted: 'granted',
      source: 'message',
      sourceMessageId: input.messageId,
    });
  }
  return result;
}

const noteText = (v: unknown) =>
  typeof v === 'object' && v !== null && typeof (v as { text?: unknown }).text === 'string'
    ? (v as { text: string }).text.trim().toLowerCase()
    : null;
const sameText = (a: unknown, b: unknown) => noteText(a) !== null && noteText(a) === noteText(b);
