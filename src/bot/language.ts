// Which language to answer in: Hindi (Devanagari), Hinglish (Hindi in Latin script) or English.
export type Lang = 'en' | 'hi' | 'hinglish';

const hinglishWords =
  /\b(hai|hain|haan|nahi|nahin|kya|kyu|kyun|kaise|kab|kaun|mujhe|mera|meri|mere|aap|aapka|aapki|hum|humein|karo|karna|kijiye|chahiye|chahte|bhai|ji|accha|acha|theek|thik|batao|bataiye|kitna|kitne|wala|wali|abhi|kal|aaj|ke liye|se|ko|ka|ki|ho|gaya|gayi|raha|rahi|dijiye|bhejo|milega|milegi)\b/gi;

export function detectLanguage(text: string | null | undefined): Lang {
  const t = text ?? '';
  const devanagari = (t.match(/[\u0900-\u097F]/g) ?? []).length;
  const latin = (t.match(/[a-zA-Z]/g) ?? []).length;
  if (devanagari > 0 && devanagari >= latin / 3) return 'hi';
  const hits = t.match(hinglishWords)?.length ?? 0;
  const words = t.split(/\s+/).filter(Boolean).length;
  if (hits >= 2 || (hits === 1 && words <= 4)) return 'hinglish';
  return 'en';
}

/** Picks the phrase for the language. */
export const say = (lang: Lang, p: { en: string; hi: string; hinglish: string }) => p[lang];
