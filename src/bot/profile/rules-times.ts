// Preferred times: part of day, earliest/latest clock time, and weekdays. A one-off slot
// ("tomorrow at 3", "see you Thursday") is not a preference; a correction ("I meant Tuesday") is.
import { WEEKDAYS, type ExtractProfileContext, type PartOfDay, type PreferredTimes, type Weekday } from './facts.ts';
import { HABITUAL_WEEKDAY, WEEKDAYS_WORDS, WEEKDAY_WORDS, WEEKEND_WORDS } from './lexicon.ts';
import {
  allMatches,
  alt,
  clauseTokens,
  rx,
  rxg,
  statementClauses,
  subjectAt,
  tokenize,
  type Clause,
  type Found,
  type Sentence,
} from './text.ts';

const GREETING = rxg`\b(?:good|guten|gud)\s+(?:morning|afternoon|evening|night|morgen|abend|tag)\b|\bgm\b|\bgn\b|\bshubh (?:prabhat|ratri)\b`;

// Words that make a time a habit or a wish, not a one-off slot.
const CUE = rx`\b(?:prefer|preferably|preferred|best|better|ideal|ideally|only|usually|always|generally|normally|mostly|suit|suits|works|works for me|working for me|fine|good|great|perfect|ok|okay|free|off|available|possible|any ?time|convenient|easier|lieber|liebsten|nur|immer|meistens|passt|passen|gerne|geht|wäre|frei|hi|sirf|bas|chahiye|pasand|chalega|theek|thik|chhutti|chutti|aa (?:sakta|sakti|sakte|paunga|paungi|paenge|payenge)|rahega|rahta|rehta|milta)\b`;
// "Fridays are impossible": the named time is ruled out, not preferred.
const RULED_OUT = rx`\b(?:impossible|not possible|no good|bad for me|doesn't work|don't work|does not work|won't work|unmöglich|nicht möglich|geht nicht|nahi ho (?:payega|paayega|sakta|sakti)|mushkil)\b`;
const ONE_OFF = rx`\b(?:move|moving|reschedule|rebook|postpone|push back|prepone|verschieben|verlegen|badal|badalna|cancel|absagen|tomorrow|today|tonight|this (?:morning|afternoon|evening|week|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|next (?:week|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|kal|aaj|parso|parson|heute|übermorgen|see you|bis (?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|dann|später|morgen)|on the \d{1,2}(?:st|nd|rd|th)|\d{1,2}\.\d{1,2}\.)|\bmorgen\b(?!\s*(?:früh|s))`;
// "busy", "work until 5", "office hai": the clock time marks when the customer cannot come.
const LEADING_GREETING = /^(?:hi+|hello|hey|hallo)\b[\s,!.]*/i;
/** "hi" is Hinglish "only" ("weekend pe hi"), but not as a greeting. */
const hasCue = (text: string) => CUE.test(text.replace(LEADING_GREETING, ''));
const BUSY = rx`\b(?:busy|work|working|office|school|college|class|classes|meetings?|shift|duty|arbeite|arbeit|arbeiten|büro|schule|uni|kaam|naukri|dukaan|dukan)\b`;
const FREE = rx`\b(?:free|available|frei|khali|fursat)\b`;

const POD: [PartOfDay, string][] = [
  [
    'morning',
    String.raw`(?:early\s+)?mornings?|forenoons?|morgens|vormittags?|am vormittag|früh morgens|subah|subha|savere|sawere|savera`,
  ],
  ['afternoon', String.raw`(?:early\s+|late\s+)?afternoons?|nachmittags?|am nachmittag|dopahar|dopehar|dupahar|dopahr`],
  ['evening', String.raw`(?:early\s+|late\s+)?evenings?|nights?|abends|am abend|shaam|sham|raat`],
];
const POD_EXACT = POD.map(([pod, p]) => [pod, new RegExp(`^(?:${p})$`, 'iu')] as const);
const POD_RE = rxg`\b(${POD.map(([, p]) => p).join('|')})\b`;
const HABITUAL_POD = /(?:s|vormittags|nachmittags|abends)$/i;

