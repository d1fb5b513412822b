// Lead commands: create, qualify (and the details answer), reassign, add an activity, stop
// follow-ups. Every change goes through crm/ (which writes the activity); the assignee hears about
// new work through a notification returned with the reply.
import type {
  AddActivityCommand,
  Command,
  CreateLeadCommand,
  ProvideDetailsCommand,
  QualifyLeadCommand,
  ReassignLeadCommand,
  StopFollowupsCommand,
} from '../command.ts';
import { onStopFollowups } from '../hooks.ts';
import { recordActivity } from '../../crm/activities.ts';
import { systemActor } from '../../crm/actor.ts';
import { assignLead, findLeadByPhone, updateLead, type Lead, type LeadInput } from '../../crm/leads.ts';
import { addLead } from '../../nurture/lead-created.ts';
import { getMember, memberName } from '../../crm/members.ts';
import { addNote } from '../../crm/notes.ts';
import { listTasks, updateTask } from '../../crm/tasks.ts';
import type { Tx } from '../../db/client.ts';
import { actorOf, confirmFirst, type CommandEnv, type Outcome, type Resolved } from './context.ts';
import { firstName, say, statusLabel, type Lang } from '../../lib/language.ts';
import { memberReach } from '../../outbound/queue.ts';
import { leadLabel, resolveLead, resolveMember } from './resolve.ts';

/**
 * A notification to another member, returned with the command's reply (the outbox queues it).
 * `sent` when it will go now (their channel has no window, it is open, or a team template crosses
 * it), `held` when it waits for the member's next message, false when nobody is told (no member,
 * the sender themselves, inactive). `_kind` names it for readers of the call.
 */
export type Told = 'sent' | 'held' | false;
export async function notify(
  tx: Tx,
  env: CommandEnv,
  memberId: string | null | undefined,
  _kind: string,
  text: string,
): Promise<Told> {
  if (!memberId || memberId === env.member.id) return false;
  const member = await getMember(tx, env.workspace.id, memberId);
  if (!member?.active) return false;
  const reach = await memberReach(tx, env, env.workspace.id, memberId, env.now);
  if (!reach) return false;
  env.notices.push({ to: { member: memberId }, purpose: 'notification', text });
  return reach;
}

/** What the sender is told of a notice that waits for the member's window to open. */
export const heldLine = (lang: Lang, who: string) =>
  say(
    lang,
    ` ${who} can't be reached on WhatsApp right now; they'll see it when they next open the chat.`,
    ` ${who} abhi WhatsApp par reach nahi ho rahe; agli baar chat kholenge tab dekh lenge.`,
    ` ${who} अभी WhatsApp पर नहीं मिल रहे; अगली बार चैट खोलेंगे तब देख लेंगे।`,
  );

const sender = (env: CommandEnv) => firstName(env.member.name);

