// create_lead: "New lead: [Company], [Contact], [Phone], [Source], [Assignee]" and its many
// paraphrases. The message is cut into clauses; a clause is either labelled ("contact Arjun",
// "source: Website", "came via Google Ads", "Rekha ko de do", "reference se aaya") or free, and
// free clauses fill company, contact, source and assignee in the order the spec lists them.
import type { CreateLeadCommand } from '../command.ts';
import { cleanCompany, cleanName, trimPunct } from './clean.ts';
import { origSlice, rx, type Doc, type Token } from './doc.ts';
import type { Found } from './contacts.ts';
import { SOURCE_WORDS } from './lexicon.ts';
import { nameBefore } from './names.ts';
import { abbreviationDot, companyRuns, pickCompany, type Run } from './spans.ts';

type Field = 'company' | 'contact_name' | 'source' | 'assignee';
type Item = { kind: 'free'; text: string; afterContact: boolean } | { kind: 'contact' };

const SOURCES = new Set(SOURCE_WORDS.map((w) => w.toLowerCase()));

const FILLER = new Set(['the', 'a', 'an', 'our', 'some', 'from', 'via', 'se', 'on', 'in', 'at', 'and', '&', '']);
const isSourceWord = (w: string) => SOURCES.has(w) || SOURCES.has(w.replace(/s$/, ''));

/** "IndiaMart", "Facebook ads", "trade fair"; strict: every word is a source word ("from X" is usually a company). */
export function looksLikeSource(text: string, strict = false): boolean {
  const words = text.toLowerCase().split(/[\s/&,+]+/);
  if (strict) return words.every((w) => FILLER.has(w) || isSourceWord(w)) && words.some(isSourceWord);
  return words.some(isSourceWord);
}

// Labels inside a clause. Order matters only for overlapping alternatives.
const LABELS: Array<{ field: Field | 'phone' | 'email' | 'from'; re: RegExp }> = [
  { field: 'phone', re: rx('\\bcontact\\s+(?:no|number|num|phone)\\b\\.?\\s*[:\\-]?') },
  {
    field: 'contact_name',
    re: rx(
      "\\b(?:(?:spoc|poc|owner|proprietor|director|md|ceo|contact(?:\\s+person)?|person|unka|unki|inka|inki|uska|uski)\\s+)?(?:ka|ki|ke|'s)\\s+(?:name|naam)\\b(?!\\s+(?:pe|se|me)\\b)(?:\\s+(?:is|hai))?\\s*[:\\-]?|\\bcontact(?:\\s+(?:person|name))?(?:\\s+(?:is|hai|:|-))*\\s*:?|\\b(?:name|naam|person)\\s*(?:is|hai)?\\s*[:\\-]|\\b(?:spoc|poc|owner|proprietor|director|md|ceo|decision\\s+maker)\\b\\s*(?:is|hai|:|-)?\\s*:?|\\b(?:talk|speak|ask)\\s+(?:to|with|for)\\b",
    ),
  },
  {
    field: 'phone',
    re: rx(
      '\\b(?:phone|whatsapp|wa)\\b\\.?(?:\\s*(?:no|number|num)\\b\\.?)?\\s*[:\\-]?|\\bno\\s*[.:]|\\bmob(?:ile)?\\b\\.?\\s*[:\\-]?',
    ),
  },
  { field: 'email', re: rx('\\b(?:email|mail)(?:\\s*id)?\\b\\s*[:\\-]?') },
  {
    field: 'company',
    re: rx('\\b(?:company|firm|business|organi[sz]ation|org)(?:\\s+name)?\\b\\s*(?:is|hai)?\\s*[:\\-]?'),
  },
  {
    field: 'source',
    re: rx(
      '\\b(?:lead\\s+)?source\\b\\s*(?:is|hai|:|-)*\\s*:?|\\b(?:came|come|coming|aaya|got\\s+it|got\\s+this|received)\\s+(?:via|through|thru|from)\\b|\\b(?:via|through|thru)\\b',
    ),
  },
  {
    field: 'assignee',
    re: rx(
      '\\bassignee\\s*[:\\-]?|\\b(?:assign|reassign)(?:\\s+(?:it|this|lead))?(?:\\s+to)?\\b\\s*:?|\\b(?:give|handover|pass|forward|allot)\\s+(?:it\\s+|this\\s+|the\\s+lead\\s+|lead\\s+)?to\\b',
    ),
  },
  { field: 'from', re: rx('\\bfrom\\b') },
];

