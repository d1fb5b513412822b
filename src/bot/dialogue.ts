// The customer bot's side of the conversation: what it last asked (`conversation.state.dialogue`,
// with an expiry), so that an answer to its own question is understood. "Shall I ask them to call
// you?" → "Yes please" requests the call; "Which day and time suit you?" → "Tomorrow 11am works"
// books the demo or meeting at that time. A question the customer does not answer is dropped at
// the next reply; an answer that is not clear enough asks again, never guesses.
import { parseWhen } from '../commands/interpret/dates.ts';
import { say, type Lang } from '../lib/language.ts';
import type { RulesReply } from './reply-rules.ts';

export type Dialogue =
  { asked: 'call'; askedAt: string } | { asked: 'slot'; kind: 'demo' | 'meeting'; askedAt: string };

/** A yes/no on a call is answered within hours; a day and time may take until the next day. */
const TTL_MS = { call: 6 * 3600_000, slot: 24 * 3600_000 } as const;

export function readDialogue(state: unknown, now: Date): Dialogue | null {
  const d = (state as { dialogue?: Dialogue } | null)?.dialogue;
  if (!d || typeof d !== 'object' || !d.askedAt || !(d.asked in TTL_MS)) return null;
  const age = now.getTime() - new Date(d.askedAt).getTime();
  return age >= 0 && age <= TTL_MS[d.asked] ? d : null;
}

/** What the bot does for an answer: request a call, or book a demo/meeting at a time. */
export type BotAction = { type: 'call'; at?: string } | { type: 'demo' | 'meeting'; at: string };

export type DialogueAnswer = {
  reply: RulesReply;
  action?: BotAction;
  /** The question still stands (the answer gave a day but no time). */
  keep?: boolean;
};

const YES =
  /^\s*(yes|yeah|yep|yup|ya|sure|ok(ay)?|please|yes please|please do|go ahead|of course|definitely|absolutely|haan|haa|ha|han|ji|ji haan|haan ji|bilkul|zaroor|jarur|theek hai|thik hai|chalega|kar do|kardo|हाँ|हां|जी|जी हाँ|हाँ जी|ज़रूर|जरूर|बिल्कुल|ठीक है)\b/iu;
const NO = /^\s*(no|nope|nah|not now|not yet|later|no thanks|nahi|nahin|na|mat|abhi nahi|नहीं|नही|अभी नहीं|मत)\b/iu;
// Devanagari words have no \b in JS regexes; test them on their own.
const YES_HI = /^\s*(हाँ|हां|जी|ज़रूर|जरूर|बिल्कुल|ठीक है)/u;
const NO_HI = /^\s*(नहीं|नही|अभी नहीं|मत)/u;

