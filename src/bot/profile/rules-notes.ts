// Special notes: fears, physical limits, allergies, medical conditions, care requests and cultural
// needs. One note per category per sentence; a care wish that comes with a condition ("latex
// allergy, please use latex-free gloves") belongs to that condition's note.
import type { NoteCategory, SpecialNote } from './facts.ts';
import {
  allMatches,
  isNegated,
  rx,
  rxg,
  statementClauses,
  subjectAt,
  type Clause,
  type Found,
  type Sentence,
} from './text.ts';

type NoteRule = {
  category: NoteCategory;
  re: RegExp;
  confidence: number;
  /** Requests name a companion ("bring my mum"); the kin word is not the subject. */
  anySubject?: boolean;
  /** The trigger carries its own negation ("can't kneel", "seedhiyan nahi chadh sakti"). */
  negationInside?: boolean;
  /** History still matters ("I had a heart attack", "operation hua tha"). */
  pastOk?: boolean;
};

const BODY_EN = String.raw`(?:back|knee|knees|hip|hips|neck|shoulder|shoulders|joint|joints|ankle|wrist|spine)`;
const BODY_DE = String.raw`(?:rücken|knie|hüft|hüften|nacken|schulter|gelenk|bandscheiben)`;
const BODY_HI = String.raw`(?:ghutne|ghutno|ghutnon|kamar|kamr|peeth|pith|gardan|kandhe|kandha|jodon|joints)`;

