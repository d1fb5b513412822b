// Words the Hindi / Hinglish / English parsers share. Latin spellings follow what salespeople
// actually type (several romanisations each); Devanagari forms allow an optional nukta.

/** Word boundaries that also work for Devanagari (JS \b is ASCII-only). */
export const L = '(?<![\\p{L}\\p{M}\\p{N}])';
export const R = '(?![\\p{L}\\p{M}\\p{N}])';

/** Precomposed nukta letters as base + nukta, the form normalize() gives the input. */
export const deva = (s: string) => s.replace(/[\u0958-\u095F]/g, (c) => c.normalize('NFD'));

/** A non-capturing alternation, longest first so "tuesday" wins over "tue". */
export const alt = (words: readonly string[]) =>
  `(?:${[...words]
    .sort((a, b) => b.length - a.length)
    .map((w) => deva(w).replace(/\s+/g, '\\s+'))
    .join('|')})`;

/** The lookup form of a matched word: lower case, single spaces, decomposed nukta. */
export const key = (s: string) => deva(s.toLowerCase()).replace(/\s+/g, ' ');

/** A case-insensitive Unicode pattern whose Devanagari matches normalized input. */
export const pattern = (source: string) => new RegExp(deva(source), 'iu');

/** Index = weekday (0 = Sunday). */
export const WEEKDAYS: readonly (readonly string[])[] = [
  ['sunday', 'sun', 'ravivar', 'raviwar', 'ravivaar', 'itvaar', 'itvar', 'itwar', 'itwaar', 'etwar', 'रविवार', 'इतवार'],
  ['monday', 'mon', 'somvar', 'somwar', 'somvaar', 'somwaar', 'सोमवार'],
  ['tuesday', 'tue', 'tues', 'mangalvar', 'mangalwar', 'mangalvaar', 'mangalwaar', 'मंगलवार'],
  ['wednesday', 'wed', 'weds', 'budhvar', 'budhwar', 'budhvaar', 'budhwaar', 'बुधवार'],
  [
    'thursday',
    'thu',
    'thur',
    'thurs',
    'guruvar',
    'guruwar',
    'guruvaar',
    'guruwaar',
    'brihaspativar',
    'brihaspatiwar',
    'brahaspativar',
    'veervar',
    'virvar',
    'गुरुवार',
    'गुरूवार',
    'बृहस्पतिवार',
    'वीरवार',
  ],
  ['friday', 'fri', 'shukravar', 'shukrawar', 'sukravar', 'shukravaar', 'shukrawaar', 'शुक्रवार'],
  ['saturday', 'sat', 'shanivar', 'shaniwar', 'shanivaar', 'shaniwaar', 'शनिवार'],
];
/** Short forms that are also ordinary English words; accepted only with a modifier or a time. */
export const AMBIGUOUS_WEEKDAY = new Set(['sun', 'mon', 'wed', 'sat']);

export const WEEKDAY_INDEX = new Map<string, number>();
WEEKDAYS.forEach((names, i) => names.forEach((n) => WEEKDAY_INDEX.set(key(n), i)));

export const MONTHS_DEVANAGARI: readonly (readonly string[])[] = [
  ['जनवरी'],
  ['फरवरी', 'फ़रवरी'],
  ['मार्च'],
  ['अप्रैल', 'अप्रेल'],
  ['मई'],
  ['जून'],
  ['जुलाई'],
  ['अगस्त'],
  ['सितंबर', 'सितम्बर'],
  ['अक्टूबर', 'अक्तूबर'],
  ['नवंबर', 'नवम्बर'],
  ['दिसंबर', 'दिसम्बर'],
];
export const MONTH_INDEX = new Map<string, number>();
MONTHS_DEVANAGARI.forEach((names, i) => names.forEach((n) => MONTH_INDEX.set(key(n), i + 1)));

export type PartOfDay = 'morning' | 'afternoon' | 'evening' | 'night';

export const PARTS_OF_DAY: Record<PartOfDay, readonly string[]> = {
  morning: ['subah', 'subha', 'suba', 'subhe', 'savere', 'sawere', 'savera', 'morning', 'सुबह', 'सवेरे', 'प्रातः'],
  afternoon: [
    'dopahar',
    'dopaher',
    'dopehar',
    'dophar',
    'dopahr',
    'dupahar',
    'dupehar',
    'dopaher',
    'afternoon',
    'दोपहर',
  ],
  evening: ['shaam', 'sham', 'shyaam', 'evening', 'शाम'],
  night: ['raat', 'rat', 'raath', 'night', 'tonight', 'रात'],
};
export const POD_INDEX = new Map<string, PartOfDay>();
for (const [pod, words] of Object.entries(PARTS_OF_DAY)) for (const w of words) POD_INDEX.set(key(w), pod as PartOfDay);

