// Which command a message is, from its canonical text. Checks run from the most specific
// (a help request, a details answer, "stop follow-ups") to the most general (a bare
// "meeting with X"), and each says how sure it is.
import { rx } from './doc.ts';
import type { Intent } from '../command.ts';

export type Family = Intent | 'meeting_family';
export type Phase = 'schedule' | 'reschedule' | 'done' | 'cancel';
export type Classified = { intent: Family; confidence: number; noun?: 'meeting' | 'demo' | 'call'; phase?: Phase };

const HELP = rx(
  '^(?:please\\s+|bhai\\s+|sir\\s+|hi\\s+|hello\\s+)*(?:/?help(?:\\s+(?:me|please|chahiye|karo|kijiye|do|pls|menu))*|menu|commands?|options|guide|what\\s+can\\s+(?:you|u|i)\\s+do|what\\s+(?:all\\s+)?can\\s+(?:you|u)\\s+do|how\\s+(?:do|can|to)\\s+(?:i\\s+)?use(?:\\s+(?:this|the|you|it))?(?:\\s+bot)?|how\\s+does\\s+(?:this|it)\\s+work|kya\\s+(?:kya\\s+)?kar\\s*(?:sakte|sakta|sakti)\\s+(?:ho|hai|hain|hoon)(?:\\s+(?:tum|aap|ap))?|(?:tum|aap|ap)\\s+kya\\s+(?:kya\\s+)?kar\\s+(?:sakte|sakta|sakti)\\s+(?:ho|hai|hain)|kaise\\s+use\\s+karo?(?:\\s+hai)?(?:\\s+(?:isko|ise|ye|yeh|is|this|the)(?:\\s+(?:bot|app))?|\\s+(?:bot|app))?|commands?\\s+(?:kya|list|batao|dikhao|show)(?:\\s+hai)?|(?:show|list)\\s+(?:all\\s+)?commands|(?:(?:ye|yeh|is|this)\\s+)?(?:bot|app|isko|ise|ye|yeh)\\s+kaise\\s+use\\s+karo?(?:\\s+hai)?(?:\\s+(?:isko|ise))?|help\\s+(?:chahiye|karo|kijiye|me|please))(?:\\s+(?:please|bhai|ji|sir|pls))*\\s*$',
);
// canonical "kar" is "karo"
const HELP2 = rx(
  '^(?:please\\s+|mujhe\\s+|bhai\\s+)*(?:help|madad|kya\\s+(?:kya\\s+)?karo\\s+(?:sakte|sakta|sakti)\\s+(?:ho|hai|hain)(?:\\s+(?:tum|aap|ap))?|(?:tum|aap)\\s+kya\\s+(?:kya\\s+)?karo\\s+(?:sakte|sakti)\\s+(?:ho|hai|hain))(?:\\s+(?:chahiye|karo|kijiye|dedo|please|bhai|ji|me))*\\s*$',
);

const DETAIL_LABELS: Array<[string, RegExp]> = [
  ['address', rx("\\baddress\\b|^(?:they'?re|they\\s+are|we'?re|office\\s+is|located|based)\\s+(?:at|in)\\b")],
  ['turnover', rx('\\bturnover\\b|\\bt/o\\b|\\bannual\\s+sales\\b')],
  [
    'current_system',
    rx(
      '\\b(?:still|currently|presently)\\s+on\\b|\\b(?:pe|par|pr)\\s+(?:chalate|chalte|chalata|chalti|chalta)\\b|\\bsystem\\b|\\busing\\b|\\buse\\s+karo|\\buse\\s+karte|\\bsoftware\\b|\\bcurrently\\s+on\\b|\\berp\\b|\\b(?:they|we)\\s+use\\b|\\buses\\b',
    ),
  ],
  ['challenges', rx('\\bchallenges\\b|\\bpain\\s+points?\\b')],
];
const INTENT_WORDS = rx(
  '\\b(?:meeting|meetings|demo|demos|qualify|reassign|transfer|history|followups|schedule|reschedule|activity|note|tasks|leads)\\b',
);

