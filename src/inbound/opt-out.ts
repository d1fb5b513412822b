// STOP / START in English, Hindi and Hinglish. Only a message that is nothing but the keyword
// counts, so "please stop by tomorrow" is not an opt-out.
const clean = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFC')
    .replace(/[.!?,।'"]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const stop = new Set([
  'stop',
  'stop all',
  'stopall',
  'unsubscribe',
  'opt out',
  'optout',
  'opt-out',
  'cancel',
  'end',
  'quit',
  'stop messages',
  'stop messaging',
  'no more messages',
  'band karo',
  'band kro',
  'band kar do',
  'bnd karo',
  'message band karo',
  'msg band karo',
  'messages band karo',
  'mat bhejo',
  'message mat bhejo',
  'msg mat bhejo',
  'mujhe message mat bhejo',
  'unsubscribe karo',
  'stop karo',
  'stop kar do',
  'बंद',
  'बंद करो',
  'बंद करें',
  'बंद कर दो',
  'रोको',
  'रोकें',
  'मैसेज बंद करो',
  'मैसेज मत भेजो',
  'संदेश मत भेजो',
  'अनसब्सक्राइब',
]);
const start = new Set([
  'start',
  'unstop',
  'subscribe',
  'resume',
  'yes start',
  'start again',
  'shuru karo',
  'chalu karo',
  'start karo',
  'phir se shuru karo',
  'शुरू',
  'शुरू करो',
  'चालू करो',
  'फिर से शुरू करो',
]);

export function optOutIntent(text: string | null | undefined): 'stop' | 'start' | null {
  if (!text) return null;
  const t = clean(text);
  if (stop.has(t)) return 'stop';
  if (start.has(t)) return 'start';
  return null;
}

const isHindi = (text: string | null | undefined) => /[\u0900-\u097F]/.test(text ?? '');
const isHinglish = (text: string | null | undefined) => /\b(karo|kro|kar do|mat|bhejo|shuru|chalu)\b/i.test(text ?? '');

export function optOutReply(text: string | null | undefined): string {
  if (isHindi(text)) return 'ठीक है, अब आपको हमारी ओर से कोई संदेश नहीं मिलेगा। फिर से शुरू करने के लिए START भेजें।';
  if (isHinglish(text))
    return 'Theek hai, ab aapko humari taraf se koi message nahi aayega. Dobara shuru karne ke liye START bhejein.';
  return "You're unsubscribed: we won't message you again. Reply START to resume.";
}

export function optInReply(text: string | null | undefined): string {
  if (isHindi(text)) return 'स्वागत है! अब आपको फिर से हमारे संदेश मिलेंगे।';
  if (isHinglish(text)) return 'Welcome back! Ab aapko phir se humare messages milenge.';
  return "Welcome back! You'll receive our messages again.";
}
