// Read-only commands: a member's leads and tasks (agents only their own; managers and above
// anyone's, or everyone's), a lead's recent history, help and "didn't understand".
import type { LeadHistoryCommand, ListLeadsCommand, ListTasksCommand } from '../command.ts';
import { seesAll } from '../../crm/actor.ts';
import { getLeadHistory, type HistoryItem } from '../../crm/history.ts';
import { listLeads } from '../../crm/leads.ts';
import { memberNames, type Member } from '../../crm/members.ts';
import { listTasks, listUpcomingTasks, type TaskWithCompany } from '../../crm/tasks.ts';
import type { Tx } from '../../db/client.ts';
import { instantOf } from '../../lib/zone.ts';
import { actorOf, type CommandEnv, type Outcome, type Resolved } from './context.ts';
import { firstName, formatTime, formatWhen, say, statusLabel, type Lang } from '../../lib/language.ts';
import { findMember, leadLabel, resolveLead, unknownMemberText } from './resolve.ts';

const SHOW = 10;
const EVERYONE = /\b(?:all|everyone|everybody|team|sab|sabki|sabke|sabhi|saare|sare|poori)\b|सब|सभी|सारे|पूरी टीम/i;

type Target = { kind: 'self' } | { kind: 'member'; member: Member } | { kind: 'all' };

/** Whose list: the named member (managers and above only), everyone ("all leads"), or the sender. */
async function target(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  assignee: string | undefined,
  what: 'leads' | 'tasks',
): Promise<{ ok: true; value: Target } | { ok: false; outcome: Outcome }> {
  const manager = seesAll(actorOf(env));
  if (assignee) {
    const m = await findMember(tx, env, assignee);
    if (!m) return { ok: false, outcome: { text: await unknownMemberText(tx, env, lang, assignee, false) } };
    if (m.id === env.member.id) return { ok: true, value: { kind: 'self' } };
    if (!manager) {
      const w = what === 'leads' ? say(lang, 'leads', 'leads', 'लीड') : say(lang, 'tasks', 'tasks', 'टास्क');
      return {
        ok: false,
        outcome: {
          text: say(
            lang,
            `Agents can only see their own ${w}. Ask a manager for ${firstName(m.name)}'s.`,
            `Agent sirf apni ${w} dekh sakte hain. ${firstName(m.name)} ki ${w} ke liye manager se poochho.`,
            `एजेंट सिर्फ़ अपने ${w} देख सकते हैं। ${firstName(m.name)} के ${w} के लिए मैनेजर से पूछें।`,
          ),
        },
      };
    }
    return { ok: true, value: { kind: 'member', member: m } };
  }
  return { ok: true, value: manager && EVERYONE.test(env.message.text ?? '') ? { kind: 'all' } : { kind: 'self' } };
}

function whose(t: Target, lang: Lang, what: string): string {
  if (t.kind === 'all') return say(lang, `All ${what}`, `Sabki ${what}`, `सभी ${what}`);
  if (t.kind === 'member')
    return say(
      lang,
      `${firstName(t.member.name)}'s ${what}`,
      `${firstName(t.member.name)} ki ${what}`,
      `${firstName(t.member.name)} के ${what}`,
    );
  return say(lang, `Your ${what}`, `Aapki ${what}`, `आपके ${what}`);
}

const memberIdOf = (env: CommandEnv, t: Target) =>
  t.kind === 'all' ? undefined : t.kind === 'member' ? t.member.id : env.member.id;

export async function listLeadsCommand(tx: Tx, env: CommandEnv, lang: Lang, cmd: ListLeadsCommand): Promise<Outcome> {
  const t = await target(tx, env, lang, cmd.assignee, 'leads');
  if (!t.ok) return t.outcome;
  const page = await listLeads(tx, actorOf(env), { assigneeId: memberIdOf(env, t.value), limit: SHOW });
  const title = whose(t.value, lang, say(lang, 'leads', 'leads', 'लीड'));
  if (!page.data.length)
    return { text: say(lang, `${title}: none yet.`, `${title}: abhi koi nahi.`, `${title}: अभी कोई नहीं।`) };
  const names =
    t.value.kind === 'all'
      ? await memberNames(
          tx,
          env.workspace.id,
          page.data.map((l) => l.assigneeId),
        )
      : new Map<string, string>();
  const lines = page.data.map((l, i) => {
    const who = l.contactName && l.company ? ` (${l.contactName})` : '';
    const owner = l.assigneeId && names.has(l.assigneeId) ? ` → ${firstName(names.get(l.assigneeId)!)}` : '';
    return `${i + 1}. ${leadLabel(l)}${who} · ${statusLabel(l.status, lang)}${owner}`;
  });
  const more = page.nextCursor
    ? `\n${say(lang, '…and more in the dashboard.', '…baaki dashboard mein.', '…बाकी डैशबोर्ड में।')}`
    : '';
  return { text: `${title} (${page.nextCursor ? `${SHOW}+` : page.data.length}):\n${lines.join('\n')}${more}` };
}