// A clause's tail that names what the clause is: "Rekha ko de do", "reference se aaya".
const KO_ASSIGN = rx(
  '\\s+ko\\s+(?:assign|reassign|dedo|de\\b|de\\s+do|de\\s+dena|dikhao|bhejo|forward|saunp|transfer|handover)\\b[\\s\\p{L}\\p{M}]*$',
);
const SE_AAYA = rx('\\s+se\\s+(?:aaya|mila|hai|aaya\\s+hai)\\b[\\s\\p{L}\\p{M}]*$|\\s+se\\s*$');
const KA_NUMBER = rx('\\s+(?:ka|ki)\\s*$');
// "Pooja dekhegi", "Amit handle karega", "Neha will handle it", "Vikram ke naam pe": the clause
// names the assignee.
const WILL_HANDLE = rx(
  '\\s+(?:(?:ke|ki)\\s+naam\\s+(?:pe|se|me)|dekhega|dekh\\s+(?:lega|legi|lenge)|handle\\s+(?:karega|karegi|karenge|karo)|will\\s+(?:handle|take\\s+care|follow\\s+up|take\\s+it)|to\\s+handle)\\b[\\s\\p{L}\\p{M}]*$',
);
// "Kavita ji se baat karo", "Ramesh se baat karna": the person to talk to is the contact.
const SE_BAAT = rx('\\s+se\\s+baat\\s+(?:karo|kare|kijiye|hui|hua)\\b[\\s\\p{L}\\p{M}]*$');

const BUSINESS =
  /\b(?:pvt|private|ltd|limited|llp|inc|corp|co|company|industries|industry|enterprises?|traders?|trading|textiles?|labs?|solutions?|systems?|technologies|tech|infotech|software|foods?|pharma|pharmaceuticals|motors|auto|automobiles|hotels?|resorts?|clinic|hospital|school|academy|college|exports?|imports?|agro|steels?|plastics?|electricals?|electronics|sweets|dairy|bakery|caterers|logistics|transport|builders|constructions?|realty|infra|interiors|furniture|garments|fashions?|jewell?ers|mart|stores?|emporium|agency|agencies|associates|consultants?|services|group|international|global|paints|tiles|opticals|mobiles|diagnostics|spa|salon|gym|fitness|restaurant|cafe|studio|printers|prints|packaging|chemicals|pipes|cables|&\s*sons|and\s+sons|bros|brothers)\b|ट्रेडर्स|टेक्सटाइल्स|इंडस्ट्रीज|एंटरप्राइजेज|लैब्स|फूड्स|होटल|क्लिनिक|अस्पताल|स्कूल|प्राइवेट|लिमिटेड|एंड संस|एक्सपोर्ट्स|प्लास्टिक्स|इंटीरियर्स|सोलर/iu;
const PERSON = /^(?:mr|mrs|ms|dr|shri|smt|sri)\b\.?|\s(?:ji|sir|bhai|madam)$|^(?:श्री|श्रीमती|डॉ)|\sजी$/iu;
const looksLikeBusiness = (s: string) => BUSINESS.test(s);
const looksLikePerson = (s: string) => PERSON.test(s.trim());

const TRIGGER = rx('\\b(?:lead|naya|add)\\b');
const SEP = /[,;|\n()]|\.(?=\s|$)|\s[-/]\s|:(?=\s|$)/g;

type Range = { c0: number; c1: number };

function splitClauses(doc: Doc): Range[] {
  const c = doc.skel;
  const cuts: number[] = [];
  SEP.lastIndex = 0;
  for (let m = SEP.exec(c); m; m = SEP.exec(c)) {
    if (m[0] === '.' && abbreviationDot(c, m.index)) continue;
    cuts.push(m.index, m.index + m[0].length);
  }
  for (const t of doc.tokens) if (t.mark) cuts.push(t.c0, t.c1);
  cuts.sort((a, b) => a - b);
  const out: Range[] = [];
  let start = 0;
  for (let k = 0; k < cuts.length; k += 1) {
    const at = cuts[k];
    if (at > start && c.slice(start, at).trim()) out.push({ c0: start, c1: at });
    start = Math.max(start, at);
  }
  if (start < c.length && c.slice(start).trim()) out.push({ c0: start, c1: c.length });
  // Separators themselves ("," "(" "¶") are not clauses.
  return out.filter(
    (r) =>
      /[\p{L}\p{N}]/u.test(c.slice(r.c0, r.c1)) && !doc.tokens.some((t) => t.mark && t.c0 === r.c0 && t.c1 === r.c1),
  );
}

