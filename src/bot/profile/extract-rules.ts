// Offline profile-fact extraction by rules: English, German-English and Hinglish phrasing.
// Deterministic, no network; the LLM extractor (BOT_MODE=llm) returns the same shape.
//
// The pipeline: split the message into sentences and clauses, mark information questions (they
// state no facts), then let each rule family find candidates. Every rule checks that the fact is
// about the customer (not "my friend…", "meri wife ko…") and not negated ("I'm not afraid…",
// "darr nahi lagta"). Candidates are merged per key below.
import type {
  ExtractProfileContext,
  PreferredTimes,
  ProfileExtraction,
  ProfileFactKey,
  ProfileFacts,
} from './facts.ts';
import { findCommunication, findServices } from './rules-contact.ts';
import { findDeclined, findEmails, findNames, findStaff } from './rules-identity.ts';
import { findNotes } from './rules-notes.ts';
import { findTimes } from './rules-times.ts';
import { fromDevanagari, originalSentence, originalWords } from './devanagari.ts';
import { analyze, normalizeText, type Found } from './text.ts';

const MAX_CHARS = 4000; // longer texts are not chat messages; extraction cost stays linear and small

/**
 * Extracts the customer's own profile facts from one message. Hindi in Devanagari is read as
 * Hinglish (profile/devanagari.ts) and what was found is given back in the original script.
 */
export function extractProfileFacts(text: string, ctx?: ExtractProfileContext): ProfileExtraction {
  const dev = fromDevanagari(String(text ?? ''));
  if (!dev) return extractLatin(text, ctx);
  const r = extractLatin(dev.text, ctx);
  const f = r.facts;
  if (f.name) f.name = originalWords(dev, f.name);
  if (f.preferred_staff) f.preferred_staff = originalWords(dev, f.preferred_staff);
  if (f.special_notes) f.special_notes = f.special_notes.map((n) => ({ ...n, text: originalSentence(dev, n.text) }));
  return r;
}

function extractLatin(text: string, ctx?: ExtractProfileContext): ProfileExtraction {
  const normalized = normalizeText(String(text ?? '').slice(0, MAX_CHARS));
  const facts: ProfileFacts = {};
  const confidence: ProfileExtraction['confidence'] = {};
  const corrects = new Set<ProfileFactKey>();
  if (!normalized) return { facts, confidence };
  const sentences = analyze(normalized);

  const note = (key: ProfileFactKey, found: Found<unknown>[]) => {
    confidence[key] = Math.max(...found.map((f) => f.confidence));
    if (found.some((f) => f.sentence.correction)) corrects.add(key);
  };
  // A single value: a correcting sentence wins, then the surest, then the first.
  const single = <V>(key: ProfileFactKey, found: Found<V>[]): V | undefined => {
    if (!found.length) return undefined;
    note(key, found);
    const ranked = [...found].sort(
      (a, b) => Number(b.sentence.correction) - Number(a.sentence.correction) || b.confidence - a.confidence,
    );
    return ranked[0].value;
  };

  const name = single('name', findNames(sentences, ctx));
  if (name) facts.name = name;
  const email = single('email', findEmails(sentences));
  if (email) facts.email = email;
  const staff = single('preferred_staff', findStaff(sentences));
  if (staff) facts.preferred_staff = staff;

  const times = findTimes(sentences, ctx);
  if (times.length) {
    note('preferred_times', times);
    facts.preferred_times = mergeTimes(times.map((t) => t.value));
  }

  const notes = findNotes(sentences);
  if (notes.length) {
    note('special_notes', notes);
    facts.special_notes = notes.map((n) => n.value);
  }

  const comms = findCommunication(sentences);
  if (comms.length) {
    note('communication_preferences', comms);
    facts.communication_preferences = Object.assign({}, ...comms.map((c) => c.value).reverse());
  }

  const services = findServices(sentences);
  if (services.length) {
    note('preferred_services', services);
    const all = [...new Set(services.flatMap((s) => s.value))];
    facts.preferred_services = all.filter((n) => !all.some((o) => o !== n && o.includes(n)));
  }

  const declined = single('declined', findDeclined(sentences, ctx));
  if (declined) facts.declined = declined;

  // With stored facts, a changed value in a message that apologises or says "no," is a correction.
  if (ctx?.known && /\b(?:sorry|no,|nope|nahi,|nein,)/i.test(normalized)) {
    for (const key of ['name', 'email', 'preferred_staff'] as const) {
      if (facts[key] && ctx.known[key] && facts[key] !== ctx.known[key]) corrects.add(key);
    }
  }
  for (const key of Object.keys(confidence) as ProfileFactKey[])
    confidence[key] = Math.round(confidence[key]! * 100) / 100;
  return corrects.size ? { facts, confidence, corrects: [...corrects] } : { facts, confidence };
}

/** Later clauses fill what earlier ones left open; days accumulate. */
function mergeTimes(all: PreferredTimes[]): PreferredTimes {
  const out: PreferredTimes = {};
  for (const t of all) {
    out.part_of_day ??= t.part_of_day;
    out.before ??= t.before;
    out.after ??= t.after;
    if (t.days) out.days = [...new Set([...(out.days ?? []), ...t.days])];
  }
  for (const k of Object.keys(out) as (keyof PreferredTimes)[]) if (out[k] === undefined) delete out[k];
  return out;
}
