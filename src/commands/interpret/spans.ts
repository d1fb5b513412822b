// Finding the company and the clauses (for notes) inside a message, on the canonical text of a
// Doc; people's names are in names.ts. Command words are "stop words" here: what is left, next to a
// preposition or postposition ("with X", "X ka", "X ke saath"), is the company.
import { cleanCompany } from './clean.ts';
import { origSlice, type Doc, type Token } from './doc.ts';
import { WORD_MAP } from './lexicon.ts';

const CANON_WORDS = new Set(WORD_MAP.values());

/** Words that never belong to a company name when they stand at the edge of a run. */
export const STOP = new Set([
  ...CANON_WORDS,
  'with',
  'w',
  'for',
  'at',
  'on',
  'to',
  'the',
  'a',
  'an',
  'is',
  'was',
  'are',
  'were',
  'has',
  'have',
  'had',
  'been',
  'be',
  'will',
  'would',
  'can',
  'could',
  'should',
  'shall',
  'may',
  'might',
  'must',
  'we',
  'i',
  'you',
  'they',
  'them',
  'their',
  'it',
  'its',
  'this',
  'that',
  'these',
  'those',
  'set',
  'setup',
  'arrange',
  'arranged',
  'plan',
  'planned',
  'organise',
  'organize',
  'mark',
  'marked',
  'as',
  'now',
  'so',
  'far',
  'what',
  'whats',
  "what's",
  'happened',
  'happen',
  'my',
  'give',
  'gave',
  'given',
  'full',
  'complete',
  'all',
  'new',
  'time',
  'timing',
  'timings',
  'slot',
  'from',
  'by',
  'in',
  'after',
  'before',
  'tonight',
  'morning',
  'evening',
  'afternoon',
  'product',
  'online',
  'offline',
  'virtual',
  'physical',
  'via',
  'also',
  'again',
  'just',
  'want',
  'wants',
  'need',
  'needs',
  "let's",
  'lets',
  'do',
  'did',
  'does',
  'got',
  'good',
  'great',
  'nice',
  'went',
  'well',
  'meet',
  'met',
  'attended',
  'attend',
  'still',
  'some',
  'any',
  'our',
  'us',
  'about',
  'regarding',
  're',
  'bhai',
  'ji',
  'sir',
  'boss',
  'yaar',
  'bro',
  'dear',
  'team',
  'hi',
  'hello',
  'hey',
  'ok',
  'okay',
  'thanks',
  'thank',
  'dena',
  'hona',
  'hoga',
  'hogi',
  'honi',
  'wo',
  'woh',
  'unka',
  'unki',
  'unke',
  'inka',
  'jaldi',
  'saara',
  'record',
  'details',
  'detail',
  'status',
  'update',
  'updates',
  'log',
  'logged',
  'baje',
  'owner',
  'ownership',
  'handled',
  'handle',
  'sending',
  'send',
  'sent',
  'stopped',
  'more',
  'mere',
  'me',
  'of',
  'and',
  'n',
  'or',
  'quick',
  'short',
  'first',
  'second',
  'final',
  'intro',
  'introductory',
  'zoom',
  'teams',
  'gmeet',
  'sales',
  'yes',
  'no',
  'not',
  'today',
  'tomorrow',
  'there',
  'here',
  'karna',
  'karni',
  'karenge',
  'karna',
  'hona',
  'chahiye',
  'chahie',
  'wanted',
  'fixed',
  'abhi',
  'bas',
  'phir',
  'fir',
  'bhi',
  'toh',
  'to',
  'hi',
  'he',
  'she',
  'him',
  'her',
  'done',
  'dedo',
  'de',
  'pichli',
  'pichle',
  'agle',
  'agli',
  'next',
  'last',
  'week',
  'pls',
  'plz',
  'kindly',
  'pe',
  'par',
  'tak',
  'baad',
  'pehle',
  'karo',
  'kar',
  'liya',
  'gaya',
  'lo',
  'le',
  'lena',
  'dekh',
  'dekho',
  'new',
  'fresh',
  'another',
  'one',
  'please',
  'can',
  'could',
  'you',
  'u',
  'ur',
  'mujhe',
  'humein',
  'hume',
  'hamara',
  'hamari',
  'kaise',
  'kitne',
  'bhejna',
  'bhejni',
  'hui',
  'hua',
  'huyi',
  'जी',
  'भाई',
  'सर',
  'कृपया',
  'वाली',
  'वाला',
  'वाले',
  'अब',
  'और',
  'पूरा',
  'पूरी',
  'ka',
  'ki',
  'ke',
  'ko',
  'se',
  'saath',
  'liye',
  'wala',
  'hai',
  'tha',
  'me',
  'move',
  'moved',
  'push',
  'pushed',
  'postponed',
  'rescheduled',
  'called',
  'calling',
  'spoke',
  'spoken',
  'talked',
  'emailed',
  'mailed',
  'visited',
  'messaged',
  'whatsapped',
  'pinged',
  'followed',
  'shared',
  'kiya',
  'kia',
  'baat',
  'please',
  'kindly',
  'asked',
  'told',
  'said',
  'says',
  'instead',
  'ne',
  'rahi',
  'raha',
  'achhi',
  'acchi',
  'achi',
  'badhiya',
  'remove',
  'exclude',
  'hata',
  'hatao',
  'hata',
  'nikal',
  'nikalo',
  'bot',
  'hey',
  'interested',
  'milna',
  'milne',
  'take',
  'visit',
  'visits',
]);

