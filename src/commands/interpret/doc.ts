// A message as the rules read it: tokens with their place in the user's text, a canonical
// string for pattern matching (known words in one Latin spelling, typos corrected, dates, phones
// and emails replaced by markers), and a way back from a canonical match to the user's own words.
import { FUZZY_CANON, FUZZY_TARGETS, WORD_MAP } from './lexicon.ts';

export type MarkKind = 'date' | 'phone' | 'email';
export type Mark = { start: number; end: number; kind: MarkKind };

/** Markers in the canonical text; none of them survives normalizeInput, so none is typed. */
export const MARK = { date: '§', phone: '¶', email: '¤' } as const;

export type Token = {
  /** Position in the original (normalized) text. */
  o0: number;
  o1: number;
  /** Position in the canonical text. */
  c0: number;
  c1: number;
  raw: string;
  canon: string;
  word: boolean;
  mark?: MarkKind;
};

/**
 * `canon` is the canonical text; `skel` is the same text lowercased with every non-ASCII letter
 * turned into "x" (markers kept). Offsets are identical, and the patterns run on `skel` with
 * JS's fast ASCII `\b`: Devanagari runs become words of "x", so boundaries still fall right.
 */
export type Doc = { text: string; canon: string; skel: string; tokens: Token[] };

export function skeleton(s: string): string {
  return s.replace(/[^\t\n\r -~§¶¤]/g, 'x').toLowerCase();
}

const WORD = /[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*/uy;
const LATIN_WORD = /^[a-z]+$/;

/** A pattern for `Doc.skel` (lowercase, ASCII letters plus "x" for the rest). */
export function rx(source: string, flags = ''): RegExp {
  return new RegExp(source, flags.includes('u') ? flags : flags + 'u');
}

/** Unicode-safe test helper for the many one-off patterns. */
export const has = (re: RegExp, s: string) => re.test(s);

/** Cleans what people paste: NFC, dashes, quotes, arrows, emoji, stray marker characters. */
export function normalizeInput(input: string): string {
  return input
    .normalize('NFC')
    .replace(/[§¶¤]/g, ' ')
    .replace(/[\u2018\u2019\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u2033]/g, '"')
    .replace(/[\u2013\u2014\u2015\u2212]/g, ' - ')
    .replace(/\s*(?:→|⇒|➡️?|-->|->|=>)\s*/g, ' to ')
    .replace(/(?<![\p{L}\p{N}])w\/\s*/giu, 'with ')
    .replace(/\p{Extended_Pictographic}\uFE0F?/gu, ' ')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(/[ \t\u00A0]+/g, ' ')
    .replace(/ *\n+ */g, '\n')
    .trim();
}

function damerau(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length][b.length];
}

const fuzzyCache = new Map<string, string | null>();

/** "shedule" → "schedule", "reschdule" → "reschedule"; null when nothing is close enough. */
function fuzzyWord(lower: string): string | null {
  const cached = fuzzyCache.get(lower);
  if (cached !== undefined) return cached;
  let best: string | null = null;
  if (lower.length >= 5 && LATIN_WORD.test(lower)) {
    const max = lower.length >= 8 ? 2 : 1;
    let bestD = max + 1;
    for (const t of FUZZY_TARGETS) {
      if (t[0] !== lower[0] && !(t === 'schedule' && lower[0] === 's')) continue;
      const dist = damerau(lower, t, max);
      if (dist < bestD) {
        bestD = dist;
        best = t;
      }
    }
    if (best) best = FUZZY_CANON[best] ?? WORD_MAP.get(best) ?? best;
  }
  if (fuzzyCache.size > 10_000) fuzzyCache.clear();
  fuzzyCache.set(lower, best);
  return best;
}

function canonWord(raw: string, first: boolean): string {
  const lower = raw.toLowerCase();
  const mapped = WORD_MAP.get(lower);
  if (mapped) return mapped;
  // A capitalised word mid-sentence is probably a name; leave it alone.
  if (!first && raw[0] !== lower[0]) return raw;
  return fuzzyWord(lower) ?? raw;
}

/** Two-word spellings that mean one canonical word. */
const PHRASES: Array<[string, string, string]> = [
  ['hand', 'over', 'handover'],
  ['follow', 'up', 'followups'],
  ['follow', 'ups', 'followups'],
  ['followups', 'up', 'followups'],
];

