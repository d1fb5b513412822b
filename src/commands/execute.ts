// command → CRM change + replies. Runs inside the routing transaction as the member who sent the
// message; every change goes through crm/ (which writes the activities). It returns its replies —
// the answer to the sender and the notifications to other members — and the router queues them:
// nothing is written to the outbox or sent from here. The router routes each message once, in one
// transaction: no retries or dedupe of our own are needed.
//
// A question the bot asked waits in the conversation's state: the numbered choice between leads,
// a missing time or assignee, "create it?", the missing qualification details. The next message
// may answer it ("2", "kal 3 baje", "Rekha", "haan", "Address: …"); anything else is read as a
// new command.
import { INTENTS, type Command } from './command.ts';
import { buildDoc, normalizeInput } from './interpret/doc.ts';
import { extractDetails, extractDetailsByPosition } from './interpret/details.ts';
import { impossibleDate, parseWhen } from './interpret/dates.ts';
import { addLead } from '../nurture/lead-created.ts';
import type { Tx } from '../db/client.ts';
import type { Reply } from '../outbound/queue.ts';
import { AppError } from '../lib/errors.ts';
import {
  actorOf,
  confirmFirst,
  readPending,
  writePending,
  type CommandEnv,
  type Outcome,
  type Pending,
  type Resolved,
} from './execute/context.ts';
import { detectLanguage, formatWhen, say, type Lang } from '../lib/language.ts';
import {
  addActivity,
  createLeadCommand,
  provideDetails,
  qualifyLead,
  reassignLead,
  stopFollowups,
} from './execute/leads.ts';
import { helpReply, leadHistoryCommand, listLeadsCommand, listTasksCommand, unknownReply } from './execute/lists.ts';
import { cancelCommand, doneCommand, rescheduleCommand, scheduleCommand } from './execute/meetings.ts';
import { markWonLost, scheduleCall, setScore, updateLeadFields } from './execute/lifecycle.ts';
import { releaseBotCommand } from './execute/release.ts';
import { findMember, leadLabel, unknownMemberText } from './execute/resolve.ts';
import { asciiDigits, hasDevanagari } from './execute/spelling.ts';
import { crmRecordReply } from '../knowledge/team.ts';

export type { CommandEnv } from './execute/context.ts';

/** What to run: the command, values an answer settled, and a lead to create first ("yes, create it"). */
type Step = { command: Command; resolved: Resolved; create?: string };

/** Below this the interpreter was guessing (rules answer ~0.9 when sure): the command is echoed first. */
export const CONFIRM_BELOW = 0.6;

/**
 * `confidence` is the interpreter's (0–1), when the caller has it: an acting command read with
 * less than CONFIRM_BELOW is echoed back as one line to confirm instead of run.
 */
export async function executeCommand(tx: Tx, env: CommandEnv, command: Command, confidence?: number): Promise<Reply[]> {
  const pending = readPending(env);
  const text = env.message.text ?? '';
  const crmRecord = await crmRecordReply(tx, actorOf(env), text, detectLanguage(text));
  if (crmRecord) return [{ to: 'contact', purpose: 'reply', text: crmRecord }];
  // A one- or two-word answer ("2", "haan", "Rekha") keeps the language the question was asked in.
  const lang =
    pending && words(text) <= 2 && !hasDevanagari(text) ? pending.lang : detectLanguage(text, pending?.lang ?? 'en');
  const answer = pending ? await answerPending(tx, env, lang, pending, command, text) : undefined;
  let outcome: Outcome;
  if (answer && 'text' in answer) outcome = answer;
  else {
    const step: Step = answer ?? {
      command: GREETING.test(text) && command.intent === 'unknown' ? { intent: 'help' } : command,
      resolved: {},
    };
    const bad = TIMED.has(step.command.intent) ? impossibleDate(text, yearIn(env)) : null;
    const unsure = !answer && confidence !== undefined && confidence < CONFIRM_BELOW && ACTS.has(step.command.intent);
    outcome = bad
      ? { text: noSuchDate(lang, bad) }
      : unsure
        ? confirmFirst(env, lang, echo(step.command, lang, env), step.command, {})
        : await runStep(tx, env, lang, step);
    if (step.command.intent === 'unknown' && pending)
      outcome = { text: `${outcome.text}\n\n${reminder(pending, lang)}` };
    // An answered question is done with, unless the re-run command asked a new one.
    if (answer && outcome.pending === undefined) outcome = { ...outcome, pending: null };
  }
  if (outcome.pending !== undefined) await writePending(tx, env, outcome.pending);
  return [{ to: 'contact', purpose: 'reply', text: outcome.text }, ...env.notices];
}