export async function createLeadCommand(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: CreateLeadCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const actor = actorOf(env);
  if (cmd.phone) {
    const other = await findLeadByPhone(tx, systemActor(actor.workspaceId), cmd.phone);
    if (other) {
      const owner = other.assigneeId ? firstName(await memberName(tx, actor.workspaceId, other.assigneeId)) : null;
      const who = owner ? say(lang, ` (assigned to ${owner})`, ` (${owner} ke paas)`, ` (${owner} के पास)`) : '';
      return {
        text: say(
          lang,
          `${cmd.phone} is already on the lead ${leadLabel(other)}${who}. I didn't create a new one.`,
          `${cmd.phone} pehle se lead ${leadLabel(other)}${who} par hai. Nayi lead nahi banayi.`,
          `${cmd.phone} पहले से लीड ${leadLabel(other)}${who} पर है। नई लीड नहीं बनाई।`,
        ),
      };
    }
  }
  let assignee = env.member as { id: string; name: string };
  if (resolved.memberId)
    assignee = { id: resolved.memberId, name: await memberName(tx, actor.workspaceId, resolved.memberId) };
  else if (cmd.assignee) {
    const m = await resolveMember(tx, env, lang, cmd.assignee, cmd, resolved);
    if (!m.ok) return m.outcome;
    assignee = m.value;
  }
  const { lead } = await addLead(tx, { queue: env.queue, now: () => env.now }, actor, {
    company: cmd.company,
    contactName: cmd.contact_name,
    phone: cmd.phone,
    email: cmd.email,
    source: cmd.source,
    assigneeId: assignee.id,
  });
  const facts = [lead.contactName, lead.phone, lead.email, lead.source].filter(Boolean).join(', ');
  const what = `${leadLabel(lead)}${facts ? ` (${facts})` : ''}`;
  const to = assignee.id === env.member.id ? say(lang, 'you', 'aapko', 'आपको') : firstName(assignee.name);
  const told = await notify(
    tx,
    env,
    assignee.id,
    'lead.assigned',
    say(
      lang,
      `New lead for you from ${sender(env)}: ${what}.`,
      `${sender(env)} ne aapko nayi lead di: ${what}.`,
      `${sender(env)} ने आपको नई लीड दी: ${what}।`,
    ),
  );
  const toldLine =
    told === 'held'
      ? heldLine(lang, to)
      : told
        ? say(lang, ` I've let ${to} know.`, ` ${to} ko bata diya hai.`, ` ${to} को सूचना भेज दी है।`)
        : '';
  return {
    text: say(
      lang,
      `✅ Lead created by ${sender(env)} and assigned to ${to}: ${what}.${toldLine}`,
      `✅ Lead ban gayi: ${what}. ${sender(env)} ne banayi, ${to} ko assign ki.${toldLine}`,
      `✅ लीड बन गई: ${what}। ${sender(env)} ने बनाई, ${to} को असाइन की।${toldLine}`,
    ),
    pending: null,
  };
}

type DetailField = 'address' | 'turnover' | 'currentSystem' | 'challenges';
const DETAIL_FIELDS: DetailField[] = ['address', 'turnover', 'currentSystem', 'challenges'];
const DETAIL_LABEL: Record<DetailField, [string, string, string]> = {
  address: ['address', 'address', 'पता'],
  turnover: ['turnover', 'turnover', 'टर्नओवर'],
  currentSystem: ['current system', 'current system', 'मौजूदा सिस्टम'],
  challenges: ['challenges', 'challenges', 'चुनौतियाँ'],
};
const labelOf = (f: DetailField, lang: Lang) => DETAIL_LABEL[f][lang === 'hi' ? 2 : lang === 'hinglish' ? 1 : 0];
const missingDetails = (lead: Lead) => DETAIL_FIELDS.filter((f) => !lead[f]?.trim());

function askDetails(env: CommandEnv, lang: Lang, lead: Lead, missing: DetailField[]): Outcome {
  const list = missing.map((f) => labelOf(f, lang)).join(', ');
  const example = missing.map((f) => `${labelOf(f, lang).replace(/^./, (c) => c.toUpperCase())}: …`).join(', ');
  return {
    text: say(
      lang,
      `To complete ${leadLabel(lead)}, send me the ${list} in one message, e.g. "${example}".`,
      `${leadLabel(lead)} ki ye details ek message mein bhej do: ${list}. Jaise "${example}".`,
      `${leadLabel(lead)} की ये जानकारी एक मैसेज में भेजें: ${list}। जैसे "${example}"।`,
    ),
    pending: { kind: 'details', leadId: lead.id, company: leadLabel(lead), lang, askedAt: env.now.toISOString() },
  };
}

/** Before qualification: a lead further along keeps its status ("qualified" would be a step back). */
const EARLY = new Set(['new', 'contacted']);

export async function qualifyLead(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: QualifyLeadCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const found = await resolveLead(tx, env, lang, cmd.company, cmd, resolved);
  if (!found.ok) return found.outcome;
  let lead = found.value;
  let head: string;
  if (EARLY.has(lead.status)) {
    lead = await updateLead(tx, actorOf(env), lead.id, { status: 'qualified' });
    head = say(
      lang,
      `✅ ${leadLabel(lead)} is now qualified.`,
      `✅ ${leadLabel(lead)} qualified ho gayi.`,
      `✅ ${leadLabel(lead)} क्वालिफाइड हो गई।`,
    );
  } else {
    const s = statusLabel(lead.status, lang);
    head = say(
      lang,
      `${leadLabel(lead)} is already ${s}.`,
      `${leadLabel(lead)} pehle se ${s} hai.`,
      `${leadLabel(lead)} पहले से "${s}" है।`,
    );
  }
  const missing = missingDetails(lead);
  if (!missing.length)
    return {
      text: `${head} ${say(lang, 'All qualification details are there.', 'Saari details pehle se hain.', 'सारी जानकारी पहले से है।')}`,
      pending: null,
    };
  const ask = askDetails(env, lang, lead, missing);
  return { ...ask, text: `${head}\n${ask.text}` };
}

