// Turning a matched span into the field value the user meant: trimmed, without honorifics,
// without the small words that sat next to it ("the", "ka", "wali", "hai").
import { HONORIFICS } from './lexicon.ts';

const EDGE_PUNCT = /^[\s,;:.\-–—|/()[\]{}"'!?*_`]+|[\s,;:\-–—|/([{"'!?*#_~`]+$/gu;

export function trimPunct(s: string): string {
  let out = s.replace(EDGE_PUNCT, '');
  // A closing bracket or full stop is kept only when it closes something inside the value.
  while (/[).\]]$/.test(out)) {
    const last = out[out.length - 1];
    if (last === ')' && out.includes('(')) break;
    if (last === '.' && /\b(?:pvt|ltd|co|inc|corp|bros|jr|sr|st|no)\.$/i.test(out)) break;
    out = out.slice(0, -1).replace(EDGE_PUNCT, '');
  }
  return out.trim();
}

const WORDS = /[^\s]+/gu;
const words = (s: string): string[] => s.match(WORDS) ?? [];

function isHonorific(word: string): boolean {
  return HONORIFICS.has(word.toLowerCase().replace(/[.,:]+$/, ''));
}

// "naam Sunita ji hai": the copula after a name is no part of it.
const COPULA = new Set(['hai', 'hain', 'है', 'हैं']);

/** "Mr. Deepak Verma" → "Deepak Verma"; "Ramesh ji" → "Ramesh"; "Hitesh bhai" → "Hitesh". */
export function cleanName(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const parts = words(trimPunct(s));
  while (parts.length > 1 && COPULA.has(parts[parts.length - 1].toLowerCase().replace(/[.,!]+$/, ''))) parts.pop();
  while (parts.length && isHonorific(parts[0])) parts.shift();
  while (parts.length && isHonorific(parts[parts.length - 1])) parts.pop();
  const out = trimPunct(parts.join(' '));
  return out || undefined;
}

const COMPANY_EDGE_WORDS = new Set([
  'the',
  'a',
  'an',
  'm/s',
  'ms',
  'company',
  'client',
  'lead',
  'leads',
  'customer',
  'account',
  'with',
  'for',
  'from',
  'of',
  'ka',
  'ki',
  'ke',
  'ko',
  'se',
  'wala',
  'wali',
  'wale',
  'waala',
  'waali',
  'waale',
  'ji',
  'sir',
  'bhai',
  'please',
  'pls',
  'plz',
  'kindly',
  'and',
  'to',
  'at',
  'on',
  'by',
  'is',
  'was',
  'hai',
  'h',
  'का',
  'की',
  'के',
  'को',
  'से',
  'वाली',
  'वाला',
  'वाले',
  'लीड',
  'जी',
  'कंपनी',
  'क्लाइंट',
  'in',
  'me',
  'mein',
  'में',
]);

export function cleanCompany(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const parts = words(trimPunct(s));
  const edge = (w: string) => COMPANY_EDGE_WORDS.has(w.toLowerCase().replace(/[.,:]+$/, ''));
  while (parts.length > 1 && edge(parts[0])) parts.shift();
  while (parts.length > 1 && edge(parts[parts.length - 1])) parts.pop();
  const out = trimPunct(parts.join(' '));
  if (!out || (parts.length === 1 && edge(parts[0]))) return undefined;
  return out;
}

/** Notes keep the user's words; only edge punctuation, a final full stop and joiners go. */
export function cleanNote(s: string | undefined): string | undefined {
  if (!s) return undefined;
  let out = s
    .trim()
    .replace(/^(?:[,;:.\-–—|]+\s*)+/, '')
    .replace(/^(?:and|but|aur|par|also|note|remarks?)\s*[:-]\s*/i, '');
  out = out.replace(/\s*[.,;!]+\s*$/, '').trim();
  out = out.replace(/^["']|["']$/g, '').trim();
  return out || undefined;
}

// A verb before "hai" makes it part of a sentence ("follow up miss ho jata hai", "stock nahi milta
// hai"), not a copula after a noun ("5 cr hai", "stock mismatch ka hai").
const VERB_BEFORE_HAI =
  /(?:^|\s)(?:\p{L}+(?:ta|ti|te)|nahi|nahin|nhi|sakte|sakta|sakti|raha|rahi|rahe|gaya|gayi|hua|hui|chahiye|\p{L}+(?:ता|ती|ते)|नहीं|रहा|रही|रहे|गया|गई|हुआ|हुई|चाहिए)\s+(?:hai|hain|he|h|है|हैं)$/iu;

/**
 * A details value: "5 cr hai" → "5 cr"; "Tally" stays "Tally". With `keepVerb` (challenges, which
 * are sentences) a "hai" that ends a verb stays.
 */
export function cleanValue(s: string | undefined, opts: { keepVerb?: boolean } = {}): string | undefined {
  if (!s) return undefined;
  let out = trimPunct(s);
  if (opts.keepVerb) {
    // A challenge is the user's sentence, kept as said ("stock tracking mushkil hai"); only a
    // dangling "… ka hai" loses its tail.
    if (!VERB_BEFORE_HAI.test(out))
      out = out.replace(/(?:\s+(?:ki|ka|ke|का|की|के))(?:\s+(?:hai|hain|he|h|है|हैं))?$/iu, '');
  } else out = out.replace(/(?:\s+(?:hai|hain|he|h|है|हैं|ki|ka|ke|का|की|के))+$/iu, '');
  out = out.replace(/^(?:is|are|hai|:|-|=)\s+/i, '');
  out = trimPunct(out);
  return out || undefined;
}