const TYPE: Record<string, [string, string, string]> = {
  meeting: ['Meeting', 'Meeting', 'मीटिंग'],
  demo: ['Demo', 'Demo', 'डेमो'],
  follow_up: ['Follow-up', 'Follow-up', 'फॉलो-अप'],
  call: ['Call', 'Call', 'कॉल'],
  other: ['Task', 'Task', 'टास्क'],
};
const typeLabel = (type: string, lang: Lang) =>
  (TYPE[type] ?? TYPE.other)[lang === 'hi' ? 2 : lang === 'hinglish' ? 1 : 0];

function taskLine(t: TaskWithCompany, env: CommandEnv, lang: Lang, oneDay: boolean, owner?: string): string {
  const tz = env.workspace.timeZone;
  const when = t.dueAt
    ? oneDay
      ? formatTime(t.dueAt, tz, lang)
      : formatWhen(t.dueAt, tz, lang, env.now)
    : say(lang, 'no time', 'bina time', 'बिना समय');
  const what = t.company || t.contactName ? `${typeLabel(t.type, lang)} · ${t.company || t.contactName}` : t.title;
  const done = t.status === 'done' ? ' ✓' : '';
  return `• ${when} · ${what}${owner ? ` → ${owner}` : ''}${done}`;
}

export async function listTasksCommand(tx: Tx, env: CommandEnv, lang: Lang, cmd: ListTasksCommand): Promise<Outcome> {
  const t = await target(tx, env, lang, cmd.assignee, 'tasks');
  if (!t.ok) return t.outcome;
  const actor = actorOf(env);
  const assigneeId = memberIdOf(env, t.value);
  const tz = env.workspace.timeZone;
  let rows: TaskWithCompany[];
  let more = false;
  let title = whose(t.value, lang, say(lang, 'tasks', 'tasks', 'टास्क'));
  if (cmd.when) {
    const [y, m, d] = cmd.when.split('-').map(Number);
    const from = new Date(instantOf({ year: y, month: m, day: d }, 0, 0, tz));
    const to = new Date(instantOf({ year: y, month: m, day: d }, 23, 59, tz) + 59_999);
    const page = await listTasks(tx, actor, { assigneeId, dueFrom: from, dueTo: to, limit: 50 });
    rows = page.data.filter((x) => x.status !== 'cancelled');
    const day = new Intl.DateTimeFormat(lang === 'hi' ? 'hi-IN' : 'en-IN', {
      timeZone: tz,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
    }).format(from);
    title = `${title}, ${day}`;
  } else {
    const page = assigneeId
      ? await listUpcomingTasks(tx, actor, assigneeId, env.now, { limit: SHOW })
      : await listTasks(tx, actor, {
          status: 'pending',
          dueFrom: new Date(env.now.getTime() - 24 * 3600_000),
          limit: SHOW,
        });
    rows = page.data;
    more = !!page.nextCursor;
    title = say(lang, `${title}, upcoming`, `${title}, aane wale`, `${title}, आने वाले`);
  }
  if (!rows.length)
    return { text: say(lang, `${title}: nothing scheduled.`, `${title}: kuch nahi hai.`, `${title}: कुछ तय नहीं है।`) };
  const names =
    t.value.kind === 'all'
      ? await memberNames(
          tx,
          env.workspace.id,
          rows.map((r) => r.assigneeId),
        )
      : new Map<string, string>();
  const lines = rows
    .slice(0, cmd.when ? 50 : SHOW)
    .map((r) =>
      taskLine(
        r,
        env,
        lang,
        !!cmd.when,
        r.assigneeId && names.has(r.assigneeId) ? firstName(names.get(r.assigneeId)!) : undefined,
      ),
    );
  return {
    text: `${title}:\n${lines.join('\n')}${more ? `\n${say(lang, '…and more in the dashboard.', '…baaki dashboard mein.', '…बाकी डैशबोर्ड में।')}` : ''}`,
  };
}

