// The lifecycle commands: a deal won or lost (the reason kept as a note), a call to make (a task of
// type `call`), the score set by hand, a field of the lead changed. Changes go through crm/ (which
// writes the activities); the assignee hears of a won or lost lead someone else closed.
import type {
  MarkLostCommand,
  MarkWonCommand,
  ScheduleCallCommand,
  SetScoreCommand,
  UpdateLeadCommand,
} from '../command.ts';
import { updateLead, type LeadInput } from '../../crm/leads.ts';
import { memberName } from '../../crm/members.ts';
import { addNote } from '../../crm/notes.ts';
import { createDeal, listDeals, updateDeal } from '../../crm/deals.ts';
import { createTask } from '../../crm/tasks.ts';
import type { Tx } from '../../db/client.ts';
import { actorOf, confirmFirst, type CommandEnv, type Outcome, type Resolved } from './context.ts';
import { firstName, formatWhen, say, type Lang } from '../../lib/language.ts';
import { heldLine, notify, type Told } from './leads.ts';
import { leadLabel, resolveLead, resolveLeadAndAssignee } from './resolve.ts';

/** The truth about the notice: sent, or held until the member's window opens. */
const toldLine = (lang: Lang, who: string, told: Told) =>
  told === 'held'
    ? heldLine(lang, who)
    : say(lang, ` ${who} has been notified.`, ` ${who} ko bata diya.`, ` ${who} को सूचना भेज दी।`);

export async function markWonLost(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: MarkWonCommand | MarkLostCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const found = await resolveLead(tx, env, lang, cmd.company, cmd, resolved, { create: false });
  if (!found.ok) return found.outcome;
  let lead = found.value;
  const won = cmd.intent === 'mark_won';
  const l = leadLabel(lead);
  if (lead.status === (won ? 'won' : 'lost'))
    return {
      text: say(
        lang,
        `${l} is already marked ${won ? 'won' : 'lost'}.`,
        `${l} pehle se ${won ? 'won' : 'lost'} hai.`,
        `${l} पहले से ${won ? 'जीती' : 'हारी'} हुई है।`,
      ),
      pending: null,
    };
  const actor = actorOf(env);
  // A lost lead is cold (score 0); a won one is 100 (crm/leads sets it with the status).
  lead = await updateLead(tx, actor, lead.id, won ? { status: 'won' } : { status: 'lost', score: 0 });
  // The user's words, verbatim, in the lead's notes.
  if (cmd.note) await addNote(tx, actor, lead.id, `${won ? 'Won' : 'Lost'}: ${cmd.note}`);
  const deal = await closeDeal(tx, actor, lead, cmd);
  const dealLine = deal
    ? dealSentence(lang, deal)
    : won && cmd.amount
      ? say(
          lang,
          ` The lead has several open deals, so none was changed: set the one won (${money(cmd.amount, cmd.currency)}) on the lead's page.`,
          ` Lead ki kai deals khuli hain, isliye koi nahi badli: jeeti deal (${money(cmd.amount, cmd.currency)}) lead ke page par set karein.`,
          ` लीड की कई डील खुली हैं, इसलिए कोई नहीं बदली: जीती डील (${money(cmd.amount, cmd.currency)}) लीड के पेज पर दर्ज करें।`,
        )
      : '';
  const by = firstName(env.member.name);
  const why = cmd.note ? say(lang, ` Reason: ${cmd.note}`, ` Wajah: ${cmd.note}`, ` वजह: ${cmd.note}`) : '';
  const told = await notify(
    tx,
    env,
    lead.assigneeId,
    won ? 'lead.won' : 'lead.lost',
    won
      ? say(
          lang,
          `🎉 ${l} marked won by ${by}.${deal ? dealSentence('en', deal) : ''}`,
          `🎉 ${l} ki deal pakki, ${by} ne mark kiya.${deal ? dealSentence('hinglish', deal) : ''}`,
          `🎉 ${l} की डील पक्की, ${by} ने दर्ज की।${deal ? dealSentence('hi', deal) : ''}`,
        )
      : say(
          lang,
          `${l} marked lost by ${by}.${why}`,
          `${l} lost mark ki ${by} ne.${why}`,
          `${l} को ${by} ने हारी दर्ज किया।${why}`,
        ),
  );
  const tell = told ? toldLine(lang, firstName(await memberName(tx, env.workspace.id, lead.assigneeId!)), told) : '';
  const text = won
    ? say(
        lang,
        `🎉 ${l} won! Status is now won.${dealLine}${why}${tell}`,
        `🎉 ${l} ki deal pakki! Status ab won hai.${dealLine}${why}${tell}`,
        `🎉 ${l} की डील पक्की हो गई! स्थिति अब "जीती" है।${dealLine}${why}${tell}`,
      )
    : say(
        lang,
        `${l} marked lost.${dealLine}${why}${tell}`,
        `${l} lost mark kar di.${dealLine}${why}${tell}`,
        `${l} को हारी हुई दर्ज कर दिया।${dealLine}${why}${tell}`,
      );
  return { text, pending: null };
}