const DETAIL_FROM_COMMAND: Record<DetailField, keyof ProvideDetailsCommand> = {
  address: 'address',
  turnover: 'turnover',
  currentSystem: 'current_system',
  challenges: 'challenges',
};

/** The answer to the details question: for the named company, else the lead the question was about. */
export async function provideDetails(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: ProvideDetailsCommand,
  resolved: Resolved,
): Promise<Outcome> {
  if (!cmd.company && !resolved.leadId) {
    return {
      text: say(
        lang,
        'Which lead are these details for? Send them with the company name, e.g. "Orbit Textiles: Address …, Turnover …".',
        'Ye details kis lead ki hain? Company ke naam ke saath bhejo, jaise "Orbit Textiles: Address …, Turnover …".',
        'ये जानकारी किस लीड की है? कंपनी के नाम के साथ भेजें, जैसे "Orbit Textiles: पता …, टर्नओवर …"।',
      ),
    };
  }
  const found = await resolveLead(tx, env, lang, cmd.company ?? '', cmd, resolved);
  if (!found.ok) return found.outcome;
  const patch: LeadInput = {};
  for (const f of DETAIL_FIELDS) {
    const v = cmd[DETAIL_FROM_COMMAND[f]];
    if (typeof v === 'string' && v.trim()) patch[f] = v.trim();
  }
  const lead = await updateLead(tx, actorOf(env), found.value.id, patch, { activityType: 'lead.details_added' });
  const saved = DETAIL_FIELDS.filter((f) => patch[f])
    .map((f) => `${labelOf(f, lang)}: ${patch[f]}`)
    .join('; ');
  const head = say(
    lang,
    `Saved for ${leadLabel(lead)}: ${saved}.`,
    `${leadLabel(lead)} ke liye save kiya: ${saved}.`,
    `${leadLabel(lead)} के लिए सेव किया: ${saved}।`,
  );
  const missing = missingDetails(lead);
  if (!missing.length) return { text: `✅ ${head}`, pending: null };
  const ask = askDetails(env, lang, lead, missing);
  return {
    ...ask,
    text: `${head}\n${say(lang, 'Still missing', 'Abhi bhi baaki', 'अभी भी बाकी')}: ${missing.map((f) => labelOf(f, lang)).join(', ')}.`,
  };
}

export async function addActivity(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: AddActivityCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const found = await resolveLead(tx, env, lang, cmd.company, cmd, resolved);
  if (!found.ok) return found.outcome;
  await addNote(tx, actorOf(env), found.value.id, cmd.note);
  const l = leadLabel(found.value);
  return {
    text: say(
      lang,
      `📝 Added to ${l}: ${cmd.note}`,
      `📝 ${l} mein add kiya: ${cmd.note}`,
      `📝 ${l} में जोड़ा: ${cmd.note}`,
    ),
    pending: null,
  };
}

