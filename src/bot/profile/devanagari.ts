// Hindi in Devanagari, read by the same profile rules as Hinglish: the message is transliterated
// word by word (common words from a table, the rest letter by letter), the rules run on that, and
// what they found is given back in the customer's own script (a care note is the original
// sentence, a name the original word). "मुझे इंजेक्शन से बहुत डर लगता है" reads as "mujhe injection
// se bahut dar lagta hai"; "मुझे सुबह का समय ठीक रहता है" as "mujhe subah ka samay theek rehta hai".

const WORDS: Record<string, string> = {
  मुझे: 'mujhe',
  मुझको: 'mujhe',
  मैं: 'main',
  मै: 'main',
  मेरा: 'mera',
  मेरी: 'meri',
  मेरे: 'mere',
  हमें: 'hume',
  हम: 'hum',
  नाम: 'naam',
  है: 'hai',
  हैं: 'hain',
  हूँ: 'hoon',
  हूं: 'hoon',
  था: 'tha',
  थी: 'thi',
  से: 'se',
  को: 'ko',
  का: 'ka',
  की: 'ki',
  के: 'ke',
  में: 'mein',
  पर: 'par',
  और: 'aur',
  या: 'ya',
  लेकिन: 'lekin',
  भी: 'bhi',
  सिर्फ: 'sirf',
  सिर्फ़: 'sirf',
  केवल: 'sirf',
  बहुत: 'bahut',
  ज़्यादा: 'zyada',
  ज्यादा: 'zyada',
  डर: 'dar',
  लगता: 'lagta',
  लगती: 'lagti',
  लगते: 'lagte',
  लगा: 'laga',
  घबराहट: 'ghabrahat',
  दर्द: 'dard',
  एलर्जी: 'allergy',
  इंजेक्शन: 'injection',
  सुई: 'needle',
  सुबह: 'subah',
  शाम: 'shaam',
  दोपहर: 'dopahar',
  रात: 'raat',
  समय: 'samay',
  टाइम: 'time',
  ठीक: 'theek',
  रहता: 'rehta',
  रहती: 'rehti',
  रहेगा: 'rahega',
  रहेगी: 'rahegi',
  नहीं: 'nahi',
  नही: 'nahi',
  मत: 'mat',
  पसंद: 'pasand',
  चाहिए: 'chahiye',
  चाहिये: 'chahiye',
  कॉल: 'call',
  फ़ोन: 'phone',
  फोन: 'phone',
  ईमेल: 'email',
  व्हाट्सएप: 'whatsapp',
  व्हाट्सऐप: 'whatsapp',
  मैसेज: 'message',
  बाद: 'baad',
  पहले: 'pehle',
  बजे: 'baje',
  सोमवार: 'monday',
  मंगलवार: 'tuesday',
  बुधवार: 'wednesday',
  गुरुवार: 'thursday',
  शुक्रवार: 'friday',
  शनिवार: 'saturday',
  रविवार: 'sunday',
  वीकेंड: 'weekend',
  बेटी: 'beti',
  बेटा: 'beta',
  पत्नी: 'wife',
  पति: 'husband',
  माँ: 'maa',
  पापा: 'papa',
  दोस्त: 'dost',
  डॉक्टर: 'doctor',
  'डॉ.': 'Dr.',
  डॉ: 'Dr.',
  साथ: 'saath',
  बात: 'baat',
  करना: 'karna',
  करें: 'karein',
  कीजिए: 'kijiye',
  हो: 'ho',
  रहा: 'raha',
  रही: 'rahi',
  कृपया: 'please',
  धन्यवाद: 'dhanyavaad',
  जी: 'ji',
};

