// The rules interpreter, with the date parser passed in (rules.ts wires the real one; tests may
// pass a fake). Steps: normalise → find phones, emails → classify → find dates where the intent
// needs them → extract the intent's fields from the canonical text → validate with the union.
import { CommandSchema, type Command } from '../command.ts';
import { CANCEL, REPORTED, classify, type Classified } from './classify.ts';
import { cleanNote } from './clean.ts';
import { contactMarks, findEmails, findPhones, type Found } from './contacts.ts';
import { extractDetails, extractDetailsByPosition } from './details.ts';
import { buildDoc, normalizeInput, origSlice, rx, type Doc, type Mark } from './doc.ts';
import { extractCreateLead } from './lead.ts';
import { findAssignee, listAssignee, reassignTarget, trailingName } from './names.ts';
import { clauses, companyRuns, pickCompany, type Run } from './spans.ts';

export type InterpretContext = { now: Date; timeZone: string };
export type WhenMatch = { at?: string; date?: string; hasTime: boolean; text: string; index: number };
export type ParseWhen = (text: string, ctx: InterpretContext) => WhenMatch | null;
export type RulesResult = { command: Command; confidence: number };

const unknown = (confidence = 0.3): RulesResult => ({ command: { intent: 'unknown' }, confidence });

/** Every date/time expression in the text, left to right (the parser returns one at a time). */
function findDates(text: string, ctx: InterpretContext, parseWhen: ParseWhen, blank: Found[]): WhenMatch[] {
  let work = text;
  for (const b of blank) work = work.slice(0, b.start) + ' '.repeat(b.end - b.start) + work.slice(b.end);
  const out: WhenMatch[] = [];
  for (let k = 0; k < 4; k++) {
    let r: WhenMatch | null;
    try {
      r = parseWhen(work, ctx);
    } catch {
      r = null; // a date the parser chokes on is no date; the command still stands
    }
    if (!r || !r.text || r.index < 0) break;
    // Keep the span as it sits in our text even if the parser trimmed or widened it.
    const index =
      work.indexOf(r.text, Math.max(0, r.index - 2)) >= 0 ? work.indexOf(r.text, Math.max(0, r.index - 2)) : r.index;
    out.push({ ...r, index });
    work = work.slice(0, index) + ' '.repeat(r.text.length) + work.slice(index + r.text.length);
  }
  return out.sort((a, b) => a.index - b.index);
}

const DAY_WORD =
  /\b(?:today|tomorrow|tmrw|tonight|parso|parson|aaj|kal|next|agle|this|coming|mon|tue|wed|thu|fri|sat|sun|\w+day|somvar|mangalvar|budhvar|guruvar|shukravar|shanivar|ravivar|jan\w*|feb\w*|mar\w*|apr\w*|may|june?|july?|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*|tareekh|tarikh)\b|\d{1,2}\s*(?:st|nd|rd|th)\b|\d{1,2}[/.-]\d{1,2}(?![:\d])|आज|कल|परसों|सोमवार|मंगलवार|बुधवार|गुरुवार|शुक्रवार|शनिवार|रविवार|तारीख/iu;

/**
 * "parso shift karo subah 11 baje": a day and a time said apart. A time with no day of its own
 * takes the day said elsewhere in the message (instead of today or tomorrow).
 */
function withDay(dates: WhenMatch[]): WhenMatch[] {
  const day = dates.find((d) => d.date && !d.at);
  if (!day?.date) return dates;
  return dates.map((d) =>
    d.at && !DAY_WORD.test(d.text) ? { ...d, at: `${day.date}${d.at.slice(10)}`, date: day.date } : d,
  );
}

function dateMarks(dates: WhenMatch[]): Mark[] {
  return dates.map((d) => ({ start: d.index, end: d.index + d.text.length, kind: 'date' as const }));
}

/** Company in the doc outside [cut0, cut1). */
function companyOutside(doc: Doc, cut?: { cut0: number; cut1: number }): Run | undefined {
  if (!cut) return pickCompany(doc);
  const a = pickCompany(doc, 0, cut.cut0);
  const b = pickCompany(doc, cut.cut1, doc.canon.length);
  if (!a) return b;
  if (!b) return a;
  return b.score > a.score ? b : a;
}

/** Company from the first clause that has one; the note is what follows (label-only clauses skipped). */
function companyAndNote(doc: Doc): { company?: string; note?: string; weak: boolean } {
  const cls = clauses(doc);
  for (let i = 0; i < cls.length && i < 3; i++) {
    const run = pickCompany(doc, cls[i].c0, cls[i].c1);
    if (!run) continue;
    let k = i + 1;
    while (k < cls.length && LABEL_ONLY.test(doc.skel.slice(cls[k].c0, cls[k].c1).trim())) k++;
    const note = k < cls.length ? cleanNote(doc.text.slice(origStart(doc, cls[k].c0))) : undefined;
    return { company: run.text, note, weak: run.score < 4 };
  }
  return { weak: true };
}