/** Intents that carry a time: an impossible date in them is refused, never rolled over or dropped. */
const TIMED = new Set<Command['intent']>([
  'schedule_meeting',
  'schedule_demo',
  'reschedule_meeting',
  'reschedule_demo',
  'schedule_call',
]);
const yearIn = (env: CommandEnv) =>
  Number(new Intl.DateTimeFormat('en', { timeZone: env.workspace.timeZone, year: 'numeric' }).format(env.now));
const MONTH_EN = 'January February March April May June July August September October November December'.split(' ');
const MONTH_HI = 'जनवरी फ़रवरी मार्च अप्रैल मई जून जुलाई अगस्त सितंबर अक्टूबर नवंबर दिसंबर'.split(' ');

function noSuchDate(lang: Lang, d: { day: number; month: number }): string {
  const en = `${d.day} ${MONTH_EN[d.month - 1]}`;
  return say(
    lang,
    `There is no ${en}. Send the command again with a real date.`,
    `${en} nahi hoti. Sahi date ke saath dobara bhejo.`,
    `${d.day} ${MONTH_HI[d.month - 1]} नहीं होती। सही तारीख़ के साथ दोबारा भेजें।`,
  );
}

/** Commands that change something (the others only read or answer). */
const ACTS = new Set<Command['intent']>(
  INTENTS.filter((i) => !['unknown', 'help', 'list_leads', 'list_tasks', 'lead_history'].includes(i)),
);
const ECHO: Partial<Record<Command['intent'], [string, string, string]>> = {
  create_lead: ['Create the lead', 'Nayi lead banayein', 'नई लीड बनाएँ'],
  qualify_lead: ['Mark as qualified', 'Qualified mark karein', 'क्वालिफाइड करें'],
  provide_details: ['Save these details', 'Ye details save karein', 'यह जानकारी सेव करें'],
  schedule_meeting: ['Schedule a meeting with', 'Meeting fix karein', 'मीटिंग तय करें'],
  schedule_demo: ['Schedule a demo with', 'Demo fix karein', 'डेमो तय करें'],
  reschedule_meeting: ['Move the meeting with', 'Meeting shift karein', 'मीटिंग बदलें'],
  reschedule_demo: ['Move the demo with', 'Demo shift karein', 'डेमो बदलें'],
  meeting_done: ['Mark the meeting done with', 'Meeting done mark karein', 'मीटिंग पूरी दर्ज करें'],
  demo_done: ['Mark the demo done with', 'Demo done mark karein', 'डेमो पूरा दर्ज करें'],
  cancel_meeting: ['Cancel the meeting with', 'Meeting cancel karein', 'मीटिंग रद्द करें'],
  cancel_demo: ['Cancel the demo with', 'Demo cancel karein', 'डेमो रद्द करें'],
  add_activity: ['Add a note to', 'Note jodein', 'नोट जोड़ें'],
  reassign_lead: ['Reassign', 'Lead dein', 'लीड दें'],
  stop_followups: ['Stop follow-ups for', 'Follow-ups band karein', 'फ़ॉलो-अप बंद करें'],
  mark_won: ['Mark as won', 'Won mark karein', 'जीती दर्ज करें'],
  mark_lost: ['Mark as lost', 'Lost mark karein', 'हारी दर्ज करें'],
  schedule_call: ['Schedule a call with', 'Call rakhein', 'कॉल रखें'],
  set_score: ['Set the score of', 'Score badlein', 'स्कोर बदलें'],
  update_lead: ['Update', 'Badlein', 'बदलें'],
};