const STOP_FOLLOWUPS = rx(
  "(?:\\bstop\\b|\\bcancel\\b|\\bremove\\b|\\bexclude\\b|\\btake\\s+off\\b|\\bhata\\w*|\\bnikal\\w*|\\bno\\s+more\\b|\\bdon'?t\\s+send\\b|\\bdo\\s+not\\s+send\\b|\\bna\\s+bhejo\\b|\\bunsubscribe\\b|\\bband\\b|\\bdisable\\b|\\bturn\\s+off\\b|\\bopt\\s+out\\b)[^.]{0,40}\\b(?:followups|follow|nurture|reminders|sequence|messages|drip)\\b|\\b(?:followups|nurture|reminders|sequence|drip)\\b[^.]{0,40}(?:\\bstop\\b|\\bbhejna\\s+band\\b|\\bmat\\b|\\bna\\b|\\boff\\b|\\bdisable\\b|\\bhata\\w*|\\bnikal\\w*)",
);

const CREATE = [
  rx('\\b(?:naya|add)\\b(?:\\s+(?:a|an|one|ek|naya|the|new|lead|please))*\\s+lead\\b'),
  rx('\\blead\\s+(?:add|naya)\\b'),
  rx('^(?:please\\s+|bhai\\s+)*(?:naya\\s+)?lead\\s*[:\\-]'),
  rx(
    "\\b(?:there\\s+is|there's|got|have|we\\s+have|received|mila|aaya)\\s+(?:a|an|one|ek|naya)?\\s*(?:naya\\s+|new\\s+|fresh\\s+)?lead\\b",
  ),
  rx('\\b(?:ek\\s+)?(?:naya\\s+)?lead\\s+(?:aaya|mila)\\b'),
  rx('\\bek\\s+(?:naya\\s+)?lead\\s+(?:hai|he|h)\\b|\\blead\\s+(?:hai|he|h)\\s*[:\\-]'),
  rx('\\blead\\s+(?:from|se)\\b'),
  rx('\\badd\\b.{0,40}\\bas\\s+(?:a\\s+|an\\s+)?(?:naya\\s+)?lead\\b'),
  rx('\\bnaya\\s+lead\\b'),
  // "Greenleaf Organics ka lead hai", "Got a referral lead", "ek IndiaMart wala lead aaya"
  rx('\\b(?:ka|ki|ke)\\s+(?:naya\\s+)?lead\\s+(?:hai|he|h|aaya|mila)\\b'),
  rx(
    '\\b(?:got|have|received|mila|aaya)\\s+(?:a|an|one|ek)\\s+(?:(?!meeting|demo|call|meet|question|doubt|query)[a-z]+\\s+){1,2}(?:wala\\s+)?lead\\b',
  ),
];

const QUALIFY = rx('\\bqualify\\b');
const DISQUALIFY = rx('\\bdisqualify\\b|\\bnot\\s+qualify\\b|\\bqualify\\s+nahi\\b');

const HISTORY = rx(
  '\\bhistory\\b|\\bkya\\s+(?:kya\\s+)?hua\\b|\\bwhat\\s+(?:all\\s+|else\\s+)?(?:has\\s+|have\\s+)?(?:happened|been\\s+happening|been\\s+done)\\s+(?:with|to|on|for|so\\s+far|till\\s+now)\\b|\\b(?:poora|full|complete|all|saare)\\s+(?:record|details|updates|activity)\\b|\\b(?:activity|updates)\\b[^,.:]*\\b(?:dikhao|show)\\b|\\b(?:show|dikhao)\\b[^,.:]*\\b(?:activity|updates)\\b|\\b(?:record|status)\\s+(?:dikhao|batao|bhejo|kya)\\b|\\bstatus\\s+(?:of|for|on)\\b|\\b(?:ka|ki|ke)\\s+(?:poora\\s+)?(?:status|record)\\b|\\b(?:full|all|complete|poora)\\s+details\\s+(?:of|for|on)\\b',
);

const TASKS = rx(
  "\\btasks\\b|\\bagenda\\b|\\bon\\s+my\\s+plate\\b|\\b(?:my|mera)\\s+(?:schedule|day|calendar|plan)\\b|\\bschedule\\s+(?:for\\s+)?(?:today|tomorrow)\\s*\\??\\s*$|\\b(?:today|tomorrow|parso)\\s*(?:ka|ki|ke|'s)\\s+(?:schedule|plan|agenda|kaam)\\b|\\bwhat\\s+do\\s+i\\s+have\\b|\\bwhat'?s\\s+on\\b|\\b(?:what'?s|whats|what\\s+is|kya)\\s+(?:all\\s+|kya\\s+)?pending\\b|\\bpending\\s+(?:for|hai)\\b|\\bkya\\s+karo\\s+hai\\b",
);
const LIST_MEETINGS = rx(
  "\\b(?:meetings|demos)\\b|\\b(?:meeting|demo)\\b[^,.]*\\b(?:dikhao|show)\\b|\\b(?:dikhao|show)\\b[^,.]*\\b(?:meeting|demo)\\b|\\b(?:upcoming|pending|aaj|today|tomorrow)\\s+(?:ki|ke|ka|'s)?\\s*(?:meeting|demo)s?\\b",
);
const LEADS = rx(
  '\\bleads\\b|\\b(?:mera|saare|all|my)\\s+lead\\b|\\blead\\s+(?:list|show)\\b|\\b(?:show|dikhao|list)\\s+(?:mera\\s+|my\\s+|all\\s+)?lead\\b',
);

