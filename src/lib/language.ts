// The language someone wrote in — a team member's command or a customer's message — so the bot
// answers in kind: English, Hinglish (Hindi in Latin letters) or Hindi (Devanagari). Plus the few
// formatting helpers replies share. Both bots use this one module.
export type Lang = 'en' | 'hinglish' | 'hi';

const DEVANAGARI = /[\u0900-\u097F]/g;
const LATIN = /[A-Za-z]/g;

// Words that only Hinglish uses (not "to", "do", "par", which English has too).
const HINGLISH = new Set(
  (
    'ka ke ki ko se hai hain ho hua hui gaya gayi gya gyi hogaya hogya hogayi karo kardo krdo kro kar karna karke diya dedo dena ' +
    'dikhao dikha dikhado batao bata aaj kal parso baje bje wala wali wale saath sath liye mere mera meri mujhe hamare kya kyu nahi nhi ' +
    'haan bhai abhi sab sabhi sabki unko usko unka uska yeh ye woh wo tha thi chahiye agle agla subah shaam sham dopahar raat kitne ' +
    'kaun kab naya nayi ek aur lekin bhi mein mai kuch rakho rakh lagao bolo bhejo banao bana chuka chuki khush accha acha theek thik ' +
    'bola boli chahte baat hoga hogi karenge karega wapas phir fir jaldi baad pehle toh unhe humko hume ' +
    // and the words customers write
    'nahin kyun kaise aap aapka aapki aapko hum humein kijiye ji bataiye kitna raha rahi dijiye milega milegi'
  ).split(' '),
);

/** Devanagari → Hindi; Hinglish markers → Hinglish; otherwise English (`fallback` for "2", "ok"). */
export function detectLanguage(text: string | null | undefined, fallback: Lang = 'en'): Lang {
  const s = text ?? '';
  const deva = s.match(DEVANAGARI)?.length ?? 0;
  const latin = s.match(LATIN)?.length ?? 0;
  if (deva > 0 && deva >= latin / 2) return 'hi';
  const words = s.toLowerCase().match(/[a-z]+/g) ?? [];
  // One marker in a long message may be a name ("Sab Industries"); Hinglish has several.
  const markers = words.filter((w) => HINGLISH.has(w)).length;
  if (markers >= 2 || (markers === 1 && words.length <= 5)) return 'hinglish';
  return words.length >= 2 ? 'en' : fallback;
}

/** Picks the text for the language. */
export const say = (lang: Lang, en: string, hinglish: string, hi: string) =>
  lang === 'hi' ? hi : lang === 'hinglish' ? hinglish : en;

/** "Wed 11 Mar, 3:00 pm" (the year when it is not this year), in the workspace's time zone. */
export function formatWhen(at: Date, timeZone: string, lang: Lang, now = new Date()): string {
  const year = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' });
  const sameYear = year.format(at) === year.format(now);
  return new Intl.DateTimeFormat(lang === 'hi' ? 'hi-IN' : 'en-IN', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
    hour: 'numeric',
    minute: '2-digit',
    hour12: true,
  }).format(at);
}

/** "3:00 pm" only, for lists of one day. */
export const formatTime = (at: Date, timeZone: string, lang: Lang) =>
  new Intl.DateTimeFormat(lang === 'hi' ? 'hi-IN' : 'en-IN', {
    timeZone,
    hour: 'numeric',
    minute: '2-digit',
    hour12: true,
  }).format(at);

const STATUS_HI: Record<string, string> = {
  new: 'नई',
  contacted: 'संपर्क हुआ',
  qualified: 'क्वालिफाइड',
  meeting_scheduled: 'मीटिंग तय',
  demo_scheduled: 'डेमो तय',
  demo_done: 'डेमो हो गया',
  proposal: 'प्रपोज़ल',
  negotiation: 'बातचीत',
  won: 'जीती',
  lost: 'हारी',
  customer: 'ग्राहक',
};

export const statusLabel = (status: string, lang: Lang) =>
  lang === 'hi' ? (STATUS_HI[status] ?? status) : status.replace(/_/g, ' ');

export const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;
