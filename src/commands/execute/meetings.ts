// Meetings and demos: schedule (a task at the time, the lead's status, the assignee notified),
// reschedule (the pending task moves; old → new time in its activity), done (task done,
// status, the note as an activity; a done demo starts the nurture hook) and cancel (task
// cancelled with the reason in its activity, the assignee notified).
import type {
  CancelDemoCommand,
  Command,
  CancelMeetingCommand,
  DemoDoneCommand,
  MeetingDoneCommand,
  RescheduleDemoCommand,
  RescheduleMeetingCommand,
  ScheduleDemoCommand,
  ScheduleMeetingCommand,
} from '../command.ts';
import { onDemoDone, onMeetingDone } from '../hooks.ts';
import { recordActivity } from '../../crm/activities.ts';
import { lastStatusChange } from '../../crm/lead-activities.ts';
import { updateLead, type Lead } from '../../crm/leads.ts';
import { memberName } from '../../crm/members.ts';
import { addNote } from '../../crm/notes.ts';
import { createTask, listTasks, updateTask, type Task } from '../../crm/tasks.ts';
import type { LeadStatus } from '../../db/schema/index.ts';
import type { Tx } from '../../db/client.ts';
import { actorOf, confirmFirst, type CommandEnv, type Outcome, type Resolved } from './context.ts';
import { firstName, formatWhen, say, type Lang } from '../../lib/language.ts';
import { heldLine, notify, type Told } from './leads.ts';
import { leadLabel, resolveLead, resolveLeadAndAssignee } from './resolve.ts';

type Kind = 'meeting' | 'demo';
const noun = (kind: Kind, lang: Lang) =>
  kind === 'demo' ? say(lang, 'Demo', 'Demo', 'डेमो') : say(lang, 'Meeting', 'Meeting', 'मीटिंग');

/** Hindi agreement: मीटिंग is feminine, डेमो masculine ("मीटिंग तय हो गई", "डेमो तय हो गया"). */
const hi = (kind: Kind, feminine: string, masculine: string) => (kind === 'demo' ? masculine : feminine);

/** Pipeline order: a command moves a lead forward, never back, and never out of won/lost/customer. */
const ORDER: LeadStatus[] = [
  'new',
  'contacted',
  'qualified',
  'meeting_scheduled',
  'demo_scheduled',
  'demo_done',
  'proposal',
  'negotiation',
];
const movesForward = (from: LeadStatus, to: LeadStatus) =>
  ORDER.includes(from) && ORDER.indexOf(to) > ORDER.indexOf(from);

async function advance(tx: Tx, env: CommandEnv, lead: Lead, to: LeadStatus): Promise<Lead> {
  return movesForward(lead.status, to) ? updateLead(tx, actorOf(env), lead.id, { status: to }) : lead;
}

/** The lead's pending meeting (or demo): the next one due, else the latest. */
async function pendingTask(tx: Tx, env: CommandEnv, lead: Lead, kind: Kind): Promise<Task | undefined> {
  const { data } = await listTasks(tx, actorOf(env), { leadId: lead.id, type: kind, status: 'pending', limit: 50 });
  const now = env.now.getTime();
  return data.find((t) => t.dueAt && t.dueAt.getTime() >= now - 3600_000) ?? data.at(-1);
}

/** " Rekha has been notified." — only when a notification went out (`notify` answered true). */
const notifiedLine = (lang: Lang, who: string, told: Told) =>
  told === 'held'
    ? heldLine(lang, who)
    : say(lang, ` ${who} has been notified.`, ` ${who} ko bata diya.`, ` ${who} को सूचना भेज दी।`);

