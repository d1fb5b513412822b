// Team members' names inside a message: who a lead, meeting or list is for. A name is one or two
// words that are not command words ("Rekha", "Sunil Kumar", "रेखा"), found next to the phrases
// that introduce one: "assign to X", "X ko de do", "X will attend", "X's tasks", "X ke leads".
import { cleanName } from './clean.ts';
import { origSlice, rx, type Doc, type Token } from './doc.ts';
import { NOT_A_NAME } from './lexicon.ts';
import { clauseEnd, STOP, type Run } from './spans.ts';

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

const ASSIGN_AFTER = rx(
  '\\b(?:assign|reassign)\\s+(?:it\\s+|this\\s+|the\\s+lead\\s+)?(?:to\\s+)?|\\b(?:give|handover|transfer|allot|pass|forward)\\s+(?:it|this|the\\s+lead|lead)\\s+to\\s+',
  'g',
);
const ASSIGN_LABEL = rx('\\bassignee\\s*[:\\-]?\\s*|\\bassign(?:ed)?\\s*:\\s*', 'g');
const ASSIGN_TO = rx('\\b(?:assign|reassign|allot|give|handover)\\b[^,.;]*?\\bto\\s+', 'g');
const NAME_TAKES = rx(
  '^(?:(?:please|pls|bhai)\\s+)*[^\\s,]+\\s+(?:please\\s+|pls\\s+|can\\s+you\\s+|will\\s+you\\s+)?(?:take|handle|do|attend|conduct|cover|join)\\b',
  'g',
);
const KO_VERB = rx(
  '\\s+ko\\s+(?:assign|reassign|transfer|handover|saunp|dedo|de\\s+do|de\\s+dena|de\\s+dijiye|de\\b|dikhao|bhej|forward|send)',
  'g',
);
const WILL_DO = rx(
  '\\s+(?:will|to|should|can|shall)\\s+(?:handle|take|attend|do|conduct|join|lead|give|present|go|own|manage|cover)\\b',
  'g',
);
// "Vikram ke naam pe schedule karo": in Vikram's name.
const KE_NAAM = rx('\\s+(?:ke|ki)\\s+naam\\s+(?:pe|se|me)\\b', 'g');
const IN_NAME = rx("\\b(?:in|under)\\s+(?=[\\p{L}\\p{M}]+'s\\s+name\\b)", 'g');
const HINDI_DO = rx(
  '\\s+(?:le\\s+(?:lega|legi|lenge)|dekh\\s+(?:lega|legi|lenge)|dekhega|dekhegi|dekhenge|sambhalega|sambhalegi|sambhalenge|handle\\s+karega|handle\\s+karegi|handle\\s+karo|lega|legi|karega|karegi|jayega|jayegi|attend\\s+karega|attend\\s+karegi)\\b',
  'g',
);

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
  for (const re of [ASSIGN_LABEL, ASSIGN_AFTER, ASSIGN_TO, IN_NAME]) {
    re.lastIndex = 0;
    for (let m = re.exec(c); m; m = re.exec(c)) {
      if (m.index < from) continue;
      const n = nameAt(doc, m.index + m[0].length, 2);
      // "assign the Orbit demo to Rekha": cut only "to Rekha", the company sits in between
      const cut0 = re === ASSIGN_TO ? m.index + m[0].lastIndexOf('to') : m.index;
      if (n && re === IN_NAME) {
        // "in Rekha's name": the possessive sits on the name's last word
        const name = /^\s+name\b/.exec(c.slice(n.c1));
        if (name && /'s$/.test(n.name))
          hits.push({ ...n, name: n.name.replace(/'s$/, ''), cut0, cut1: n.c1 + name[0].length });
      } else if (n) hits.push({ ...n, cut0, cut1: n.c1 });
    }
  }
  for (const re of [KO_VERB, WILL_DO, HINDI_DO, KE_NAAM]) {
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

// ---------------------------------------------------------------- lists

const POSSESSIVE = rx(
  "([\\p{L}\\p{M}]+)['’]s\\s+(?:(?:all|pending|open|upcoming|today'?s?)\\s+)?(?:tasks|leads|meetings|demos|schedule|agenda|plan|lead)\\b",
  'gu',
);
const OF_NAME = rx(
  '\\b(?:tasks|leads|meetings|demos|lead)\\s+(?:of|for|assign\\s+to|assigned\\s+to|under|owned\\s+by|with)\\s+',
  'gu',
);
const NAME_KE = rx(
  '\\s+(?:ke|ki|ka)\\s+(?:(?:§|saare|all|pending|upcoming|open)\\s+(?:ke\\s+|ki\\s+|ka\\s+)?)*(?:tasks|leads|meetings|demos|lead|schedule|plan|agenda)\\b',
  'gu',
);

export function listAssignee(doc: Doc): string | undefined {
  const c = doc.skel;
  POSSESSIVE.lastIndex = 0;
  const p = POSSESSIVE.exec(c);
  if (p) {
    const n = nameAt(doc, p.index, 1);
    if (n) return n.name.replace(/['’]s$/, '');
  }
  OF_NAME.lastIndex = 0;
  for (let m = OF_NAME.exec(c); m; m = OF_NAME.exec(c)) {
    const n = nameAt(doc, m.index + m[0].length, 2);
    if (n) return n.name;
  }
  NAME_KE.lastIndex = 0;
  for (let m = NAME_KE.exec(c); m; m = NAME_KE.exec(c)) {
    const n = nameBefore(doc, m.index, 1);
    if (n) return n.name;
  }
  return undefined;
}

// ---------------------------------------------------------------- reassign

const TO_NAME = rx('\\b(?:to|ko)\\s+', 'gu');
const HANDLED_BY = rx('\\b(?:handled|managed|owned|taken)\\s+(?:care\\s+of\\s+)?by\\s+', 'gu');
const KO_GIVE = rx(
  '\\s+ko\\s+(?:assign|reassign|transfer|handover|saunp|dedo|de\\s+do|de\\s+dena|de\\s+dijiye|de\\b|dikhao|bhejo|forward)\\b',
  'gu',
);
const AB_DEKHEGA = rx('\\s+(?:dekhega|handle\\s+karega|handle\\s+karegi|handle\\s+karo|karega|karegi)\\b', 'gu');
const KO_VERB_AT = rx('^\\s+ko\\s+(?:assign|reassign|transfer|handover|saunp|dedo|de\\b|dikhao|bhejo|forward)\\b');
const NAME_FIRST_VERB = rx(
  '\\b(?:dedo|de\\s+do|de\\s+dena|de\\s+dijiye|assign|transfer|handover|saunp)\\b(?:\\s+(?:karo|dedo|do|please|bhai))*\\s*[.!]*\\s*$',
);
const WILL_HANDLE = rx('\\s+will\\s+(?:now\\s+)?(?:handle|take\\s+care\\s+of|manage|own|take\\s+over)\\b', 'gu');

export function reassignTarget(doc: Doc): { name: string; cut0: number; cut1: number } | undefined {
  const c = doc.skel;
  const all = (re: RegExp) => {
    re.lastIndex = 0;
    const out: RegExpExecArray[] = [];
    for (let m = re.exec(c); m; m = re.exec(c)) out.push(m);
    return out;
  };
  // "Sunil ko Orbit Textiles de do": one "ko", after the first word, and the verb at the end.
  const lead = /^(?:(?:please|pls|bhai|kindly)\s+)*/.exec(c)?.[0].length ?? 0;
  const first = nameAt(doc, lead, 1);
  if (first && (c.match(/\bko\b/g) ?? []).length === 1) {
    const after = c.slice(first.c1);
    const ko = /^\s+ko\s+/.exec(after);
    if (ko && !KO_VERB_AT.test(after) && NAME_FIRST_VERB.test(after))
      return { name: first.name, cut0: first.c0, cut1: first.c1 + ko[0].length };
  }
  for (const m of all(KO_GIVE).reverse()) {
    const n = nameBefore(doc, m.index, 1);
    if (n) return { name: n.name, cut0: n.c0, cut1: m.index + m[0].length };
  }
  for (const re of [HANDLED_BY, TO_NAME]) {
    for (const m of all(re).reverse()) {
      if (/ko\s+$/i.test(m[0])) continue;
      const n = nameAt(doc, m.index + m[0].length, 2);
      if (n) return { name: n.name, cut0: m.index, cut1: n.c1 };
    }
  }
  for (const m of [...all(AB_DEKHEGA), ...all(WILL_HANDLE)]) {
    const n = nameBefore(doc, m.index, 1);
    if (n) return { name: n.name, cut0: n.c0, cut1: m.index + m[0].length };
  }
  return undefined;
}

/**
 * "Meeting tomorrow 3pm - Orbit Textiles - Sunil", "Meeting Orbit Textiles 14/3 4pm Sunil": one
 * name alone at the very end, after the company and set off by a separator or the date.
 */
export function trailingName(doc: Doc, company: Run): string | undefined {
  const words = doc.tokens.filter((t) => t.word || t.mark);
  const last = words.at(-1);
  const before = words.at(-2);
  if (!last || !last.word || last.c0 < company.c1 || !before) return undefined;
  const gap = doc.skel.slice(before.c1, last.c0);
  if (!before.mark && !/[,;|-]/.test(gap)) return undefined;
  if (doc.skel.slice(last.c1).replace(/[\s.!]/g, '') !== '') return undefined;
  const n = nameAt(doc, last.c0, 1);
  return n && /^[\p{Lu}\p{Lo}]/u.test(last.raw) ? n.name : undefined;
}
