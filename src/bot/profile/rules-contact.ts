// Communication preferences (channel, no calls, language) and the services a customer wants.
import type { CommunicationPreferences } from './facts.ts';
import { KEEP_PLURAL, LANGUAGES, SERVICE_PATTERNS } from './lexicon.ts';
import {
  allMatches,
  isNegated,
  mentionsOther,
  rx,
  rxg,
  statementClauses,
  subjectAt,
  type Found,
  type Sentence,
} from './text.ts';

// ── Calls ────────────────────────────────────────────────────────────────────────────────────

const NO_CALLS = rxg`\b(?:don't|do not|dont|never|no need to|pls don't|please don't)\s+(?:ever\s+)?(?:call|phone|ring)\b|\bno (?:phone |voice |video )?calls?\b|\b(?:rather not|prefer not to) be (?:called|phoned|rung)\b|\b(?:rather than|instead of) (?:a )?call(?:ing|s)?\b|\bnot by phone\b|\bkein(?:e)?\s+anrufe?\b|\bnicht\s+anrufen\b|\bruf[\p{L}]*\s+(?:sie\s+)?(?:mich\s+)?(?:bitte\s+)?nicht\s+an\b|\bnicht telefonisch\b|\b(?:call|phone|fone)\s+(?:mat|na|nahi|mt)\b|\bcall nahi\b|\b(?:only|just|sirf|nur)\s+(?:message|text|msg|whats\s?app)\s+(?:me|karo|karein|kijiye)\b|\b(?:message|text) me only\b|\b(?:anxious|nervous|uncomfortable|awkward)\s+(?:on|with|about)\s+(?:the\s+)?(?:phone|calls|phone calls)\b|\b(?:hate|don't like|dislike)\s+(?:phone calls|calls|talking on the phone)\b`;

// ── Channels ─────────────────────────────────────────────────────────────────────────────────

const WA = String.raw`whats\s?app|wa`;
const CHANNEL_RULES: { channel: NonNullable<CommunicationPreferences['channel']>; re: RegExp }[] = [
  {
    channel: 'whatsapp',
    re: rxg`\b(?:just|only|nur|sirf|per|via|by|pe|par|through|prefer)\s+(?:${WA})\b|\b(?:${WA})\s+(?:me|is (?:best|better|fine|good|great|easier|ok|okay|perfect|preferred)|works(?: best| better| fine)?|only|please|bitte|pe|par|per|karo|kar do|kijiye|hi)\b|\b(?:message|text|msg|contact|reach|ping|write|send)[\p{L}]*\s+(?:me\s+)?(?:on|via|over|through|per|pe|par)\s+(?:${WA})\b`,
  },
  {
    channel: 'email',
    re: rxg`\b(?:by|via|per|through|over)\s+(?:e-?)?mail\b|\be-?mail\s+(?:reminders?|confirmations?|is (?:better|best|fine|preferred|easier|good))\b|\bprefer e-?mail\b|\be-?mail (?:me|mujhe) (?:the|a|reminders?|confirmations?|details|instead)\b|\bsend [\p{L}\s]{0,20}?(?:to|on) (?:my )?e-?mail\b|\be-?mail (?:pe|par)\b`,
  },
  { channel: 'sms', re: rxg`\bsms\b|\btext messages?\b|\bby text\b` },
  {
    channel: 'phone',
    re: rxg`\bprefer (?:a )?(?:phone )?calls?\b|\bphone calls? (?:for|is better|are better|please)\b|\bcall me instead\b|\brather be called\b|\bcalls? (?:are|is) (?:better|easier|best)\b|\b(?:mujhe )?call kar (?:lena|dena|do|dijiye|lijiye)\b|\bphone (?:kar|pe baat) (?:lena|dena|do|karo|karna)\b|\bruf[\p{L}]* (?:sie )?mich (?:lieber |bitte )?an\b|\blieber (?:anrufen|telefonieren)\b`,
  },
];

// Sending one document somewhere is an errand, not a preference, unless it is stated as one
// ("receipt whatsapp pe bhej dena").
const ONE_DOCUMENT = rx`\b(?:receipt|invoice|bill|location|link|photo|pic|picture|report|form|prescription|rechnung|quittung|rezept|standort)\b`;
const STANDING = rx`\b(?:always|instead|only|prefer|in future|from now on|immer|lieber|nur|hamesha|sirf)\b`;

// ── Language ─────────────────────────────────────────────────────────────────────────────────

