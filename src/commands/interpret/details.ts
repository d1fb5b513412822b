// provide_details: the answer to "what is their address, turnover, current system, challenges?",
// in any order and any of the three languages: "Address: 12 MG Road Pune, Turnover: 5 Cr",
// "turnover 8 cr hai, abhi Tally use karte hai", "पता: ..., टर्नओवर: 5 करोड़". A value runs from
// its label to the next label, so addresses keep their commas.
import type { ProvideDetailsCommand } from '../command.ts';
import { cleanValue } from './clean.ts';
import { origSlice, rx, type Doc } from './doc.ts';
import { pickCompany } from './spans.ts';
import { MONEY } from './classify.ts';

type DetailField = 'address' | 'turnover' | 'current_system' | 'challenges';

const LABELS: Array<{ field: DetailField; re: RegExp }> = [
  {
    field: 'current_system',
    re: rx(
      '\\b(?:still|currently|presently)\\s+on\\b|\\b(?:current|existing|present)\\s+(?:system|software|erp|setup|tool)s?\\b(?:\\s+(?:is|are|hai|used))?\\s*[:\\-=]?|\\bcurrently\\s+(?:using|on)\\b\\s*:?|\\bsystem\\b(?:\\s+(?:is|hai|used))?\\s*[:\\-=]?|\\bsoftware\\b(?:\\s+(?:is|hai|used))?\\s*[:\\-=]|\\busing\\b|\\b(?:they|we|client)\\s+(?:use|uses|are\\s+on)\\b|\\buses\\b|\\berp\\s*[:\\-=]',
    ),
  },
  {
    field: 'address',
    re: rx(
      "\\b(?:office\\s+|billing\\s+|shop\\s+)?address\\b(?:\\s+(?:is|hai))?\\s*[:\\-=]?|^(?:they'?re|they\\s+are|we'?re|office\\s+is|located|based)\\s+(?:at|in)\\b",
    ),
  },
  {
    field: 'turnover',
    re: rx(
      '\\b(?:annual\\s+|yearly\\s+)?turnover\\b(?:\\s+(?:is|hai|of))?\\s*[:\\-=]?|\\bt/o\\b\\s*[:\\-=]?|\\bannual\\s+sales\\b\\s*[:\\-=]?',
    ),
  },
  {
    field: 'challenges',
    re: rx(
      '\\b(?:the\\s+)?(?:main\\s+|biggest\\s+|key\\s+|major\\s+)?(?:challenges(?:\\s+points?|\\s+areas?)?|pain\\s+points?)\\b(?:\\s+(?:is|are|hai|hain|ye\\s+hai))?(?:\\s+that\\b)?\\s*[:\\-=]?',
    ),
  },
];
// "wo Zoho use karte hai", "abhi Tally use karte hain": the system comes before the verb.
const USE_KARTE = rx(
  '(?:\\b(?:aur|and)\\s+)?(?:\\b(?:wo|woh|ve|they|hum|current)\\s+)?((?:[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N}.]*\\s+){0,2}?[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N}.]*)\\s+(?:use|istemal|upyog)\\s+(?:karte|karti|karo|kar\\s+rahe|hota)\\b(?:\\s+(?:hai|hain|he|h))?',
  'gu',
);
// "abhi Tally pe chalate hain": the system the business runs on.
const CHALATE = rx(
  '(?:\\bcurrent\\s+)?((?:[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N}.]*\\s+){0,2}?[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N}.]*)\\s+(?:pe|par|pr)\\s+(?:chalate|chalte|chalata|chalti|chal\\s+rahe|chalta|kaam\\s+karte)\\b(?:\\s+(?:hai|hain|he|h))?',
  'gu',
);
const TRAILING_JOIN = /\s+(?:and|aur|&|but|par|also)(?:\s+(?:the|main|our|their|biggest|key|major|wo|woh))*\s*$/iu;

// "system" and "using" alone are common words inside other values ("no proper follow up system",
// "billing system is slow"); they start a value only at the start of the message, after a
// separator, "and" or an amount, or with a colon. "Current system" and the other labels start one anywhere.
const WEAK_LABEL_AFTER =
  /(?:^|[,;|\n.]|\b(?:and|aur|&|also|hai)|\d\s*(?:cr|crs|crore|crores|lakh|lakhs|lac|lacs|mn|million|k))\s*$/u;
