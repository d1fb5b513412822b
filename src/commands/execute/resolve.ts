// From the words in a command to rows: the company to a lead (exact, then fuzzy with pg_trgm,
// across scripts), a name to a team member. When it is not clear, the answer is a question to
// the member, remembered so the next message can settle it.
import type { Command } from '../command.ts';
import { systemActor } from '../../crm/actor.ts';
import { findLeadsByName, getLead, listLeads, type Lead } from '../../crm/leads.ts';
import { findMemberByName, listMembers, memberName, type Member } from '../../crm/members.ts';
import type { Tx } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import { actorOf, type CommandEnv, type Outcome, type Resolved } from './context.ts';
import { firstName, say, statusLabel, type Lang } from '../../lib/language.ts';
import { hasDevanagari, soundKey, toLatin } from './spelling.ts';

export type Found<T> = { ok: true; value: T } | { ok: false; outcome: Outcome };

const MAX_OPTIONS = 5;
/** A best match this far ahead of the next one is "clear". */
const CLEAR_LEAD = 0.15;
const STRONG = 0.45;

export const leadLabel = (lead: Pick<Lead, 'company' | 'contactName' | 'phone'>) =>
  lead.company || lead.contactName || lead.phone || 'lead';

export function optionLine(lead: Lead, i: number, lang: Lang): string {
  const who = lead.contactName && lead.company ? ` (${lead.contactName})` : '';
  return `${i + 1}. ${leadLabel(lead)}${who} · ${statusLabel(lead.status, lang)}`;
}

async function candidates(tx: Tx, env: CommandEnv, name: string): Promise<(Lead & { similarity: number })[]> {
  const actor = actorOf(env);
  const byId = new Map<string, Lead & { similarity: number }>();
  const queries = hasDevanagari(name) ? [name, toLatin(name)] : [name];
  for (const q of queries) {
    for (const row of await findLeadsByName(tx, actor, q, 8)) {
      const had = byId.get(row.id);
      if (!had || had.similarity < row.similarity) byId.set(row.id, row);
    }
  }
  const key = soundKey(name);
  if (!byId.size && hasDevanagari(name) && key) {
    // Trigrams of a romanised Devanagari name can miss ("टेक्सटाइल्स" vs "Textiles"): compare
    // sound keys over the member's most recent leads instead.
    const recent = await listLeads(tx, actor, { limit: 200 });
    for (const lead of recent.data) {
      const k = soundKey(lead.company ?? '');
      if (k && (k === key || k.startsWith(`${key} `))) byId.set(lead.id, { ...lead, similarity: k === key ? 1 : 0.8 });
    }
  }
  return [...byId.values()].sort((a, b) => b.similarity - a.similarity);
}

/**
 * The lead a command names. One clear match → it; several close → a numbered question; none →
 * "not found, create it?" (or, for an agent, why they may not touch another member's lead).
 * `create: false` leaves out the offer, for commands that make no sense on a new lead (cancel).
 */