export async function reassignLead(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: ReassignLeadCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const found = await resolveLead(tx, env, lang, cmd.company, cmd, resolved);
  if (!found.ok) return found.outcome;
  const lead = found.value;
  const m = resolved.memberId
    ? {
        ok: true as const,
        value: { id: resolved.memberId, name: await memberName(tx, env.workspace.id, resolved.memberId) },
      }
    : await resolveMember(tx, env, lang, cmd.assignee, cmd, { ...resolved, leadId: lead.id });
  if (!m.ok) return m.outcome;
  const to = m.value;
  const l = leadLabel(lead);
  if (lead.assigneeId === to.id)
    return {
      text: say(
        lang,
        `${l} is already with ${firstName(to.name)}.`,
        `${l} pehle se ${firstName(to.name)} ke paas hai.`,
        `${l} पहले से ${firstName(to.name)} के पास है।`,
      ),
      pending: null,
    };
  const actor = actorOf(env);
  const oldId = lead.assigneeId;
  const oldName = oldId ? firstName(await memberName(tx, actor.workspaceId, oldId)) : null;
  // Taking a lead from someone else is echoed back first.
  if (oldId && oldId !== env.member.id && oldName && !resolved.confirmed)
    return confirmFirst(
      env,
      lang,
      say(
        lang,
        `Reassign ${l} from ${oldName} to ${firstName(to.name)}?`,
        `${l} ko ${oldName} se lekar ${firstName(to.name)} ko dein?`,
        `${l} को ${oldName} से लेकर ${firstName(to.name)} को दें?`,
      ),
      cmd,
      { ...resolved, leadId: lead.id, memberId: to.id },
    );
  // Pending meetings and demos go with the lead (before the reassignment: an agent who hands a
  // lead over no longer sees its tasks afterwards).
  const open = await listTasks(tx, actor, { leadId: lead.id, status: 'pending', limit: 200 });
  for (const t of open.data) if (t.assigneeId === oldId) await updateTask(tx, actor, t.id, { assigneeId: to.id });
  await assignLead(tx, actor, lead.id, to.id);
  const from = oldName
    ? say(lang, ` (was with ${oldName})`, ` (pehle ${oldName} ke paas thi)`, ` (पहले ${oldName} के पास थी)`)
    : '';
  const toldNew = await notify(
    tx,
    env,
    to.id,
    'lead.reassigned',
    say(
      lang,
      `${sender(env)} assigned ${l} to you${from}.`,
      `${sender(env)} ne ${l} aapko de di${from}.`,
      `${sender(env)} ने ${l} आपको दे दी${from}।`,
    ),
  );
  const toldOld = await notify(
    tx,
    env,
    oldId,
    'lead.unassigned',
    say(
      lang,
      `${sender(env)} reassigned ${l} from you to ${firstName(to.name)}.`,
      `${sender(env)} ne ${l} aapse lekar ${firstName(to.name)} ko de di.`,
      `${sender(env)} ने ${l} आपसे लेकर ${firstName(to.name)} को दे दी।`,
    ),
  );
  const names = [toldNew === 'sent' ? firstName(to.name) : null, toldOld === 'sent' ? oldName : null]
    .filter(Boolean)
    .join(say(lang, ' and ', ' aur ', ' और '));
  const toldLine =
    (names ? say(lang, ` Notified ${names}.`, ` ${names} ko bata diya.`, ` ${names} को सूचना भेज दी।`) : '') +
    (toldNew === 'held' ? heldLine(lang, firstName(to.name)) : '') +
    (toldOld === 'held' && oldName ? heldLine(lang, oldName) : '');
  const toName = to.id === env.member.id ? say(lang, 'you', 'aap', 'आप') : firstName(to.name);
  return {
    text: say(
      lang,
      `🔁 ${l} reassigned to ${toName}${from}.${toldLine}`,
      `🔁 ${l} ab ${toName} ke paas hai${from}.${toldLine}`,
      `🔁 ${l} अब ${toName} के पास है${from}।${toldLine}`,
    ),
    pending: null,
  };
}

export async function stopFollowups(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: StopFollowupsCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const found = await resolveLead(tx, env, lang, cmd.company, cmd, resolved);
  if (!found.ok) return found.outcome;
  const lead = found.value;
  await recordActivity(tx, {
    workspaceId: env.workspace.id,
    leadId: lead.id,
    actorId: env.member.id,
    type: 'followups.stopped',
    text: `Follow-ups stopped by ${env.member.name}`,
  });
  const extra = await onStopFollowups(tx, env, lead);
  const l = leadLabel(lead);
  const text = say(
    lang,
    `🛑 Follow-ups for ${l} stopped.`,
    `🛑 ${l} ke follow-ups band kar diye.`,
    `🛑 ${l} के फॉलो-अप बंद कर दिए।`,
  );
  return { text: extra ? `${text}\n${extra}` : text, pending: null };
}

export type LeadCommand = Extract<
  Command,
  { intent: 'create_lead' | 'qualify_lead' | 'provide_details' | 'add_activity' | 'reassign_lead' | 'stop_followups' }
>;
