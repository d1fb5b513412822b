// Finding the company, a team member's name and a free-text note inside a message, on the
// canonical text of a Doc. Command words are "stop words" here: what is left, next to a
// preposition or postposition ("with X", "X ka", "X ke saath"), is the company.
import { cleanCompany, cleanName, cleanNote } from './clean.ts';
import { MARK, origSlice, rx, type Doc, type Token } from './doc.ts';
import { NOT_A_NAME, WORD_MAP } from './lexicon.ts';

const CANON_WORDS = new Set(WORD_MAP.values());

/** Words that never belong to a company name when they stand at the edge of a run. */
const STOP = new Set([
  ...CANON_WORDS,
  'with', 'w', 'for', 'at', 'on', 'to', 'the', 'a', 'an', 'is', 'was', 'are', 'were', 'has', 'have', 'had', 'been', 'be',
  'will', 'would', 'can', 'could', 'should', 'shall', 'may', 'might', 'must', 'we', 'i', 'you', 'they', 'them', 'their',
  'it', 'its', 'this', 'that', 'these', 'those', 'set', 'setup', 'arrange', 'arranged', 'plan', 'planned', 'organise',
  'organize', 'mark', 'marked', 'as', 'now', 'so', 'far', 'what', 'whats', "what's", 'happened', 'happen', 'my', 'give',
  'gave', 'given', 'full', 'complete', 'all', 'new', 'time', 'timing', 'timings', 'slot', 'from', 'by', 'in', 'after',
  'before', 'tonight', 'morning', 'evening', 'afternoon', 'product', 'online', 'offline', 'virtual', 'physical', 'via',
  'also', 'again', 'just', 'want', 'wants', 'need', 'needs', "let's", 'lets', 'do', 'did', 'does', 'got', 'good',
  'great', 'nice', 'went', 'well', 'meet', 'met', 'attended', 'attend', 'still', 'some', 'any', 'our', 'us', 'about',
  'regarding', 're', 'bhai', 'ji', 'sir', 'boss', 'yaar', 'bro', 'dear', 'team', 'hi', 'hello', 'hey', 'ok', 'okay',
  'thanks', 'thank', 'dena', 'hona', 'hoga', 'hogi', 'honi', 'wo', 'woh', 'unka', 'unki', 'unke', 'inka', 'jaldi',
  'saara', 'record', 'details', 'detail', 'status', 'update', 'updates', 'log', 'logged', 'baje', 'owner', 'ownership',
  'handled', 'handle', 'sending', 'send', 'sent', 'stopped', 'more', 'mere', 'me', 'of', 'and', 'n', 'or', 'quick',
  'short', 'first', 'second', 'final', 'intro', 'introductory', 'zoom', 'teams', 'gmeet', 'sales', 'yes', 'no', 'not',
  'today', 'tomorrow', 'there', 'here', 'karna', 'karni', 'karenge', 'karna', 'hona', 'chahiye', 'chahie', 'wanted',
  'fixed', 'abhi', 'bas', 'phir', 'fir', 'bhi', 'toh', 'to', 'hi', 'he', 'she', 'him', 'her', 'done', 'dedo', 'de',
  'pichli', 'pichle', 'agle', 'agli', 'next', 'last', 'week', 'pls', 'plz', 'kindly', 'pe', 'par', 'tak', 'baad',
  'pehle', 'karo', 'kar', 'liya', 'gaya', 'lo', 'le', 'lena', 'dekh', 'dekho', 'new', 'fresh', 'another', 'one',
  'please', 'can', 'could', 'you', 'u', 'ur', 'mujhe', 'humein', 'hume', 'hamara', 'hamari', 'kaise', 'kitne',
  'bhejna', 'bhejni', 'hui', 'hua', 'huyi', 'जी', 'भाई', 'सर', 'कृपया', 'वाली', 'वाला', 'वाले', 'अब', 'और', 'पूरा',
  'पूरी', 'ka', 'ki', 'ke', 'ko', 'se', 'saath', 'liye', 'wala', 'hai', 'tha', 'me',
  'move', 'moved', 'push', 'pushed', 'postponed', 'rescheduled', 'called', 'calling', 'spoke', 'spoken', 'talked',
  'emailed', 'mailed', 'visited', 'messaged', 'whatsapped', 'pinged', 'followed', 'shared', 'kiya', 'kia', 'baat',
  'please', 'kindly', 'asked', 'told', 'said', 'says', 'instead', 'ne', 'rahi', 'raha', 'achhi', 'acchi', 'achi', 'badhiya',
  'remove', 'exclude', 'hata', 'hatao', 'hata', 'nikal', 'nikalo', 'bot', 'hey', 'interested', 'milna', 'milne', 'take',
]);

