// Words as the knowledge index sees them, the same for what is stored and what is asked:
// lower case, NFKC, Devanagari spelling variants folded (nukta, chandrabindu), punctuation and the
// danda as spaces, `cust-1234` as `cust 1234`. Questions lose their filler words (English, Hindi,
// Hinglish) and gain the words of the concept they ask about ("kitna", "daam", "कीमत" → price).

/** Text as it is indexed and queried. */
export function normalizeText(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\u093c/g, '') // nukta: क़ीमत = कीमत
    .replace(/\u0901/g, '\u0902') // chandrabindu → anusvara: दाँत = दांत
    .replace(/(\p{L})[-_/](?=\p{N})|(\p{N})[-_/](?=\p{L})/gu, '$1$2 ')
    .replace(/[^\p{L}\p{M}\p{N}@.+]+/gu, ' ')
    .replace(/(^|\s)[.+]+|[.+]+(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words of a text (emails and numbers with dots kept whole by normalizeText are split here). */
export const wordsOf = (s: string): string[] => normalizeText(s).match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];

/** `support_level`, `amountDue`, `customers[3].phone_number` → "support level", "amount due", "phone number". */
export function humanizeKey(key: string): string {
  return key
    .replace(/\[\d+\]/g, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
}

const STOP = new Set(
  // English
  (
    'a an the is are am was were be been being do does did of to in on at for from by with and or not no ' +
    'what whats which who whom whose when why how much many can could would should will shall may might must ' +
    'i im me my mine you your yours we our ours us it its this that these those there here please pls plz tell ' +
    'know about any some get give have has had need want like just also ok okay hi hello hey thanks thank ' +
    'there s t d ll re ve m if then than so very really too ' +
    // Hinglish
    'kya hai hain ka ki ke ko se me mein main mera meri mere aap aapka aapki aapke hum humara tum ye yeh wo woh ' +
    'kaise kab kahan kaha kitna kitne kitni batao bataiye bata btao do dijiye chahiye hoga hogi kar karo karna ' +
    'hota hoti tha thi bhi aur ya ji kuch koi na nahi nahin toh to hu hoon raha rahi rahe wala wali wale lagta lagega ' +
    // Hindi
    'क्या है हैं का की के को से में मैं मेरा मेरी मेरे आप आपका आपकी आपके हम यह ये वह वो कैसे कब कहां कहाँ कितना ' +
    'कितने कितनी बताइए बताओ बताएं दीजिए चाहिए होगा होगी कर करें था थी भी और या जी कृपया कुछ कोई नहीं तो हो हूं हूँ ' +
    'रहा रही रहे वाला वाली वाले लगता लगेगा'
  )
    .split(/\s+/)
    .map(normalizeText),
);

/** The concept groups a question can ask about, in English, Hinglish and Hindi. */
export const CONCEPTS: Record<string, { words: string[]; keys: string[] }> = {
  price: {
    words:
      'price prices pricing cost costs rate rates fee fees charge charges mrp kitna kitne kitni daam dam keemat kimat qeemat kimmat कीमत दाम शुल्क फीस रेट प्राइस कितना कितने कितनी'.split(
        ' ',
      ),
    keys: ['price', 'cost', 'fee', 'rate', 'charge', 'amount', 'mrp', 'inr', 'usd'],
  },
  hours: {
    words:
      'hours hour timing timings open opening opens close closing closed khulta khulti khulte khula band samay टाइम समय खुलता खुलती खुलते खुला बंद घंटे'.split(
        ' ',
      ),
    keys: ['hours', 'timing', 'open', 'close', 'schedule', 'time'],
  },
  address: {
    words: 'address location located where directions kahan kaha pata पता कहां कहाँ स्थान जगह लोकेशन'.split(' '),
    keys: ['address', 'location', 'city', 'area', 'map'],
  },
  appointment: {
    words: 'appointment appointments booking bookings booked slot visit अपॉइंटमेंट बुकिंग मुलाकात'.split(' '),
    keys: ['appointment', 'booking', 'slot', 'visit', 'date', 'time', 'doctor'],
  },
  plan: {
    words: 'plan plans subscription package membership tier प्लान पैकेज सदस्यता'.split(' '),
    keys: ['plan', 'subscription', 'package', 'membership', 'tier', 'level'],
  },
  due: {
    words: 'owe owed due dues balance outstanding pending unpaid baaki baki bakaya udhaar बकाया बाकी उधार'.split(' '),
    keys: ['due', 'balance', 'outstanding', 'owed', 'owe', 'pending', 'unpaid', 'amount'],
  },
  refund: {
    words: 'refund refunds return returns cancel cancellation wapas wapsi वापसी रिफंड रद्द'.split(' '),
    keys: ['refund', 'return', 'cancel', 'policy'],
  },
  delivery: {
    words: 'delivery deliver shipping ship courier dispatch डिलीवरी'.split(' '),
    keys: ['delivery', 'shipping', 'courier', 'dispatch'],
  },
  discount: {
    words: 'discount discounts offer offers sale coupon chhoot chhut छूट ऑफर'.split(' '),
    keys: ['discount', 'offer', 'coupon', 'sale'],
  },
  payment: {
    words: 'payment payments pay paying upi card cash emi भुगतान पेमेंट'.split(' '),
    keys: ['payment', 'pay', 'upi', 'card', 'method'],
  },
  contact: {
    words: 'phone number call contact mobile email फोन नंबर संपर्क'.split(' '),
    keys: ['phone', 'mobile', 'email', 'contact', 'number'],
  },
};

const conceptOf = new Map<string, string>();
for (const [name, c] of Object.entries(CONCEPTS)) for (const w of c.words) conceptOf.set(normalizeText(w), name);

/** What a question asks: its content words, the concepts it names, and whether it is about the asker's own record. */
export type QuestionPlan = { terms: string[]; concepts: string[]; personal: boolean };

const PERSONAL =
  /\b(my|mine|i owe|do i|am i|have i|mera|meri|mere|mujhe|maine|apna|apni|apne)\b|मेरा|मेरी|मेरे|मुझे|मैंने|अपना|अपनी|अपने/i;

export function planQuestion(q: string): QuestionPlan {
  const words = wordsOf(q);
  const concepts = new Set<string>();
  const terms: string[] = [];
  const text = ` ${words.join(' ')} `;
  if (/ how much | how many /.test(text)) concepts.add('price');
  if (/ when (?:do|does|are|is) (?:you|it|the) (?:open|close)/.test(text)) concepts.add('hours');
  for (const w of words) {
    const c = conceptOf.get(w);
    if (c) concepts.add(c);
    else if (!STOP.has(w) && !terms.includes(w)) terms.push(w);
  }
  return { terms, concepts: [...concepts], personal: PERSONAL.test(q) };
}

/** Every word of the concepts, normalised (what the full-text leg also looks for). */
export const conceptWords = (concepts: string[]): string[] => [
  ...new Set(concepts.flatMap((c) => [...CONCEPTS[c].words, ...CONCEPTS[c].keys].map(normalizeText))),
];

export const hasDevanagari = (s: string) => /[\u0900-\u097F]/.test(s);