function labelStarts(lower: string, start: number, label: string): boolean {
  if (!/^(?:system|using)\b/.test(label) || /[:=]\s*$/.test(label)) return true;
  return WEAK_LABEL_AFTER.test(lower.slice(0, start));
}

/**
 * No labels at all: read the parts in the order the bot asks for them (address, turnover,
 * current system, challenges), anchored on the amount, which is the one part easy to recognise.
 */
export function extractDetailsByPosition(doc: Doc): ProvideDetailsCommand {
  const parts = doc.text
    .split(/[;|\n]|,(?!\d)/)
    .map((p) => p.trim())
    .filter(Boolean);
  const money = parts.findIndex((p) => MONEY.test(p.toLowerCase()));
  const cmd: ProvideDetailsCommand = { intent: 'provide_details' };
  if (money < 0) return cmd;
  const before = parts.slice(0, money).join(', ');
  if (before) cmd.address = cleanValue(before);
  cmd.turnover = cleanValue(parts[money]);
  const after = parts.slice(money + 1);
  if (after[0]) cmd.current_system = cleanValue(after[0]);
  if (after.length > 1) cmd.challenges = cleanValue(after.slice(1).join(', '));
  return cmd;
}

export function extractDetails(doc: Doc): ProvideDetailsCommand {
  const lower = doc.skel;
  const hits: Array<{ field: DetailField; start: number; end: number; value?: string }> = [];
  USE_KARTE.lastIndex = 0;
  for (let m = USE_KARTE.exec(lower); m; m = USE_KARTE.exec(lower)) {
    const g = m.index + m[0].indexOf(m[1]);
    const value = cleanValue(origSlice(doc, g, g + m[1].length));
    hits.push({ field: 'current_system', start: m.index, end: m.index + m[0].length, value });
  }
  CHALATE.lastIndex = 0;
  for (let m = CHALATE.exec(lower); m; m = CHALATE.exec(lower)) {
    const g = m.index + m[0].indexOf(m[1], m[0].startsWith('current') ? 7 : 0);
    const value = cleanValue(origSlice(doc, g, g + m[1].length));
    if (!hits.some((h) => m!.index < h.end && m!.index + m![0].length > h.start))
      hits.push({ field: 'current_system', start: m.index, end: m.index + m[0].length, value });
  }
  for (const { field, re } of LABELS) {
    const g = new RegExp(re.source, 'gu');
    for (let m = g.exec(lower); m; m = g.exec(lower)) {
      if (!m[0].length) {
        g.lastIndex++;
        continue;
      }
      const start = m.index;
      const end = start + m[0].length;
      if (hits.some((h) => start < h.end && end > h.start)) continue;
      if (field === 'current_system' && !labelStarts(lower, start, m[0])) continue;
      hits.push({ field, start, end });
    }
  }
  hits.sort((a, b) => a.start - b.start);
  const cmd: ProvideDetailsCommand = { intent: 'provide_details' };
  for (let k = 0; k < hits.length; k++) {
    const h = hits[k];
    let value = h.value;
    if (value === undefined) {
      const stop = k + 1 < hits.length ? hits[k + 1].start : lower.length;
      let raw = origSlice(doc, h.end, stop).replace(TRAILING_JOIN, '');
      // An amount has no comma of its own ("7 Cr, करंट सिस्टम: Busy"), except Indian digit groups.
      if (h.field === 'turnover') raw = raw.split(/[,;|\n](?!\d)/)[0];
      // "… दिक्कत है कि स्टॉक …", "problem hai ki …": the challenge starts after the "that".
      if (h.field === 'challenges') raw = raw.replace(/^\s*(?:कि|ki|that)\s+/iu, '');
      value = cleanValue(raw.replace(TRAILING_JOIN, ''), { keepVerb: h.field === 'challenges' });
    }
    if (value && !cmd[h.field]) cmd[h.field] = value;
  }
  // "Orbit Textiles: address …", "For Acme Corp - turnover …", "Nimbus Labs ka turnover …"
  const first = hits[0]?.start ?? 0;
  if (first > 0) {
    const run = pickCompany(doc, 0, first);
    // "उनकी सबसे बड़ी दिक्कत…", "their main problem…": a pronoun, not a company.
    if (
      run &&
      !/^(?:उनकी|उनका|उनके|इनकी|इनका|इनके|उसकी|उसका|उसके|their|our|his|her|unki|unka|unke|inki|inka|inke|uski|uska|uske)(?=$|\s)/iu.test(
        run.text,
      )
    )
      cmd.company = run.text;
  }
  return cmd;
}