/** Task kind: [Hinglish, Hindi]; डेमो is masculine, मीटिंग and कॉल feminine. */
const TASK_HI: Record<string, [string, string]> = {
  meeting: ['Meeting', 'मीटिंग'],
  demo: ['Demo', 'डेमो'],
  call: ['Call', 'कॉल'],
};
const EVENT: Record<string, [string, string, string]> = {
  // event: [Hinglish, Hindi (feminine), Hindi (masculine)]
  scheduled: ['fix hua', 'तय हुई', 'तय हुआ'],
  rescheduled: ['ka time badla', 'का समय बदला', 'का समय बदला'],
  completed: ['ho gaya', 'पूरी हुई', 'पूरा हुआ'],
  cancelled: ['cancel hua', 'रद्द हुई', 'रद्द हुआ'],
};

/** A history line in the reply's language; what has no translation here keeps crm/'s English text. */
function historyLine(i: HistoryItem, lang: Lang): string {
  if (lang === 'en' || i.kind !== 'activity') return i.text;
  const by = i.actorName ? firstName(i.actorName) : undefined;
  const changes = (i.data.changes ?? {}) as Record<string, { old?: unknown; new?: unknown }>;
  const [kind, event] = i.type.split('.');
  if (i.type === 'lead.created')
    return say(lang, i.text, `Lead bani${by ? ` (${by})` : ''}`, `लीड बनी${by ? ` (${by})` : ''}`);
  if (i.type === 'status.changed' && changes.status) {
    const from = statusLabel(String(changes.status.old), lang);
    const to = statusLabel(String(changes.status.new), lang);
    return say(lang, i.text, `Status: ${from} → ${to}`, `स्थिति: ${from} → ${to}`);
  }
  if (i.type === 'lead.reassigned') return say(lang, i.text, 'Lead reassign hui', 'लीड दूसरे सदस्य को दी गई');
  if (i.type === 'note.added') {
    const body = i.text.slice(i.text.indexOf(': ') + 2);
    return say(lang, i.text, `${by ?? 'Kisi'} ne note joda: ${body}`, `${by ?? 'किसी'} ने नोट जोड़ा: ${body}`);
  }
  const noun = TASK_HI[kind];
  const ev = EVENT[event];
  if (noun && ev) {
    const masculine = kind === 'demo';
    return say(lang, i.text, `${noun[0]} ${ev[0]}`, `${noun[1]} ${masculine ? ev[2] : ev[1]}`);
  }
  return i.text;
}

export async function leadHistoryCommand(
  tx: Tx,
  env: CommandEnv,
  lang: Lang,
  cmd: LeadHistoryCommand,
  resolved: Resolved,
): Promise<Outcome> {
  const found = await resolveLead(tx, env, lang, cmd.company, cmd, resolved);
  if (!found.ok) return found.outcome;
  const lead = found.value;
  // Tasks and notes each have their activity already; listing both would say everything twice.
  const items = (await getLeadHistory(tx, actorOf(env), lead.id)).filter((i) => i.kind !== 'task' && i.kind !== 'note');
  const last = items.slice(-SHOW);
  const tz = env.workspace.timeZone;
  const lines = last.map((i) => `• ${formatWhen(i.at, tz, lang, env.now)} · ${historyLine(i, lang)}`);
  const l = leadLabel(lead);
  const head = say(
    lang,
    `History of ${l} · ${statusLabel(lead.status, lang)}`,
    `${l} ki history · ${statusLabel(lead.status, lang)}`,
    `${l} का इतिहास · ${statusLabel(lead.status, lang)}`,
  );
  const count =
    items.length > last.length
      ? say(
          lang,
          ` (last ${last.length} of ${items.length})`,
          ` (${items.length} mein se aakhri ${last.length})`,
          ` (${items.length} में से आख़िरी ${last.length})`,
        )
      : '';
  return {
    text: `${head}${count}:\n${lines.join('\n') || say(lang, 'Nothing yet.', 'Abhi kuch nahi.', 'अभी कुछ नहीं।')}`,
  };
}