// Clauses that only repeat the command ("activity:", "meeting done") sit between company and note.
const LABEL_ONLY = rx(
  '^(?:(?:add|log|naya|activity|note|update|remark|karo|please|ke|liye|ka|ki|for|to|the|an?|meeting|demo|done|ho|gaya|hogaya|hua|chuka|diya|poora|is|was|has|been|hai|tha|aaj|today|-|:)\\s*)+$',
);

// For a cancel, clauses that only repeat it ("…, cancel", "reason:") and its words that are no company.
const CANCEL_LABEL_ONLY = rx(
  '^(?:(?:cancel|karo|do|dedo|please|it|this|that|the|an?|meeting|meetings|demo|demos|ka|ki|ke|wala|ho|gaya|hogaya|hua|hai|is|was|has|been|nahi|hogi|off|called|reason|because|today|tomorrow|§|-|:)\\s*)+$',
);
const CANCEL_STOP = new Set([
  'off',
  'called',
  'calling',
  'scrap',
  'scrapped',
  'happen',
  'happening',
  'place',
  'going',
  'ahead',
  'longer',
  'needed',
  'required',
  "won't",
  'wont',
  'rehne',
  'payegi',
  'payega',
  'paayegi',
  'paayega',
  'sakti',
  'sakta',
  'sakegi',
  'sakega',
  'reason',
  'stands',
  'stand',
]);

/**
 * A cancel's company and reason. The company is in the clause that cancels if it names one ("we
 * can't meet, cancel the demo with Orbit"), else in the first clause that does; the reason follows
 * "because" or sits in the clauses after the company's ("Orbit demo cancelled, they postponed the budget").
 */
function cancelParts(doc: Doc): { company?: string; note?: string; weak: boolean } {
  const because = /\bbecause\b/.exec(doc.skel);
  if (because) {
    const run = pickCompany(doc, 0, because.index, CANCEL_STOP);
    if (run)
      return {
        company: run.text,
        note: cleanNote(doc.text.slice(origStart(doc, because.index + because[0].length))),
        weak: run.score < 4,
      };
  }
  const cls = clauses(doc);
  const runs = cls.slice(0, 3).map((cl) => pickCompany(doc, cl.c0, cl.c1, CANCEL_STOP));
  let i = runs.findIndex((run, k) => run && CANCEL.test(doc.skel.slice(cls[k].c0, cls[k].c1)));
  if (i < 0) i = runs.findIndex((run) => run);
  if (i < 0) return { weak: true };
  const run = runs[i]!;
  // The clauses after the company's, less the ones that only repeat the command ("…, cancel karo").
  const rest = cls.slice(i + 1).filter((cl) => !CANCEL_LABEL_ONLY.test(doc.skel.slice(cl.c0, cl.c1).trim()));
  const note = rest.length ? cleanNote(origSlice(doc, rest[0].c0, rest[rest.length - 1].c1)) : undefined;
  return { company: run.text, note, weak: run.score < 4 };
}

function origStart(doc: Doc, c: number): number {
  const t = doc.tokens.find((x) => x.c1 > c && x.canon.trim() !== '');
  return t ? t.o0 : doc.text.length;
}

// ---------------------------------------------------------------- main

export function interpretWith(text: string, ctx: InterpretContext, parseWhen: ParseWhen): RulesResult {
  const input = normalizeInput(String(text ?? ''));
  if (!input) return unknown(0);
  const emails = findEmails(input);
  const phones = findPhones(input, emails);
  const contacts = contactMarks(emails, phones);
  const doc0 = buildDoc(input, contacts);
  const cls = classify(doc0.skel, { hasPhone: phones.length > 0, hasEmail: emails.length > 0, text: input });
  const result = extract(input, ctx, parseWhen, cls, doc0, { phones, emails, contacts });
  const parsed = CommandSchema.safeParse(result.command);
  if (!parsed.success) return unknown(0.2);
  return { command: parsed.data, confidence: Math.round(result.confidence * 100) / 100 };
}