const RULES: NoteRule[] = [
  // fear
  {
    category: 'fear',
    re: rxg`\b(?:afraid|scared|terrified|frightened|petrified|fearful|phobi[ac]|phobias?|claustrophobi[ac]|anxious|anxiety|nervous|panic(?:ky| attacks?)?|dread)\b|\bfear of\b|\bfreak(?:s|ed)? out\b`,
    confidence: 0.85,
  },
  {
    category: 'fear',
    re: rxg`\bhate (?:needles|injections|the dentist|dentists|drills?|the drill|blood)\b|\buneasy\b|\bfaint(?:s|ed)? at the sight\b|\bsight of (?:blood|needles)\b|\bcan't stand (?:needles|blood|pain|injections)\b|\bbei blut\b|\bkhoon dekh\p{L}*|\bchakkar (?:aata|aate|aa jata)\b`,
    confidence: 0.75,
  },
  {
    category: 'fear',
    re: rxg`\b[\p{L}]*angst\b|\bängstlich\b|\bnervös\b|\bpanik\b|\bphobie\b|\bfürchte\b`,
    confidence: 0.85,
  },
  {
    category: 'fear',
    re: rxg`\b(?:darr?|dar)\s+(?:lagta|lagti|lagte|lag|hai|hota|hoti|lagega|laga)\b|\bse\s+darr?\b|\bdarr\b|\b(?:darta|darti|darte|ghabrahat|ghabraahat|ghabrata|ghabrati|ghabra)\b`,
    confidence: 0.8,
  },
  // allergy
  {
    category: 'allergy',
    re: rxg`\b[\p{L}]*allerg[\p{L}]*|\bsensitive to\b|\bintoleran(?:t|ce)\b|\bunverträglichkeit\b|\bvertrage kein[\p{L}]*|\bsuit nahi (?:karta|karti|karte)\b`,
    confidence: 0.9,
  },
  {
    category: 'allergy',
    re: rxg`\b(?:can't|cannot|can not) (?:tolerate|have|take)\b`,
    confidence: 0.6,
    negationInside: true,
  },
  {
    category: 'allergy',
    re: rxg`\b(?:gives?|giving) me (?:a )?(?:bad |severe |skin )?(?:reaction|rash|hives)\b|\breact(?:s|ion)? badly\b|\b(?:doodh|dairy|gluten|nuts?|peanuts?|eggs?|anda|wheat|gehun|milk|dust|latex)\s+se\s+(?:problem|dikkat|takleef|reaction|rash)\b`,
    confidence: 0.75,
  },
  // medical
  {
    category: 'medical',
    re: rxg`\bpregnan(?:t|cy)\b|\bschwanger[\p{L}]*|\bdiabet[\p{L}]*|\bheart (?:condition|problem|disease|issue|patient)s?\b|\bherz[\p{L}]*(?:problem|krank|fehler|erkrankung)[\p{L}]*|\bblood[- ]thinners?\b|\bblutverdünn[\p{L}]*|\b(?:high |low )?blood pressure\b|\b(?:blut)?hochdruck\b|\bblutdruck\b|\bhypertension\b`,
    confidence: 0.9,
  },
  {
    category: 'medical',
    re: rxg`\bbp\s+(?:ki|hai|high|low|problem|patient|bhi)\b|\b(?:high|low)\s+bp\b|\basthma[\p{L}]*|\bepilep[\p{L}]*|\bseizures?\b|\bmigraines?\b|\bmigräne\b|\bpacemaker\b|\bthyroid\b|\bschilddrüse[\p{L}]*|\bsugar\s+(?:hai|ki|patient|problem|level)\b|\bdil ki bimari\b|\bkidney (?:problem|disease|issue)s?\b|\bcancer\b|\bchemo[\p{L}]*|\binsulin\b|\bon (?:meds|medication)\b|\bmedikamente\b|\bdawai (?:leta|leti|chal)\b|\bhiv\b|\bhepatitis\b`,
    confidence: 0.85,
  },
  {
    category: 'medical',
    re: rxg`\bheart attack\b|\bstroke\b|\bherzinfarkt\b|\bschlaganfall\b|(?<!${BODY_HI}\s+(?:ka|ki|ke)\s+)\boperation (?:hua|hui)\b|(?<!(?:knee|back|hip|shoulder|wrist|ankle|neck|eye|dental)\s)\bsurgery\b|\boperiert\b|\brecovering from\b|\bimmunocompromised\b`,
    confidence: 0.75,
    pastOk: true,
  },
  // physical
  {
    category: 'physical',
    re: rxg`\b(?:broke|broken|fractured|sprained)\s+(?:my\s+)?(?:arm|leg|wrist|ankle|foot|hand|hip|ribs?|back|collarbone|finger|toe)\b|\bin a cast\b|\b(?:walking )?(?:cane|walker)\b|\b(?:poor|bad|weak|failing) (?:eyesight|vision|hearing)\b|\beyesight is (?:poor|bad|weak)\b|\blow vision\b`,
    confidence: 0.75,
  },
  {
    category: 'physical',
    re: rxg`\bwheelchair\b|\brollstuhl[\p{L}]*|\brollator\b|\bcrutch(?:es)?\b|\bwalking (?:stick|frame|aid)\b|\bmobility (?:issues?|problems?|impair[\p{L}]*)\b|\bhard of hearing\b|\bhearing (?:aid|impair[\p{L}]*|loss)\b|\bdeaf\b|\bschwerhörig\b|\bhöre schlecht\b|\bsehe schlecht\b|\bblind\b|\bvisual(?:ly)? impair[\p{L}]*|\bpartially sighted\b|\bstammer[\p{L}]*|\bstutter[\p{L}]*|\barthritis\b|\bgehbehindert\b`,
    confidence: 0.85,
  },
  {
    category: 'physical',
    re: rxg`\b(?:bad|weak|injured|stiff|sore|slipped)\s+(?:disc|${BODY_EN})\b|\b${BODY_EN}\s+(?:pain|problems?|issues?|injury|injuries|surgery|replacement)\b|\b(?:knee|hip) replacement\b|\b${BODY_DE}[\p{L}]*(?:probleme?|schmerzen|verletzung|op)\b|\bbandscheibe[\p{L}]*`,
    confidence: 0.85,
  },
  {
    category: 'physical',
    re: rxg`\b(?:can't|cannot|can not|unable to)\s+(?:walk|climb|kneel|stand|bend|lie flat|do stairs|manage stairs)\b|\bkeine treppen\b|\b(?:seedhiy?[aā]n?|sidhiyan|sidhi)\s+(?:nahi|nahin)\b|\bchal nahi (?:sakta|sakti|pata|pati)\b`,
    confidence: 0.8,
    negationInside: true,
  },
  {
    category: 'physical',
    re: rxg`\b(?:help|helps) me (?:walk|get around|with walking)\b|\bneed help (?:walking|getting around)\b|\bhilft mir beim (?:laufen|gehen)\b|\bchalne (?:mein|me) (?:madad|dikkat|problem|takleef)\b`,
    confidence: 0.75,
    anySubject: true,
  },
  {
    category: 'physical',
    re: rxg`\b${BODY_HI}\s+(?:ka|ki|ke)\s+(?:operation|surgery|replacement)\b|\b(?:zameen|neeche|floor)\s+(?:pe|par)\s+(?:nahi|nahin)\s+baith\p{L}*|\b(?:can't|cannot) sit on the floor\b|\b${BODY_HI}\s*(?:(?:mein|me|main)\s+)?(?:bahut\s+)?dard\b|\b(?:sunai|sunaai)\s+(?:kam|nahi)\b|\bkam sunai\b|\b(?:dikhai|dikhaai)\s+kam\b`,
    confidence: 0.8,
    negationInside: true,
  },
  // request
  {
    category: 'request',
    re: rxg`\bbring\s+(?:my|a|along|someone|somebody|her|him)\b|\b(?:quiet|calm|soft|relaxing)\s+music\b|\bextra time\b|\bexplain(?:ed)?\s+(?:everything|things|each step|it all|what|verbally)\b|\bthings explained\b|\bdetailed explanations?\b|\bbe (?:gentle|careful|patient)\b|\b(?:go|take it) slow(?:ly)?\b|\bnoise[- ]cancel[\p{L}]*|\bheadphones\b|\bdim (?:the )?lights?\b|\bdim them\b|\blocal an(?:a)?esthe[\p{L}]*|\bnumbing\b|\bkeep the room (?:warm|cool|quiet|dark)\b|\b(?:warm|quiet|dark|private) room\b|\bblanket\b`,
    confidence: 0.7,
    anySubject: true,
  },
  {
    category: 'request',
    re: rxg`\bmitbringen\b|\bbegleitperson\b|\b(?:alles|genau|vorher) erklären\b|\bvorsichtig\b|\bsaath\s+(?:la|laa|le aa|leke aa|lekar aa|laana|lana)[\p{L}]*|\bsamjha\s*(?:dena|do|dijiye|dein)\b|\bdheere(?: se| dheere)?\s+(?:karna|karo|kijiye)\b|\baaram se (?:karna|karo|kijiye)\b`,
    confidence: 0.7,
    anySubject: true,
  },
  // cultural
  {
    category: 'cultural',
    re: rxg`\bramadan\b|\bramzan\b|\bramadhan\b|\broza[\p{L}]*|\broze\b|\bfasting\b|\bfast(?:ing)? during\b|\bpray(?:er|ers|ing)?\b|\bnamaz\b|\bnamaaz\b|\bhalal\b|\bkosher\b|\bsabbath\b|\bshabbat\b|\bvrat\b|\bupvaa?s\b|\bnavratri\b|\bkarva chauth\b|\breligious\b|\bhijab\b|\bbeten\b|\bgebet\b|\bfasten\b`,
    confidence: 0.8,
  },
  {
    category: 'cultural',
    re: rxg`\b(?:female|woman|women|lady|ladies|mahila)(?:[- ]only)?\s+(?:staff|therapist|doctor|dentist|practitioner|stylist|instructor|trainer|physio)s?\b|\bfemale[- ]only\b|\bweiblich[\p{L}]*\s+(?:personal|therapeutin|ärztin|behandlerin)\b|\bnur (?:frauen|eine frau|weibliche[\p{L}]*)\b|\bsame[- ]gender\b`,
    confidence: 0.8,
  },
];