/** One line that says what the bot would do: "Schedule a demo with Orbit, Thu 12 Mar, 4:00 pm, for Rekha?" */
function echo(cmd: Command, lang: Lang, env: CommandEnv): string {
  const [en, hinglish, hi] = ECHO[cmd.intent] ?? ['Do this', 'Ye karein', 'यह करें'];
  const c = cmd as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof c.company === 'string') parts.push(c.company);
  if (typeof c.at === 'string') parts.push(formatWhen(new Date(c.at), env.workspace.timeZone, lang, env.now));
  if (typeof c.assignee === 'string')
    parts.push(say(lang, `for ${c.assignee}`, `${c.assignee} ke liye`, `${c.assignee} के लिए`));
  for (const k of [
    'contact_name',
    'phone',
    'email',
    'source',
    'address',
    'turnover',
    'current_system',
    'challenges',
    'note',
  ])
    if (typeof c[k] === 'string') parts.push(String(c[k]));
  if (typeof c.score === 'number') parts.push(String(c.score));
  const head = say(lang, "I'm not sure I read that right.", 'Pakka nahi ki sahi samjha.', 'पक्का नहीं कि सही समझा।');
  const what = lang === 'en' ? `${en} ${parts.join(', ')}` : `${parts.join(', ')}: ${lang === 'hi' ? hi : hinglish}`;
  return `${head} ${what}?`;
}

/**
 * One command in a savepoint: a refusal from crm/ (an invalid phone, a lead another agent owns)
 * rolls back this command's partial changes and becomes the reply, not a failed job.
 */
async function runStep(tx: Tx, env: CommandEnv, lang: Lang, step: Step): Promise<Outcome> {
  const notices = env.notices.length;
  try {
    return await tx.transaction(async (sp) => {
      if (!step.create) return dispatch(sp, env, lang, step.command, step.resolved);
      const { lead } = await addLead(sp, { queue: env.queue, now: () => env.now }, actorOf(env), {
        company: step.create,
        assigneeId: env.member.id,
      });
      const out = await dispatch(sp, env, lang, step.command, { ...step.resolved, leadId: lead.id });
      const made = say(
        lang,
        `✅ Lead ${leadLabel(lead)} created and assigned to you.`,
        `✅ Lead ${leadLabel(lead)} bana di, aapko assign ki.`,
        `✅ लीड ${leadLabel(lead)} बना दी, आपको असाइन की।`,
      );
      return { ...out, text: `${made}\n${out.text}` };
    });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    env.notices.length = notices; // rolled back with the command: nobody hears of it
    return { text: refusal(err, lang) };
  }
}

function dispatch(tx: Tx, env: CommandEnv, lang: Lang, cmd: Command, resolved: Resolved): Promise<Outcome> | Outcome {
  switch (cmd.intent) {
    case 'create_lead':
      return createLeadCommand(tx, env, lang, cmd, resolved);
    case 'qualify_lead':
      return qualifyLead(tx, env, lang, cmd, resolved);
    case 'provide_details':
      return provideDetails(tx, env, lang, cmd, resolved);
    case 'schedule_meeting':
    case 'schedule_demo':
      return scheduleCommand(tx, env, lang, cmd, resolved);
    case 'reschedule_meeting':
    case 'reschedule_demo':
      return rescheduleCommand(tx, env, lang, cmd, resolved);
    case 'meeting_done':
    case 'demo_done':
      return doneCommand(tx, env, lang, cmd, resolved);
    case 'cancel_meeting':
    case 'cancel_demo':
      return cancelCommand(tx, env, lang, cmd, resolved);
    case 'add_activity':
      return addActivity(tx, env, lang, cmd, resolved);
    case 'reassign_lead':
      return reassignLead(tx, env, lang, cmd, resolved);
    case 'mark_won':
    case 'mark_lost':
      return markWonLost(tx, env, lang, cmd, resolved);
    case 'schedule_call':
      return scheduleCall(tx, env, lang, cmd, resolved);
    case 'set_score':
      return setScore(tx, env, lang, cmd, resolved);
    case 'update_lead':
      return updateLeadFields(tx, env, lang, cmd, resolved);
    case 'list_leads':
      return listLeadsCommand(tx, env, lang, cmd);
    case 'list_tasks':
      return listTasksCommand(tx, env, lang, cmd);
    case 'lead_history':
      return leadHistoryCommand(tx, env, lang, cmd, resolved);
    case 'stop_followups':
      return stopFollowups(tx, env, lang, cmd, resolved);
    case 'release_bot':
      return releaseBotCommand(tx, env, cmd);
    case 'help':
      return helpReply(env, lang);
    case 'unknown':
      return unknownReply(lang);
  }
}

