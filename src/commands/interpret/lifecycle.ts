// The lifecycle commands, read before the general classifier: a deal won or lost (with what the
// user said about it), a score set, a field of the lead changed ("Orbit ka email orbit@x.in kar
// do"). Each is one fixed shape per language; anything else goes on to the classifier, so a
// sentence that merely mentions "lost" or "score" is not read as one.
import type { Command } from '../command.ts';

const CO = String.raw`(?<co>[\p{L}\p{M}\p{N}&.' -]{2,60}?)`;
const NOTE = String.raw`(?:\s*[,;:!.-]+\s*(?<note>.*?)|\s+(?<tail>(?:on|with|after|today|yesterday|finally|at\s+last)\b.*?))?`;
const END = String.raw`\s*[.!]*\s*$`;
const r = (s: string) => new RegExp(`^\\s*${s}${END}`, 'iu');

const WON = [
  r(
    String.raw`(?:we\s+)?(?:closed|won|signed|cracked)\s+(?:the\s+)?(?:deal|order|account)\s+(?:with|for|of|from)\s+${CO}${NOTE}`,
  ),
  r(String.raw`(?:deal|lead)\s+(?:won|closed)\s+(?:with|for|-|:)\s*${CO}${NOTE}`),
  r(String.raw`(?:please\s+)?mark\s+${CO}\s+(?:as\s+)?(?:won|closed\s+won)${NOTE}`),
  r(String.raw`${CO}\s+(?:deal\s+|lead\s+)?(?:is\s+|has\s+been\s+)?(?:won|closed\s+won)${NOTE}`),
  r(String.raw`${CO}\s+(?:deal|order)\s+(?:is\s+|has\s+been\s+|got\s+)?closed${NOTE}`),
  // Verb first: "won Acme", "closed won - Gupta Enterprises", "won the Acme deal".
  r(String.raw`(?:closed\s+won|won)\s*[-:]?\s+(?:the\s+)?${CO}(?:\s+(?:deal|order|account))?${NOTE}`),
  // "jeet gaye / jeet li": "Verma Motors deal jeet gaye", "Joshi Builders ki deal jeet li".
  r(
    String.raw`${CO}\s+(?:(?:ka|ki|ke|wala|wali)\s+)?(?:deal|order|sauda)\s+(?:jeet|jeeta|jeeti|jit|jita|jiti)(?:\s*(?:li|liya|lia|lee|gaye|gye|gaya|gya|gayi|liye|lie))?(?:\s+(?:hum|humne|hain|hai))?${NOTE}`,
  ),
  r(
    String.raw`${CO}\s+(?:(?:का|की|के)\s+)?(?:डील|ऑर्डर|सौदा)\s+(?:जीत|जीती|जीता)(?:\s+(?:ली|लिया|लिए|गए|गये|गई|गया|हो\s+गई))?(?:\s+(?:है|हैं|हम))?${NOTE}`,
  ),
  r(
    String.raw`${CO}\s+(?:(?:ka|ki|ke|wala|wali)\s+)?(?:deal|order|lead|sauda)\s+(?:pakka|pakki|final|close|closed|won|done)(?:\s+(?:ho\s*gaya|ho\s*gayi|hogaya|hogayi|hua|hui|hai|kar\s*do|karo))?${NOTE}`,
  ),
  r(
    String.raw`${CO}\s+(?:का|की|के|वाली|वाला)\s+(?:डील|ऑर्डर|सौदा|लीड)\s+(?:पक्की|पक्का|फ़ाइनल|फाइनल|क्लोज़|क्लोज|विन)(?:\s+(?:हो\s+गई|हो\s+गया|हुई|हुआ|है|कर\s+दो))?${NOTE}`,
  ),
];

const LOST = [
  r(String.raw`(?:closed\s+lost|lost)\s*[-:]?\s+(?:the\s+)?${CO}(?:\s+(?:deal|order|account))?${NOTE}`),
  r(String.raw`(?:lead|deal)\s+lost\s+(?:for|with|-|:)\s*${CO}${NOTE}`),
  r(String.raw`(?:we\s+)?lost\s+(?:the\s+)?(?:deal|lead|order)\s+(?:with|for|of|to|from)\s+${CO}${NOTE}`),
  r(String.raw`(?:please\s+)?mark\s+${CO}\s+(?:as\s+)?(?:lost|closed\s+lost|dead)${NOTE}`),
  r(String.raw`${CO}\s+(?:deal\s+|lead\s+)?(?:is\s+|has\s+been\s+)?(?:lost|closed\s+lost)${NOTE}`),
  r(String.raw`${CO}\s+ne\s+(?:mana|manaa|inkaar|inkar|na)\s+(?:kar|kr)\s+(?:diya|di|dia)${NOTE}`),
  r(
    String.raw`${CO}\s+(?:(?:ka|ki|ke|wala|wali)\s+)?(?:deal|lead|order)\s+(?:lost|gayi|gaya|cancel)(?:\s+(?:ho\s*gaya|ho\s*gayi|hogaya|hogayi|hai|kar\s*do|karo))?${NOTE}`,
  ),
  r(String.raw`${CO}\s+ने\s+(?:मना|इनकार|इंकार)\s+कर\s+(?:दिया|दी)${NOTE}`),
  r(
    String.raw`${CO}\s+(?:का|की|के)\s+(?:डील|लीड|ऑर्डर)\s+(?:लॉस्ट|लोस्ट|हाथ\s+से\s+(?:गई|गया))(?:\s+(?:हो\s+गई|हो\s+गया|है|कर\s+दो))?${NOTE}`,
  ),
];