function slice(doc: Doc, r: Range): string {
  return trimPunct(origSlice(doc, r.c0, r.c1));
}

function isOnlyLabel(doc: Doc, r: Range): boolean {
  const text = doc.skel.slice(r.c0, r.c1).trim();
  return /^(?:contact(?:\s+(?:person|name))?|name|source|src|lead\s+source|assignee|assign(?:ed)?(?:\s+to)?|phone|mob(?:ile)?|email|mail|number|no|company(?:\s+name)?|firm)$/.test(
    text,
  );
}

export function extractCreateLead(doc: Doc, found: { phones: Found[]; emails: Found[] }): CreateLeadCommand | null {
  const out: Partial<Record<Field, string>> = {};
  const items: Item[] = [];
  let clausesList = splitClauses(doc);
  // "Contact: Rajesh" was split at the colon; glue a bare label to its value.
  const merged: Range[] = [];
  for (let k = 0; k < clausesList.length; k++) {
    const r = clausesList[k];
    // (not across a phone or email: "mail ankit@x.in, reference se mila" has its value)
    const next = clausesList[k + 1];
    if (isOnlyLabel(doc, r) && next && !doc.tokens.some((t) => t.mark && t.c0 >= r.c1 && t.c1 <= next.c0)) {
      merged.push({ c0: r.c0, c1: clausesList[k + 1].c1 });
      k++;
    } else merged.push(r);
  }
  clausesList = merged;
  let triggerSeen = false;
  let seenContact = false;
  for (const r of clausesList) {
    const text = doc.skel.slice(r.c0, r.c1);
    const lower = text;
    // "Rekha ko assign karo", "Sunil ko de do", "Pooja dekhegi": the whole clause names the
    // assignee; "Kavita ji se baat karo" names the contact.
    const wholeTails: Array<[RegExp, 'assignee' | 'contact_name']> = [
      [KO_ASSIGN, 'assignee'],
      [WILL_HANDLE, 'assignee'],
      [SE_BAAT, 'contact_name'],
    ];
    let whole = false;
    for (const [re, field] of wholeTails) {
      const m = re.exec(lower);
      if (!m || TRIGGER.test(lower.slice(0, m.index))) continue;
      const n = nameBefore(doc, r.c0 + m.index + 1, 2);
      // (a name after other words, "Orbit Textiles Pooja dekhegi", is left to the other rules)
      if (!n || (re !== KO_ASSIGN && doc.skel.slice(r.c0, n.c0).trim() !== '')) continue;
      out[field] ??= n.name;
      if (field === 'contact_name') seenContact = true;
      whole = true;
      break;
    }
    if (whole) continue;
    // labels within the clause
    const hits: Array<{ field: (typeof LABELS)[number]['field']; start: number; end: number }> = [];
    for (const { field, re } of LABELS) {
      const g = new RegExp(re.source, 'gu');
      for (let m = g.exec(lower); m; m = g.exec(lower)) {
        if (m[0].length === 0) {
          g.lastIndex++;
          continue;
        }
        if (hits.some((h) => m!.index < h.end && m!.index + m![0].length > h.start)) continue;
        hits.push({ field, start: m.index, end: m.index + m[0].length });
      }
    }
    hits.sort((a, b) => a.start - b.start);
    const headEnd = hits.length ? hits[0].start : text.length;
    const head: Range = { c0: r.c0, c1: r.c0 + headEnd };
    const isTrigger = !triggerSeen && TRIGGER.test(lower.slice(0, headEnd + 1));
    if (isTrigger) {
      triggerSeen = true;
      let runs = companyRuns(doc, head.c0, head.c1, TRIGGER_STOP);
      // "Got a referral lead", "ek IndiaMart lead": a source right before "lead" is no company.
      const beforeLead = runs.filter((x) => SOURCE_LEAD.test(doc.skel.slice(x.c1, head.c1)));
      const source = beforeLead.find((x) => looksLikeSource(x.text, true));
      if (source) {
        out.source ??= source.text;
        runs = runs.filter((x) => x !== source);
      }
      // "got a hot lead", "ek bada lead": a lowercase word between "a" and "lead" describes it.
      const adjective = beforeLead.find(
        (x) =>
          x !== source && /\b(?:a|an|one|ek)\s+$/.test(doc.skel.slice(head.c0, x.c0)) && /^[\p{Ll}]+$/u.test(x.text),
      );
      runs = runs.filter((x) => x !== adjective);
      const run = runs.reduce<Run | undefined>((best, x) => (!best || x.score > best.score ? x : best), undefined);
      if (run && !out.company) fillCompany(out, run.text);
    } else if (headEnd > 0 && /[\p{L}\p{N}]/u.test(lower.slice(0, headEnd))) {
      const headLower = lower.slice(0, headEnd);
      const ko = KO_ASSIGN.exec(headLower);
      const se = SE_AAYA.exec(headLower);
      if (ko) {
        const n = nameBefore(doc, head.c0 + ko.index + 1, 2);
        if (n && !out.assignee) out.assignee = n.name;
      } else if (se) {
        const value = trimPunct(origSlice(doc, head.c0, head.c0 + se.index));
        if (looksLikeSource(value, true) || out.company) out.source ??= value;
        else out.company = cleanCompany(value);
      } else if (hits[0]?.field === 'phone' && KA_NUMBER.test(headLower)) {
        const name = cleanName(origSlice(doc, head.c0, head.c0 + KA_NUMBER.exec(headLower)!.index));
        if (name && !out.contact_name) {
          out.contact_name = name;
          seenContact = true;
        }
      } else {
        const value = slice(doc, head);
        // "hai", "please", "ok" alone are not a field
        if (value && pickCompany(doc, head.c0, head.c1, GREETING) && !TRIGGER.test(lower.slice(headEnd)))
          items.push({ kind: 'free', text: value, afterContact: seenContact });
      }
    }
    for (let h = 0; h < hits.length; h++) {
      const hit = hits[h];
      const end = h + 1 < hits.length ? hits[h + 1].start : text.length;
      const valueRange: Range = { c0: r.c0 + hit.end, c1: r.c0 + end };
      const value = slice(doc, valueRange);
      if (hit.field === 'phone' || hit.field === 'email') {
        seenContact = true;
        continue;
      }
      if (!value) continue;
      if (hit.field === 'from') {
        if (looksLikeSource(value, true) || out.company) out.source ??= value;
        else out.company = cleanCompany(value);
      } else if (hit.field === 'contact_name') {
        out.contact_name ??= cleanName(value);
      } else if (hit.field === 'assignee') {
        out.assignee ??= cleanName(firstWords(doc, valueRange, 2));
      } else if (hit.field === 'source') {
        out.source ??= value;
      } else if (hit.field === 'company') {
        out.company ??= cleanCompany(value);
      }
    }
    if (doc.tokens.some((t) => t.mark && t.c0 >= r.c1 && t.c0 <= r.c1 + 2)) seenContact = true;
  }
  // Free clauses fill the spec's order: company, contact, (phone), source, assignee.
  const order: Field[] = ['company', 'contact_name', 'source', 'assignee'];
  const afterContact: string[] = [];
  // "Kavita Rao (Orbit Textiles)": when the first two free parts are a person then a business,
  // swap them; "Mr.", "ji" or a business word ("Textiles", "Pvt Ltd") tells which is which.
  const free = items.filter((i): i is Extract<Item, { kind: 'free' }> => i.kind === 'free');
  if (!out.company && !out.contact_name && free.length >= 2 && !free[1].afterContact) {
    const [a, b] = free;
    if (
      (looksLikePerson(a.text) || !looksLikeBusiness(a.text)) &&
      looksLikeBusiness(b.text) &&
      !looksLikeBusiness(a.text)
    ) {
      items.splice(items.indexOf(a), 1);
      items.splice(items.indexOf(b) + 1, 0, a);
    }
  }
  for (const item of items) {
    if (item.kind !== 'free') continue;
    if (item.afterContact && out.company && out.contact_name) {
      afterContact.push(item.text);
      continue;
    }
    const field = order.find((f) => !out[f]);
    if (!field) break;
    // "Zen Spa is interested": the company ends where the sentence's verb starts
    if (field === 'company')
      fillCompany(out, item.text.split(/\s+(?:is|are|was|has|have|hai|he|wants|want|needs|need)\s+/i)[0]);
    // "…, 98450 12345, Website" with no contact given: a plain source is no person.
    else if (field === 'contact_name' && !out.source && looksLikeSource(item.text, true)) out.source = item.text;
    else if (field === 'contact_name' || field === 'assignee') out[field] = cleanName(item.text);
    else out[field] = item.text;
  }
  if (afterContact.length) {
    const slots = (['source', 'assignee'] as Field[]).filter((f) => !out[f]);
    if (afterContact.length === 1 && slots.length === 2) {
      const v = afterContact[0];
      // "…, 98450 12345, Sunil": one word that is not a known source reads as the assignee.
      if (!looksLikeSource(v) && !/\s/.test(v)) out.assignee = cleanName(v);
      else out.source = v;
    } else {
      afterContact.forEach((v, k) => {
        const f = slots[k];
        if (f === 'assignee') out.assignee = cleanName(v);
        else if (f) out[f] = v;
      });
    }
  }
  if (!out.company) return null;
  const cmd: CreateLeadCommand = { intent: 'create_lead', company: out.company };
  // "speak to Ms Fernandes on 98200 11223": the preposition before the number is no part of the name.
  const contact = out.contact_name?.replace(/\s+(?:on|at|@|par|pe|पर)$/iu, '');
  if (contact) cmd.contact_name = contact;
  if (found.phones[0]) cmd.phone = found.phones[0].value;
  if (found.emails[0]) cmd.email = found.emails[0].value;
  const source = out.source && cleanSource(out.source);
  if (source) cmd.source = source;
  if (out.assignee) cmd.assignee = out.assignee;
  return cmd;
}