export async function scheduleCommand(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: ScheduleMeetingCommand | ScheduleDemoCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const kind: Kind = cmd.intent === 'schedule_demo' ? 'demo' : 'meeting';
  const found = await resolveLeadAndAssignee(tx, env, lang, cmd, resolved);
  if (!found.ok) return found.outcome;
  const { lead, settled, assigneeId } = found.value;
  const l = leadLabel(lead);
  if (!cmd.at) {
    // Never guess a time: ask, and remember the rest of the command.
    return {
      text: say(
        lang,
        `When is the ${kind} with ${l}? Send the day and time, e.g. "tomorrow 3pm".`,
        `${l} ke saath ${kind} kab hai? Din aur time bhejo, jaise "kal 3 baje".`,
        `${l} के साथ ${noun(kind, lang)} कब है? दिन और समय भेजें, जैसे "कल 3 बजे"।`,
      ),
      pending: {
        kind: 'time',
        command: cmd,
        resolved: { ...settled, memberId: assigneeId },
        lang,
        askedAt: env.now.toISOString(),
      },
    };
  }
  const at = new Date(cmd.at);
  const upcoming = resolved.another ? undefined : await pendingTask(tx, env, lead, kind);
  if (upcoming?.dueAt && upcoming.dueAt.getTime() >= env.now.getTime()) {
    // One meeting, not two: the member says whether this moves it or adds another.
    const tz = env.workspace.timeZone;
    const was = formatWhen(upcoming.dueAt, tz, lang, env.now);
    const when = formatWhen(at, tz, lang, env.now);
    const move: Command = {
      intent: kind === 'demo' ? 'reschedule_demo' : 'reschedule_meeting',
      company: cmd.company,
      at: cmd.at,
    };
    return {
      text: say(
        lang,
        `There is already a ${kind} with ${l} on ${was}. Move it to ${when}, or add another? 1 move it / 2 add another`,
        `${l} ke saath ek ${kind} pehle se ${was} ko hai. Use ${when} par shift karein, ya ek aur jodein? 1 shift karo / 2 ek aur jodo`,
        `${l} के साथ एक ${noun(kind, lang)} पहले से ${was} को तय है। उसे ${when} पर ले जाएँ, या एक और जोड़ें? 1 ले जाएँ / 2 एक और जोड़ें`,
      ),
      pending: {
        kind: 'choice',
        steps: [
          { command: move, resolved: { leadId: lead.id } },
          { command: cmd, resolved: { ...settled, memberId: assigneeId, another: true } },
        ],
        lang,
        askedAt: env.now.toISOString(),
      },
    };
  }
  if (at.getTime() < env.now.getTime() && !resolved.confirmed) {
    const when = formatWhen(at, env.workspace.timeZone, lang, env.now);
    return confirmFirst(
      env,
      lang,
      say(
        lang,
        `That time has passed: schedule the ${kind} with ${l} for ${when}?`,
        `Ye time nikal chuka hai: ${l} ke saath ${kind} ${when} ko fix karein?`,
        `यह समय निकल चुका है: ${l} के साथ ${noun(kind, lang)} ${when} को तय करें?`,
      ),
      cmd,
      { ...settled, memberId: assigneeId },
    );
  }
  await createTask(tx, actorOf(env), { leadId: lead.id, type: kind, dueAt: at, assigneeId });
  await advance(tx, env, lead, kind === 'demo' ? 'demo_scheduled' : 'meeting_scheduled');
  const when = formatWhen(at, env.workspace.timeZone, lang, env.now);
  const who = firstName(await memberName(tx, env.workspace.id, assigneeId));
  const by = firstName(env.member.name);
  const told = await notify(
    tx,
    env,
    assigneeId,
    `${kind}.scheduled`,
    say(
      lang,
      `📅 ${noun(kind, lang)} with ${l} on ${when}, scheduled for you by ${by}.`,
      `📅 ${l} ke saath ${kind} ${when} ko, ${by} ne aapke liye fix kiya.`,
      `📅 ${l} के साथ ${noun(kind, lang)} ${when} को, ${by} ने आपके लिए ${hi(kind, 'तय की', 'तय किया')}।`,
    ),
  );
  const toWhom =
    assigneeId === env.member.id
      ? ''
      : say(
          lang,
          `, assigned to ${who}`,
          `, ${who} ko assign kiya`,
          `, ${who} को ${hi(kind, 'असाइन की', 'असाइन किया')}`,
        );
  const toldLine = told ? notifiedLine(lang, who, told) : '';
  return {
    text: say(
      lang,
      `📅 ${noun(kind, lang)} with ${l} scheduled for ${when}${toWhom}.${toldLine}`,
      `📅 ${l} ke saath ${kind} ${when} ko fix ho gaya${toWhom}.${toldLine}`,
      `📅 ${l} के साथ ${noun(kind, lang)} ${when} को ${hi(kind, 'तय हो गई', 'तय हो गया')}${toWhom}।${toldLine}`,
    ),
    pending: null,
  };
}