const LANG = String.raw`(${Object.keys(LANGUAGES).join('|')})`;
const LANGUAGE_RULES = [
  rxg`\b(?:reply|write|respond|answer|talk|speak|text|message|chat|communicate|converse)[\p{L}]*\s+(?:to me\s+|with me\s+)?(?:only\s+)?in\s+${LANG}\b`,
  rxg`\b(?:in|auf)\s+${LANG}\s+(?:please|pls|plz|bitte|antworten|schreiben|reply|only|nur|sprechen)\b|\bauf\s+${LANG}\b|\bprefer\s+${LANG}\b`,
  rxg`(?:^|[,.!]\s*)${LANG}\s+(?:please|pls|plz|bitte|only|nur)\b`,
  rxg`\b${LANG}\s+(?:mein|me|main|mai)\s+(?:hi\s+)?(?:baat|reply|likh|bol|jawab|message|msg|samjha|batao|bataiye)[\p{L}]*`,
];

export function findCommunication(sentences: Sentence[]): Found<CommunicationPreferences>[] {
  const out: Found<CommunicationPreferences>[] = [];
  for (const clause of statementClauses(sentences)) {
    const value: CommunicationPreferences = {};
    for (const m of allMatches(NO_CALLS, clause.text)) {
      if (subjectAt(clause, clause.start + m.index) !== 'other') value.no_calls = true;
    }
    for (const rule of CHANNEL_RULES) {
      for (const m of allMatches(rule.re, clause.text)) {
        const start = clause.start + m.index;
        const before = clause.text.slice(0, m.index);
        if (/\bthan\s*$|\bals\s*$/i.test(before)) continue; // "better than WhatsApp"
        if (rule.channel === 'phone' && value.no_calls) continue;
        if (rule.channel === 'email' && /e-?mail me at\b/i.test(clause.text)) continue;
        if (ONE_DOCUMENT.test(clause.text) && !STANDING.test(clause.text)) continue; // an errand, see ONE_DOCUMENT
        if (isNegated(clause, start, start + m[0].length, { past: false })) continue;
        value.channel ??= rule.channel;
      }
    }
    for (const re of LANGUAGE_RULES) {
      for (const m of allMatches(re, clause.text)) {
        const start = clause.start + m.index;
        if (isNegated(clause, start, start + m[0].length, { past: false })) continue;
        const lang = m.slice(1).find(Boolean);
        if (lang) value.language ??= LANGUAGES[lang.toLowerCase()];
      }
    }
    if (Object.keys(value).length)
      out.push({ value, confidence: value.no_calls || value.language ? 0.85 : 0.75, sentence: clause.sentence });
  }
  return out;
}

// ── Services ─────────────────────────────────────────────────────────────────────────────────

const SERVICE_RE = rxg`\b(${SERVICE_PATTERNS.join('|')})\b`;
const INTENT = rx`\b(?:need|needs|want|wanna|would like|'d like|like to|book|booking|schedule|appointment|interested|love|loved|enjoy|enjoyed|try|continue|start|starting|begin|get|getting|tell me about|looking for|looking to|fan of|favou?rite|adore|go for|come in for|due for|in for|brauche|möchte|moechte|hätte gern|hätte gerne|termin|interessiere|gerne|will|wollte|buchen|chahiye|karwa\p{L}*|karva\p{L}*|krwa\p{L}*|karana|karani|lena|pasand|karna hai|karne hain|slot)\b|'d like\b`;

function serviceName(raw: string): string {
  const words = raw.toLowerCase().replace(/-/g, ' ').replace(/\s+/g, ' ').trim().split(' ');
  const last = words[words.length - 1];
  if (!KEEP_PLURAL.has(last)) {
    if (/(?:ss|us|is)$/.test(last)) words[words.length - 1] = last;
    else if (/sses$/.test(last)) words[words.length - 1] = last.slice(0, -2);
    else if (/s$/.test(last) && last.length > 3) words[words.length - 1] = last.slice(0, -1);
  }
  return words.join(' ');
}

export function findServices(sentences: Sentence[]): Found<string[]>[] {
  const out: Found<string[]>[] = [];
  for (const sentence of sentences) {
    const clauses = sentence.clauses.filter((c) => c.question !== 'info');
    if (!clauses.some((c) => INTENT.test(c.text))) continue;
    const names: string[] = [];
    for (const clause of clauses) {
      if (mentionsOther(clause)) continue; // "a haircut for my son", "meri beti ke liye braces"
      for (const m of allMatches(SERVICE_RE, clause.text)) {
        const start = clause.start + m.index;
        if (isNegated(clause, start, start + m[0].length, { past: false, before: 4 })) continue;
        const name = serviceName(m[1]);
        if (!names.includes(name)) names.push(name);
      }
    }
    // "physio … physiotherapy": keep the longer name.
    const kept = names.filter((n) => !names.some((o) => o !== n && o.includes(n)));
    if (kept.length) out.push({ value: kept, confidence: 0.7, sentence });
  }
  return out;
}