function extract(
  input: string,
  ctx: InterpretContext,
  parseWhen: ParseWhen,
  cls: Classified,
  doc0: Doc,
  found: { phones: Found[]; emails: Found[]; contacts: Mark[] },
): RulesResult {
  const withDates = () => {
    const dates = findDates(input, ctx, parseWhen, [...found.phones, ...found.emails]);
    return { dates, doc: buildDoc(input, [...found.contacts, ...dateMarks(dates)]) };
  };
  const conf = cls.confidence;
  switch (cls.intent) {
    case 'help':
      return { command: { intent: 'help' }, confidence: conf };
    case 'unknown':
      return unknown(conf);
    case 'provide_details': {
      const count = (c: object) => ['address', 'turnover', 'current_system', 'challenges'].filter((f) => f in c).length;
      let cmd = extractDetails(doc0);
      if (!count(cmd)) cmd = extractDetailsByPosition(doc0);
      return count(cmd) ? { command: cmd, confidence: conf } : unknown(0.3);
    }
    case 'create_lead': {
      const cmd = extractCreateLead(doc0, found);
      return cmd ? { command: cmd, confidence: conf } : unknown(0.3);
    }
    case 'qualify_lead':
    case 'lead_history':
    case 'stop_followups': {
      const { doc } = withDates();
      const run = pickCompany(doc, 0, doc.canon.length) ?? undefined;
      const first = clauses(doc)[0];
      const inFirst = first ? pickCompany(doc, first.c0, first.c1) : undefined;
      const best = inFirst ?? run;
      if (!best) return unknown(0.3);
      return { command: { intent: cls.intent, company: best.text }, confidence: best.score < 4 ? conf - 0.2 : conf };
    }
    case 'reassign_lead': {
      const target = reassignTarget(doc0);
      if (!target) return unknown(0.3);
      // The lead comes first ("reassign X to Y", "X ko Y ko de do"); a later run is usually
      // "instead of Amit" or "from now".
      const runs = [...companyRuns(doc0, 0, target.cut0), ...companyRuns(doc0, target.cut1, doc0.canon.length)];
      const run = runs.find((r) => r.c1 <= target.cut0) ?? runs[0];
      if (!run) return unknown(0.3);
      // "Hand Nimbus Labs over to Priya": the verb is no part of the name.
      const company = run.text.replace(/^(?:hand|give|pass)\s+(?=\S)/iu, '');
      return { command: { intent: 'reassign_lead', company, assignee: target.name }, confidence: conf };
    }
    case 'list_leads': {
      const assignee = listAssignee(doc0);
      return { command: { intent: 'list_leads', ...(assignee ? { assignee } : {}) }, confidence: conf };
    }
    case 'list_tasks': {
      const { dates, doc } = withDates();
      const assignee = listAssignee(doc);
      const when = dates.find((d) => d.date)?.date;
      return {
        command: { intent: 'list_tasks', ...(assignee ? { assignee } : {}), ...(when ? { when } : {}) },
        confidence: conf,
      };
    }
    case 'add_activity': {
      const { doc } = withDates();
      const labelled = conf >= 0.8 || conf === 0.5;
      if (labelled) {
        const { company, note, weak } = companyAndNote(doc);
        if (!company || !note) return unknown(0.3);
        return { command: { intent: 'add_activity', company, note }, confidence: weak ? conf - 0.15 : conf };
      }
      // "Metro Tiles - called twice": a company alone before the first separator, then the note.
      const first = clauses(doc)[0];
      const lead = first ? pickCompany(doc, first.c0, first.c1) : undefined;
      if (
        lead &&
        first &&
        doc.canon.slice(first.c0, lead.c0).trim() === '' &&
        doc.canon.slice(lead.c1, first.c1).trim() === ''
      ) {
        const { company, note } = companyAndNote(doc);
        if (company && note) return { command: { intent: 'add_activity', company, note }, confidence: conf };
      }
      // "Orbit Systems asked for …": the company is the one reported doing it.
      const reported = REPORTED.exec(input.trim())?.[1];
      const run = reported ? { text: reported } : pickCompany(doc);
      const note = cleanNote(input);
      if (!run || !note) return unknown(0.3);
      return { command: { intent: 'add_activity', company: run.text, note }, confidence: conf };
    }
    case 'meeting_family': {
      const { dates, doc } = withDates();
      const noun = cls.noun ?? 'meeting';
      if (cls.phase === 'cancel') {
        const { company, note, weak } = cancelParts(doc);
        if (!company) return unknown(0.3);
        const intent = noun === 'demo' ? 'cancel_demo' : 'cancel_meeting';
        return { command: { intent, company, ...(note ? { note } : {}) }, confidence: weak ? conf - 0.15 : conf };
      }
      if (cls.phase === 'done') {
        const { company, note, weak } = companyAndNote(doc);
        if (!company) return unknown(0.3);
        const intent = noun === 'demo' ? 'demo_done' : 'meeting_done';
        return { command: { intent, company, ...(note ? { note } : {}) }, confidence: weak ? conf - 0.15 : conf };
      }
      const assignee = cls.phase === 'schedule' ? findAssignee(doc) : undefined;
      const run = companyOutside(doc, assignee);
      if (!run) return unknown(0.3);
      const timed = withDay(dates).filter((d) => d.at);
      if (cls.phase === 'reschedule') {
        const at = timed[timed.length - 1]?.at;
        // The contract needs the new time; without it the hybrid mode asks the LLM (or the user).
        if (!at) return unknown(0.35);
        const intent = noun === 'demo' ? 'reschedule_demo' : 'reschedule_meeting';
        return { command: { intent, company: run.text, at }, confidence: run.score < 4 ? conf - 0.15 : conf };
      }
      const at = timed[0]?.at;
      const intent = noun === 'demo' ? 'schedule_demo' : noun === 'call' ? 'schedule_call' : 'schedule_meeting';
      // "Meeting tomorrow 3pm - Orbit Textiles - Sunil": a lone name after the company, by position.
      let named = assignee?.name;
      let sure = run.score < 4 ? conf - 0.15 : conf;
      if (!named) {
        const n = trailingName(doc, run);
        if (n) {
          named = n;
          sure -= 0.15;
        }
      }
      return {
        command: { intent, company: run.text, ...(at ? { at } : {}), ...(named ? { assignee: named } : {}) },
        confidence: sure,
      };
    }
  }
  return unknown(0.3);
}