export async function rescheduleCommand(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: RescheduleMeetingCommand | RescheduleDemoCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const kind: Kind = cmd.intent === 'reschedule_demo' ? 'demo' : 'meeting';
  const found = await resolveLead(tx, env, lang, cmd.company, cmd, resolved);
  if (!found.ok) return found.outcome;
  const lead = found.value;
  const task = await pendingTask(tx, env, lead, kind);
  if (!task) {
    // Nothing to move: book it at the new time rather than lose the request.
    const out = await scheduleCommand(
      tx,
      env,
      lang,
      { intent: kind === 'demo' ? 'schedule_demo' : 'schedule_meeting', company: cmd.company, at: cmd.at },
      { leadId: lead.id },
    );
    const l = leadLabel(lead);
    return {
      ...out,
      text: `${say(lang, `There was no ${kind} with ${l} to move, so I booked one.`, `${l} ke saath koi ${kind} fix nahi tha, isliye naya fix kar diya.`, `${l} के साथ कोई ${noun(kind, lang)} ${hi(kind, 'तय नहीं थी, इसलिए नई तय कर दी', 'तय नहीं था, इसलिए नया तय कर दिया')}।`)}\n${out.text}`,
    };
  }
  const at = new Date(cmd.at);
  const tz = env.workspace.timeZone;
  if (at.getTime() < env.now.getTime() && !resolved.confirmed)
    return confirmFirst(
      env,
      lang,
      say(
        lang,
        `That time has passed: move the ${kind} with ${leadLabel(lead)} to ${formatWhen(at, tz, lang, env.now)}?`,
        `Ye time nikal chuka hai: ${leadLabel(lead)} ke saath ${kind} ${formatWhen(at, tz, lang, env.now)} par shift karein?`,
        `यह समय निकल चुका है: ${leadLabel(lead)} के साथ ${noun(kind, lang)} ${formatWhen(at, tz, lang, env.now)} पर करें?`,
      ),
      cmd,
      { ...resolved, leadId: lead.id },
    );
  const from = task.dueAt ? formatWhen(task.dueAt, tz, lang, env.now) : say(lang, 'no time', 'bina time', 'बिना समय');
  const to = formatWhen(at, tz, lang, env.now);
  const l = leadLabel(lead);
  if (task.dueAt?.getTime() === at.getTime())
    return {
      text: say(
        lang,
        `The ${kind} with ${l} is already at ${to}.`,
        `${l} ke saath ${kind} pehle se ${to} ko hai.`,
        `${l} के साथ ${noun(kind, lang)} पहले से ${to} को है।`,
      ),
      pending: null,
    };
  await updateTask(tx, actorOf(env), task.id, { dueAt: at });
  const by = firstName(env.member.name);
  const told = await notify(
    tx,
    env,
    task.assigneeId,
    `${kind}.rescheduled`,
    say(
      lang,
      `🔁 ${noun(kind, lang)} with ${l} moved from ${from} to ${to} by ${by}.`,
      `🔁 ${l} ke saath ${kind} ${from} se ${to} par shift, ${by} ne kiya.`,
      `🔁 ${l} के साथ ${noun(kind, lang)} ${from} से ${to} पर, ${by} ने ${hi(kind, 'बदली', 'बदला')}।`,
    ),
  );
  const toldLine = told
    ? notifiedLine(lang, firstName(await memberName(tx, env.workspace.id, task.assigneeId!)), told)
    : '';
  return {
    text: say(
      lang,
      `🔁 ${noun(kind, lang)} with ${l} moved from ${from} to ${to}.${toldLine}`,
      `🔁 ${l} ke saath ${kind} ${from} se ${to} par shift ho gaya.${toldLine}`,
      `🔁 ${l} के साथ ${noun(kind, lang)} ${from} से ${to} पर ${hi(kind, 'कर दी', 'कर दिया')}।${toldLine}`,
    ),
    pending: null,
  };
}

