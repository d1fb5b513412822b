// Matching names across scripts and spellings: "ऑर्बिट टेक्सटाइल्स" is Orbit Textiles, "नेहा" is
// Neha, "Dipak" is Deepak. Devanagari is romanised, then both sides reduce to a consonant
// skeleton that ignores vowel length and the usual Latin variants (x/ks, ph/f, w/v, c/k).
const CONSONANTS: Record<string, string> = {
  क: 'k',
  ख: 'kh',
  ग: 'g',
  घ: 'gh',
  ङ: 'n',
  च: 'ch',
  छ: 'chh',
  ज: 'j',
  झ: 'jh',
  ञ: 'n',
  ट: 't',
  ठ: 'th',
  ड: 'd',
  ढ: 'dh',
  ण: 'n',
  त: 't',
  थ: 'th',
  द: 'd',
  ध: 'dh',
  न: 'n',
  प: 'p',
  फ: 'ph',
  ब: 'b',
  भ: 'bh',
  म: 'm',
  य: 'y',
  र: 'r',
  ल: 'l',
  ळ: 'l',
  व: 'v',
  श: 'sh',
  ष: 'sh',
  स: 's',
  ह: 'h',
  क़: 'q',
  ख़: 'kh',
  ग़: 'g',
  ज़: 'z',
  ड़: 'r',
  ढ़: 'rh',
  फ़: 'f',
  य़: 'y',
};
const NUKTA_BASE: Record<string, string> = { क: 'क़', ख: 'ख़', ग: 'ग़', ज: 'ज़', ड: 'ड़', ढ: 'ढ़', फ: 'फ़', य: 'य़' };
const VOWELS: Record<string, string> = {
  अ: 'a',
  आ: 'a',
  इ: 'i',
  ई: 'i',
  उ: 'u',
  ऊ: 'u',
  ऋ: 'ri',
  ए: 'e',
  ऐ: 'ai',
  ओ: 'o',
  औ: 'au',
  ऑ: 'o',
  ऍ: 'e',
  ॲ: 'a',
};
const MATRAS: Record<string, string> = {
  'ा': 'a',
  'ि': 'i',
  'ी': 'i',
  'ु': 'u',
  'ू': 'u',
  'ृ': 'ri',
  'े': 'e',
  'ै': 'ai',
  'ो': 'o',
  'ौ': 'au',
  'ॉ': 'o',
  'ॅ': 'e',
};
const DIGITS = '०१२३४५६७८९';
const VIRAMA = '्';
const NUKTA = '़';

export const hasDevanagari = (s: string) => /[\u0900-\u097F]/.test(s);

/** Devanagari digits to ASCII ("२" → "2"). */
export const asciiDigits = (s: string) => s.replace(/[०-९]/g, (d) => String(DIGITS.indexOf(d)));

/**
 * Romanises Devanagari (Latin text passes through): "सुनील" → "sunil", "टेक्सटाइल्स" → "teksatails".
 * Good enough to compare names, not a scholarly transliteration; the final inherent "a" is dropped.
 */
export function toLatin(text: string): string {
  const chars = [...asciiDigits(text.normalize('NFC'))];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    let c = chars[i];
    if (chars[i + 1] === NUKTA && NUKTA_BASE[c]) {
      c = NUKTA_BASE[c];
      i++;
    }
    const cons = CONSONANTS[c];
    if (cons) {
      out += cons;
      const next = chars[i + 1];
      if (next === VIRAMA) i++;
      else if (next && MATRAS[next]) {
        out += MATRAS[next];
        i++;
      } else if (next && /[\u0900-\u097F]/.test(next)) out += 'a';
      // at a word's end the inherent vowel is silent ("सुनील" is sunil, not sunila)
      continue;
    }
    if (VOWELS[c]) out += VOWELS[c];
    else if (MATRAS[c]) out += MATRAS[c];
    else if (c === 'ं' || c === 'ँ') out += 'n';
    else if (c === 'ः') out += 'h';
    else if (c === VIRAMA || c === NUKTA) continue;
    else out += c;
  }
  return out;
}

/** Consonant skeleton of each word: "Orbit Textiles" and "ऑर्बिट टेक्सटाइल्स" both → "arbt tkstls". */
export function soundKey(text: string): string {
  const latin = toLatin(text).normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return latin
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => {
      const s = w
        .replace(/tion/g, 'shan')
        .replace(/x/g, 'ks')
        .replace(/ph/g, 'f')
        .replace(/ck/g, 'k')
        .replace(/q/g, 'k')
        .replace(/c(?!h)/g, 'k')
        .replace(/w/g, 'v')
        .replace(/z/g, 'j')
        .replace(/([bcdgjklprst])h/g, '$1');
      const head = /[aeiou]/.test(s[0]) ? 'a' : s[0];
      const rest = s.slice(1).replace(/[aeiouy]/g, '');
      return (head + rest).replace(/(.)\1+/g, '$1');
    })
    .join(' ');
}
