// Progressive profiling: ask for one missing detail, only at a good moment — after something is
// settled, never when the customer is urgent, upset or handed over, never a list of questions,
// and never a field they declined.
import type { CustomerIntent } from '../intents.ts';
import { say, type Lang } from '../../lib/language.ts';
import type { SpecialNote } from './facts.ts';

export type Askable = 'name' | 'preferred_times' | 'communication_preferences' | 'email';

const questions: Record<Askable, { en: string; hi: string; hinglish: string }> = {
  name: {
    en: 'By the way, may I know your name?',
    hi: 'वैसे, क्या मैं आपका नाम जान सकता हूँ?',
    hinglish: 'Waise, kya main aapka naam jaan sakta hoon?',
  },
  preferred_times: {
    en: 'By the way, what time of day usually suits you best for a call?',
    hi: 'वैसे, कॉल के लिए आपको आमतौर पर कौन सा समय ठीक रहता है?',
    hinglish: 'Waise, call ke liye aapko usually kaunsa time theek rehta hai?',
  },
  communication_preferences: {
    en: 'By the way, is WhatsApp the best way to reach you, or do you prefer a call or email?',
    hi: 'वैसे, क्या आपसे संपर्क के लिए WhatsApp ठीक है, या कॉल/ईमेल बेहतर रहेगा?',
    hinglish: 'Waise, aapse contact ke liye WhatsApp theek hai, ya call/email better rahega?',
  },
  email: {
    en: 'By the way, could you share an email address for the documents?',
    hi: 'वैसे, क्या आप दस्तावेज़ों के लिए अपना ईमेल दे सकते हैं?',
    hinglish: 'Waise, kya aap documents ke liye apna email share kar sakte hain?',
  },
};

const goodMoments: CustomerIntent[] = ['thanks', 'demo', 'greeting', 'contract'];

export function nextQuestion(input: {
  profile: Record<string, unknown>;
  knownName: boolean;
  knownEmail: boolean;
  intent: CustomerIntent;
  urgent: boolean;
  handoff: boolean;
  lang: Lang;
  /** Bot replies since the last profiling question. */
  repliesSinceAsked: number;
}): { field: Askable; text: string } | null {
  if (input.urgent || input.handoff || !goodMoments.includes(input.intent) || input.repliesSinceAsked < 3) return null;
  const declined = new Set((input.profile.declined as string[] | undefined) ?? []);
  const missing: Askable[] = [];
  if (!input.knownName && !input.profile.name) missing.push('name');
  if (!input.profile.preferred_times) missing.push('preferred_times');
  if (!input.profile.communication_preferences) missing.push('communication_preferences');
  if (!input.knownEmail && !input.profile.email) missing.push('email');
  const field = missing.find((f) => !declined.has(f));
  return field
    ? { field, text: say(input.lang, questions[field].en, questions[field].hinglish, questions[field].hi) }
    : null;
}

/** "I've noted that …" for sensitive details, so the customer knows what we keep. */
export function acknowledgeNotes(notes: SpecialNote[], lang: Lang): string | null {
  if (!notes.length) return null;
  const list = notes.map((n) => n.text).join('; ');
  return say(
    lang,
    `I've noted that (${list}) so our team can take care of it.`,
    `Maine note kar liya hai (${list}), taaki hamari team iska dhyan rakh sake.`,
    `मैंने नोट कर लिया है (${list}), ताकि हमारी टीम इसका ध्यान रख सके।`,
  );
}