// A clock time: "3pm", "5:30", "17 Uhr", "6 baje", "noon".
const CLOCK = String.raw`(?:(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|uhr|baje|bje|h|o'clock)?(?!\s*(?:years?|yrs?|months?|weeks?|days?|mins?|minutes?|hours?|hrs?|jahre?|monate?|wochen?|tage?|saal|mahine?|din|%|€|rs|km|kg|x|st|nd|rd|th|\d))|(noon|midday|mittag|lunch(?:time)?))`;
const AFTER_WORDS = [
  'after',
  'from',
  'ab',
  'nach',
  'past',
  'not before',
  'no earlier than',
  'nothing before',
  'not earlier than',
];
const BEFORE_WORDS = [
  'before',
  'until',
  'till',
  'til',
  'by',
  'vor',
  'bis',
  'spätestens',
  'no later than',
  'nothing after',
  'not after',
];
const PRE = rxg`\b(${alt(AFTER_WORDS)}|${alt(BEFORE_WORDS)})\s+(?:ca\.?\s+|around\s+|about\s+|approx\.?\s+|so\s+|like\s+)?${CLOCK}`;
const POST = rxg`${CLOCK}\s*(?:baje\s*)?(ke baad|ke bad|baad|onwards|or later|and later|se aage|se pehle|se pahle|se phle|tak|or earlier)\b`;
const RANGE = rxg`(?:\b(?:from|von)\s+)?${CLOCK}\s*(?:-|–|to|till|until|bis|se)\s*${CLOCK}|\b(?:between|zwischen)\s+${CLOCK}\s*(?:and|und|-)\s*${CLOCK}`;
const FINISH = rxg`\b(?:um\s+)?${CLOCK}\s+(?:fertig|feierabend)\b|\b(?:finish|finished|get off|off work|leave work|done with work|chhutti|(?:shift|work|office|class|classes|school|college|duty|lecture)s?\s+(?:ends?|finish(?:es)?|is over|gets? over|khatam))\w*\s+(?:work\s+)?(?:at|by|around|um)?\s*${CLOCK}`;
const NEG_NEAR = new Set([
  'not',
  'no',
  'nothing',
  "can't",
  'cannot',
  "don't",
  'never',
  'nicht',
  'kein',
  'keine',
  'nahi',
  'nahin',
  'mat',
]);

const pad = (n: number) => String(n).padStart(2, '0');

function clockValue(m: string[], base: number, pod: PartOfDay | undefined): string | undefined {
  const [h, min, suffix, word] = [m[base], m[base + 1], m[base + 2]?.toLowerCase().replaceAll('.', ''), m[base + 3]];
  if (word) return '12:00';
  if (!h) return undefined;
  let hour = Number(h);
  const minutes = min ? Number(min) : 0;
  if (hour > 24 || minutes > 59) return undefined;
  if (suffix === 'am') hour = hour === 12 ? 0 : hour;
  else if (suffix === 'pm') hour = hour < 12 ? hour + 12 : hour;
  else if (hour < 12) {
    if (pod === 'evening' || pod === 'afternoon') hour += 12;
    else if (pod !== 'morning' && hour >= 1 && hour <= 7) hour += 12; // "after 5" means 17:00
  }
  return hour === 24 ? undefined : `${pad(hour)}:${pad(minutes)}`;
}

type Bounds = { before?: string; after?: string };

function boundsIn(clause: Clause, pod: PartOfDay | undefined): Bounds {
  const out: Bounds = {};
  const text = clause.text;
  const busy = BUSY.test(text) && !FREE.test(text);
  const set = (dir: 'before' | 'after', value: string | undefined) => {
    if (value && !out[dir]) out[dir] = value;
  };
  const flip = (dir: 'before' | 'after', start: number, end: number) => {
    const tokens = tokenize(text);
    const neg =
      tokens.some((t) => t.end <= start && NEG_NEAR.has(t.word)) ||
      tokens
        .filter((t) => t.start >= end)
        .slice(0, 6)
        .some((t) => ['nahi', 'nahin', 'nicht', 'mat'].includes(t.word));
    return (neg ? 1 : 0) + (busy ? 1 : 0) === 1 ? (dir === 'before' ? 'after' : 'before') : dir;
  };
  for (const m of allMatches(FINISH, text)) set('after', clockValue(m, 1, pod) ?? clockValue(m, 5, pod));
  for (const m of allMatches(RANGE, text)) {
    const b = m[1] || m[4] || m[5] ? 1 : 9; // which alternative matched
    if (!m[b + 2] && m[b + 6]) m[b + 2] = m[b + 6]; // "7-9am": the first time shares the suffix
    const from = clockValue(m, b, pod);
    const to = clockValue(m, b + 4, pod);
    if (!from || !to || from >= to) continue;
    if (busy) set('after', to);
    else {
      set('after', from);
      set('before', to);
    }
  }
  for (const m of allMatches(PRE, text)) {
    const word = m[1].toLowerCase();
    const fixed = /^(?:not|no|nothing)\s/.test(word);
    const dir = AFTER_WORDS.includes(word) ? 'after' : 'before';
    const value = clockValue(m, 2, pod);
    if (!value || (word === 'by' && !m[4])) continue;
    set(fixed ? dir : flip(dir, m.index, m.index + m[0].length), value);
  }
  for (const m of allMatches(POST, text)) {
    const word = m[5].toLowerCase();
    const dir = /baad|bad|onwards|later|aage/.test(word) ? 'after' : 'before';
    set(flip(dir, m.index, m.index + m[0].length), clockValue(m, 1, pod));
  }
  return out;
}