/** A token that may sit inside a company name between two real words: "Mehta & Sons", "Bank of Baroda". */
const JOINERS = new Set(['&', 'and', 'of', 'n', '-', "'n'", '+']);

/** Words right before a company: "with X", "for X", and the verbs of a logged activity ("Called X"). */
const PRE = new Set([
  'with',
  'w',
  'for',
  'of',
  'at',
  'about',
  'regarding',
  're',
  'to',
  'from',
  'met',
  'client',
  'lead',
  'called',
  'visited',
  'emailed',
  'mailed',
  'messaged',
  'whatsapped',
  'pinged',
]);
/**
 * Hinglish light verbs and the activity nouns before them: "Deccan Auto Parts visit kiya", "Orbit
 * Textiles presentation karo", "Bank of Baroda site visit kiya", "Orbit Textiles review meeting".
 */
const VERB_AFTER_NAME = new Set(['kiya', 'karo', 'kari', 'hua', 'diya', 'visit', 'visits', 'call', 'meeting', 'demo']);
/** Words right after a company: "X ka demo", "X ke saath", "X wali meeting". */
const POST = new Set(['ka', 'ki', 'ke', 'ko', 'se', 'wala', 'saath', 'liye', "'s", 'me', 'pe', 'ne']);

export type Run = { c0: number; c1: number; text: string; score: number };