export function buildDoc(text: string, marks: Mark[] = []): Doc {
  const sorted = [...marks].sort((a, b) => a.start - b.start);
  const tokens: Token[] = [];
  let canon = '';
  let i = 0;
  let m = 0;
  let firstWord = true;
  const push = (o0: number, o1: number, c: string, word: boolean, mark?: MarkKind) => {
    tokens.push({
      o0,
      o1,
      c0: canon.length,
      c1: canon.length + c.length,
      raw: text.slice(o0, o1),
      canon: c,
      word,
      mark,
    });
    canon += c;
  };
  while (i < text.length) {
    while (m < sorted.length && sorted[m].end <= i) m++;
    if (m < sorted.length && sorted[m].start <= i) {
      const mk = sorted[m];
      push(i, mk.end, ` ${MARK[mk.kind]} `, false, mk.kind);
      i = mk.end;
      m++;
      continue;
    }
    WORD.lastIndex = i;
    const w = WORD.exec(text);
    const limit = m < sorted.length ? sorted[m].start : text.length;
    if (w && i + w[0].length <= limit) {
      const raw = w[0];
      let c = canonWord(raw, firstWord);
      if (c === raw && raw.includes('-')) {
        c = raw
          .split('-')
          .map((p) => canonWord(p, false))
          .join(' ');
      }
      push(i, i + raw.length, c, true);
      firstWord = false;
      i += raw.length;
    } else {
      const ch = text[i];
      if (ch === '\n' || ch === '.' || ch === '!' || ch === '?') firstWord = true;
      push(i, i + 1, ch, false);
      i++;
    }
  }
  // Merge phrases ("hand over" → "handover") into the first token, keeping positions.
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (!t.word) continue;
    let n = k + 1;
    while (n < tokens.length && !tokens[n].word && /^[\s-]$/.test(tokens[n].raw)) n++;
    const next = tokens[n];
    if (!next || !next.word) continue;
    const a = t.canon.toLowerCase();
    const b = next.canon.toLowerCase();
    // "new led" is a typo for "new lead", not the past of "lead"
    if (b === 'led' && (a === 'naya' || a === 'add')) next.canon = 'lead';
    const ra = t.raw.toLowerCase();
    const rb = next.raw.toLowerCase();
    for (const [p, q, to] of PHRASES) {
      if ((a === p || ra === p) && (b === q || rb === q)) {
        t.canon = to;
        t.o1 = next.o1;
        t.raw = text.slice(t.o0, t.o1);
        for (let q2 = k + 1; q2 <= n; q2++) {
          const absorbed = tokens[q2];
          absorbed.canon = '';
          absorbed.word = false;
          absorbed.o0 = absorbed.o1 = t.o1;
          absorbed.raw = '';
        }
        break;
      }
    }
  }
  if (tokens.some((t) => t.c1 - t.c0 !== t.canon.length)) {
    canon = '';
    for (const t of tokens) {
      t.c0 = canon.length;
      canon += t.canon;
      t.c1 = canon.length;
    }
  }
  return { text, canon, skel: skeleton(canon), tokens };
}

function tokenAt(doc: Doc, c: number): number {
  let lo = 0;
  let hi = doc.tokens.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (doc.tokens[mid].c1 <= c) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Original text behind the canonical range [c0, c1), widened to whole tokens. */
export function origRange(doc: Doc, c0: number, c1: number): [number, number] {
  if (c1 <= c0 || doc.tokens.length === 0) return [0, 0];
  let a = tokenAt(doc, c0);
  let b = tokenAt(doc, c1 - 1);
  while (a <= b && (doc.tokens[a].canon === '' || /^\s+$/.test(doc.tokens[a].canon)) && a < b) a++;
  while (b > a && (doc.tokens[b].canon === '' || /^\s+$/.test(doc.tokens[b].canon))) b--;
  return [doc.tokens[a].o0, doc.tokens[b].o1];
}

export function origSlice(doc: Doc, c0: number, c1: number): string {
  const [a, b] = origRange(doc, c0, c1);
  return doc.text.slice(a, b);
}

/** Canonical position of an original offset (start of the token that holds it). */
export function canonAt(doc: Doc, o: number): number {
  for (const t of doc.tokens) if (t.o1 > o) return t.c0;
  return doc.canon.length;
}
