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
  if (!byId.size && key) {
    // Trigrams across scripts can miss ("टेक्सटाइल्स" said for "Textiles", "Gupta Traders" for a lead
    // stored as "गुप्ता ट्रेडर्स"): compare sound keys over the member's most recent leads instead.
    const recent = await listLeads(tx, actor, { limit: 200 });
    for (const lead of recent.data) {
      if (!hasDevanagari(name) && !hasDevanagari(lead.company ?? '')) continue; // Latin for Latin: searched above
      const k = soundKey(lead.company ?? '');
      if (k && (k === key || k.startsWith(`${key} `))) byId.set(lead.id, { ...lead, similarity: k === key ? 1 : 0.8 });
    }
  }
  return [...byId.values()].sort((a, b) => b.similarity - a.similarity);
}

const leadChoice = (env: CommandEnv, lang: Lang, shown: Lead[], command: Command, resolved: Resolved) => ({
  kind: 'lead' as const,
  options: shown.map((l) => ({ id: l.id, label: leadLabel(l) })),
  command,
  resolved,
  lang,
  askedAt: env.now.toISOString(),
});

/** "No lead called Patel Foods — did you mean Green Valley Foods? Reply 1 for yes, …" (nothing changes yet). */
function didYouMean(
  env: CommandEnv,
  lang: Lang,
  company: string,
  near: Lead[],
  command: Command,
  resolved: Resolved,
): Outcome {
  const create = '`New lead: …`';
  if (near.length === 1) {
    const l = leadLabel(near[0]);
    return {
      text: say(
        lang,
        `No lead called ${company} — did you mean ${l}? Reply 1 for yes, or send the lead as ${create}`,
        `${company} naam ki koi lead nahi — kya aapka matlab ${l} hai? Haan ho to 1 bhejo, ya lead ko ${create} ki tarah bhejo`,
        `${company} नाम की कोई लीड नहीं — क्या आपका मतलब ${l} है? हाँ हो तो 1 भेजें, या लीड को ${create} की तरह भेजें`,
      ),
      pending: leadChoice(env, lang, near, command, resolved),
    };
  }
  const list = near.map((l, i) => optionLine(l, i, lang)).join('\n');
  return {
    text: say(
      lang,
      `No lead called ${company}. Did you mean one of these?\n${list}\nReply with the number, or send the lead as ${create}`,
      `${company} naam ki koi lead nahi. Inmein se koi?\n${list}\nNumber bhejo, ya lead ko ${create} ki tarah bhejo`,
      `${company} नाम की कोई लीड नहीं। इनमें से कोई?\n${list}\nनंबर भेजें, या लीड को ${create} की तरह भेजें`,
    ),
    pending: leadChoice(env, lang, near, command, resolved),
  };
}

/** Edit distance with transpositions (optimal string alignment). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

const plain = (s: string) =>
  toLatin(s)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** One word for another: the same, or (from four letters on) one slip of the keyboard or the ear. */
const sameWord = (w: string, v: string, wk: string, vk: string) =>
  w === v || (w.length >= 4 && distance(w, v) <= 1) || (wk.length >= 2 && wk === vk);

/**
 * A clear typo of the lead's name ("green valey foods") or a part of it ("Green Valley", "Orbit"):
 * every word said is a word of the name, in order. Sharing one word of several is not enough.
 */
export function closeName(said: string, name: string): boolean {
  const a = plain(said).split(' ').filter(Boolean);
  const b = plain(name).split(' ').filter(Boolean);
  if (!a.length || !b.length || a.length > b.length) return false;
  const ak = a.map(soundKey);
  const bk = b.map(soundKey);
  if (a.length === b.length && distance(a.join(' '), b.join(' ')) <= Math.max(1, Math.floor(b.join(' ').length / 8)))
    return true;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    while (j < b.length && !sameWord(a[i], b[j], ak[i], bk[j])) j++;
    if (j === b.length) return false;
    j++;
  }
  return true;
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
  // Only an exact name, a clear typo of one lead or a part of its name is taken; a lead that
  // merely shares a word ("Patel Foods" for Green Valley Foods) is a question, never a guess.
  const options = exact.length ? exact : rows.filter((r) => closeName(company, r.company ?? ''));
  if (options.length === 1) return { ok: true, value: options[0] };
  if (!options.length && rows.length) {
    const top = rows[0];
    const near = rows.filter((r) => top.similarity - r.similarity < CLEAR_LEAD).slice(0, MAX_OPTIONS);
    return { ok: false, outcome: didYouMean(env, lang, company, near, command, resolved) };
  }
  if (options.length) {
    const shown = options.slice(0, MAX_OPTIONS);
    const list = shown.map((l, i) => optionLine(l, i, lang)).join('\n');
    const head = say(lang, `Which "${company}" do you mean?`, `Kaunsa "${company}"?`, `कौन सा "${company}"?`);
    const tail = say(lang, 'Reply with the number.', 'Number bhej do.', 'नंबर भेजें।');
    return {
      ok: false,
      outcome: {
        text: `${head}\n${list}\n${tail}`,
        pending: leadChoice(env, lang, shown, command, resolved),
      },
    };
  }
  if (actor.role === 'agent') {
    // The lead may exist but belong to someone else: say so rather than "not found".
    const theirs = (
      await findLeadsByName(tx, systemActor(actor.workspaceId), hasDevanagari(company) ? toLatin(company) : company, 1)
    )[0];
    if (theirs && closeName(company, theirs.company ?? '') && theirs.assigneeId !== actor.userId) {
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

/**
 * The lead a task command names and who the task is for: the member named in it, else the one
 * already settled, else the lead's assignee, else the sender. A question when either is unclear.
 */
export async function resolveLeadAndAssignee(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: Command & { company: string; assignee?: string },
  resolved: Resolved,
): Promise<Found<{ lead: Lead; settled: Resolved; assigneeId: string }>> {
  const found = await resolveLead(tx, env, lang, cmd.company, cmd, resolved);
  if (!found.ok) return found;
  const lead = found.value;
  const settled = { ...resolved, leadId: lead.id };
  let assigneeId = resolved.memberId ?? lead.assigneeId ?? env.member.id;
  if (!resolved.memberId && cmd.assignee) {
    const m = await resolveMember(tx, env, lang, cmd.assignee, cmd, settled);
    if (!m.ok) return m;
    assigneeId = m.value.id;
  }
  return { ok: true, value: { lead, settled, assigneeId } };
}