export async function resolveLead(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  company: string,
  command: Command,
  resolved: Resolved,
  opts: { create?: boolean } = {},
): Promise<Found<Lead>> {
  const actor = actorOf(env);
  if (resolved.leadId) {
    try {
      return { ok: true, value: await getLead(tx, actor, resolved.leadId) };
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
      return {
        ok: false,
        outcome: {
          text: say(
            lang,
            'That lead is no longer available to you.',
            'Ye lead ab aapke paas nahi hai.',
            'यह लीड अब आपके पास नहीं है।',
          ),
          pending: null,
        },
      };
    }
  }
  const rows = await candidates(tx, env, company);
  const q = company.trim().toLowerCase();
  const key = soundKey(company);
  const exact = rows.filter(
    (r) => (r.company ?? '').trim().toLowerCase() === q || (!!key && soundKey(r.company ?? '') === key),
  );
  if (exact.length === 1) return { ok: true, value: exact[0] };
  let options = exact;
  if (!options.length && rows.length) {
    const top = rows[0];
    options = rows.filter((r) => top.similarity - r.similarity < CLEAR_LEAD);
    if (options.length === 1 && top.similarity >= STRONG) return { ok: true, value: top };
  }
  if (options.length) {
    const shown = options.slice(0, MAX_OPTIONS);
    const list = shown.map((l, i) => optionLine(l, i, lang)).join('\n');
    const head =
      shown.length === 1
        ? say(lang, 'Did you mean this lead?', 'Kya aapka matlab is lead se hai?', 'क्या आपका मतलब इस लीड से है?')
        : say(lang, `Which "${company}" do you mean?`, `Kaunsa "${company}"?`, `कौन सा "${company}"?`);
    const tail = say(lang, 'Reply with the number.', 'Number bhej do.', 'नंबर भेजें।');
    return {
      ok: false,
      outcome: {
        text: `${head}\n${list}\n${tail}`,
        pending: {
          kind: 'lead',
          options: shown.map((l) => ({ id: l.id, label: leadLabel(l) })),
          command,
          resolved,
          lang,
          askedAt: env.now.toISOString(),
        },
      },
    };
  }
  if (actor.role === 'agent') {
    // The lead may exist but belong to someone else: say so rather than "not found".
    const theirs = (
      await findLeadsByName(tx, systemActor(actor.workspaceId), hasDevanagari(company) ? toLatin(company) : company, 1)
    )[0];
    if (theirs && theirs.similarity >= STRONG && theirs.assigneeId !== actor.userId) {
      const owner = firstName(await memberName(tx, actor.workspaceId, theirs.assigneeId));
      return {
        ok: false,
        outcome: {
          text: say(
            lang,
            `${leadLabel(theirs)} is ${owner}'s lead. Agents can only work on their own leads; ask a manager to reassign it to you.`,
            `${leadLabel(theirs)} ${owner} ki lead hai. Agent sirf apni leads par kaam kar sakte hain; manager se apne naam karwa lo.`,
            `${leadLabel(theirs)} ${owner} की लीड है। एजेंट सिर्फ़ अपनी लीड पर काम कर सकते हैं; मैनेजर से अपने नाम करवा लें।`,
          ),
          pending: null,
        },
      };
    }
  }
  if (opts.create === false) {
    return {
      ok: false,
      outcome: {
        text: say(
          lang,
          `I couldn't find a lead called "${company}". Send the command again with the right name.`,
          `"${company}" naam ki koi lead nahi mili. Sahi naam ke saath dobara bhejo.`,
          `"${company}" नाम की कोई लीड नहीं मिली। सही नाम के साथ दोबारा भेजें।`,
        ),
        pending: null,
      },
    };
  }
  return {
    ok: false,
    outcome: {
      text: say(
        lang,
        `I couldn't find a lead called "${company}". Reply "yes" to create it, or send the command again with the right name.`,
        `"${company}" naam ki koi lead nahi mili. Nayi banani ho to "haan" bhejo, ya sahi naam ke saath dobara bhejo.`,
        `"${company}" नाम की कोई लीड नहीं मिली। नई बनानी हो तो "हाँ" भेजें, या सही नाम के साथ दोबारा भेजें।`,
      ),
      pending: { kind: 'create', company, command, lang, askedAt: env.now.toISOString() },
    },
  };
}

const SELF = new Set([
  'me',
  'myself',
  'self',
  'mujhe',
  'mujhko',
  'mere',
  'mera',
  'meri',
  'main',
  'mai',
  'khud',
  'मुझे',
  'मेरे',
  'मेरा',
  'मेरी',
  'मैं',
  'खुद',
  'ख़ुद',
]);

/** A team member by name, username or Devanagari spelling ("नेहा" → Neha); "me"/"mujhe" → the sender. */
export async function findMember(tx: Tx, env: CommandEnv, name: string): Promise<Member | undefined> {
  const n = name.trim();
  if (SELF.has(n.toLowerCase())) return env.member;
  const ws = env.workspace.id;
  const direct =
    (await findMemberByName(tx, ws, n)) ?? (hasDevanagari(n) ? await findMemberByName(tx, ws, toLatin(n)) : undefined);
  if (direct) return direct;
  const key = soundKey(n);
  if (!key) return undefined;
  const members = (await listMembers(tx, ws)).filter((m) => m.active);
  const hits = members.filter(
    (m) => soundKey(m.name) === key || soundKey(firstName(m.name)) === key || soundKey(m.username) === key,
  );
  return hits.length === 1 ? hits[0] : undefined;
}

/** The member, or a question naming who exists (remembered, so the next message can answer it). */
export async function resolveMember(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  name: string,
  command: Command,
  resolved: Resolved,
): Promise<Found<Member>> {
  const m = await findMember(tx, env, name);
  if (m) return { ok: true, value: m };
  return {
    ok: false,
    outcome: {
      text: await unknownMemberText(tx, env, lang, name),
      pending: { kind: 'assignee', command, resolved, lang, askedAt: env.now.toISOString() },
    },
  };
}

export async function unknownMemberText(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  name: string,
  ask = true,
): Promise<string> {
  const team = (await listMembers(tx, env.workspace.id))
    .filter((m) => m.active)
    .map((m) => m.name)
    .join(', ');
  const text = say(
    lang,
    `I don't know a team member called "${name}". The team: ${team}.`,
    `"${name}" naam ka koi team member nahi hai. Team: ${team}.`,
    `"${name}" नाम का कोई टीम सदस्य नहीं है। टीम: ${team}।`,
  );
  return ask ? `${text} ${say(lang, 'Who should it go to?', 'Kisko dena hai?', 'किसे देना है?')}` : text;
}