const ACTIVITY_LABEL = [
  rx(
    '^(?:please\\s+|pls\\s+|bhai\\s+)*(?:add|log|naya)\\s+(?:an?\\s+|naya\\s+)?(?:activity|note|update|call|remark)\\b',
  ),
  rx('^(?:please\\s+)*(?:activity|note|log|update|remark)\\s*(?:for|on|to|of|in|about|regarding|:|-)'),
  rx('\\b(?:activity|note)\\s+(?:add|daalo|likho|karo|jodo|log)\\b'),
  rx('\\b(?:activity|note|update|log)\\s*:'),
  rx('\\bupdate\\s+(?:for|on|regarding|about)\\b'),
  rx('\\b(?:ka|ki|ke)\\s+update\\b'),
  rx('\\b(?:activity|note)\\s*-'),
  rx('\\b(?:liye|for|to|in|me)\\s+(?:activity|note)\\b'),
];

const MEETING_NOUN = rx('\\b(?:meeting|meet|met|call)\\b', 'g');
const DEMO_NOUN = rx('\\b(?:demo)\\b', 'g');

export const DONE = rx(
  '\\bdone\\b|\\bho\\s*gaya\\b|\\bhogaya\\b|\\bho\\s+chuka\\b|\\bhua\\b|\\bpoora\\s+(?:hua|ho|hogaya)\\b|\\bdiya\\b|\\bgave\\b|\\bgiven\\b|\\bhad\\s+(?:a|an|the|our|my)?\\s*(?:good|great|nice|long|short|quick|detailed|productive|positive|successful|first|\\s)*(?:meeting|demo|call)\\b|\\bmet\\b|\\bwent\\s+(?:well|good|great|fine|ok|okay|badly)\\b|\\btook\\s+place\\b|\\bhappened\\b|\\battended\\b|\\bdid\\s+(?:the|a|our)?\\s*(?:meeting|demo)\\b|\\b(?:meeting|demo)\\s+(?:hua|ho)\\b|\\b(?:achhi|acchi|achi|badhiya|badiya|bahut\\s+achhi|good|great|positive|successful|theek|thik)\\s+(?:rahi|raha|rhi|rha|gaya|hua)\\b',
);
const STRONG_DONE = rx(
  '\\bdone\\b|\\bho\\s*gaya\\b|\\bhogaya\\b|\\bhua\\b|\\bwent\\s+well\\b|\\b(?:achhi|acchi|achi|badhiya|good|great)\\s+(?:rahi|raha)\\b',
);
const FUTURE = rx(
  '\\b(?:dedo|karna|karni|hona|hogi|hoga|karo)\\s+(?:hai|he|h)\\b|\\b(?:karenge|karega|karegi|will|shall)\\b|\\bto\\s+be\\s+(?:done|held)\\b|\\bhas\\s+to\\b|\\bneeds?\\s+to\\s+be\\b',
);
export const RESCHEDULE = rx(
  '\\breschedule\\b|\\b(?:today|tomorrow|parso|parson|monday|tuesday|wednesday|thursday|friday|saturday|sunday|somvar|mangalvar|budhvar|guruvar|shukravar|shanivar|ravivar)\\s*,?\\s+(?:nahi|nhi|nahin|not)\\b|\\bpostpone\\b|\\bprepone\\b|\\bshift\\b|\\bmove\\b|\\bmoved\\b|\\bpush\\b|\\bpushed\\b|\\bchange\\b|\\bjagah\\b|\\baage\\s+(?:badha|badhao|kar)\\w*|\\binstead\\b|\\bnew\\s+time\\b|\\bdelay\\b|\\bbring\\s+forward\\b|\\bpreponed?\\b' +
    // "…wali meeting ab 16 tareekh ko hogi", "the Orbit demo is now on Friday": now at a new time.
    '|\\bab\\b[^,.;!?]{0,60}\\b(?:hogi|rahegi|rahega|rahenge)\\b|\\b(?:is|are)\\s+now\\s+(?:on|at|for)\\b|\\bwill\\s+now\\s+be\\b',
);
export const SCHEDULE = rx(
  '\\bschedule\\b|\\bfix\\b|\\brakh\\b|\\bbook\\b|\\bset\\s*up\\b|\\bsetup\\b|\\bset\\b|\\barrange\\b|\\bplan\\b|\\borgani[sz]e\\b|\\bkarwao\\b|\\bkarna\\s+hai\\b|\\bdena\\s+hai\\b|\\bdedo\\s+hai\\b',
);