const money = (value: number, currency = 'INR') =>
  currency === 'INR' ? `₹${value.toLocaleString('en-IN')}` : `${currency} ${value.toLocaleString('en-IN')}`;

/** What happened to the lead's deal, as the end of the reply. */
function dealSentence(lang: Lang, deal: { title: string; value: number; currency: string; stage: string }) {
  const v = money(deal.value, deal.currency);
  return deal.stage === 'won'
    ? say(
        lang,
        ` Deal "${deal.title}": won, ${v}.`,
        ` Deal "${deal.title}": won, ${v}.`,
        ` डील "${deal.title}": जीती, ${v}।`,
      )
    : say(lang, ` Deal "${deal.title}": lost.`, ` Deal "${deal.title}": lost.`, ` डील "${deal.title}": हारी।`);
}

/**
 * The lead's deal follows the lead: its one open deal is closed the same way (with the amount
 * said, when one was); a lead won for an amount with no open deal gets a won deal of that value.
 * Several open deals are not guessed between: none is changed (null), and the reply says so.
 */
async function closeDeal(
  tx: Tx,
  actor: ReturnType<typeof actorOf>,
  lead: { id: string; company: string | null; contactName?: string | null },
  cmd: MarkWonCommand | MarkLostCommand,
) {
  const won = cmd.intent === 'mark_won';
  const amount = won ? cmd.amount : undefined;
  const currency = won ? cmd.currency : undefined;
  const open = (await listDeals(tx, actor, { leadId: lead.id, limit: 100 })).data.filter(
    (d) => d.stage !== 'won' && d.stage !== 'lost',
  );
  if (open.length === 1)
    return updateDeal(tx, actor, open[0].id, {
      stage: won ? 'won' : 'lost',
      probability: won ? 100 : 0,
      ...(amount ? { value: amount, ...(currency ? { currency } : {}) } : {}),
    });
  if (open.length === 0 && amount)
    return createDeal(tx, actor, lead.id, {
      title: lead.company ?? lead.contactName ?? 'Deal',
      value: amount,
      ...(currency ? { currency } : {}),
      stage: 'won',
      probability: 100,
    });
  return null;
}