export const isYes = (t: string) => (YES.test(t) || YES_HI.test(t)) && !isNo(t);
/** A refusal anywhere ("ji nahi", "haan, but not now", "abhi mat karo") also counts. */
const NO_ANYWHERE = /\b(not now|don'?t|do not|no thanks|nahi|nahin|mat karo|abhi nahi)\b|नहीं|मत कीजिए|मत करो/iu;
export const isNo = (t: string) => NO.test(t) || NO_HI.test(t) || NO_ANYWHERE.test(t);

/** "Wed, 11 Mar, 11:00 am IST" in the workspace's zone, in the customer's language. */
export function formatSlot(at: Date, timeZone: string, lang: Lang): string {
  const locale = lang === 'hi' ? 'hi-IN' : 'en-IN';
  // A formatter costs ~100 µs to make: one per locale and zone.
  const key = `${locale} ${timeZone}`;
  let f = slotFormats.get(key);
  if (!f)
    slotFormats.set(
      key,
      (f = new Intl.DateTimeFormat(locale, {
        timeZone,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: 'numeric',
        minute: '2-digit',
        hour12: true,
        timeZoneName: 'short',
      })),
    );
  return f.format(at);
}
const slotFormats = new Map<string, Intl.DateTimeFormat>();

export type AnswerInput = {
  text: string;
  lang: Lang;
  now: Date;
  timeZone: string;
  /** The person the notice goes to ("Amit"), or null when it goes to the team. */
  who: string | null;
};

export function answerDialogue(d: Dialogue, input: AnswerInput): DialogueAnswer | null {
  const { text, lang } = input;
  const hi = (en: string, hiText: string, hinglish: string) => say(lang, en, hinglish, hiText);
  if (d.asked === 'call') {
    if (isNo(text))
      return {
        reply: {
          text: hi(
            'No problem — I won’t ask them to call. Write here whenever you need anything.',
            'कोई बात नहीं — मैं कॉल के लिए नहीं कहूँगा। जब भी ज़रूरत हो, यहाँ लिखिए।',
            'Koi baat nahi — main call ke liye nahi kahunga. Jab bhi zaroorat ho, yahin likhiye.',
          ),
          understood: true,
        },
      };
    if (!isYes(text)) return null;
    return callBack(input);
  }
  return answerSlot(d.kind, input, true);
}

/**
 * A call back: a call task for the assignee (or the team), due at the time the customer named when
 * it is ahead ("call me at 5pm"), else at once.
 */
export function callBack(input: AnswerInput): DialogueAnswer {
  const { lang } = input;
  const hi = (en: string, hiText: string, hinglish: string) => say(lang, en, hinglish, hiText);
  const who = input.who ?? hi('our team', 'हमारी टीम', 'hamari team');
  const when = parseWhen(input.text, { now: input.now, timeZone: input.timeZone });
  const at = when?.hasTime && when.at && new Date(when.at).getTime() > input.now.getTime() ? new Date(when.at) : null;
  const slot = at ? formatSlot(at, input.timeZone, lang) : null;
  // A day or a part of it without a clock time ("tomorrow", "shaam ko"): their words go to the
  // assignee with the task (due now, so it is read), and the reply says them back, no "soon".
  const said = !at && when?.text ? when.text : null;
  return {
    reply: {
      text: said
        ? hi(
            `Done — I've asked ${who} to call you on this number ${said}.`,
            `हो गया — मैंने ${who} से आपको इसी नंबर पर ${said} कॉल करने को कहा है।`,
            `Ho gaya — maine ${who} ko aapko isi number par ${said} call karne ko kaha hai.`,
          )
        : slot
          ? hi(
              `Done — I've asked ${who} to call you on this number on ${slot}.`,
              `हो गया — मैंने ${who} से आपको इसी नंबर पर ${slot} कॉल करने को कहा है।`,
              `Ho gaya — maine ${who} ko aapko isi number par ${slot} call karne ko kaha hai.`,
            )
          : hi(
              `Done — I've asked ${who} to call you on this number. They'll ring you soon.`,
              `हो गया — मैंने ${who} से आपको इसी नंबर पर कॉल करने को कहा है। वे जल्द कॉल करेंगे।`,
              `Ho gaya — maine ${who} ko aapko isi number par call karne ko kaha hai. Woh jaldi call karenge.`,
            ),
      notifyTeam: at
        ? `asked for a call back on ${formatSlot(at, input.timeZone, 'en')} (call task created)`
        : said
          ? `asked for a call back "${said}" (call task created)`
          : 'asked for a call back (call task created)',
      understood: true,
    },
    action: { type: 'call', ...(at ? { at: at.toISOString() } : {}) },
  };
}

/**
 * A day and time for a demo or meeting: booked when it names a time ahead; a day without a time
 * or a time already past asks again. `asked`: the bot asked for it (otherwise null when no time).
 */
export function answerSlot(kind: 'demo' | 'meeting', input: AnswerInput, asked: boolean): DialogueAnswer | null {
  const { lang } = input;
  const hi = (en: string, hiText: string, hinglish: string) => say(lang, en, hinglish, hiText);
  const who = input.who ?? hi('our team', 'हमारी टीम', 'hamari team');
  const when = parseWhen(input.text, { now: input.now, timeZone: input.timeZone });
  if (!when) return asked && isNo(input.text) ? { reply: { text: okLater(lang), understood: true } } : null;
  if (!when.hasTime || !when.at)
    return {
      reply: {
        text: hi(
          'Sure — what time that day suits you?',
          'ज़रूर — उस दिन कौन सा समय ठीक रहेगा?',
          'Zaroor — us din kaunsa time theek rahega?',
        ),
        understood: true,
      },
      keep: true,
    };
  const at = new Date(when.at);
  if (at.getTime() <= input.now.getTime())
    return {
      reply: {
        text: hi(
          'That time has already passed — which day and time suit you?',
          'वह समय निकल चुका है — कौन सा दिन और समय ठीक रहेगा?',
          'Woh time nikal chuka hai — kaunsa din aur time theek rahega?',
        ),
        understood: true,
      },
      keep: true,
    };
  const slot = formatSlot(at, input.timeZone, lang);
  const noun = kind === 'demo' ? hi('demo', 'डेमो', 'demo') : hi('meeting', 'मीटिंग', 'meeting');
  return {
    reply: {
      text: hi(
        `Booked: a ${noun} with ${who} on ${slot}. ${input.who ? `${who} has` : 'The team has'} been told and will confirm here.`,
        `बुक हो गया: ${who} के साथ ${noun}, ${slot}। ${input.who ? `${who} को` : 'टीम को'} बता दिया है, वे यहीं पक्का करेंगे।`,
        `Book ho gaya: ${who} ke saath ${noun}, ${slot}. ${input.who ? `${who} ko` : 'Team ko'} bata diya hai, woh yahin confirm karenge.`,
      ),
      notifyTeam: `booked a ${kind} for ${formatSlot(at, input.timeZone, 'en')} (task created)`,
      understood: true,
    },
    action: { type: kind, at: at.toISOString() },
  };
}

const okLater = (lang: Lang) =>
  say(
    lang,
    'No problem — tell me whenever you’d like to pick a time.',
    'Koi baat nahi — jab time choose karna ho, bata dijiye.',
    'कोई बात नहीं — जब समय चुनना हो, बता दीजिए।',
  );

const PART: Record<string, [string, string, string]> = {
  morning: ['mornings', 'सुबह', 'subah'],
  afternoon: ['afternoons', 'दोपहर', 'dopahar'],
  evening: ['evenings', 'शाम', 'shaam'],
};

/** The answer to a profiling question, acknowledged (it is stored with the message's facts); null when it did not answer. */
export function profileAck(field: string, facts: Record<string, unknown>, lang: Lang): string | null {
  const hi = (en: string, hiText: string, hinglish: string) => say(lang, en, hinglish, hiText);
  const value = facts[field];
  if (value === undefined || value === null) return null;
  switch (field) {
    case 'name': {
      const name = String(value).trim().split(/\s+/)[0];
      return hi(
        `Nice to meet you, ${name}!`,
        `आपसे मिलकर अच्छा लगा, ${name} जी!`,
        `Aapse milkar accha laga, ${name} ji!`,
      );
    }
    case 'email':
      return hi(
        `Thanks — I've noted ${String(value)} for the documents.`,
        `धन्यवाद — मैंने दस्तावेज़ों के लिए ${String(value)} नोट कर लिया है।`,
        `Shukriya — maine documents ke liye ${String(value)} note kar liya hai.`,
      );
    case 'preferred_times': {
      const t = value as { part_of_day?: string; before?: string; after?: string };
      const part = t.part_of_day ? PART[t.part_of_day] : undefined;
      if (part)
        return hi(
          `Thanks — noted that ${part[0]} suit you best.`,
          `धन्यवाद — नोट कर लिया कि आपको ${part[1]} का समय ठीक रहता है।`,
          `Shukriya — note kar liya ki aapko ${part[2]} ka time theek rehta hai.`,
        );
      return hi(
        'Thanks — I’ve noted the times that suit you.',
        'धन्यवाद — आपके लिए सही समय नोट कर लिया है।',
        'Shukriya — aapke liye sahi time note kar liya hai.',
      );
    }
    case 'communication_preferences': {
      const c = value as { channel?: string; no_calls?: true };
      const how = c.no_calls ? hi('no calls', 'कॉल नहीं', 'call nahi') : (c.channel ?? null);
      return how
        ? hi(
            `Thanks — noted: ${how === 'phone' ? 'a call' : how} it is.`,
            `धन्यवाद — नोट कर लिया: ${how === 'phone' ? 'कॉल' : how}।`,
            `Shukriya — note kar liya: ${how === 'phone' ? 'call' : how}.`,
          )
        : null;
    }
    default:
      return null;
  }
}