// Calling a meeting or demo off: the word, or "nahi hogi" / "won't happen" / "is off".
export const CANCEL = rx(
  "\\bcancel\\b|\\bcall(?:ed|ing|s)?\\s+(?:it\\s+)?off\\b|\\bis\\s+off\\b|\\bscrap(?:ped)?\\b|\\bnahi\\s+hogi\\b|\\bnahi\\s+ho\\s+(?:payegi|payega|paayegi|paayega|sakti|sakta|sakegi|sakega)\\b|\\bwon'?t\\s+(?:happen|take\\s+place)\\b|\\bnot\\s+(?:happening|going\\s+ahead)\\b|\\bno\\s+longer\\s+(?:needed|required|happening|on)\\b|\\brehne\\s+do\\b",
);
// The noun a cancel is about; "call off" is the verb, not a call.
const CANCEL_NOUN = rx('\\b(?:meeting|meetings|meet|call(?!\\s+off\\b)|demo|demos)\\b', 'g');
const CANCEL_DEMO = rx('\\b(?:demo|demos)\\b');
// A cancel with a new time is a move: "cancel Friday's meeting, book Monday 3pm instead".
const REBOOK = rx(
  '\\bkaro\\s+(?:dete|denge|lete|lenge|do|dedo|dijiye)\\b|\\brakh\\s+(?:dete|denge|lete|lenge|do|dedo)\\b|\\breschedule\\b|\\bpostpone\\b|\\bprepone\\b|\\bshift\\b|\\bmove\\b|\\bmoved\\b|\\bpush\\b|\\bpushed\\b|\\binstead\\b|\\bjagah\\b|\\bschedule\\b|\\bfix\\b|\\brakh\\b|\\bbook\\b|\\bset\\s*up\\b|\\barrange\\b|\\bnew\\s+time\\b|\\bmake\\s+it\\b',
);
const TIMEISH = rx('\\d\\s*(?:am|pm|baje|bje)\\b|\\b\\d{1,2}[:.]\\d{2}\\b|\\b(?:noon|baje)\\b');
// "Orbit ko demo dikhana hai": a demo to give, not a list to show.
const DEMO_TO_GIVE = rx(
  '\\bko\\s+demo\\s+(?:dikhao|dena|dedo)\\s+(?:hai|he|h)\\b|\\bdemo\\s+dikhao\\s+(?:hai|he|h)\\b',
);
const SHOW_WORDS = rx('\\b(?:show|dikhao)\\b');
// "Don't cancel it", "cancel mat karo" ("mat" reads as "stop"), "cancel nahi karna".
const NOT_CANCEL = rx(
  "\\b(?:don'?t|do\\s+not|dont|not|never|na)\\s+(?:\\w+\\s+)?cancel\\b|\\bcancel\\s+(?:stop|nahi|na)\\b",
);
// A question, unless it is a polite request ("can you cancel the Orbit demo?").
const QUESTION = rx('\\?\\s*$');
const REQUEST = rx('^(?:(?:please|bhai|hi|hey)\\s+)*(?:can|could|will|would)\\s+(?:you|u)\\b');

/**
 * A new time with a word that books or moves, in one clause ("…, book Monday 3pm instead", "kal 4
 * baje rakh do"); not "cancel tomorrow's 3pm demo, they postponed the budget".
 */
function movesTo(s: string, text: string): boolean {
  if (s.split(/[,;.!?]/).some((clause) => REBOOK.test(clause) && TIMEISH.test(clause))) return true;
  return text.includes('बजे') && REBOOK.test(s);
}

/**
 * "Cancel the Orbit demo", "Orbit ki meeting nahi hogi, cancel": a cancel about a meeting or demo,
 * unless the cancel word only sits in the note of a done meeting ("Meeting done, they cancelled
 * the AMC") or the message also gives a new time to move it to (then it is a reschedule).
 */