const CONSONANTS: Record<string, string> = {
  क: 'k', ख: 'kh', ग: 'g', घ: 'gh', ङ: 'n', च: 'ch', छ: 'chh', ज: 'j', झ: 'jh', ञ: 'n',
  ट: 't', ठ: 'th', ड: 'd', ढ: 'dh', ण: 'n', त: 't', थ: 'th', द: 'd', ध: 'dh', न: 'n',
  प: 'p', फ: 'ph', ब: 'b', भ: 'bh', म: 'm', य: 'y', र: 'r', ल: 'l', व: 'v', श: 'sh',
  ष: 'sh', स: 's', ह: 'h', क़: 'q', ख़: 'kh', ग़: 'g', ज़: 'z', ड़: 'r', ढ़: 'rh', फ़: 'f',
}; // prettier-ignore
const VOWELS: Record<string, string> = {
  अ: 'a', आ: 'aa', इ: 'i', ई: 'ee', उ: 'u', ऊ: 'oo', ए: 'e', ऐ: 'ai', ओ: 'o', औ: 'au', ऋ: 'ri', ऑ: 'o',
}; // prettier-ignore
const MATRAS: Record<string, string> = {
  'ा': 'aa', 'ि': 'i', 'ी': 'ee', 'ु': 'u', 'ू': 'oo', 'े': 'e', 'ै': 'ai', 'ो': 'o', 'ौ': 'au', 'ृ': 'ri', 'ॉ': 'o',
}; // prettier-ignore
const NUKTA = '\u093C';
const VIRAMA = '\u094D';

/** Letter by letter, with the inherent "a" dropped at the end of the word (राम → ram). */
function letters(word: string): string {
  const chars = [...word.normalize('NFC')];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    let c = chars[i];
    if (chars[i + 1] === NUKTA) c = (c + NUKTA).normalize('NFC');
    const next = chars[i + (c.length > 1 || chars[i + 1] === NUKTA ? 2 : 1)];
    if (chars[i + 1] === NUKTA) i++;
    if (CONSONANTS[c] !== undefined) {
      out += CONSONANTS[c];
      const last = next === undefined || !/[\u0900-\u097F]/.test(next);
      if (next === VIRAMA || (next !== undefined && MATRAS[next] !== undefined) || last) continue;
      out += 'a';
    } else if (VOWELS[c] !== undefined) out += VOWELS[c];
    else if (MATRAS[c] !== undefined) out += MATRAS[c];
    else if (c === 'ं' || c === 'ँ') out += 'n';
    else if (c === 'ः') out += 'h';
    else if (c === VIRAMA || c === NUKTA) continue;
    else if (/[०-९]/.test(c)) out += String(c.charCodeAt(0) - 0x0966);
    else out += c;
  }
  return out;
}

export type Transliteration = {
  text: string;
  /** Latin word (lowercase) → the Devanagari word it came from. */
  words: Map<string, string>;
  /** The original text's sentences, in order (split as the transliteration is). */
  sentences: string[];
};

const SENTENCE_END = /[.!?।]+/;

/** The Hinglish reading of a text with Devanagari in it, or null for a text without. */
export function fromDevanagari(text: string): Transliteration | null {
  if (!/[\u0900-\u097F]/.test(text)) return null;
  const words = new Map<string, string>();
  const latin = text
    .replace(/[\u0900-\u0963\u0966-\u097F.]+/g, (w) => {
      const bare = w.replace(/\.+$/, '');
      const dots = w.slice(bare.length);
      if (!/[\u0900-\u097F]/.test(bare)) return w;
      const t = WORDS[w] ?? WORDS[bare] ?? letters(bare);
      words.set(t.toLowerCase(), bare);
      return WORDS[w] ? t : t + dots;
    })
    .replace(/[।॥]/g, '.');
  return { text: latin, words, sentences: text.split(SENTENCE_END).map((s) => s.trim()) };
}

/** The original sentence a found Latin span sits in ("mujhe injection se…" → "मुझे इंजेक्शन से…"). */
export function originalSentence(t: Transliteration, span: string): string {
  const latin = t.text.split(SENTENCE_END).map((s) => s.trim());
  const i = latin.findIndex((s) => s.toLowerCase().includes(span.toLowerCase()));
  return (i >= 0 ? t.sentences[i] : undefined) || span;
}

/** A found name or staff member in the original script, word by word ("Priya" → "प्रिया"). */
export function originalWords(t: Transliteration, value: string): string {
  return value
    .split(/\s+/)
    .map((w) => t.words.get(w.toLowerCase()) ?? w)
    .join(' ');
}