const NUM = String.raw`(?<n>[0-9०-९]{1,3})`;
const SCORE = [
  r(
    String.raw`(?:please\s+)?(?:set|change|update|make|put)\s+(?:the\s+)?(?:lead\s+)?score\s+(?:of|for)\s+${CO}\s+(?:to|as|=|at)\s*${NUM}`,
  ),
  r(
    String.raw`(?:please\s+)?(?:set|change|update|make|put)\s+${CO}(?:'s)?\s+(?:lead\s+)?score\s+(?:to|as|=|at)?\s*${NUM}`,
  ),
  r(String.raw`(?:please\s+)?score\s+${CO}\s+(?:at|as)?\s*${NUM}`),
  r(String.raw`${CO}(?:'s)?\s+(?:lead\s+)?score\s+(?:is\s+now|now|to|=|:)?\s*${NUM}`),
  r(
    String.raw`${CO}\s+(?:ka|ki|का|की)\s+(?:lead\s+|लीड\s+)?(?:score|स्कोर)\s+${NUM}\s*(?:kar\s*do|kardo|karo|kar\s+dijiye|kr\s+do|कर\s+दो|करो|कर\s+दें|कर\s+दीजिए|है)?`,
  ),
];

const FIELDS: [RegExp, 'email' | 'phone' | 'contact_name' | 'address' | 'source'][] = [
  [/^(?:email|e-mail|mail|email\s+id|mail\s+id|ईमेल|ई-मेल|मेल)$/iu, 'email'],
  [
    /^(?:phone|phone\s+number|number|mobile|mobile\s+number|contact\s+number|fon|फ़ोन|फोन|नंबर|मोबाइल|फ़ोन\s+नंबर|फोन\s+नंबर)$/iu,
    'phone',
  ],
  [/^(?:contact|contact\s+name|contact\s+person|naam|नाम|संपर्क)$/iu, 'contact_name'],
  [/^(?:address|pata|पता)$/iu, 'address'],
  [/^(?:source|स्रोत|सोर्स)$/iu, 'source'],
];
const FIELD = String.raw`(?<f>email\s+id|mail\s+id|e-mail|email|mail|phone\s+number|mobile\s+number|contact\s+number|contact\s+name|contact\s+person|phone|number|mobile|contact|address|pata|source|फ़ोन\s+नंबर|फोन\s+नंबर|ईमेल|ई-मेल|फ़ोन|फोन|नंबर|मोबाइल|पता|सोर्स)`;
const VALUE = String.raw`(?<v>.+?)`;
const UPDATE = [
  r(
    String.raw`(?:please\s+)?(?:change|update|set|correct|fix)\s+(?:the\s+)?${FIELD}\s+(?:of|for)\s+${CO}\s+(?:to|as|=)\s+${VALUE}`,
  ),
  r(String.raw`(?:please\s+)?(?:change|update|set|correct|fix)\s+${CO}(?:'s)?\s+${FIELD}\s+(?:to|as|=)\s+${VALUE}`),
  r(String.raw`${CO}(?:'s)?\s+${FIELD}\s+(?:is\s+now|has\s+changed\s+to|changed\s+to|should\s+be)\s+${VALUE}`),
  r(
    String.raw`${CO}\s+(?:ka|ki|ke|का|की|के)\s+(?:naya\s+|नया\s+|नई\s+)?${FIELD}\s+(?:ab\s+|अब\s+)?${VALUE}\s+(?:kar\s*do|kardo|karo|kr\s+do|kar\s+dijiye|hai|कर\s+दो|करो|कर\s+दें|कर\s+दीजिए|है)`,
  ),
];