function cancelOf(s: string, text: string): Classified | undefined {
  if (!CANCEL.test(s)) return undefined;
  const nouns = [...s.matchAll(CANCEL_NOUN)];
  // "We can't meet, cancel the demo": a named meeting or demo wins over the verb "meet" or a call.
  const noun = nouns.find((m) => /^(?:meeting|demo)/.test(m[0])) ?? nouns[0];
  if (!noun) return undefined;
  const sep = s.slice(noun.index).search(/[,.;!?]/);
  const head = sep < 0 ? s : s.slice(0, noun.index + sep);
  // "Show cancelled meetings" is a list; "Meeting done, they cancelled the AMC" is done with a note.
  if (SHOW_WORDS.test(head) || (!CANCEL.test(head) && DONE.test(head))) return undefined;
  const demo = CANCEL_DEMO.test(noun[0]);
  if (movesTo(s, text))
    return { intent: 'meeting_family', noun: demo ? 'demo' : 'meeting', phase: 'reschedule', confidence: 0.75 };
  // "Is the Orbit demo cancelled?" asks, "don't cancel it" forbids: cancelling on either would be a
  // guess that cannot be undone, and neither is a meeting to book.
  if ((QUESTION.test(s) && !REQUEST.test(s)) || NOT_CANCEL.test(s)) return { intent: 'unknown', confidence: 0.4 };
  return { intent: 'meeting_family', noun: demo ? 'demo' : 'meeting', phase: 'cancel', confidence: 0.9 };
}

const REASSIGN = [
  rx('\\breassign\\b|\\btransfer\\b|\\bhandover\\b|\\bsaunp\\b'),
  rx('^(?:please\\s+|pls\\s+)?hand\\b[^,.]*\\bto\\b'),
  rx('\\bhandled\\s+by\\b|\\bchange\\s+(?:the\\s+)?owner\\b|\\bowner\\s+(?:to|ko|change)\\b'),
  rx('\\bab\\b[^,.]*\\b(?:dekhega|handle\\s+karega|handle\\s+karegi|handle\\s+karo)\\b'),
  rx('\\bwill\\s+(?:now\\s+)?(?:handle|take\\s+care\\s+of|manage|own|take\\s+over)\\b'),
  rx('\\bko\\b[^,.]*\\bko\\s+(?:dedo|de\\b|assign)'),
  rx('\\bko\\b[^,.]*\\b(?:dedo|de\\s+do|de\\s+dena|assign\\s+karo|transfer\\s+karo|saunp)\\b'),
  rx('\\b(?:assign|give|move|pass|allot|shift)\\b[^,.]*\\bto\\b'),
  rx('\\bko\\s+(?:assign|dedo|de\\s+do|de\\s+dena)\\b'),
];