/**
 * A source said loosely keeps its name only: "our Instagram page" → Instagram, "the expo" → expo,
 * "expo mein mile the" → expo ("Facebook ads" stays: the ads are the source).
 */
function cleanSource(s: string): string | undefined {
  const out = s
    .replace(/^(?:our|the|a|an|their|hamare|hamara|hamari|हमारे|हमारी)\s+/iu, '')
    .replace(/\s+(?:page|account|handle|profile|channel|stall)$/iu, '')
    .replace(
      /\s+(?:(?:mein|me|mai|pe|par|में|पर)\s+)?(?:mile|mila|mili|मिले|मिला|मिली)(?:\s+(?:the|thi|tha|hai|थे|था|थी|है))?$/iu,
      '',
    )
    .trim();
  return out || undefined;
}

const SOURCE_LEAD = rx('^\\s*(?:wala\\s+|ka\\s+|se\\s+)?lead\\b');

// "Nova Dental Care dr sameer kulkarni": a title inside the company starts the contact's name.
const INNER_TITLE =
  /^(.*?[\p{L}\p{N}.)&])\s+((?:mr|mrs|ms|mister|dr|shri|sri|shree|smt|kumari)\.?\s+[\p{L}].*|(?:श्री|श्रीमती|डॉ\.?|डॉक्टर)\s*[\p{L}].*)$/iu;