const clean = (s: string | undefined) =>
  s
    ?.replace(/^(?:the|a|an)\s+/iu, '')
    .replace(/\s+(?:lead|account|deal)$/iu, '')
    .replace(/['’]s$/u, '')
    .replace(/[\s,.;:!-]+$/u, '')
    .trim();
const digits = (s: string) => Number(s.replace(/[०-९]/g, (d) => String('०१२३४५६७८९'.indexOf(d))));
const BAD_COMPANY =
  /^(?:it|this|that|we|they|he|she|i|the|lead|deal|he|ye|yeh|wo|woh|vo|unka|unki|uska|uski|usne|unhone|closed|won|lost|deal\s+closed|order|account)$/iu;

// "What is Neha working on?", "Neha kis pe kaam kar rahi hai?", "नेहा किस पर काम कर रही है?": her leads.
const WORKING_ON = [
  /^(?:what(?:'s|\s+is|\s+are)|what\s+all\s+is)\s+(?<name>[\p{L}\p{M}]+)\s+(?:working\s+on|busy\s+with|handling)\s*\??$/iu,
  /^(?<name>[\p{L}\p{M}]+)\s+(?:kis|kin|kya)\s+(?:pe|par|pr)?\s*(?:kaam|work)\s+(?:kar|kr)\s+(?:raha|rahi|rahe)\s+(?:hai|hain|h)\s*\??$/iu,
  /^(?<name>[\p{L}\p{M}]+)\s+(?:किस|किन|क्या)\s+(?:पर|पे)?\s*काम\s+कर\s+(?:रहा|रही|रहे)\s+(?:है|हैं)\s*[?।]?$/u,
  // "Sunil ke paas kaun kaun se leads hain?", "सुनील के पास कौन कौन से लीड्स हैं?", "Which leads does Sunil have?"
  /^(?<name>[\p{L}\p{M}]+)\s+(?:ke|ki)\s+(?:paas|pass|pas)\s+(?:kaun\s*kaun\s*(?:se|si)|kaun\s*(?:se|si)|kya\s+kya|kitne|kitni)\s+(?:leads?|deals?|clients?)\s*(?:hai|hain|he|h)?\s*\??$/iu,
  /^(?<name>[\p{L}\p{M}]+)\s+के\s+पास\s+(?:कौन\s*कौन\s*(?:से|सी)|कौन\s*(?:से|सी)|कौनसे|क्या\s+क्या|कितने|कितनी)\s+(?:लीड्स|लीडें|लीड|डील्स|डील|क्लाइंट्स|क्लाइंट)\s*(?:हैं|है)?\s*[?।]?$/u,
  /^(?:which|what)\s+leads\s+(?:does|has)\s+(?<name>[\p{L}\p{M}]+)\s+(?:got|have|has|own)\s*\??$/iu,
];
const NOT_A_NAME = /^(?:he|she|they|we|you|everyone|everybody|team|sab|wo|woh|वो|सब|कौन|kaun|who)$/iu;

// What a deal was won for, said beside it: "won for 50000", "2.5 lakh", "₹40k", "Rs 1,20,000",
// "50k mein", "50 हज़ार". A bare number counts only with four digits or more; the phrase must end
// the sentence or come before its punctuation or the Hinglish/Hindi "pakka/पक्की…" that closes it,
// so "Studio 54 won" and "they want 5000 units" carry no amount.
const D = '0-9०-९';
const UNITS = String.raw`k|thousand|hazaar|hazar|hajar|हज़ार|हजार|lakhs?|lacs?|l|crores?|cr|करोड़|लाख`;
const AMT_NUM = (n: string) => String.raw`(?<${n}>[${D}](?:[${D},]*[${D}])?(?:\.[${D}]+)?)`;
const AMOUNT = new RegExp(
  String.raw`(?<pre>\s*[,;:–—-]\s*|\s+)(?:(?:for|at|worth|of|in|@|amount|value|deal\s+value|total)\s*[:=]?\s*)?(?<cur>₹|rs\.?|inr|\$|usd)?\s*${AMT_NUM('num')}\s*(?<unit>${UNITS})?(?![\p{L}\p{N}])(?:\s+${AMT_NUM('num2')}\s*(?<unit2>k|thousand|hazaar|hazar|हज़ार|हजार)(?![\p{L}\p{N}]))?(?:\s*(?<cur2>rupees?|rupaye|rupay|rs|₹|रुपये|रुपए|रुपया|dollars?|\/-))?(?:\s+(?:mein|me|main|mai|में))?(?=\s*(?:$|[,;.!।]|(?:pakka|pakki|final|close|closed|done|won|ho|jeet|jeeta|jit|हो|पक्की|पक्का|जीत|जीती)(?![\p{L}])))`,
  'giu',
);
const UNIT: [RegExp, number][] = [
  [/^(?:k|thousand|hazaar|hazar|hajar|हज़ार|हजार)$/iu, 1e3],
  [/^(?:lakhs?|lacs?|l|लाख)$/iu, 1e5],
  [/^(?:crores?|cr|करोड़)$/iu, 1e7],
];
const numberOf = (s: string) => digits(s.replace(/,/g, ''));
const unitOf = (u: string | undefined) => (u ? (UNIT.find(([re]) => re.test(u))?.[1] ?? 1) : 1);
// A number said after these is a phone number or a time, not what the deal was won for.
const NOT_MONEY_BEFORE = /(?:\b(?:on|call|phone|number|no|mobile|whatsapp|contact)|[\p{N}+])\s*$/iu;

/** The amount phrases of a sentence, each with the sentence without it. */
function amountsIn(t: string): { amount: number; currency: 'INR' | 'USD'; rest: string }[] {
  const out: { amount: number; currency: 'INR' | 'USD'; rest: string }[] = [];
  for (const m of t.matchAll(AMOUNT)) {
    const g = m.groups!;
    const cur = g.cur ?? g.cur2;
    const whole = g.num.replace(/,/g, '').replace(/\..*$/u, '');
    if (!cur && !g.unit) {
      // A bare number: four digits or more, not a phone number (ten digits, or after "call/on/number").
      if (whole.length < 4 || whole.length >= 10) continue;
      if (NOT_MONEY_BEFORE.test(t.slice(0, m.index + g.pre.length))) continue;
    }
    const amount =
      Math.round((numberOf(g.num) * unitOf(g.unit) + (g.num2 ? numberOf(g.num2) * unitOf(g.unit2) : 0)) * 100) / 100;
    if (!Number.isFinite(amount) || amount <= 0 || amount > 1e12) continue;
    const currency = cur && /\$|usd|dollar/iu.test(cur) ? 'USD' : 'INR';
    const rest = (t.slice(0, m.index) + t.slice(m.index + m[0].length)).replace(/\s+/g, ' ').trim();
    out.push({ amount, currency, rest });
  }
  return out;
}

function wonOrLost(t: string): Command | null {
  for (const [list, intent] of [
    [WON, 'mark_won'],
    [LOST, 'mark_lost'],
  ] as const) {
    for (const re of list) {
      const m = re.exec(t);
      const company = clean(m?.groups?.co);
      if (
        !m ||
        !company ||
        BAD_COMPANY.test(company) ||
        /^(?:my|our|your|his|her|their|mera|meri|hamara)\s/iu.test(company)
      )
        continue;
      const note = (m.groups?.note ?? m.groups?.tail)?.trim().replace(/[.!]+$/u, '');
      // "…ne mana kar diya, follow up band karo" asks to stop the follow-ups: the classifier's.
      if (note && /\bfollow[\s-]*ups?\b|\bfollowups\b|\breminders?\b|फ़ॉलो|फॉलो/iu.test(note)) return null;
      return { intent, company, ...(note ? { note } : {}) };
    }
  }
  return null;
}

export function lifecycleCommand(text: string): Command | null {
  const t = text.replace(/\s+/g, ' ').trim();
  if (!t || t.length > 300) return null;
  for (const re of WORKING_ON) {
    const name = re.exec(t)?.groups?.name;
    if (name && !NOT_A_NAME.test(name)) return { intent: 'list_leads', assignee: name };
  }
  // A deal won for an amount: the sentence read without the amount, the amount kept.
  for (const a of amountsIn(t)) {
    const cmd = wonOrLost(a.rest);
    if (cmd?.intent === 'mark_won')
      return { ...cmd, amount: a.amount, ...(a.currency !== 'INR' ? { currency: a.currency } : {}) };
  }
  const closed = wonOrLost(t);
  if (closed) return closed;
  for (const re of SCORE) {
    const m = re.exec(t);
    const company = clean(m?.groups?.co);
    if (!m || !company || BAD_COMPANY.test(company)) continue;
    const score = digits(m.groups!.n);
    if (score > 100) return null;
    return { intent: 'set_score', company, score };
  }
  for (const re of UPDATE) {
    const m = re.exec(t);
    const company = clean(m?.groups?.co);
    if (!m || !company || BAD_COMPANY.test(company)) continue;
    const field = FIELDS.find(([fre]) => fre.test(m.groups!.f.replace(/\s+/g, ' ')))?.[1];
    const value = m.groups!.v.trim();
    if (!field || !value) continue;
    if (field === 'email' && !/^\S+@\S+\.\S+$/u.test(value)) continue;
    if (field === 'phone' && !/^\+?[\d०-९][\d०-९ ()-]{5,}$/u.test(value)) continue;
    return { intent: 'update_lead', company, [field]: value } as Command;
  }
  return null;
}