type PodHit = { pod: PartOfDay; negated: boolean; habitual: boolean };

function partsOfDay(clause: Clause): PodHit[] {
  const text = clause.text.replace(GREETING, (g) => ' '.repeat(g.length));
  const out: PodHit[] = [];
  for (const m of allMatches(POD_RE, text)) {
    const word = m[1].toLowerCase();
    const pod = POD_EXACT.find(([, re]) => re.test(word))?.[0];
    if (!pod) continue;
    const tokens = tokenize(text);
    const negated =
      tokens
        .filter((t) => t.end <= m.index)
        .slice(-4)
        .some((t) => NEG_NEAR.has(t.word)) ||
      tokens
        .filter((t) => t.start >= m.index + m[0].length)
        .slice(0, 2)
        .some((t) => ['nahi', 'nahin', 'mat'].includes(t.word)) ||
      (BUSY.test(text) && !FREE.test(text) && !hasCue(text)) ||
      RULED_OUT.test(text);
    out.push({ pod, negated, habitual: HABITUAL_POD.test(word) });
  }
  return out;
}

function daysIn(clause: Clause): { days: Weekday[]; habitual: boolean } {
  const days: Weekday[] = [];
  let habitual = false;
  const tokens = clauseTokens(clause);
  const lower = clause.text.toLowerCase();
  const add = (d: Weekday) => {
    if (!days.includes(d)) days.push(d);
  };
  tokens.forEach((t, i) => {
    const day = WEEKDAY_WORDS[t.word];
    const isWeekend = WEEKEND_WORDS.includes(t.word);
    const isWeekdays = WEEKDAYS_WORDS.includes(t.word);
    if (!day && !isWeekend && !isWeekdays) return;
    const prev = tokens[i - 1]?.word;
    const next = tokens[i + 1]?.word;
    if (
      (prev && ['not', 'no', 'nicht', 'kein', 'except', 'außer', 'ausser'].includes(prev)) ||
      (next && ['nahi', 'nahin', 'mat'].includes(next))
    )
      return;
    if (isWeekend) {
      habitual = true;
      add('saturday');
      add('sunday');
    } else if (isWeekdays) {
      habitual = true;
      WEEKDAYS.slice(0, 5).forEach(add);
    } else if (day) {
      if (HABITUAL_WEEKDAY.test(t.word)) habitual = true;
      add(day);
    }
  });
  if (/unter der woche/.test(lower)) {
    habitual = true;
    WEEKDAYS.slice(0, 5).forEach(add);
  }
  return { days, habitual };
}

export function findTimes(sentences: Sentence[], ctx?: ExtractProfileContext): Found<PreferredTimes>[] {
  const out: Found<PreferredTimes>[] = [];
  const asked = ctx?.askedFor === 'preferred_times';
  for (const clause of statementClauses(sentences)) {
    const correction = clause.sentence.correction;
    if (ONE_OFF.test(clause.text.replace(GREETING, ' ')) && !correction) continue;
    if (subjectAt(clause, clause.start) === 'other' && subjectAt(clause, clause.start + clause.text.length) === 'other')
      continue;
    const busy = BUSY.test(clause.text) && !FREE.test(clause.text);
    const pods = partsOfDay(clause);
    const positive = pods.find((p) => !p.negated);
    const bounds = boundsIn(clause, positive?.pod ?? pods[0]?.pod);
    const hasBound = Boolean(bounds.before || bounds.after);
    const cue = hasCue(clause.text) || correction || asked || hasBound;
    const value: PreferredTimes = {};
    if (positive && (cue || positive.habitual)) value.part_of_day = positive.pod;
    if (!positive) {
      const neg = pods.find((p) => p.negated && !busy);
      // "I can't do mornings" → after noon; "no evenings" → before five.
      if (neg?.pod === 'morning') bounds.after ??= '12:00';
      if (neg?.pod === 'evening') bounds.before ??= '17:00';
      if (
        /\bwork(?:ing)? during the day\b|\btagsüber arbeite\b|\bdin (?:mein|me|bhar) (?:office|kaam)\b/i.test(
          clause.text,
        )
      )
        value.part_of_day = 'evening';
    }
    if (bounds.before) value.before = bounds.before;
    if (bounds.after) value.after = bounds.after;
    if ((!busy || hasCue(clause.text)) && !RULED_OUT.test(clause.text)) {
      const { days, habitual } = daysIn(clause);
      if (days.length && (cue || habitual)) value.days = days;
    }
    if (Object.keys(value).length)
      out.push({ value, confidence: correction || isHabitual(value, pods) ? 0.8 : 0.75, sentence: clause.sentence });
  }
  return out;
}

const isHabitual = (v: PreferredTimes, pods: PodHit[]) => Boolean(v.days?.length) || pods.some((p) => p.habitual);
