// What a customer's message is about, by rules (English, Hindi, Hinglish).
export type CustomerIntent =
  | 'callback'
  | 'human'
  | 'upset'
  | 'delete_data'
  | 'pricing'
  | 'demo'
  | 'status'
  | 'contract'
  | 'support'
  | 'greeting'
  | 'thanks'
  | 'bye'
  | 'question'
  | 'other';

const patterns: [CustomerIntent, RegExp][] = [
  [
    'delete_data',
    /\b(delete|erase|remove|forget)\b.{0,20}\b(my|all)\b.{0,15}\b(data|details|information|info)\b|\bmera data (delete|hata)|मेरा (डेटा|डाटा) (हटा|डिलीट)/i,
  ],
  [
    'human',
    /\b(human|real person|a person|representative|customer care|talk to (someone|somebody|a person|an agent|your team|sales)|speak to (someone|somebody|a person|an agent|a human)|agent please|connect me|insaan|kisi se baat|kisi insaan|kisi aadmi|koi banda|manager se baat)\b|^\s*agent\s*$|किसी (इंसान|व्यक्ति)|इंसान से बात|एजेंट/i,
  ],
  [
    'upset',
    /\b(worst|terrible|horrible|useless|pathetic|fraud|cheat(ed|ing)?|scam|disgusting|ridiculous|angry|furious|unacceptable|not happy|very disappointed|disappointed|complain(t)?|bakwas|bekaar|bekar|ghatiya|faltu|pagal|chutiya|bewakoof)\b|बकवास|घटिया|बेकार|शिकायत/i,
  ],
  [
    'contract',
    /\b(contract|finali[sz]e|sign(ing)?|agreement|purchase order|po\b|go ahead|deal pakka|final kar)|कॉन्ट्रैक्ट|कांट्रैक्ट|अनुबंध|एग्रीमेंट|करार|साइन|फ़ाइनल|फाइनल|डील पक्की|आगे बढ़/i,
  ],
  [
    'pricing',
    /\b(price|pricing|prices|cost|costs|rate|rates|quote|quotation|charges?|fees?|how much|kitna|kitne ka|kitne ki|daam|keemat|paisa)\b|कीमत|दाम|कितने का|कितना/i,
  ],
  [
    'demo',
    /\b(demo|demonstration|trial|meeting|appointment|book|booking|schedule|slot|visit|milna|mil sakte)\b|डेमो|मीटिंग|अपॉइंटमेंट|बुक|बुकिंग|मिलना है|मिल सकते/i,
  ],
  [
    'status',
    /\b(updates?|status|any news|progress|follow.?up|kya hua|kab tak|when will|my request|my order|my complaint)\b|क्या हुआ|अपडेट|कब तक|कहाँ तक पहुँचा/i,
  ],
  [
    'support',
    /\b(help|issue|problem|error|not working|broken|bug|support|stuck|fail(ed|ing)?|kaam nahi|dikkat|pareshani)\b|समस्या|दिक्कत|काम नहीं|सपोर्ट|मदद|परेशानी|खराब|ख़राब|चल नहीं|एरर|शिकायत नहीं/i,
  ],
  ['thanks', /\b(thanks|thank you|thx|ty|shukriya|dhanyavaad|dhanyawad)\b|धन्यवाद|शुक्रिया/i],
  ['bye', /^\s*(bye|goodbye|see you|ok bye|tata|alvida)\b/i],
  [
    'greeting',
    /^\s*(hi+|hello+|hey+|hii+|namaste|namaskar|good (morning|afternoon|evening)|salaam|hola|hallo)\b|^\s*(नमस्ते|नमस्कार)/i,
  ],
];

// A call asked for ("call me back", "give me a call", "mujhe call karo", "call kr do", "मुझे कॉल
// करें"): a call task for the assignee, not a chat handoff. Not "call me Raj" (a name), nor
// "don't call me", "call mat karna", "मुझे फ़ोन मत करो".
const KAR = String.raw`(?:k(?:a)?r\s?(?:do|dijiye|dijie|dena|lena|lijiye|lijie|lo|sakte|skte)|karo|kro|kijiye|kijie|karein|karen|kare|karna|krna|karoge)`;
const CALL = new RegExp(
  String.raw`\b(call me|give me a (call|ring)|call back|callback|ring me|phone me|cal{1,2} ${KAR}|phone ${KAR}|fone ${KAR})\b|(कॉल|फ़ोन|फोन) (करें|करो|कीजिए|कर दो|कर दीजिए|करना|कर सकते|कर लो|कर लेना|कर लीजिए)|कॉल बैक`,
  'iu',
);
const NO_CALL =
  /\b(don'?t|do not|never|no need to|stop)\b(?!\s+forget).{0,15}\b(call|phone|ring)|\b(call|phone)\b.{0,15}\b(mat|nahi|nahin|nai)\b|\bmat\b.{0,10}\b(call|phone)\b|(कॉल|फ़ोन|फोन)\s+(मत|नहीं|ना)|(मत|नहीं)\s+(कॉल|फ़ोन|फोन)/iu;
// After "call me": words that make it a request, not a name ("call me Monday", "call me at 5").
const CALL_ME_NEXT =
  /^(back|at|on|in|around|after|before|between|by|now|today|tomorrow|tomorow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|morning|evening|afternoon|night|asap|please|pls|plz|sir|maam|ma'am|madam|bhai|ji|later|soon|when|once|again|immediately|urgently|quickly|kal|aaj|abhi|jaldi|sometime|whenever|if|so|and|or|about|regarding|re|to|on|this|next|the|up)$/iu;
const asksForCall = (t: string) => {
  if (!CALL.test(t) || NO_CALL.test(t)) return false;
  // "call me Raj", "you can call me priya": a name (any case), unless "call me" also asks elsewhere.
  const next = /\bcall me\s+([\p{L}']+)/iu.exec(t)?.[1];
  const rest = t.replace(/\bcall me\s+[\p{L}']+/iu, '');
  return !next || CALL_ME_NEXT.test(next) || CALL.test(rest);
};

export function classifyCustomerMessage(text: string | null | undefined): CustomerIntent {
  const t = (text ?? '').trim();
  if (!t) return 'other';
  if (!patterns[0][1].test(t) && asksForCall(t)) return 'callback';
  for (const [intent, re] of patterns) if (re.test(t)) return intent;
  if (/\?\s*$/.test(t) || /^(what|how|when|where|why|which|can|do|does|is|are|kya|kaise|kab|kahan|kyun)\b/i.test(t))
    return 'question';
  return 'other';
}

/** Urgent or in pain: never the moment to ask profile questions. */
export const isUrgent = (text: string | null | undefined) =>
  /\b(urgent|asap|emergency|immediately|right now|jaldi|turant|pain|hurts|bleeding|dard)\b|तुरंत|जल्दी|दर्द/i.test(
    text ?? '',
  );