function fillCompany(out: Partial<Record<Field, string>>, text: string): void {
  const split = INNER_TITLE.exec(text);
  const contact = split ? cleanName(split[2]) : undefined;
  const company = split && contact ? cleanCompany(split[1]) : undefined;
  if (company && contact) {
    out.company = company;
    out.contact_name ??= contact;
  } else {
    out.company = cleanCompany(text);
  }
}

const GREETING = new Set(['bot', 'hey', 'hi', 'hello', 'team', 'good', 'morning', 'dear']);
const TRIGGER_STOP = new Set([
  'got',
  'there',
  "there's",
  'received',
  'enquiry',
  'inquiry',
  'create',
  'register',
  'fresh',
  'one',
  'details',
  'bot',
  'you',
  'for',
  'hey',
  'hi',
  'hello',
  'team',
]);

function firstWords(doc: Doc, r: Range, max: number): string {
  const words: Token[] = doc.tokens.filter((t) => t.word && t.c0 >= r.c0 && t.c1 <= r.c1);
  const keep: Token[] = [];
  for (const t of words) {
    if (keep.length >= max) break;
    if (keep.length && !/^[\p{Lu}\p{Lo}]/u.test(t.raw)) break;
    if (t.canon.toLowerCase() !== t.raw.toLowerCase() && keep.length) break;
    keep.push(t);
  }
  if (!keep.length) return '';
  return origSlice(doc, keep[0].c0, keep[keep.length - 1].c1);
}
