// The team bot's "what does Orbit's CRM record say?": the per-contact records of the lead's phone
// or email (and, failing those, the records that name the company or contact), with their source.
// The member sees the leads they may see (agents: their own), like every other command.
import type { Actor } from '../crm/actor.ts';
import { findLeadsByName, type Lead } from '../crm/leads.ts';
import { getWorkspace } from '../crm/workspaces.ts';
import type { DbOrTx } from '../db/client.ts';
import { contactKeysOf } from './answer.ts';
import { leafKey } from './chunk.ts';
import { searchKnowledge, textArray, type SearchHit } from './search.ts';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../db/client.ts';

type Lang = 'en' | 'hinglish' | 'hi';
const MAX_LINES = 12;

/** The name in "what does Orbit's CRM record say?", "CRM record of Orbit", "Orbit ka CRM record", "ऑर्बिट का CRM रिकॉर्ड". */
export function crmRecordSubject(text: string): string | null {
  const t = text.trim().replace(/[?!.।]+$/u, '');
  if (!/\bcrm\b/i.test(t)) return null;
  const patterns = [
    /^(?:what\s+(?:does|do|did)|what's\s+in|show(?:\s+me)?|check|get|open)\s+(.+?)(?:'s|’s|s')\s+crm\b/i,
    /^(.+?)(?:'s|’s)\s+crm\s+(?:record|data|details|info|entry)/i,
    /\bcrm\s+(?:record|data|details|info|entry)s?\s+(?:of|for|on|about)\s+(.+)$/i,
    /^(.+?)\s+(?:ka|ki|ke|का|की|के)\s+crm\b/iu,
  ];
  for (const p of patterns) {
    const m = p.exec(t);
    if (m?.[1]?.trim()) return m[1].trim().replace(/^(?:the|lead)\s+/i, '');
  }
  return null;
}

const say = (lang: Lang, en: string, hinglish: string, hi: string) => ({ en, hinglish, hi })[lang];

async function recordsOfLead(db: DbOrTx, actor: Actor, lead: Lead, region: string): Promise<SearchHit[]> {
  const keys = contactKeysOf(lead.phone, lead.email, region);
  if (keys.length) {
    const rows = rowsOf<{
      id: string;
      link_id: string;
      name: string;
      type: string;
      record: string;
      part: number;
      text: string;
    }>(
      await db.execute(sql`select c.id, c.link_id, l.name, l.type, c.record, c.part, c.text
        from knowledge_chunks c join knowledge_links l on l.id = c.link_id
        where c.workspace_id = ${actor.workspaceId} and c.contact_keys && ${textArray(keys)}
        order by l.name, c.record, c.part limit 10`),
    );
    if (rows.length)
      return rows.map((r) => ({
        id: r.id,
        linkId: r.link_id,
        linkName: r.name,
        linkType: r.type,
        record: r.record,
        part: Number(r.part),
        text: r.text,
        score: 1,
        legs: ['identifier'],
        perContact: true,
        coverage: 1,
        concepts: [],
        fetchedAt: null,
      }));
  }
  const name = [lead.company, lead.contactName].filter(Boolean).join(' ');
  if (!name) return [];
  const { hits } = await searchKnowledge(
    db,
    { workspaceId: actor.workspaceId, audience: { kind: 'staff', perContact: true }, perContactOnly: true },
    name,
    { limit: 3, region },
  );
  return hits.filter((h) => h.coverage >= 0.5);
}

/**
 * The reply to a CRM-record question, or null when the message is not one (the command runs as
 * usual). Called by the command executor before it dispatches.
 */
export async function crmRecordReply(db: DbOrTx, actor: Actor, text: string, lang: Lang): Promise<string | null> {
  const subject = crmRecordSubject(text);
  if (!subject) return null;
  const [lead] = await findLeadsByName(db, actor, subject, 1);
  if (!lead)
    return say(
      lang,
      `I couldn't find a lead called "${subject}".`,
      `"${subject}" naam ki koi lead nahi mili.`,
      `"${subject}" नाम की कोई लीड नहीं मिली।`,
    );
  const ws = await getWorkspace(db, actor.workspaceId);
  const hits = await recordsOfLead(db, actor, lead, ws.phoneRegion);
  const label = lead.company ?? lead.contactName ?? subject;
  if (!hits.length)
    return say(
      lang,
      `No CRM record in your knowledge sources matches ${label}'s phone or email.`,
      `${label} ke phone ya email se koi CRM record nahi mila.`,
      `${label} के फ़ोन या ईमेल से कोई CRM रिकॉर्ड नहीं मिला।`,
    );
  const lines: string[] = [];
  for (const h of hits) {
    if (lines.length >= MAX_LINES) break;
    lines.push(`${h.linkName} › ${h.record}:`);
    for (const l of h.text.split('\n')) {
      if (lines.length >= MAX_LINES) break;
      const at = l.indexOf(': ');
      lines.push(`• ${leafKey(l.slice(0, at))}: ${l.slice(at + 2)}`);
    }
  }
  const head = say(lang, `CRM record of ${label}:`, `${label} ka CRM record:`, `${label} का CRM रिकॉर्ड:`);
  return [head, ...lines].join('\n');
}