/** Hour-sized number words (Hindi in both scripts, English). */
export const NUMBER_WORDS = new Map<string, number>([
  ['ek', 1],
  ['do', 2],
  ['teen', 3],
  ['tin', 3],
  ['char', 4],
  ['chaar', 4],
  ['paanch', 5],
  ['panch', 5],
  ['pach', 5],
  ['chhe', 6],
  ['chhah', 6],
  ['chah', 6],
  ['saat', 7],
  ['sat', 7],
  ['aath', 8],
  ['aat', 8],
  ['nau', 9],
  ['das', 10],
  ['gyarah', 11],
  ['gyara', 11],
  ['barah', 12],
  ['bara', 12],
  ['pandrah', 15],
  ['bees', 20],
  ['pachis', 25],
  ['pachchees', 25],
  ['tees', 30],
  ['chalis', 40],
  ['chaalis', 40],
  ['paintalis', 45],
  ['pachas', 50],
  ['pachaas', 50],
  ['एक', 1],
  ['दो', 2],
  ['तीन', 3],
  ['चार', 4],
  ['पांच', 5],
  ['पाँच', 5],
  ['छह', 6],
  ['छः', 6],
  ['सात', 7],
  ['आठ', 8],
  ['नौ', 9],
  ['दस', 10],
  ['ग्यारह', 11],
  ['बारह', 12],
  ['पंद्रह', 15],
  ['बीस', 20],
  ['तीस', 30],
  ['चालीस', 40],
  ['पचास', 50],
  ['one', 1],
  ['two', 2],
  ['three', 3],
  ['four', 4],
  ['five', 5],
  ['six', 6],
  ['seven', 7],
  ['eight', 8],
  ['nine', 9],
  ['ten', 10],
  ['eleven', 11],
  ['twelve', 12],
  ['fifteen', 15],
  ['twenty', 20],
  ['thirty', 30],
  ['forty', 40],
  ['forty five', 45],
  ['fifty', 50],
  ['sixty', 60],
  ['ninety', 90],
  ['a', 1],
  ['an', 1],
]);
/** Fractions: "aadha ghanta" (½), "dedh" (1½), "dhai" (2½). */
export const FRACTION_WORDS = new Map<string, number>([
  ['aadha', 0.5],
  ['aadhe', 0.5],
  ['aade', 0.5],
  ['aada', 0.5],
  ['adha', 0.5],
  ['adhe', 0.5],
  ['half', 0.5],
  ['half an', 0.5],
  ['half a', 0.5],
  ['आधा', 0.5],
  ['आधे', 0.5],
  ['dedh', 1.5],
  ['derh', 1.5],
  ['dhedh', 1.5],
  ['डेढ़', 1.5],
  ['डेढ', 1.5],
  ['dhai', 2.5],
  ['dhaai', 2.5],
  ['adhai', 2.5],
  ['adhaai', 2.5],
  ['ढाई', 2.5],
]);

/** Modifiers of clock hours: "sava 4" = 4:15, "saadhe 5" = 5:30, "paune 6" = 5:45. */
export const CLOCK_FRACTIONS = new Map<string, number>([
  ['sava', 15],
  ['savaa', 15],
  ['sawa', 15],
  ['sawaa', 15],
  ['सवा', 15],
  ['saadhe', 30],
  ['sadhe', 30],
  ['saade', 30],
  ['sade', 30],
  ['saadhe', 30],
  ['साढ़े', 30],
  ['साढे', 30],
  ['paune', -15],
  ['pone', -15],
  ['paune', -15],
  ['पौने', -15],
]);

/** "3 baje", "3 बजे", "3 o'clock". */
export const BAJE = [
  'baje',
  'bje',
  'bajhe',
  'bajey',
  'bajay',
  'bajje',
  'baj',
  'बजे',
  'बज',
  "o'clock",
  'oclock',
  'o clock',
];

/** A number followed by one of these is a quantity, never a clock time. */
export const QUANTITY_NEXT =
  '\\s*(?:lakh|lac|lakhs|crore|cr|k|hazar|hazaar|thousand|rs|rupees?|inr|₹|%|percent|units?|pcs|pieces?|nos|kg|kgs|tons?|litres?|log|logo|logon|people|persons?|members?|each|locations?|branches?|stores?|outlets?|shops?|stars?|sites?|cities|offices?|employees|staff|seats?|licen[sc]es?|users?|machines?|boxes|cartons?|bags?|pairs?|sets?|items?|orders?|leads?|calls?|din|days?|hafte|haftey|weeks?|mahine|months?|saal|years?|ghante|ghanta|hours?|hrs?|minutes?|mins?|minat|seconds?|secs?|baar|times|taareekh|tareekh|tarikh|लाख|करोड़|हज़ार|हजार|रुपये|दिन|घंटे|मिनट|लोग|बार|तारीख)(?![\\p{L}\\p{M}])';
export const QUANTITY_AFTER = `(?!${QUANTITY_NEXT})`;

/** True when the text right after a number makes it a quantity ("5 lakh", "3 locations", "5%"). */
const QUANTITY_START = pattern(`^${QUANTITY_NEXT}`);
export const isQuantityNext = (textAfter: string) => QUANTITY_START.test(textAfter);