const ACTIVITY_VERBS = rx(
  '^(?:please\\s+)?(?:called|call\\s+kiya|spoke|talked|emailed|mailed|sent|visited|whatsapped|messaged|followed\\s+up|pinged|shared|received)\\b|\\b(?:call|phone)\\s+(?:kiya|kara|ki|hua)\\b|\\bbaat\\s+(?:hua|ki|kari|karo)\\b|\\b(?:mail|email|message|msg|whatsapp)\\s+(?:kiya|bhejo|bhejo\\s+diya|karo\\s+diya)\\b|\\bbhejo\\s+diya\\b|\\bbhejo\\s+dedo\\b|\\bvisit\\s+(?:kiya|kari)\\b|\\bcalled\\b|\\bspoke\\s+(?:to|with)\\b',
);
// "Orbit Systems asked for a revised quote": a named company reported doing something.
export const REPORTED =
  /^((?:\p{Lu}[\p{L}\p{N}&.'-]*\s+){0,3}\p{Lu}[\p{L}\p{N}&.'-]*)\s+(?:asked|requested|wants|want|said|told\s+us|agreed|confirmed|liked|loved|needs|shared|sent|paid|replied|called\s+back|is\s+asking|are\s+asking)\b/u;
const COMPANY_COLON = /^[\p{L}\p{M}\p{N}&.' ]{2,40}:\s*\S/u;

const DATEISH = rx(
  '\\b(?:today|tomorrow|tonight|parso|parson|aaj|kal|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|somvar|mangalvar|budhvar|guruvar|shukravar|shanivar|ravivar|next\\s+week|agle|baje|am|pm|noon|subah|shaam|dopahar|raat|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\\b|\\d{1,2}\\s*(?:am|pm|baje)\\b|\\b\\d{1,2}[/:.]\\d{1,2}\\b|बजे|सोमवार|मंगलवार|बुधवार|गुरुवार|शुक्रवार|शनिवार|रविवार|परसों|सुबह|शाम|दोपहर|रात|कल|आज',
);

/** An amount as people write turnover: "5 Cr", "50 lakh", "2.5 crore", "80 लाख". */
export const MONEY =
  /(?:^|[^\p{L}\p{N}])(?:rs\.?\s*|₹\s*|inr\s*)?\d+(?:\.\d+)?\s*(?:cr|crs|crore|crores|lakh|lakhs|lac|lacs|mn|million|k|करोड़|करोड|लाख)(?![\p{L}\p{N}])/u;

export function hasDateish(canonLower: string): boolean {
  return DATEISH.test(canonLower);
}

// A question about how to use a command is a help request, never the command: "how do I schedule
// a demo?", "can you remind me how to add a lead", "meeting kaise schedule karun?", "डेमो कैसे
// शेड्यूल करें?", "आप क्या क्या कर सकते हो?".
const HOW_TO = rx(
  '^(?:(?:hi|hey|bhai|sir|please|pls|ok|so|btw)\\s+)*(?:how\\s+(?:do|can|should|would|will)\\s+(?:i|we|one|you)\\b|how\\s+to\\b|(?:can|could|will|would)\\s+(?:you|u)\\s+(?:remind|tell|show|teach|explain(?:\\s+to)?)\\s+(?:me|us)\\s+how\\b|what\\s+is\\s+the\\s+way\\s+to\\b|is\\s+there\\s+a\\s+way\\s+to\\b)',
);
const HOW_TO_HI = rx(
  '\\b(?:kaise|kese|kaisey)\\s+(?:[a-z]+\\s+){0,2}(?:karo|karun|karu|kare|karen|karein|karte|karna|use|hota|hoga|hote|dalu|daalun|daalo|banau|banaun)\\b[\\s?!.]*$',
);
const HELP_HI =
  /^(?:(?:आप|तुम|बॉट)\s+)?(?:क्या\s+)?(?:क्या\s+)?कर\s+(?:सकते|सकती|सकता)\s+(?:हो|हैं|है)|^(?:मुझे\s+)?(?:मदद|सहायता|हेल्प)(?:\s+(?:चाहिए|करो|करें|कीजिए))?[\s?!.।]*$/u;

// Chit-chat that mentions a meeting or demo books nothing: laughter, the meeting as a point in time
// ("after the meeting", "demo ke baad"), a past or a verdict ("went on forever", "mast thi", "बहुत
// अच्छी रही"), or a question, without a booking word or a clock time.
const LAUGH = /\b(?:ha(?:ha)+h?|he(?:he)+|lol|lmao|rofl)\b|😂|🤣|😅|😆|😄/iu;
const MEETING_AS_TIME = rx(
  "\\b(?:after|before|during|since)\\s+(?:the|our|this|that|my|your|today\\s*'s|yesterday\\s*'s)?\\s*(?:meeting|demo|call)\\b|\\b(?:meeting|demo|call)\\s+(?:ke|ki|ka)\\s+(?:baad|pehle|dauran|time)\\b",
);
const MEETING_AS_TIME_HI = /(?:मीटिंग|डेमो|कॉल)\s+(?:के|से)\s+(?:बाद|पहले|दौरान)/u;
const PAST = rx('\\b(?:was|were|went|tha|thi|rahi|raha|gaye|gayi)\\b');
const PAST_HI = /(?:रही|रहा|थी|था|थे|गई|गया|गए|चलेंगे|चलें)(?=$|[\s?!.,।])/u;
const LAST = rx('\\b(?:last\\s+(?:week|month|time)|yesterday|kal\\s+wala|tomorrow\\s+wala)\\b');

// Thanks and praise ("thanks yaar, bahut badhiya kaam", "great work team", "शुक्रिया, बढ़िया काम") ask
// for nothing, though "kaam" reads as "tasks": every word is one of thanks, praise or filler.
const PRAISE_CORE =
  /\b(?:thanks|thank|thanku|thx|shukriya|dhanyavaad|dhanyawad|badhiya|badiya|great|awesome|nice|superb|zabardast|mast|kamaal)\b|शुक्रिया|धन्यवाद|बढ\u093Cिया|बहुत\s+अच्छा/iu;
const PRAISE_WORDS = new Set(
  (
    'thanks thank you thanku thx shukriya dhanyavaad dhanyawad bahut bohot very so really great good nice awesome amazing ' +
    'superb badhiya badiya accha acha achha mast zabardast kamaal well done yaar yar team sab sabne sabka everyone guys ' +
    'bhai kiya kya hai tha job work kaam keep it up all of a lot शुक्रिया धन्यवाद बहुत बढ़िया अच्छा काम किया सबने सब टीम'
  )
    .normalize('NFD')
    .split(' '),
);
/** Nukta letters compared decomposed (ड़ = ड + ़), however the text spelled them. */
function praise(text: string): boolean {
  const t = text.normalize('NFD').toLowerCase();
  if (!PRAISE_CORE.test(t)) return false;
  const words = t.split(/[\s,.!?।]+/u).filter((w) => w && !/^\p{Extended_Pictographic}+$/u.test(w));
  return words.length > 0 && words.every((w) => PRAISE_WORDS.has(w));
}

function chitChat(s: string, text: string): boolean {
  if (SCHEDULE.test(s) || RESCHEDULE.test(s) || TIMEISH.test(s) || text.includes('बजे')) return false;
  if (LAUGH.test(text) || MEETING_AS_TIME.test(s) || MEETING_AS_TIME_HI.test(text)) return true;
  if (PAST.test(s) || PAST_HI.test(text) || LAST.test(s)) return true;
  return QUESTION.test(s) && !REQUEST.test(s);
}

const GREETING_ONLY = /^(?:(?:hi|hello|hey|namaste|bhai|sir|please|ok|okay|team|bot)\s*)+$/;

/** "help", or several help requests in a row: "kaise use karna hai ye bot? commands batao". */
function isHelp(s: string): boolean {
  const whole = s
    .replace(/[!?.,]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (HELP.test(whole) || HELP2.test(whole)) return true;
  const parts = s
    .split(/[!?.,;]+/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p && !GREETING_ONLY.test(p));
  return parts.length > 0 && parts.length <= 3 && parts.every((p) => HELP.test(p) || HELP2.test(p));
}

function firstIndex(re: RegExp, s: string): number {
  re.lastIndex = 0;
  const m = re.exec(s);
  return m ? m.index : -1;
}

/** `skel` is Doc.skel; `text` the user's normalised text (for date words in any script). */
export function classify(skel: string, opts: { hasPhone: boolean; hasEmail: boolean; text: string }): Classified {
  const s = skel.replace(/\s+/g, ' ').trim();
  const dateish = hasDateish(opts.text.toLowerCase());
  if (!/[\p{L}\p{N}]/u.test(s)) return { intent: 'unknown', confidence: 0.9 };
  if (isHelp(s)) return { intent: 'help', confidence: 0.95 };
  if (HOW_TO.test(s) || (HOW_TO_HI.test(s) && s.split(' ').length <= 7) || HELP_HI.test(opts.text.trim()))
    return { intent: 'help', confidence: 0.9 };

  let labels = 0;
  for (const [, re] of DETAIL_LABELS) if (re.test(s)) labels++;
  const labelFirst =
    /^(?:for\s+[^:,]{1,40}[:,-]\s*|[^:]{1,40}:\s*)?(?:(?:the|our|their)\s+)?(?:(?:main|biggest|key|major)\s+)?(?:address|turnover|current\s+system|system|challenges)\b/u.test(
      s,
    );
  if (labels >= 2 && !opts.hasPhone) return { intent: 'provide_details', confidence: 0.9 };
  // "Vega Motors ki problem hai …", "उनकी सबसे बड़ी दिक्कत है कि …", "Orbit's biggest problem is that …"
  if (
    labels === 1 &&
    !opts.hasPhone &&
    !INTENT_WORDS.test(s) &&
    /^(?:[^\s,.;:]+\s+){0,5}(?:challenges|address|turnover)\s+(?:hai|hain|is|are|ka|ki|ke)\b|^(?:[^\s,.;:]+\s+){1,4}(?:ka|ki|ke)\s+(?:challenges|address|turnover|current\s+system)\s*[:\-=]/u.test(
      s,
    )
  )
    return { intent: 'provide_details', confidence: 0.7 };
  const labelColon = /^(?:address|turnover|current\s+system|system|challenges)\s*[:=]/u.test(s);
  if (labels === 1 && labelFirst && (labelColon || !INTENT_WORDS.test(s)) && !opts.hasPhone)
    return { intent: 'provide_details', confidence: 0.7 };

  if (STOP_FOLLOWUPS.test(s)) return { intent: 'stop_followups', confidence: 0.9 };

  for (const re of ACTIVITY_LABEL)
    if (re.test(s) && !CREATE[0].test(s)) return { intent: 'add_activity', confidence: 0.85 };

  const qualify = QUALIFY.test(s) && !DISQUALIFY.test(s);
  if (!qualify) {
    for (const re of CREATE) if (re.test(s)) return { intent: 'create_lead', confidence: 0.9 };
  }
  // "Is Zen Spa qualified?" asks rather than tells; the executor or the LLM should confirm.
  if (qualify) return { intent: 'qualify_lead', confidence: /^(?:is|has|kya)\b.*\?\s*$/.test(s) ? 0.5 : 0.9 };
  if (HISTORY.test(s)) return { intent: 'lead_history', confidence: 0.85 };

  const meetingAt = firstIndex(MEETING_NOUN, s);
  const demoAt = firstIndex(DEMO_NOUN, s);
  const hasNoun = meetingAt >= 0 || demoAt >= 0;

  const cancel = cancelOf(s, opts.text);
  if (cancel) return cancel;

  if (praise(opts.text)) return { intent: 'unknown', confidence: 0.4 };
  if (TASKS.test(s)) return { intent: 'list_tasks', confidence: 0.85 };
  if (LIST_MEETINGS.test(s) && !SCHEDULE.test(s) && !RESCHEDULE.test(s) && !DONE.test(s) && !DEMO_TO_GIVE.test(s))
    return { intent: 'list_tasks', confidence: 0.7 };
  if (LEADS.test(s)) return { intent: 'list_leads', confidence: 0.85 };

  if (hasNoun) {
    const demo = demoAt >= 0 && (meetingAt < 0 || demoAt < meetingAt);
    const noun = demo ? 'demo' : 'meeting';
    const bareCall = !demo && /\bcall\b/.test(s) && !/\bmeeting|meet|met\b/.test(s);
    // A future marker in the clause with the noun ("demo dena hai", "will meet") means not done yet;
    // one in a later clause is the note ("went well, they will order").
    const nounAt = Math.min(...[meetingAt, demoAt].filter((i) => i >= 0));
    const sep = s.slice(nounAt).search(/[,.;!?]/);
    const head = sep < 0 ? s : s.slice(0, nounAt + sep);
    const done = DONE.test(s) && !(FUTURE.test(head) && !STRONG_DONE.test(head));
    if (done) {
      if (bareCall) return { intent: 'add_activity', confidence: 0.6 };
      return { intent: 'meeting_family', noun, phase: 'done', confidence: 0.9 };
    }
    if (chitChat(s, opts.text)) return { intent: 'unknown', confidence: 0.4 };
    if (bareCall && !SCHEDULE.test(s) && !dateish)
      return ACTIVITY_VERBS.test(s)
        ? { intent: 'add_activity', confidence: 0.6 }
        : { intent: 'unknown', confidence: 0.3 };
    // "Vega Motors ko call kiya, …" is a call made (an activity); "Call Orbit tomorrow at 11" one to make.
    if (bareCall && ACTIVITY_VERBS.test(s)) return { intent: 'add_activity', confidence: 0.65 };
    if (bareCall && !RESCHEDULE.test(s))
      return { intent: 'meeting_family', noun: 'call', phase: 'schedule', confidence: 0.8 };
    if (RESCHEDULE.test(s)) return { intent: 'meeting_family', noun, phase: 'reschedule', confidence: 0.85 };
    const sure = SCHEDULE.test(s) || dateish;
    return { intent: 'meeting_family', noun, phase: 'schedule', confidence: sure ? 0.85 : 0.6 };
  }

  for (const re of REASSIGN) if (re.test(s)) return { intent: 'reassign_lead', confidence: 0.85 };
  if (ACTIVITY_VERBS.test(s) || REPORTED.test(opts.text.trim())) return { intent: 'add_activity', confidence: 0.65 };
  if (opts.hasPhone || opts.hasEmail) return { intent: 'create_lead', confidence: 0.55 };
  if (COMPANY_COLON.test(opts.text.trim())) return { intent: 'add_activity', confidence: 0.5 };
  // "12 MG Road Pune, 5 Cr, Tally, manual billing": an unlabelled answer to the details question.
  if (MONEY.test(opts.text.toLowerCase()) && opts.text.split(/[,;|\n]/).filter((p) => p.trim()).length >= 2) {
    return { intent: 'provide_details', confidence: 0.55 };
  }
  return { intent: 'unknown', confidence: 0.3 };
}