function isBreak(t: Token): boolean {
  if (t.mark) return true;
  if (t.word) return false;
  return /[,;:.!?|()[\]{}\n"/\\]/.test(t.raw) && t.canon !== '';
}

function canonLower(t: Token): string {
  return t.canon.trim().toLowerCase();
}

/** Runs of company-ish words in the canonical range [c0, c1). */
export function companyRuns(doc: Doc, c0 = 0, c1 = doc.canon.length, extraStop?: Set<string>): Run[] {
  const toks = doc.tokens.filter((t) => t.c0 >= c0 && t.c1 <= c1 && t.canon !== '');
  const runs: Run[] = [];
  let cur: Token[] = [];
  let pending: Token[] = [];
  let prevWord: string | undefined;
  const flush = (next: string | undefined) => {
    // "Deccan Auto Parts presentation kiya": lowercase words before a light verb or an activity
    // noun describe the activity; they are no part of a capitalised name.
    if (next && VERB_AFTER_NAME.has(next) && cur.some((t) => /^[\p{Lu}]/u.test(t.raw))) {
      while (cur.length > 1 && /^[a-z]/.test(cur[cur.length - 1].raw)) cur.pop();
    }
    if (cur.length) {
      const first = cur[0];
      const last = cur[cur.length - 1];
      const text = cleanCompany(origSlice(doc, first.c0, last.c1));
      if (text) {
        let score = Math.min(cur.length, 4);
        if (prevWord && PRE.has(prevWord)) score += 10;
        if (next && POST.has(next)) score += 8;
        if (cur.some((t) => /^[\p{Lu}\p{Lo}]/u.test(t.raw))) score += 2;
        runs.push({ c0: first.c0, c1: last.c1, text, score });
      }
    }
    cur = [];
    pending = [];
  };
  for (const t of toks) {
    if (!t.word) {
      if (/^\s+$/.test(t.canon)) continue;
      if (cur.length && t.raw === '&') {
        pending.push(t);
        continue;
      }
      if (isBreak(t) || t.raw === '-' || t.raw === '&') {
        flush(undefined);
        prevWord = undefined;
      }
      continue;
    }
    const w = canonLower(t);
    const raw = t.raw.toLowerCase();
    const stop = STOP.has(w) || STOP.has(raw) || extraStop?.has(w);
    if (!stop) {
      if (pending.length && cur.length) cur.push(...pending);
      pending = [];
      cur.push(t);
      continue;
    }
    if (cur.length && JOINERS.has(raw)) {
      // "and"/"of" joins only when a real word follows; decided when it arrives.
      pending.push(t);
      continue;
    }
    flush(w);
    prevWord = w;
  }
  flush(undefined);
  return runs;
}

/** The most likely company in [c0, c1), or undefined. */
export function pickCompany(doc: Doc, c0 = 0, c1 = doc.canon.length, extraStop?: Set<string>): Run | undefined {
  const runs = companyRuns(doc, c0, c1, extraStop);
  let best: Run | undefined;
  for (const r of runs) if (!best || r.score > best.score) best = r;
  return best;
}

// ---------------------------------------------------------------- clauses

const SEP = /[,;|\n!?]|\.(?=\s|$)|\s-\s|:(?=\s|$)|\s:|\(|\)/g;

/** Is the full stop at `at` an abbreviation's ("Mrs. Rao", "Pvt. Ltd.") rather than a sentence end? */
export function abbreviationDot(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 5), at);
  if (/\b(?:mr|mrs|ms|dr|st|no|smt|shri|sri)$/i.test(before)) return true;
  if (/\b(?:pvt|ltd|co|inc|corp|bros|jr|sr)$/i.test(before))
    return /^\s*(?:ltd|limited|pvt|private|inc|llp|co)\b/i.test(text.slice(at + 1));
  return false;
}

/** Canonical positions where clauses end. */
export function clauseBreaks(doc: Doc): number[] {
  const c = doc.skel;
  const out: number[] = [];
  SEP.lastIndex = 0;
  for (let m = SEP.exec(c); m; m = SEP.exec(c)) {
    if (m[0] === '.' && abbreviationDot(c, m.index)) continue;
    out.push(m.index);
  }
  return out;
}

export function clauseEnd(doc: Doc, c: number): number {
  for (const b of clauseBreaks(doc)) if (b >= c) return b;
  return doc.canon.length;
}

export type Clause = { c0: number; c1: number; next: number };

export function clauses(doc: Doc): Clause[] {
  const out: Clause[] = [];
  let start = 0;
  const breaks = clauseBreaks(doc);
  for (const b of breaks) {
    if (b > start) out.push({ c0: start, c1: b, next: b });
    const sep = /^\s-\s/.test(doc.canon.slice(b, b + 3)) ? 3 : 1;
    start = b + sep;
  }
  if (start < doc.canon.length) out.push({ c0: start, c1: doc.canon.length, next: doc.canon.length });
  return out.filter((cl) => doc.canon.slice(cl.c0, cl.c1).trim() !== '');
}