export async function scheduleCall(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: ScheduleCallCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const found = await resolveLeadAndAssignee(tx, env, lang, cmd, resolved);
  if (!found.ok) return found.outcome;
  const { lead, settled, assigneeId } = found.value;
  const l = leadLabel(lead);
  if (!cmd.at)
    return {
      text: say(
        lang,
        `When should the call with ${l} be? Send the day and time, e.g. "tomorrow 11am".`,
        `${l} ko call kab karna hai? Din aur time bhejo, jaise "kal 11 baje".`,
        `${l} को कॉल कब करनी है? दिन और समय भेजें, जैसे "कल 11 बजे"।`,
      ),
      pending: {
        kind: 'time',
        command: cmd,
        resolved: { ...settled, memberId: assigneeId },
        lang,
        askedAt: env.now.toISOString(),
      },
    };
  const at = new Date(cmd.at);
  const tz = env.workspace.timeZone;
  const when = formatWhen(at, tz, lang, env.now);
  if (at.getTime() < env.now.getTime() && !resolved.confirmed)
    return confirmFirst(
      env,
      lang,
      say(
        lang,
        `That time has passed: schedule the call with ${l} for ${when}?`,
        `Ye time nikal chuka hai: ${l} ko call ${when} ko rakhein?`,
        `यह समय निकल चुका है: ${l} को कॉल ${when} को रखें?`,
      ),
      cmd,
      { ...settled, memberId: assigneeId },
    );
  await createTask(tx, actorOf(env), { leadId: lead.id, type: 'call', dueAt: at, assigneeId });
  const who = firstName(await memberName(tx, env.workspace.id, assigneeId));
  const by = firstName(env.member.name);
  const told = await notify(
    tx,
    env,
    assigneeId,
    'call.scheduled',
    say(
      lang,
      `📞 Call ${l} on ${when}, set for you by ${by}.`,
      `📞 ${l} ko ${when} ko call karna hai, ${by} ne aapke liye rakha.`,
      `📞 ${l} को ${when} को कॉल करनी है, ${by} ने आपके लिए रखी।`,
    ),
  );
  const toWhom =
    assigneeId === env.member.id
      ? ''
      : say(lang, `, assigned to ${who}`, `, ${who} ko assign kiya`, `, ${who} को असाइन की`);
  const tell = told ? toldLine(lang, who, told) : '';
  return {
    text: say(
      lang,
      `📞 Call with ${l} scheduled for ${when}${toWhom}.${tell}`,
      `📞 ${l} ko call ${when} ko rakh di${toWhom}.${tell}`,
      `📞 ${l} को कॉल ${when} को रख दी${toWhom}।${tell}`,
    ),
    pending: null,
  };
}

export async function setScore(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: SetScoreCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const found = await resolveLead(tx, env, lang, cmd.company, cmd, resolved, { create: false });
  if (!found.ok) return found.outcome;
  const lead = found.value;
  const l = leadLabel(lead);
  const was = lead.score;
  await updateLead(tx, actorOf(env), lead.id, { score: cmd.score });
  return {
    text: say(
      lang,
      `✏️ ${l} score set to ${cmd.score} (was ${was}).`,
      `✏️ ${l} ka score ab ${cmd.score} hai (pehle ${was} tha).`,
      `✏️ ${l} का स्कोर अब ${cmd.score} है (पहले ${was} था)।`,
    ),
    pending: null,
  };
}

const FIELD_NAMES = {
  contact_name: ['contact', 'contact', 'संपर्क'],
  phone: ['phone', 'phone', 'फ़ोन'],
  email: ['email', 'email', 'ईमेल'],
  source: ['source', 'source', 'स्रोत'],
  address: ['address', 'address', 'पता'],
} as const;
const TO_INPUT = {
  contact_name: 'contactName',
  phone: 'phone',
  email: 'email',
  source: 'source',
  address: 'address',
} as const;

export async function updateLeadFields(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: UpdateLeadCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const found = await resolveLead(tx, env, lang, cmd.company, cmd, resolved, { create: false });
  if (!found.ok) return found.outcome;
  const lead = found.value;
  const l = leadLabel(lead);
  const fields = (Object.keys(FIELD_NAMES) as (keyof typeof FIELD_NAMES)[]).filter((f) => cmd[f]);
  if (!fields.length)
    return {
      text: say(
        lang,
        `What should change for ${l}? E.g. "${l} email is now name@company.com".`,
        `${l} mein kya badalna hai? Jaise "${l} ka email name@company.com kar do".`,
        `${l} में क्या बदलना है? जैसे "${l} का ईमेल name@company.com कर दो"।`,
      ),
      pending: null,
    };
  const patch: LeadInput = {};
  for (const f of fields) patch[TO_INPUT[f]] = cmd[f];
  // crm/leads checks the values (a phone must parse, and belong to no other lead).
  await updateLead(tx, actorOf(env), lead.id, patch);
  const lines = fields.map((f) => {
    const [en, hinglish, hi] = FIELD_NAMES[f];
    return say(lang, `${en} is now ${cmd[f]}`, `${hinglish} ab ${cmd[f]} hai`, `${hi} अब ${cmd[f]} है`);
  });
  return {
    text: say(
      lang,
      `✏️ ${l}: ${lines.join('; ')}.`,
      `✏️ ${l} ka ${lines.join('; ')}.`,
      `✏️ ${l} का ${lines.join('; ')}।`,
    ),
    pending: null,
  };
}
