// Who the customer is: name, email, the staff member they want, and fields they refuse to give.
import { z } from 'zod';
import type { DeclinableField, ExtractProfileContext } from './facts.ts';
import { GIVEN_NAMES, HONORIFIC, NOT_NAMES } from './lexicon.ts';
import {
  allMatches,
  isNegated,
  rx,
  rxg,
  statementClauses,
  subjectAt,
  titleCase,
  type Clause,
  type Found,
  type Sentence,
} from './text.ts';

// ── Name ─────────────────────────────────────────────────────────────────────────────────────

const STOP_IN_NAME = new Set(
  `hai h he hu hoon hun and und aur from se here btw i ich bol bolra bolri but please pls bitte not nicht nahi is ist the a an to so
  also ji by speaking this am aus von hier wala wali calling and i'd i'm i've my mera meri or oder ya just only nur sirf kal
  aaj today tomorrow morgen heute with mit ke ka ki ko ne for für`.split(/\s+/),
);

const WORD_OR_PUNCT = /([\p{L}][\p{L}'-]*)|([^\p{L}\s]+)/gu;

type NameMode = 'strong' | 'medium' | 'german' | 'hindi';

/** Reads up to three name words from `text` at `from`, stopping at punctuation or a stop word. */
function readName(text: string, from: number, mode: NameMode): string | undefined {
  const rest = text.slice(from, from + 80); // three words at most; bounded so a long message stays linear
  const words: string[] = [];
  for (const m of allMatches(WORD_OR_PUNCT, rest)) {
    if (m[2]) break; // punctuation ends the name
    const w = m[1];
    const gap = rest.slice(
      words.length ? rest.indexOf(words[words.length - 1]) + words[words.length - 1].length : 0,
      m.index,
    );
    if (words.length && /\S/.test(gap)) break;
    if (STOP_IN_NAME.has(w.toLowerCase())) break;
    if (words.length && /^\p{Lu}/u.test(words[0]) && !/^\p{Lu}/u.test(w)) break; // "Marie Schmidt", not "Tom please"
    words.push(w);
    if (words.length === 3) break;
  }
  if (!words.length) return undefined;
  const first = words[0];
  const lower = first.toLowerCase();
  if (NOT_NAMES.has(lower) || lower.length < 2) return undefined;
  if (/'s$/i.test(first)) return undefined; // "I'm Dr. Shah's patient"
  const capital = /^\p{Lu}/u.test(first);
  const known = GIVEN_NAMES.has(lower);
  const after = rest.slice(rest.indexOf(words[words.length - 1]) + words[words.length - 1].length);
  if (/^(?:[@_\d]|\.\S)/.test(after)) return undefined; // part of an address: "it's marie.s@gmail.com"
  if (mode === 'medium' && !capital && !known) return undefined;
  if (
    mode === 'german' &&
    !known &&
    !(capital && /^\s*(?:[,.!]|$|und\b)/u.test(after) && !/(?:in|er|ist|ent|ant|ling|ung|heit|keit|isch)$/.test(lower))
  )
    return undefined;
  if (mode === 'hindi' && !((capital || known) && /^\s*(?:,|$|bol|hoon|hu\b|hun\b|here|yahan|from|se\b)/iu.test(after)))
    return undefined;
  if (mode !== 'strong' && words.length > 1 && !words.slice(1).every((w) => /^\p{Lu}/u.test(w)))
    return titleCase(first);
  return titleCase(words.join(' '));
}

const NAME_PATTERNS: { re: RegExp; mode: NameMode; confidence: number }[] = [
  { re: rxg`\b(?:my|the) (?:full |real )?name(?:'s| is)\s+`, mode: 'strong', confidence: 0.95 },
  { re: rxg`\b(?:mera|apna) (?:pura |poora )?(?:naam|nam|name)\s+(?:hai\s+)?`, mode: 'strong', confidence: 0.95 },
  {
    re: rxg`\bmein (?:vollständiger )?name ist\s+|\bich hei(?:ß|ss)e\s+|\bhei(?:ß|ss)e ich\s+`,
    mode: 'strong',
    confidence: 0.95,
  },
  { re: rxg`^name\s*[:=-]\s*`, mode: 'strong', confidence: 0.9 },
  { re: rxg`\bcall me\s+(?=\p{Lu})`, mode: 'medium', confidence: 0.85 },
  {
    re: rxg`^(?:(?:hi|hello|hey|hallo|namaste|good (?:morning|evening|afternoon))[\s,!]+)?(?:this is|it's|its)\s+`,
    mode: 'medium',
    confidence: 0.85,
  },
  { re: rxg`\b(?:i'm|i am)\s+|^(?:(?:hi+|hello|hey)[\s,!]+)?im\s+`, mode: 'medium', confidence: 0.8 },
  { re: rxg`\bich bin\s+`, mode: 'german', confidence: 0.8 },
  {
    re: rxg`^(?:(?:hallo|hi|grüß gott|grüezi|servus|moin|guten tag)[\s,!]+)?hier (?:ist|spricht)\s+`,
    mode: 'medium',
    confidence: 0.85,
  },
  { re: rxg`^(?:(?:hi|hello|hey|namaste|ji)[\s,!]+)?(?:main|mai)\s+`, mode: 'hindi', confidence: 0.8 },
];
const NAME_HERE = rx`^(?:(?:hi|hello|hey|hallo|namaste)[\s,!]+)?(\p{Lu}[\p{L}'-]+(?:\s+\p{Lu}[\p{L}'-]+)?)\s+(?:here|this side|hier)\b`;

export function findNames(sentences: Sentence[], ctx?: ExtractProfileContext): Found<string>[] {
  const out: Found<string>[] = [];
  for (const clause of statementClauses(sentences)) {
    for (const p of NAME_PATTERNS) {
      for (const m of allMatches(p.re, clause.text)) {
        const name = readName(clause.text, m.index + m[0].length, p.mode);
        if (name && subjectAt(clause, clause.start + m.index + m[0].length) !== 'other')
          out.push({ value: name, confidence: p.confidence, sentence: clause.sentence });
      }
    }
    const here = clause.text.match(NAME_HERE);
    if (here && !NOT_NAMES.has(here[1].split(' ')[0].toLowerCase())) {
      // "Nut allergy here" is not a name: the word must look like one.
      if (/^\p{Lu}/u.test(here[1]) && (GIVEN_NAMES.has(here[1].split(' ')[0].toLowerCase()) || clause.index === 0))
        out.push({ value: here[1], confidence: 0.75, sentence: clause.sentence });
    }
  }
  // A bare answer to "What's your name?".
  if (!out.length && ctx?.askedFor === 'name' && sentences.length === 1) {
    const only = sentences[0].text.replace(/[.!]+$/, '').trim();
    const words = only.toLowerCase().split(/\s+/);
    // "I need support" answers with a request, not a name: every word must be able to be one.
    if (
      /^[\p{L}'-]+(?:\s+[\p{L}'-]+){0,2}$/u.test(only) &&
      !words.some((w) => NOT_NAMES.has(w) || STOP_IN_NAME.has(w) || NOT_A_NAME_WORD.has(w))
    )
      out.push({ value: titleCase(only), confidence: 0.7, sentence: sentences[0] });
  }
  return out.filter((f) => !/'s$/.test(f.value));
}

/** Words of requests and replies, never of a name ("I need support", "not now", "why"). */
const NOT_A_NAME_WORD = new Set(
  `need needs want wants help support price prices pricing cost demo book booking call calls meeting issue problem
  problems error please thanks thank yes no nope ok okay sure what why how when where who which tell send give show
  know later now need you your our us me we it that this there can could would will should do does did have has
  info information details detail question questions sorry hello hi hey bye order request update updates status
  agent human person team chahiye chahie batao bataiye kya kyun kaise kab nahi haan madad`.split(/\s+/),
);

// ── Email ────────────────────────────────────────────────────────────────────────────────────

// Starts only where a token starts, so a long run without "@" is scanned once, not from every offset.
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const EMAIL_CUE = rx`\be-?mail|\bmail\b|\breach me|\bcontact me|\bwrite to me`;
const emailSchema = z.email();

export function findEmails(sentences: Sentence[]): Found<string>[] {
  const out: Found<string>[] = [];
  for (const clause of statementClauses(sentences)) {
    if (!clause.text.includes('@')) continue;
    for (const m of allMatches(EMAIL, clause.text)) {
      const email = m[0].replace(/\.+$/, '').toLowerCase();
      if (!emailSchema.safeParse(email).success) continue;
      const before = clause.text.slice(0, m.index);
      if (/\b(?:your|ihre|aapka|aapki|our|unsere?|hamara|hamari)\b/i.test(before)) continue; // the business's or a company's address
      if (subjectAt(clause, clause.start + m.index) === 'other') continue;
      out.push({
        value: email,
        confidence: EMAIL_CUE.test(clause.sentence.text) ? 0.97 : 0.85,
        sentence: clause.sentence,
      });
    }
  }
  return out;
}

// ── Declined fields ──────────────────────────────────────────────────────────────────────────

const FIELDS: [DeclinableField, string][] = [
  ['email', String.raw`e-?mail(?:[- ]?(?:address|adresse|id))?|mail[- ]?id`],
  ['date_of_birth', String.raw`date of birth|birthday|dob|geburtsdatum|age|alter|umar|umra`],
  ['phone', String.raw`(?:phone|mobile|cell|contact)(?: number)?|number|nummer|telefonnummer|handynummer`],
  ['address', String.raw`(?:home )?address|adresse|anschrift|pata`],
  ['name', String.raw`(?:full |last |sur)?name|naam|namen|nachnamen`],
];
const FIELD_RES = FIELDS.map(([k, f]) => [k, new RegExp(`^(?:${f})$`, 'iu')] as const);
const DECLINE_PRIORITY: DeclinableField[] = ['email', 'name', 'address', 'date_of_birth', 'phone'];
const FIELD = String.raw`(${FIELDS.map(([, f]) => f).join('|')})`;
const REFUSE = [
  rx`\b(?:don't|do not|dont|rather not|prefer not to|won't|will not|wouldn't like to|not comfortable|not going to|can't|cannot|no need to|not willing to)\s+(?:want to\s+|like to\s+)?(?:give|share|provide|say|tell|disclose|hand out|sharing|giving|providing)(?:\s+(?:you|out))?\s+(?:my\s+)?${FIELD}`,
  rx`\b(?:keep|keeping) my ${FIELD} private\b|\bmy ${FIELD} (?:is|stays) private\b`,
  rx`\bnot (?:giving|sharing|providing|handing)(?: out)? my ${FIELD}(?:\s+(?:or|and|oder|und)\s+(?:my\s+)?${FIELD})?`,
  rx`${FIELD}(?:\s+[\p{L}]+){0,2}?\s+(?:möchte|will|werde|gebe|sage|nenne)\s+ich\s+(?:lieber\s+|ungern\s+)?(?:nicht|ungern|keine)`,
  rx`\b(?:möchte|will)\s+(?:ich\s+)?(?:meine\s+|meinen\s+)?${FIELD}\s+(?:lieber\s+)?nicht`,
  // "email nahi dunga" declines; "number mat share karna" asks us to keep it private.
  rx`${FIELD}\s+(?:nahi|nahin|nhi)\s+(?:dena|dunga|dungi|doonga|doongi|de sakta|de sakti|de sakte|bataunga|bataungi|batana|batata|batati|share|dunga)`,
];
const GENERIC_REFUSAL = rx`^(?:no,?\s*|sorry,?\s*|hmm,?\s*)?(?:i'?d rather not|i would rather not|rather not|i prefer not to|prefer not to|i don't want to|no thanks|lieber nicht|möchte ich nicht|nahi batana|nahi bataunga|nahi bataungi|nahi dena|skip)(?:\s+(?:say|share|give|tell|sagen|angeben)\p{L}*)?(?:\s+(?:that|it|this|das))?[\s.!]*$`;

export function findDeclined(sentences: Sentence[], ctx?: ExtractProfileContext): Found<DeclinableField>[] {
  const out: Found<DeclinableField>[] = [];
  for (const s of sentences) {
    const refused = new Set<DeclinableField>();
    for (const re of REFUSE) {
      const m = s.text.match(re);
      for (const word of m?.slice(1).filter(Boolean) ?? []) {
        const field = FIELD_RES.find(([, f]) => f.test(word))?.[0];
        if (field) refused.add(field);
      }
    }
    // One value per message: the field the bot would otherwise ask for first.
    const field = DECLINE_PRIORITY.find((f) => refused.has(f));
    if (field) out.push({ value: field, confidence: 0.9, sentence: s });
    if (!out.length && ctx?.askedFor && GENERIC_REFUSAL.test(s.text))
      out.push({ value: ctx.askedFor, confidence: 0.75, sentence: s });
  }
  return out;
}

// ── Preferred staff ──────────────────────────────────────────────────────────────────────────

const TITLE = String.raw`(?:dr\.?|doctor|doc)`;
const PERSON = String.raw`(?:${TITLE}\s+)?\p{Lu}[\p{L}'-]+(?:\s+\p{Lu}[\p{L}'-]+)?`;
const NOT_STAFF = new Set(
  `me you him her them us someone somebody anyone anybody the a an my your our this that it ihnen ihr euch uns mir dir
  whatsapp email sms phone monday tuesday wednesday thursday friday saturday sunday aap aapke aapse tum main mai hum ok okay haan
  han thank thanks hello hi hey sorry please good dear respected bhai everything everyone nothing something that's it's this
  service treatment team staff clinic salon everybody last next`.split(/\s+/),
);

const STAFF_PATTERNS: { re: RegExp; confidence: number; honorificOk?: boolean; knownOnly?: boolean }[] = [
  // "book another session with Sarah", "appointment with Dr. Weber", "can I book it again with Sarah"
  {
    re: rxg`\b(?:book|booking|see|get|have|appointment|session|lesson|treatment|slot|go|come|again|prefer|want|like)\b[^.?!,;]{0,30}?\bwith\s+(?:(?:mr|mrs|ms|miss)\.?\s+)?(${PERSON})`,
    confidence: 0.85,
  },
  // "Could I see Dr. Patel again?", "Can I get Mr. Kapoor for my next lesson?"
  {
    re: rxg`\b(?:see|get|want|wants|prefer|prefers|request|ask for|have|like|love)\s+(?:(?:mr|mrs|ms|miss)\.?\s+(\p{Lu}[\p{L}'-]+)|(${TITLE}\s+\p{Lu}[\p{L}'-]+))`,
    confidence: 0.85,
  },
  // "the same therapist as last time, Anna"
  {
    re: rxg`\bsame (?:therapist|person|doctor|dentist|stylist|instructor|trainer|physio|hygienist|teacher|lady|guy|one)\b[^.?!]{0,25}?[,:-]\s*(${PERSON})\s*$`,
    confidence: 0.8,
  },
  // German: "wieder zu Dr. Weber", "am liebsten bei Frau Schneider"
  { re: rxg`\b(?:zu|bei|mit)\s+(?:(?:frau|herrn?)\s+(${PERSON})|(${TITLE}\s+\p{Lu}[\p{L}'-]+))`, confidence: 0.8 },
  {
    re: rxg`\b(?:wieder|gerne|lieber)\s+(?:(?:frau|herrn?)\s+(${PERSON})|(${TITLE}\s+\p{Lu}[\p{L}'-]+))`,
    confidence: 0.8,
  },
  // "Kavya I think, she was brilliant"
  {
    re: rxg`(${PERSON})\s*(?:i think|i believe|glaube ich)?\s*[,-]\s*(?:she|he|sie|er|die|der)\s+(?:was|is|war|ist)\s+(?:so\s+|really\s+|very\s+|sehr\s+|super\s+)?(?:amazing|great|gentle|lovely|fantastic|wonderful|brilliant|excellent|the best|awesome|kind|patient|super|gut|toll|klasse|lieb)\b`,
    confidence: 0.7,
    knownOnly: true,
  },
  // Hinglish: "Priya ma'am se hi", "Rohit sir ke saath", "Dr. Sharma se hi dikhana hai"
  {
    re: rxg`(?:^|\s)((?:${TITLE}\s+)?[\p{L}][\p{L}'-]+)\s+${HONORIFIC}\s+(?:se|ke saath|ke sath|ne|wale|wali|hi|ko)\b`,
    confidence: 0.85,
    honorificOk: true,
  },
  {
    re: rxg`(${TITLE}\s+\p{Lu}[\p{L}'-]+)\s+(?:se|ke saath|ke sath)\s+(?:hi\s+)?(?:dikhana|dikhwana|karwana|karana|milna|treatment|appointment|checkup|lena|chahiye)`,
    confidence: 0.85,
  },
  { re: rxg`(?:^|\s)(\p{Lu}[\p{L}'-]+)\s+(?:ke saath|ke sath|se)\s+hi\b`, confidence: 0.75 },
  {
    re: rxg`(?:^|\s)(\p{Lu}[\p{L}'-]+)\s+ne\s+(?:kiya|ki|kari|kara)\s+th[aie]\b[^.?!]*\b(?:wahi|wohi|usi|same|phir se|dobara)`,
    confidence: 0.8,
  },
  // "Dr. Weber was so gentle", "Sarah was amazing"
  {
    re: rxg`(${PERSON})\s+(?:was|is|were)\s+(?:so\s+|really\s+|very\s+|super\s+|absolutely\s+)?(?:amazing|great|gentle|lovely|fantastic|wonderful|brilliant|excellent|the best|awesome|kind|patient|super)\b`,
    confidence: 0.7,
    knownOnly: true,
  },
];

const TRAILING_HONORIFIC = new RegExp(`\\s+${HONORIFIC}$`, 'iu');

function cleanStaff(raw: string, knownOnly = false): string | undefined {
  const s = raw.trim().replace(TRAILING_HONORIFIC, '');
  const titled = /^(?:dr\.?|doctor|doc)\s+/i.test(s);
  const bare = s.replace(/^(?:dr\.?|doctor|doc)\s+/i, '');
  const first = bare.split(/\s+/)[0].toLowerCase();
  if (NOT_STAFF.has(first) || NOT_NAMES.has(first)) return undefined;
  if (knownOnly && !titled && !GIVEN_NAMES.has(first)) return undefined;
  return (titled ? 'Dr. ' : '') + titleCase(bare);
}

export function findStaff(sentences: Sentence[]): Found<string>[] {
  const out: Found<string>[] = [];
  for (const clause of staffClauses(sentences)) {
    for (const p of STAFF_PATTERNS) {
      for (const m of allMatches(p.re, clause.text)) {
        const raw = m.slice(1).find(Boolean);
        if (!raw) continue;
        if (!p.honorificOk && !/^(?:dr\.?|doctor|doc)\s|^\p{Lu}/iu.test(raw)) continue;
        if (/^\p{Ll}/u.test(raw) && !p.honorificOk) continue;
        const at = clause.start + m.index;
        if (subjectAt(clause, at + 1) === 'other') continue;
        if (isNegated(clause, at, at + 1, { past: false })) continue;
        const name = cleanStaff(raw, p.knownOnly);
        if (name) out.push({ value: name, confidence: p.confidence, sentence: clause.sentence });
      }
    }
  }
  return out;
}

/** Staff phrases often span a comma ("the same therapist as last time, Anna"), so read whole
 *  sentences unless the sentence is an information question. */
function* staffClauses(sentences: Sentence[]): Generator<Clause> {
  for (const s of sentences) {
    if (s.clauses.every((c) => c.question === 'info')) continue;
    const request = s.clauses.some((c) => c.question === 'request');
    const text = s.clauses
      .filter((c) => c.question !== 'info')
      .map((c) => c.text)
      .join(', ');
    yield { text, start: s.start, question: request ? 'request' : 'none', sentence: s, index: 0 };
  }
}