export async function doneCommand(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: MeetingDoneCommand | DemoDoneCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const kind: Kind = cmd.intent === 'demo_done' ? 'demo' : 'meeting';
  const found = await resolveLead(tx, env, lang, cmd.company, cmd, resolved);
  if (!found.ok) return found.outcome;
  let lead = found.value;
  const actor = actorOf(env);
  const task = await pendingTask(tx, env, lead, kind);
  if (task) await updateTask(tx, actor, task.id, { status: 'done' });
  else {
    // Held without being scheduled here: the history still needs the event.
    await recordActivity(tx, {
      workspaceId: env.workspace.id,
      leadId: lead.id,
      actorId: env.member.id,
      type: `${kind}.completed`,
      text: `${kind === 'demo' ? 'Demo' : 'Meeting'} with ${leadLabel(lead)} marked done by ${env.member.name}`,
    });
  }
  if (cmd.note) await addNote(tx, actor, lead.id, cmd.note);
  // A demo held is its own stage. A meeting held leaves the lead qualified, awaiting its next
  // step, unless another meeting is still ahead.
  if (kind === 'demo') lead = await advance(tx, env, lead, 'demo_done');
  else if (
    lead.status === 'new' ||
    lead.status === 'contacted' ||
    (lead.status === 'meeting_scheduled' && !(await pendingTask(tx, env, lead, 'meeting')))
  ) {
    lead = await updateLead(tx, actor, lead.id, { status: 'qualified' });
  }
  const extra = kind === 'demo' ? await onDemoDone(tx, env, lead) : await onMeetingDone(tx, env, lead);
  const l = leadLabel(lead);
  const note = cmd.note
    ? say(lang, ` Note saved: ${cmd.note}`, ` Note save kiya: ${cmd.note}`, ` नोट सेव किया: ${cmd.note}`)
    : '';
  const text = say(
    lang,
    `✅ ${noun(kind, lang)} with ${l} marked done.${note}`,
    `✅ ${l} ke saath ${kind} done mark kar diya.${note}`,
    `✅ ${l} के साथ ${noun(kind, lang)} ${hi(kind, 'पूरी हो गई', 'पूरा हो गया')}।${note}`,
  );
  return { text: extra ? `${text}\n${extra}` : text, pending: null };
}