// "it's gone now", "no longer": the condition is over.
const RESOLVED = rx`\b(?:gone now|not anymore|no longer|anymore|any more|ab nahi|ab theek|nicht mehr|outgrown)\b`;

const PHONE_AFTER = rx`^\S+\s+(?:\S+\s+){0,3}?(?:phone|calls?|telefon\p{L}*|anruf\p{L}*)\b`;

const CARE_WISH = rx`^(?:so\s+|also\s+|toh\s+)?(?:please|pls|plz|bitte|kindly|kripya|avoid|use|no\s|keine?\s|need|brauche|dhyan)`;

const FILLER =
  /^(?:(?:hi|hello|hey|hallo|also|and|so|btw|just fyi|fyi|but|aber|lekin|toh|ok|okay|please|bitte|yes|ja|haan)[\s,!.]+)+/i;

function noteText(clauses: Clause[]): string {
  const text = clauses.map((c) => c.text.replace(FILLER, '').replace(/[\s.,!?;:]+$/, '')).join('; ');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

// "…allergic to... just kidding": a message that takes itself back stores no care note.
const RETRACTED = rx`\b(?:just\s+kidding|only\s+kidding|kidding|joking|jk|j/k|mazaak|mazak|majak|mazaak\s+tha)\b|मज़ाक|मजाक`;

const NOT_KIDDING = rx`\b(?:not|no|nahi|nahin|nhi)\s+(?:kidding|joking|joke)\b|\b(?:mazaak|mazak|majak)\s+(?:nahi|nahin|nhi)\b|(?:मज़ाक|मजाक)\s+नहीं`;

export function findNotes(sentences: Sentence[]): Found<SpecialNote>[] {
  const out: Found<SpecialNote>[] = [];
  if (sentences.some((s) => RETRACTED.test(s.text) && !NOT_KIDDING.test(s.text))) return out;
  const bySentence = new Map<Sentence, Map<NoteCategory, { clauses: Clause[]; confidence: number }>>();
  for (const clause of statementClauses(sentences)) {
    for (const rule of RULES) {
      for (const m of allMatches(rule.re, clause.text)) {
        const start = clause.start + m.index;
        const end = start + m[0].length;
        if (!rule.anySubject && subjectAt(clause, start) === 'other') continue;
        if (RESOLVED.test(clause.sentence.text)) continue;
        if (rule.category === 'fear' && PHONE_AFTER.test(clause.text.slice(m.index))) continue; // a calling preference, not care
        if (!rule.negationInside && isNegated(clause, start, end, { past: !rule.pastOk, before: rule.pastOk ? 3 : 5 }))
          continue;
        if (rule.negationInside && isNegated(clause, start, start, { after: 0 })) continue;
        let cats = bySentence.get(clause.sentence);
        if (!cats) bySentence.set(clause.sentence, (cats = new Map()));
        const hit = cats.get(rule.category) ?? { clauses: [], confidence: 0 };
        if (!hit.clauses.includes(clause)) hit.clauses.push(clause);
        hit.confidence = Math.max(hit.confidence, rule.confidence);
        cats.set(rule.category, hit);
      }
    }
  }
  for (const [sentence, cats] of bySentence) {
    const request = cats.get('request');
    if (request && cats.size > 1) {
      // The wish is how to care for the condition: one note, the condition's.
      cats.delete('request');
      const main = [...cats.values()][0];
      for (const c of request.clauses) if (!main.clauses.includes(c)) main.clauses.push(c);
      main.clauses.sort((a, b) => a.start - b.start);
    }
    for (const [category, hit] of cats) {
      // "…latex allergy, so please use latex-free gloves": the wish that follows travels with the note.
      if (category !== 'request') {
        const last = hit.clauses[hit.clauses.length - 1];
        const wish = sentence.clauses.find(
          (c) => c.index === last.index + 1 && c.question !== 'info' && CARE_WISH.test(c.text),
        );
        if (wish && !hit.clauses.includes(wish)) hit.clauses.push(wish);
      }
      out.push({ value: { category, text: noteText(hit.clauses) }, confidence: hit.confidence, sentence });
    }
  }
  return out;
}