function refusal(err: AppError, lang: Lang): string {
  const detail = err.fields ? Object.values(err.fields).join('; ') : '';
  if (err.code === 'not_found')
    return say(
      lang,
      "I couldn't find that (or it isn't yours to change).",
      'Ye nahi mila (ya aap ise badal nahi sakte).',
      'यह नहीं मिला (या आप इसे बदल नहीं सकते)।',
    );
  if (err.code === 'forbidden')
    return say(
      lang,
      `Not allowed: ${err.message}.`,
      `Ye allowed nahi hai: ${err.message}.`,
      `इसकी अनुमति नहीं है: ${err.message}।`,
    );
  const why = detail ? `${err.message} (${detail})` : err.message;
  return say(lang, `I couldn't do that: ${why}.`, `Ye nahi ho paya: ${why}.`, `यह नहीं हो पाया: ${why}।`);
}

const GREETING =
  /^\s*(?:hi+|hello|hey|hlo|namaste|namaskar|good\s+(?:morning|afternoon|evening)|gm|नमस्ते|नमस्कार|हेलो|हाय)\b[\s!.,]*(?:bot|parley|ji|sir|bhai)?[\s!.]*$/iu;
const YES =
  /^\s*(?:yes|y|yeah|yep|yup|ok|okay|sure|haan|haa|ha|han|hanji|haanji|ji|ji haan|kar do|karo|bana do|banao|हाँ|हां|हा|जी|जी हाँ|ठीक है|बना दो)\s*[.!]*\s*$/iu;