export async function cancelCommand(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: CancelMeetingCommand | CancelDemoCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const kind: Kind = cmd.intent === 'cancel_demo' ? 'demo' : 'meeting';
  // Creating a lead only to find nothing on it to cancel helps nobody: no "create it?" offer.
  const found = await resolveLead(tx, env, lang, cmd.company, cmd, resolved, { create: false });
  if (!found.ok) return found.outcome;
  let lead = found.value;
  const l = leadLabel(lead);
  const tz = env.workspace.timeZone;
  const task = await pendingTask(tx, env, lead, kind);
  if (!task) {
    // Said "meeting" for the demo (or the other way round): point at the one that is there.
    const other: Kind = kind === 'demo' ? 'meeting' : 'demo';
    const that = await pendingTask(tx, env, lead, other);
    const hint = that?.dueAt
      ? say(
          lang,
          ` There is a ${other} on ${formatWhen(that.dueAt, tz, lang, env.now)}: say "cancel the ${other} with ${l}" to cancel it.`,
          ` ${formatWhen(that.dueAt, tz, lang, env.now)} ko ${other} hai: use cancel karna ho to "${l} ka ${other} cancel karo" bhejo.`,
          ` ${formatWhen(that.dueAt, tz, lang, env.now)} को ${noun(other, lang)} है: उसे रद्द करना हो तो "${l} ${hi(other, 'की', 'का')} ${noun(other, lang)} रद्द करो" भेजें।`,
        )
      : '';
    return {
      text: say(
        lang,
        `There is no upcoming ${kind} with ${l} to cancel.${hint}`,
        `${l} ke saath koi ${kind} fix nahi hai, cancel karne ko kuch nahi.${hint}`,
        `${l} के साथ कोई ${noun(kind, lang)} तय नहीं है, रद्द करने को कुछ नहीं।${hint}`,
      ),
      pending: null,
    };
  }
  const actor = actorOf(env);
  // The activity (crm/tasks) says what was cancelled, by whom and why. A cancelled task gets no
  // more reminders and leaves the digest: both only look at pending tasks (nurture/sweep, digest).
  await updateTask(tx, actor, task.id, { status: 'cancelled' }, cmd.note ? { note: `Reason: ${cmd.note}` } : {});
  // A status that promised this meeting (demo) goes back to what it was before the booking, when
  // no other is left and the booking was its last change (a later move is someone's decision).
  if (lead.status === `${kind}_scheduled` && !(await pendingTask(tx, env, lead, kind))) {
    const last = await lastStatusChange(tx, actor, lead.id);
    let back =
      last?.new === lead.status && ORDER.includes(last.old as LeadStatus) ? (last.old as LeadStatus) : undefined;
    // Back to "meeting scheduled" only with a meeting still ahead (it may have been held since).
    if (back === 'meeting_scheduled' && !(await pendingTask(tx, env, lead, 'meeting'))) back = 'qualified';
    if (back) lead = await updateLead(tx, actor, lead.id, { status: back });
  }
  const when = task.dueAt ? formatWhen(task.dueAt, tz, lang, env.now) : undefined;
  const on = when ? say(lang, ` on ${when}`, ` ${when} wala`, ` ${when} ${hi(kind, 'की', 'का')}`) : '';
  const why = cmd.note ? say(lang, ` Reason: ${cmd.note}.`, ` Wajah: ${cmd.note}.`, ` वजह: ${cmd.note}।`) : '';
  const by = firstName(env.member.name);
  const told = await notify(
    tx,
    env,
    task.assigneeId,
    `${kind}.cancelled`,
    say(
      lang,
      `❌ ${noun(kind, lang)} with ${l}${on} was cancelled by ${by}.${why}`,
      `❌ ${l} ke saath${on} ${kind} ${by} ne cancel kar diya.${why}`,
      `❌ ${l} के साथ${on} ${noun(kind, lang)} ${by} ने ${hi(kind, 'रद्द कर दी', 'रद्द कर दिया')}।${why}`,
    ),
  );
  const toldLine = told
    ? notifiedLine(lang, firstName(await memberName(tx, env.workspace.id, task.assigneeId!)), told)
    : '';
  const next = await pendingTask(tx, env, lead, kind);
  const nextLine =
    next?.dueAt && next.dueAt.getTime() >= env.now.getTime()
      ? say(
          lang,
          ` Another ${kind} with ${l} is still on ${formatWhen(next.dueAt, tz, lang, env.now)}.`,
          ` ${l} ke saath ek aur ${kind} ${formatWhen(next.dueAt, tz, lang, env.now)} ko abhi bhi hai.`,
          ` ${l} के साथ एक और ${noun(kind, lang)} ${formatWhen(next.dueAt, tz, lang, env.now)} को अभी भी तय है।`,
        )
      : '';
  return {
    text: say(
      lang,
      `❌ ${noun(kind, lang)} with ${l}${on} cancelled.${why}${toldLine}${nextLine}`,
      `❌ ${l} ke saath${on} ${kind} cancel kar diya.${why}${toldLine}${nextLine}`,
      `❌ ${l} के साथ${on} ${noun(kind, lang)} ${hi(kind, 'रद्द कर दी', 'रद्द कर दिया')}।${why}${toldLine}${nextLine}`,
    ),
    pending: null,
  };
}