export function helpReply(env: CommandEnv, lang: Lang): Outcome {
  const name = firstName(env.member.name);
  const en = [
    `Hi ${name}! Tell me what to do, in English, Hindi or Hinglish. For example:`,
    '• New lead: Orbit Textiles, Kavita Rao, 98450 12345, Trade fair, Sunil',
    '• Lead qualified for Orbit Textiles',
    '• Schedule meeting with Orbit Textiles tomorrow 3pm assigned to Amit',
    '• Schedule demo for Nimbus Labs on 14/3 at 11am',
    '• Reschedule meeting for Orbit Textiles to Friday 4pm',
    '• Meeting done for Orbit Textiles. They were very interested.',
    '• Cancel the demo with Nimbus Labs, they postponed the budget',
    '• Add activity for Orbit Textiles, called the client',
    '• Reassign Orbit Textiles to Rekha',
    '• My leads · Aaj ke tasks · History of Orbit Textiles',
    '• Stop follow-ups for Orbit Textiles',
  ];
  const hinglish = [
    `Hi ${name}! Mujhe English, Hindi ya Hinglish mein bolo kya karna hai. Jaise:`,
    '• Naya lead: Orbit Textiles, Kavita Rao, 98450 12345, trade fair, Sunil ko do',
    '• Orbit Textiles ka lead qualify ho gaya',
    '• Nimbus Labs ke saath kal shaam 5 baje meeting fix karo, Rekha ko assign karo',
    '• Nimbus Labs ka demo 18/3 ko 11:30 baje rakho',
    '• Orbit wali meeting agle budhvar dopahar 2 baje shift kar do',
    '• Demo ho gaya Nimbus Labs ka, unko pricing chahiye',
    '• Nimbus Labs ka demo cancel karo',
    '• Orbit Textiles mein activity add karo: client ko call kiya',
    '• Nimbus Labs ko Sunil ko de do',
    '• Meri leads dikhao · Aaj ke mere tasks dikhao · Orbit Textiles ki history dikhao',
    '• Orbit Textiles ke follow-ups band karo',
  ];
  const hi = [
    `नमस्ते ${name}! मुझे हिंदी, हिंग्लिश या अंग्रेज़ी में बताइए क्या करना है। जैसे:`,
    '• नई लीड: ऑर्बिट टेक्सटाइल्स, कविता राव, 98450 12345, ट्रेड फेयर, सुनील',
    '• ऑर्बिट टेक्सटाइल्स की लीड क्वालिफाई हो गई',
    '• ऑर्बिट टेक्सटाइल्स के साथ कल शाम 5 बजे मीटिंग तय करो',
    '• निम्बस लैब्स का डेमो परसों सुबह 11 बजे रखो',
    '• ऑर्बिट टेक्सटाइल्स की मीटिंग हो गई, वो ट्रायल चाहते हैं',
    '• निम्बस लैब्स का डेमो रद्द करो',
    '• ऑर्बिट टेक्सटाइल्स के लिए नोट: क्लाइंट को कॉल किया',
    '• निम्बस लैब्स को सुनील को दे दो',
    '• मेरी लीड्स दिखाओ · मेरे आज के टास्क दिखाओ · ऑर्बिट टेक्सटाइल्स की हिस्ट्री दिखाओ',
    '• ऑर्बिट टेक्सटाइल्स के फॉलो-अप बंद करो',
  ];
  return { text: say(lang, en.join('\n'), hinglish.join('\n'), hi.join('\n')) };
}

export function unknownReply(lang: Lang): Outcome {
  return {
    text: say(
      lang,
      [
        "Sorry, I didn't understand that. Try, for example:",
        '• New lead: Orbit Textiles, Kavita Rao, 98450 12345, Sunil',
        '• Schedule demo for Orbit Textiles tomorrow 3pm',
        '• Meeting done for Orbit Textiles, they want a trial',
        'Send "help" for more.',
      ].join('\n'),
      [
        'Sorry, samajh nahi aaya. Aise likho:',
        '• Naya lead: Orbit Textiles, Kavita Rao, 98450 12345, Sunil ko do',
        '• Orbit Textiles ka demo kal 3 baje rakho',
        '• Orbit Textiles ki meeting ho gayi, unko trial chahiye',
        'Aur examples ke liye "help" bhejo.',
      ].join('\n'),
      [
        'माफ़ कीजिए, समझ नहीं आया। ऐसे लिखें:',
        '• नई लीड: ऑर्बिट टेक्सटाइल्स, कविता राव, 98450 12345, सुनील',
        '• ऑर्बिट टेक्सटाइल्स का डेमो कल 3 बजे रखो',
        '• ऑर्बिट टेक्सटाइल्स की मीटिंग हो गई, वो ट्रायल चाहते हैं',
        'और उदाहरणों के लिए "help" भेजें।',
      ].join('\n'),
    ),
  };
}