const NO = /^\s*(?:no|n|nope|nah|nahi|nahin|nhi|mat|cancel|chhodo|rehne do|रहने दो|नहीं|ना|छोड़ो|कैंसल)\s*[.!]*\s*$/iu;
const NUMBER =
  /^\s*(?:#|no\.?\s*|number\s*|नंबर\s*)?([0-9०-९]{1,2})\s*(?:st|nd|rd|th|wala|wali|वाला|वाली)?\s*[.)!]*\s*$/iu;

const words = (s: string) => s.trim().split(/\s+/).filter(Boolean).length;

/**
 * Reads the message as the answer to the pending question: a step to run, a reply (a new
 * question or "OK, cancelled"), or undefined when the message is a new command.
 */
async function answerPending(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  pending: Pending,
  command: Command,
  text: string,
): Promise<Step | Outcome | undefined> {
  const open = command.intent === 'unknown';
  // A short message may be an answer even when it also parses as something ("2", "Rekha").
  if (!open && words(text) > 3 && !(pending.kind === 'details' && command.intent === 'provide_details'))
    return undefined;
  if (open && NO.test(text))
    return { text: say(lang, 'OK, cancelled.', 'Theek hai, cancel kar diya.', 'ठीक है, रद्द कर दिया।'), pending: null };
  switch (pending.kind) {
    case 'details': {
      if (command.intent === 'provide_details' && !command.company)
        return { command, resolved: { leadId: pending.leadId } };
      if (!open) return undefined;
      // Unlabelled answers the rules did not recognise as details: read them as details anyway.
      const doc = buildDoc(normalizeInput(text));
      let details = extractDetails(doc);
      if (!hasDetail(details)) details = extractDetailsByPosition(doc);
      return hasDetail(details) ? { command: details, resolved: { leadId: pending.leadId } } : undefined;
    }
    case 'lead': {
      const n = NUMBER.exec(text);
      const byLabel = pending.options.findIndex((o) => o.label.trim().toLowerCase() === text.trim().toLowerCase());
      // "did you mean Green Valley Foods? Reply 1 for yes": "yes" / "haan" answers it too.
      const yes = open && pending.options.length === 1 && YES.test(text) ? 0 : -1;
      const i = n ? Number(asciiDigits(n[1])) - 1 : byLabel >= 0 ? byLabel : yes;
      if (i >= 0 && i < pending.options.length)
        return { command: pending.command, resolved: { ...pending.resolved, leadId: pending.options[i].id } };
      if (n)
        return {
          text: say(
            lang,
            `Please reply with a number from 1 to ${pending.options.length}.`,
            `1 se ${pending.options.length} tak ka number bhejo.`,
            `1 से ${pending.options.length} तक का नंबर भेजें।`,
          ),
        };
      return undefined;
    }
    case 'create':
      return open && YES.test(text) ? { command: pending.command, resolved: {}, create: pending.company } : undefined;
    case 'time': {
      const when = parseWhen(text, { now: env.now, timeZone: env.workspace.timeZone });
      if (when?.at) return { command: { ...pending.command, at: when.at } as Command, resolved: pending.resolved };
      if (when && open) return { text: say(lang, 'And at what time?', 'Aur kitne baje?', 'और कितने बजे?') };
      return undefined;
    }
    case 'choice': {
      const n = NUMBER.exec(text);
      const i = n ? Number(asciiDigits(n[1])) - 1 : open && YES.test(text) && pending.steps.length === 1 ? 0 : -1;
      if (i >= 0 && i < pending.steps.length) return { ...pending.steps[i] };
      if (n && pending.steps.length === 1 && i === 1)
        return {
          text: say(lang, 'OK, cancelled.', 'Theek hai, cancel kar diya.', 'ठीक है, रद्द कर दिया।'),
          pending: null,
        };
      if (n)
        return {
          text: say(
            lang,
            `Please reply with a number from 1 to ${Math.max(2, pending.steps.length)}.`,
            `1 se ${Math.max(2, pending.steps.length)} tak ka number bhejo.`,
            `1 से ${Math.max(2, pending.steps.length)} तक का नंबर भेजें।`,
          ),
        };
      return undefined;
    }
    case 'assignee': {
      const name = text
        .trim()
        .replace(/^(?:to|ko|assign|give|de|do)\s+/i, '')
        .replace(/\s+(?:ko|को)(?:\s+(?:de|do|dedo|दो|दे\s*दो))?$/iu, '')
        .replace(/[.!]+$/, '');
      const m = name && words(name) <= 3 ? await findMember(tx, env, name) : undefined;
      if (m) return { command: pending.command, resolved: { ...pending.resolved, memberId: m.id } };
      if (open && name && words(name) <= 3) return { text: await unknownMemberText(tx, env, lang, name) };
      return undefined;
    }
  }
}

const hasDetail = (c: object) => ['address', 'turnover', 'current_system', 'challenges'].some((f) => f in c);

/** One line that repeats the open question after a message that did not answer it. */
function reminder(p: Pending, lang: Lang): string {
  switch (p.kind) {
    case 'details':
      return say(
        lang,
        `(Still waiting for the details of ${p.company}.)`,
        `(${p.company} ki details ka abhi bhi intezaar hai.)`,
        `(${p.company} की जानकारी का अभी भी इंतज़ार है।)`,
      );
    case 'lead':
      return say(
        lang,
        `(To pick a lead from my list, reply with its number.)`,
        `(List se lead chunne ke liye uska number bhejo.)`,
        `(सूची से लीड चुनने के लिए उसका नंबर भेजें।)`,
      );
    case 'create':
      return say(
        lang,
        `(Reply "yes" to create ${p.company}.)`,
        `(${p.company} banani ho to "haan" bhejo.)`,
        `(${p.company} बनानी हो तो "हाँ" भेजें।)`,
      );
    case 'time':
      return say(
        lang,
        '(Still need the day and time, e.g. "tomorrow 3pm".)',
        '(Din aur time chahiye, jaise "kal 3 baje".)',
        '(दिन और समय चाहिए, जैसे "कल 3 बजे"।)',
      );
    case 'choice':
      return say(
        lang,
        '(To answer my question, reply with its number.)',
        '(Mere sawaal ka jawab number se do.)',
        '(मेरे सवाल का जवाब नंबर से दें।)',
      );
    case 'assignee':
      return say(
        lang,
        '(Still need the name of the team member.)',
        '(Team member ka naam chahiye.)',
        '(टीम सदस्य का नाम चाहिए।)',
      );
  }
}