/** A token that may sit inside a company name between two real words: "Mehta & Sons", "Bank of Baroda". */
const JOINERS = new Set(['&', 'and', 'of', 'n', '-', "'n'", '+']);

/** Words right before a company: "with X", "for X". */
const PRE = new Set(['with', 'w', 'for', 'of', 'at', 'about', 'regarding', 're', 'to', 'from', 'met', 'client', 'lead']);
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

// ---------------------------------------------------------------- names

function nameToken(t: Token | undefined): boolean {
  if (!t || !t.word) return false;
  const lower = t.raw.toLowerCase();
  if (NOT_A_NAME.has(lower) || STOP.has(lower)) return false;
  if (t.canon.toLowerCase() !== lower) return false; // a command word, not a name
  return /^[\p{L}][\p{L}\p{M}.']*$/u.test(t.raw) && !/^\d/.test(t.raw);
}

export type NameHit = { name: string; c0: number; c1: number };

function tokenIndexAt(doc: Doc, c: number): number {
  return doc.tokens.findIndex((t) => t.c1 > c && t.canon !== '');
}

/** A name of up to `max` words starting at canonical position c. */
export function nameAt(doc: Doc, c: number, max = 2): NameHit | undefined {
  let i = tokenIndexAt(doc, c);
  if (i < 0) return undefined;
  while (doc.tokens[i] && !doc.tokens[i].word && /^\s+$/.test(doc.tokens[i].canon)) i++;
  // honorifics before a name: "Mr. Sunil"
  const parts: Token[] = [];
  let words = 0;
  for (let k = i; k < doc.tokens.length && words < max + 1; k++) {
    const t = doc.tokens[k];
    if (!t.word) {
      if (/^\s+$/.test(t.raw) || (t.raw === '.' && parts.length)) continue;
      break;
    }
    const hon = cleanName(t.raw) === undefined;
    if (hon) {
      parts.push(t);
      continue;
    }
    if (!nameToken(t)) break;
    // a second word must look like a surname (capitalised or Devanagari), not "tomorrow"
    if (words >= 1 && !/^[\p{Lu}\p{Lo}]/u.test(t.raw)) break;
    parts.push(t);
    words++;
    if (words >= max) break;
  }
  if (!words) return undefined;
  const name = cleanName(origSlice(doc, parts[0].c0, parts[parts.length - 1].c1));
  return name ? { name, c0: parts[0].c0, c1: parts[parts.length - 1].c1 } : undefined;
}

/** The name of up to `max` words that ends right before canonical position c. */
export function nameBefore(doc: Doc, c: number, max = 1): NameHit | undefined {
  let k = doc.tokens.length - 1;
  while (k >= 0 && doc.tokens[k].c1 > c) k--;
  const parts: Token[] = [];
  let real = 0;
  for (; k >= 0; k--) {
    const t = doc.tokens[k];
    if (!t.word) {
      if (/^\s*$/.test(t.canon)) continue;
      break;
    }
    if (cleanName(t.raw) === undefined) {
      if (real) parts.unshift(t);
      continue;
    }
    if (real >= max || !nameToken(t)) break;
    parts.unshift(t);
    real++;
  }
  if (!real) return undefined;
  const name = cleanName(origSlice(doc, parts[0].c0, parts[parts.length - 1].c1));
  return name ? { name, c0: parts[0].c0, c1: parts[parts.length - 1].c1 } : undefined;
}

const ASSIGN_AFTER = rx('\\b(?:assign|reassign)\\s+(?:it\\s+|this\\s+|the\\s+lead\\s+)?(?:to\\s+)?|\\b(?:give|handover|transfer|allot|pass|forward)\\s+(?:it|this|the\\s+lead|lead)\\s+to\\s+', 'g');
const ASSIGN_LABEL = rx('\\bassignee\\s*[:\\-]?\\s*|\\bassign(?:ed)?\\s*:\\s*', 'g');
const ASSIGN_TO = rx('\\b(?:assign|reassign|allot|give|handover)\\b[^,.;]*?\\bto\\s+', 'g');
const NAME_TAKES = rx('^(?:(?:please|pls|bhai)\\s+)*[^\\s,]+\\s+(?:please\\s+|pls\\s+|can\\s+you\\s+|will\\s+you\\s+)?(?:take|handle|do|attend|conduct|cover|join)\\b', 'g');
const KO_VERB = rx('\\s+ko\\s+(?:assign|reassign|transfer|handover|saunp|dedo|de\\s+do|de\\s+dena|de\\s+dijiye|de\\b|dikhao|bhej|forward|send)', 'g');
const WILL_DO = rx('\\s+(?:will|to|should|can|shall)\\s+(?:handle|take|attend|do|conduct|join|lead|give|present|go|own|manage|cover)\\b', 'g');
const HINDI_DO = rx('\\s+(?:dekhega|dekhegi|dekhenge|sambhalega|sambhalegi|sambhalenge|handle\\s+karega|handle\\s+karegi|handle\\s+karo|lega|legi|karega|karegi|jayega|jayegi|attend\\s+karega|attend\\s+karegi)\\b', 'g');

export type Assignee = NameHit & { cut0: number; cut1: number };

/** A team member the command hands something to, with the span to cut out of the text. */
export function findAssignee(doc: Doc, opts: { from?: number } = {}): Assignee | undefined {
  const c = doc.skel;
  const from = opts.from ?? 0;
  const hits: Assignee[] = [];
  NAME_TAKES.lastIndex = 0;
  const takes = NAME_TAKES.exec(c);
  if (takes) {
    const lead = /^(?:(?:please|pls|bhai)\s+)*/.exec(c)?.[0].length ?? 0;
    const n = nameAt(doc, lead, 1);
    if (n) hits.push({ ...n, cut0: n.c0, cut1: n.c1 });
  }
  for (const re of [ASSIGN_LABEL, ASSIGN_AFTER, ASSIGN_TO]) {
    re.lastIndex = 0;
    for (let m = re.exec(c); m; m = re.exec(c)) {
      if (m.index < from) continue;
      const n = nameAt(doc, m.index + m[0].length, 2);
      // "assign the Orbit demo to Rekha": cut only "to Rekha", the company sits in between
      const cut0 = re === ASSIGN_TO ? m.index + m[0].lastIndexOf('to') : m.index;
      if (n) hits.push({ ...n, cut0, cut1: n.c1 });
    }
  }
  for (const re of [KO_VERB, WILL_DO, HINDI_DO]) {
    re.lastIndex = 0;
    for (let m = re.exec(c); m; m = re.exec(c)) {
      if (m.index < from) continue;
      const n = nameBefore(doc, m.index, 1);
      if (n) {
        // "Rekha ko assign karo": cut to the end of the clause's verb words
        const tail = /^[\s\p{L}\p{M}]*/u.exec(c.slice(m.index + m[0].length))?.[0] ?? '';
        const end = m.index + m[0].length + (/[,;.|]/.test(tail) ? 0 : tail.replace(/\s*$/, '').length);
        hits.push({ ...n, cut0: n.c0, cut1: Math.min(end, clauseEnd(doc, m.index)) });
      }
    }
  }
  if (!hits.length) return undefined;
  // the last instruction wins ("... assign to Amit, no, to Neha" is rare; later is usually the assignee)
  hits.sort((a, b) => a.c0 - b.c0);
  return hits[hits.length - 1];
}

// ---------------------------------------------------------------- clauses

const SEP = /[,;|\n!?]|\.(?=\s|$)|\s-\s|:(?=\s|$)|\s:|\(|\)/g;

/** Is the full stop at `at` an abbreviation's ("Mrs. Rao", "Pvt. Ltd.") rather than a sentence end? */
export function abbreviationDot(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 5), at);
  if (/\b(?:mr|mrs|ms|dr|st|no|smt|shri|sri)$/i.test(before)) return true;
  if (/\b(?:pvt|ltd|co|inc|corp|bros|jr|sr)$/i.test(before)) return /^\s*(?:ltd|limited|pvt|private|inc|llp|co)\b/i.test(text.slice(at + 1));
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

/** Note: the user's words after the clause that named the company. */
export function noteAfter(doc: Doc, c: number): string | undefined {
  const [o] = [doc.tokens.find((t) => t.c0 >= c)?.o0 ?? doc.text.length];
  return cleanNote(doc.text.slice(o));
}

/** True when the canonical text has a marker of this kind. */
export function hasMark(doc: Doc, kind: keyof typeof MARK): boolean {
  return doc.tokens.some((t) => t.mark === kind);
}
