// Text analysis shared by the profile rules: sentences and clauses, question kind, who a clause is
// about, and negation. Customers mix English, German and Hinglish in one message, so every word
// list here carries all three.

// Unicode-aware word boundaries: JavaScript's \b only knows ASCII letters ("nervös", "heiße").
// In rule sources a \b before a word (possibly inside opening groups) opens it and any other \b
// closes it; a one-sided look is enough then and much cheaper than the two-sided test.
const WORD_START = String.raw`(?<![\p{L}\p{N}_])`;
const WORD_END = String.raw`(?![\p{L}\p{N}_])`;
const source = (strings: TemplateStringsArray, values: string[]) =>
  String.raw(strings, ...values)
    .replace(/\\b(?=((?:\((?:\?:)?)*(?:[\p{L}\p{N}]|\\p|\[\\p))?)/gu, (_, next) => (next ? WORD_START : WORD_END))
    .replaceAll(String.raw`\p{Lu}`, String.raw`(?-i:\p{Lu})`);

/** Case-insensitive Unicode regex from a raw template. `\b` is a Unicode word boundary and
 *  `\p{Lu}` stays case-sensitive (a capital letter is evidence of a name). */
export function rx(strings: TemplateStringsArray, ...values: string[]): RegExp {
  return new RegExp(source(strings, values), 'iu');
}
/** Same as rx with the global flag, for allMatches. */
export function rxg(strings: TemplateStringsArray, ...values: string[]): RegExp {
  return new RegExp(source(strings, values), 'giu');
}
/** Builds an alternation source from words (already regex-safe). */
export const alt = (words: readonly string[]) => `(?:${[...words].sort((a, b) => b.length - a.length).join('|')})`;

export type QuestionKind = 'none' | 'info' | 'request';

export type Clause = {
  text: string;
  /** Offset of the clause in the normalized message. */
  start: number;
  question: QuestionKind;
  sentence: Sentence;
  index: number;
};

export type Sentence = {
  text: string;
  start: number;
  clauses: Clause[];
  /** The sentence corrects something said before ("actually…", "sorry, I meant…", "X nahi"). */
  correction: boolean;
};

export type Token = { word: string; raw: string; start: number; end: number };

export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/[‘’ʼ`´]/g, "'")
    .replace(/[“”„]/g, '"')
    .replace(/[ \t\u00a0]+/g, ' ')
    .trim();
}

const WORD = /[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu;

const tokenCache = new WeakMap<Clause, Token[]>();
/** Tokens of a clause, computed once. */
export function clauseTokens(clause: Clause): Token[] {
  let tokens = tokenCache.get(clause);
  if (!tokens) tokenCache.set(clause, (tokens = tokenize(clause.text, clause.start)));
  return tokens;
}

export function tokenize(text: string, offset = 0): Token[] {
  const out: Token[] = [];
  for (const m of allMatches(WORD, text)) {
    out.push({ word: m[0].toLowerCase(), raw: m[0], start: offset + m.index, end: offset + m.index + m[0].length });
  }
  return out;
}

// A period after these is not the end of a sentence ("Dr. Weber", "z.B.").
const ABBREVIATION = /(?:^|[\s(])(?:dr|mr|mrs|ms|prof|st|nr|ca|bzw|z\.b|e\.g|i\.e|etc|approx)\.$/i;

const SENTENCE_END = /[.!?…]+(?=\s|$)|\n+/g;

function splitSentences(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let start = 0;
  for (const m of allMatches(SENTENCE_END, text)) {
    const end = m.index + m[0].length;
    if (m[0] === '.' && ABBREVIATION.test(text.slice(start, end))) continue;
    pushTrimmed(out, text, start, end);
    start = end;
  }
  pushTrimmed(out, text, start, text.length);
  return out;
}

function pushTrimmed(out: { text: string; start: number }[], text: string, start: number, end: number) {
  const piece = text.slice(start, end);
  const lead = piece.length - piece.trimStart().length;
  const trimmed = piece.trim();
  if (trimmed) out.push({ text: trimmed, start: start + lead });
}

// Clause breaks: punctuation, dashes, and conjunctions that start a new thought. "so" is a break
// only after a content word ("hard of hearing so please…"), not in "was so gentle".
const CLAUSE_BREAK = rxg`\s*(?:[,;()]|(?<!\d):(?!\d))+\s*|\s+[-–—]+\s+|\s+(?=(?:but|aber|lekin|magar|however|toh|because|weil|kyunki|kyonki|denn|sondern|warna)\b)|\s+(?=so\s)`;
const NO_SPLIT_BEFORE_SO = new Set([
  'is',
  'was',
  'are',
  'were',
  'be',
  'been',
  'am',
  "i'm",
  "it's",
  "he's",
  "she's",
  "you're",
  "we're",
  "they're",
  'feel',
  'felt',
  'feels',
  'look',
  'looks',
  'really',
  'not',
  'and',
  'or',
  'just',
  'you',
  'me',
  'it',
  'that',
  'this',
  'very',
  'i',
  'thanks',
  'thank',
  'ever',
  'quite',
  'also',
  'doing',
  'been',
  'bin',
  'ist',
]);

function splitClauses(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let start = 0;
  for (const m of allMatches(CLAUSE_BREAK, text)) {
    if (/^\s+$/.test(m[0]) && /^\s+so\s/i.test(text.slice(m.index, m.index + 5))) {
      const prev = text
        .slice(0, m.index)
        .match(/([\p{L}']+)\s*$/u)?.[1]
        ?.toLowerCase();
      if (!prev || NO_SPLIT_BEFORE_SO.has(prev)) continue;
    }
    pushTrimmed(out, text, start, m.index);
    start = m.index + m[0].length;
  }
  pushTrimmed(out, text, start, text.length);
  return out;
}

const LEAD = String.raw`^(?:(?:hi|hello|hey|hallo|hii+|ok|okay|also|and|so|btw|sorry|oh|um|acha|accha|achha|ji|und|aur|sir|ma'am|madam|please|pls|bitte|one more thing|quick question)[\s,!.]+)*`;
// Auxiliary-first questions ("Do you…", "Is Dr. Weber…", "Haben Sie…", "kya…") are questions with
// or without a question mark; wh-words also start statements ("Wie immer…", "When I come…"), so
// they make a question only with a "?" or a question-like continuation.
const INFO_START = new RegExp(
  LEAD +
    String.raw`(?:(?:do|does|did|will|would|should|shall|has|have|had)\s+(?:you|u|i|we|they|he|she|it|there|your|the|this|that|any|my|dr)|is|are|was|were|kya|kyaa|kitna|kitne|kitni|kab|kaise|kahan|kaha|kaun|kis|kyun|kyu|haben|hast|hat|habt|gibt|ist|sind|bist|muss|darf|wird|werden)(?![\p{L}'])`,
  'iu',
);
const WH_START = new RegExp(
  LEAD +
    String.raw`(what|what's|whats|when|where|why|how|who|which|whom|wann|wo|wie|wieso|warum|welche|welcher|welches|was)(?![\p{L}'])\s*([\p{L}']*)`,
  'iu',
);
const WH_CONTINUATION = new Set(
  `is are do does did can could will would should time much many long about was were has have kind ist sind kann können kostet kosten lange viel teuer spät hat haben geht gibt muss macht komme`.split(
    /\s+/,
  ),
);
const isWhQuestion = (clause: string, sentenceIsQuestion: boolean) => {
  const m = clause.match(WH_START);
  return Boolean(m && (sentenceIsQuestion || WH_CONTINUATION.has(m[2].toLowerCase()) || /^what'?s$/i.test(m[1])));
};

const REQUEST_START = new RegExp(
  LEAD +
    String.raw`(?:(?:can|could|may|might)\s+(?:i|we|you|u)|(?:would|will)\s+(?:you|u)|would it be possible|is it possible|is it ok(?:ay)? if i|kann ich|könnte ich|koennte ich|können wir|koennen wir|könnten wir|können sie|könnten sie|kannst du|könntest du|darf ich)(?![\p{L}'])`,
  'iu',
);
const HINGLISH_REQUEST = rx`\b(?:sakt[aie]|skt[aie]|sakoon|sakun|paungi|paunga|milega|milegi)\s+(?:hoon|hu|hun|hain|hai|ho|hein|kya)?\s*\??$|\b(?:kar|kr)\s+(?:do|dena|dijiye|denge|doge)\b|\bplease\b|\bbitte\b`;
const HINGLISH_INFO_END = rx`\b(?:kya|na)\s*\?*$`;

// "Können Sie mir sagen, ob…", "could you tell me if…": a request for information.
const ASKS_TO_TELL = rx`\b(?:tell me|let me know|sagen|mitteilen|batao|bataiye|bata do)\b(?:.*\b(?:if|whether|when|what|how|ob|wann|was|wie|kya|kab|kitne)\b)?`;

function questionKind(clause: string, isLast: boolean, sentenceIsQuestion: boolean): QuestionKind {
  if (REQUEST_START.test(clause))
    return ASKS_TO_TELL.test(clause) && !/\btell me about\b/i.test(clause) ? 'info' : 'request';
  if (INFO_START.test(clause) || isWhQuestion(clause, sentenceIsQuestion)) return 'info';
  if (sentenceIsQuestion && isLast) {
    if (HINGLISH_INFO_END.test(clause)) return 'info';
    return HINGLISH_REQUEST.test(clause) ? 'request' : 'info';
  }
  return 'none';
}

const CORRECTION = rx`(?:^|[,.!]\s*)actually\b|\b(?:i meant|i mean|meant to say|correction|my bad|oops|wrong (?:email|name|number|day|date|time|one)|eigentlich|ich meinte|meinte ich|korrektur|galti|galat likha|nahi nahi|not what i meant)\b`;
const CONTRAST = /(?:\bnot|\bnicht)\s+\p{Lu}|\p{Lu}[\p{L}]+\s+(?:nahi|nahin)(?![\p{L}])/u;
const WEEKDAY_CONTRAST = rx`\b(?:not|nicht)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+(?:nahi|nahin)\b`;

export function analyze(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  for (const s of splitSentences(text)) {
    const sentence: Sentence = {
      text: s.text,
      start: s.start,
      clauses: [],
      correction: CORRECTION.test(s.text) || CONTRAST.test(s.text) || WEEKDAY_CONTRAST.test(s.text),
    };
    const isQuestion = /\?\s*[\p{Emoji_Presentation}\s]*$/u.test(s.text);
    const parts = splitClauses(s.text);
    parts.forEach((c, i) => {
      sentence.clauses.push({
        text: c.text,
        start: s.start + c.start,
        question: questionKind(c.text, i === parts.length - 1, isQuestion),
        sentence,
        index: i,
      });
    });
    sentences.push(sentence);
  }
  return sentences;
}

// ── Who is the clause about? ─────────────────────────────────────────────────────────────────

const KIN = new Set([
  'friend',
  'friends',
  'wife',
  'husband',
  'son',
  'sons',
  'daughter',
  'daughters',
  'mother',
  'mom',
  'mum',
  'mommy',
  'mummy',
  'mama',
  'father',
  'dad',
  'daddy',
  'papa',
  'kid',
  'kids',
  'child',
  'children',
  'baby',
  'partner',
  'boyfriend',
  'girlfriend',
  'sister',
  'brother',
  'colleague',
  'colleagues',
  'boss',
  'grandma',
  'grandmother',
  'grandpa',
  'grandfather',
  'granny',
  'aunt',
  'uncle',
  'cousin',
  'neighbour',
  'neighbor',
  'fiance',
  'fiancé',
  'fiancee',
  'spouse',
  'parents',
  'family',
  'flatmate',
  'roommate',
  'frau',
  'mann',
  'sohn',
  'tochter',
  'mutter',
  'vater',
  'kind',
  'kinder',
  'freund',
  'freundin',
  'schwester',
  'bruder',
  'partnerin',
  'oma',
  'opa',
  'kollege',
  'kollegin',
  'eltern',
  'nachbar',
  'nachbarin',
  'beta',
  'bete',
  'beti',
  'maa',
  'mummy',
  'mumma',
  'pitaji',
  'bhai',
  'bhaiya',
  'behen',
  'bahen',
  'didi',
  'dost',
  'saas',
  'sasur',
  'bachcha',
  'bacche',
  'bachche',
  'bachchon',
  'nani',
  'dadi',
  'nana',
  'dada',
  'pati',
  'patni',
  'biwi',
  'ammi',
  'abbu',
]);
// Kin words that are also common nouns or titles count only after a possessive ("meine Frau").
const KIN_NEEDS_POSSESSIVE = new Set([
  'frau',
  'mann',
  'kind',
  'papa',
  'mama',
  'bhai',
  'bhaiya',
  'didi',
  'family',
  'boss',
  'nana',
  'dada',
]);
const POSSESSIVE = new Set([
  'my',
  'mein',
  'meine',
  'meinem',
  'meinen',
  'meiner',
  'mera',
  'meri',
  'mere',
  'our',
  'unser',
  'unsere',
  'hamara',
  'hamari',
  'hamare',
  'apne',
  'apni',
  'apna',
  'his',
  'her',
  'their',
  'a',
]);
const FIRST = new Set([
  'i',
  "i'm",
  "i've",
  "i'd",
  "i'll",
  'me',
  'my',
  'myself',
  'mine',
  'ich',
  'mir',
  'mich',
  'meine',
  'meinem',
  'meinen',
  'meiner',
  'mujhe',
  'mujhko',
  'mai',
  'main',
  'mera',
  'meri',
  'mere',
  'hum',
  'humein',
  'hamein',
  'humko',
  'hume',
  'hamko',
]);
const THIRD = new Set([
  'he',
  'she',
  'they',
  'him',
  'his',
  'them',
  'their',
  "he's",
  "she's",
  "they're",
  "he'd",
  "she'd",
  'er',
  'ihm',
  'ihn',
  'woh',
  'wo',
  'vo',
  'voh',
  'usko',
  'usse',
  'unko',
  'unhe',
  'unhein',
  'uska',
  'uski',
  'uske',
  'unka',
  'unki',
  'unke',
  'inko',
  'isko',
]);

export type Subject = 'self' | 'other' | 'unknown';

/** Person marker of one token: 'self', 'other' or undefined. */
function markerAt(tokens: Token[], i: number): Subject | undefined {
  const t = tokens[i];
  const w = t.word;
  if (KIN.has(w)) {
    const prev = tokens[i - 1]?.word;
    if (!KIN_NEEDS_POSSESSIVE.has(w) || (prev && POSSESSIVE.has(prev))) return 'other';
  }
  const next = tokens[i + 1];
  if (POSSESSIVE.has(w) && next && KIN.has(next.word)) return undefined; // the kin word decides
  if (w === 'im') return next && /^\p{Ll}/u.test(next.raw) && !/^\d/.test(next.raw) ? 'self' : undefined; // "im scared" vs "im Rollstuhl"
  if (w === 'sie' && t.raw === 'sie') return 'other';
  if (w === 'her') return 'other';
  if (FIRST.has(w)) return 'self';
  if (THIRD.has(w)) return 'other';
  return undefined;
}

/**
 * Whom a fact found at `at` (offset in the message) is about: the nearest person marker before it
 * in its clause, else after it (Hinglish puts "mujhe" last), else the nearest in earlier clauses.
 */
export function subjectAt(clause: Clause, at: number): Subject {
  const tokens = clauseTokens(clause);
  let found: Subject | undefined;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i].start >= at) continue;
    found = markerAt(tokens, i);
    if (found) return found;
  }
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].start < at) continue;
    found = markerAt(tokens, i);
    if (found) return found;
  }
  const clauses = clause.sentence.clauses;
  for (let c = clause.index - 1; c >= 0; c--) {
    const prev = clauseTokens(clauses[c]);
    for (let i = prev.length - 1; i >= 0; i--) {
      found = markerAt(prev, i);
      if (found) return found;
    }
  }
  return 'unknown';
}

/** True when the clause mentions another person anywhere ("for my son", "meri beti ke liye"). */
export function mentionsOther(clause: Clause): boolean {
  const tokens = clauseTokens(clause);
  return tokens.some((_, i) => markerAt(tokens, i) === 'other');
}

// ── Negation ─────────────────────────────────────────────────────────────────────────────────

const NEG_BEFORE = new Set([
  'not',
  'no',
  'never',
  'without',
  "don't",
  'dont',
  "doesn't",
  "isn't",
  "aren't",
  "wasn't",
  "weren't",
  "didn't",
  "haven't",
  "hasn't",
  "won't",
  "wouldn't",
  'neither',
  'nor',
  'nicht',
  'kein',
  'keine',
  'keinen',
  'keiner',
  'keinem',
  'nie',
  'niemals',
  'ohne',
  'barely',
  'hardly',
]);
// Hindi negates after the noun or verb: "darr nahi lagta", "koi allergy nahi hai".
const NEG_AFTER = new Set(['nahi', 'nahin', 'nai', 'nhi', 'mat']);
const PAST_BEFORE = new Set(['was', 'were', 'used', 'früher', 'hatte', 'war']);
const PAST_AFTER = new Set(['tha', 'thi']);
const CHILDHOOD = rx`\bas a (?:kid|child|teen|teenager)\b|\bals kind\b|\bbachpan\b`;

/** The fact at [start, end) is negated or in the past ("I'm not afraid", "darr nahi lagta", "was scared"). */
export function isNegated(
  clause: Clause,
  start: number,
  end: number,
  opts: { before?: number; after?: number; past?: boolean } = {},
): boolean {
  const tokens = clauseTokens(clause);
  const before = tokens.filter((t) => t.end <= start).slice(-(opts.before ?? 3));
  const after = tokens.filter((t) => t.start >= end).slice(0, opts.after ?? 3);
  if (before.some((t) => NEG_BEFORE.has(t.word))) return true;
  if (after.some((t) => NEG_AFTER.has(t.word))) return true;
  if (opts.past === false) return false;
  return (
    before.some((t) => PAST_BEFORE.has(t.word)) ||
    after.some((t) => PAST_AFTER.has(t.word)) ||
    CHILDHOOD.test(clause.text)
  );
}

export const titleCase = (s: string) =>
  s.replace(/[\p{L}][\p{L}'-]*/gu, (w) => (w === w.toLowerCase() ? w.charAt(0).toUpperCase() + w.slice(1) : w));

/** One finding of a rule: the value, how sure the rule is, and the sentence it came from. */
export type Found<V> = { value: V; confidence: number; sentence: Sentence };

/** Clauses a rule may read: info questions ("Is Dr. Weber in tomorrow?") state no facts. */
export function* statementClauses(sentences: Sentence[]): Generator<Clause> {
  for (const s of sentences) for (const c of s.clauses) if (c.question !== 'info') yield c;
}

/** All matches of a global regex. Unlike String#matchAll it does not clone the regex per call,
 *  which keeps the compiled code warm (the difference is several times in throughput). A text
 *  that its looser form (prefilterOf) does not match is answered at once: most clauses match no
 *  rule, and the word-boundary looks are what makes the rules slow to compile and to run. */
export function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  const loose = prefilterOf(re);
  if (loose && !loose.test(text)) return out;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(m);
    if (m[0] === '') re.lastIndex++;
  }
  return out;
}

const prefilters = new WeakMap<RegExp, RegExp | null>();

/**
 * The rule without its Unicode word-boundary looks (WORD_START, WORD_END) where they stand
 * outside any other look: a looser pattern, so every text the rule matches it matches too (an
 * assertion removed in a positive place only admits more; inside a negative look it would admit
 * less, so those stay). Cheap: its alternatives start with plain letters, which the regex engine
 * scans for quickly. Null when the rule has no such look (nothing to gain).
 */
export function prefilterOf(re: RegExp): RegExp | null {
  let loose = prefilters.get(re);
  if (loose !== undefined) return loose;
  const src = re.source;
  let out = '';
  let removed = false;
  const looks: number[] = []; // depth of the groups that are looks
  let depth = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (!looks.length && (src.startsWith(WORD_START, i) || src.startsWith(WORD_END, i))) {
      i += (src.startsWith(WORD_START, i) ? WORD_START : WORD_END).length - 1;
      removed = true;
      continue;
    }
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '[') {
      // A class, copied whole (a ']' right after '[' or '[^' belongs to it; escapes inside).
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      for (; j < src.length && src[j] !== ']'; j++) if (src[j] === '\\') j++;
      out += src.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '(') {
      depth++;
      if (/^\(\?<?[=!]/.test(src.slice(i, i + 4))) looks.push(depth);
    } else if (c === ')') {
      if (looks.at(-1) === depth) looks.pop();
      depth--;
    }
    out += c;
  }
  try {
    loose = removed ? new RegExp(out, re.flags.replace('g', '').replace('y', '')) : null;
  } catch {
    loose = null; // e.g. a quantifier left without its operand: no prefilter, the rule as it is
  }
  prefilters.set(re, loose);
  return loose;
}
