// Never silence after a handoff: the holding reply says when the customer will hear from a person
// (within N minutes during business hours, else when the business opens), and if nobody has
// answered by then the customer is told and the team reminded (inbound/handoff-watch runs that).
//
// Workspace settings read here (jsonb `workspaces.settings`, optional):
//   handoff_answer_minutes: 15   how long a person has to answer a handed-off customer (1–1440)
//   business_hours: { days: ["mon", …], open: "10:00", close: "19:00" }   (nurture/schedule)
import { say, type Lang } from '../lib/language.ts';
import { businessHoursOf, nextOpening } from '../nurture/schedule.ts';

export const DEFAULT_HANDOFF_MINUTES = 15;

export function handoffMinutes(settings: Record<string, unknown>): number {
  const n = settings.handoff_answer_minutes;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 1440 ? n : DEFAULT_HANDOFF_MINUTES;
}

type Ws = { settings: Record<string, unknown>; timeZone: string };

/** The business opens next at this instant (now, when open; always open without business hours). */
export function nextOpen(ws: Ws, now: Date): Date {
  const hours = businessHoursOf(ws.settings);
  return hours ? new Date(nextOpening(now.getTime(), ws.timeZone, hours)) : now;
}

/** When nobody having answered is worth telling the customer: N minutes of business hours after the handoff. */
export function answerDeadline(ws: Ws, handedOffAt: Date): Date {
  return new Date(nextOpen(ws, handedOffAt).getTime() + handoffMinutes(ws.settings) * 60_000);
}

/** "Mon, 9 Mar, 10:00 am" (Hindi months for Hindi). */
function opening(at: Date, timeZone: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'hi' ? 'hi-IN' : 'en-IN', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: 'numeric',
    minute: '2-digit',
    hour12: true,
  }).format(at);
}

/** The holding reply's expectation: within N minutes now, or when the business opens. */
export function expectationLine(ws: Ws, now: Date, lang: Lang): string {
  const open = nextOpen(ws, now);
  if (open.getTime() <= now.getTime()) {
    const n = handoffMinutes(ws.settings);
    return say(
      lang,
      `You can expect a reply within about ${n} minutes.`,
      `Lagbhag ${n} minute mein jawab mil jayega.`,
      `लगभग ${n} मिनट में जवाब मिल जाएगा।`,
    );
  }
  const when = opening(open, ws.timeZone, lang);
  return say(
    lang,
    `We're closed right now; someone will reply when we open (${when}).`,
    `Abhi hum band hain; khulte hi (${when}) koi reply karega.`,
    `अभी हम बंद हैं; खुलते ही (${when}) कोई जवाब देगा।`,
  );
}

/** To the customer when nobody answered in time. */
export function stillWaitingText(lang: Lang, who: string | null): string {
  return who
    ? say(
        lang,
        `Sorry for the wait — ${who} hasn't been able to reply yet. I've reminded the team; you'll hear from us here soon.`,
        `Intezaar ke liye maafi — ${who} abhi tak reply nahi kar paaye. Maine team ko yaad dila diya hai; jaldi yahin jawab milega.`,
        `इंतज़ार के लिए माफ़ी — ${who} अभी तक जवाब नहीं दे पाए। मैंने टीम को याद दिला दिया है; जल्द यहीं जवाब मिलेगा।`,
      )
    : say(
        lang,
        "Sorry for the wait — nobody has been able to reply yet. I've reminded the team; you'll hear from us here soon.",
        'Intezaar ke liye maafi — abhi tak koi reply nahi kar paaya. Maine team ko yaad dila diya hai; jaldi yahin jawab milega.',
        'इंतज़ार के लिए माफ़ी — अभी तक कोई जवाब नहीं दे पाया। मैंने टीम को याद दिला दिया है; जल्द यहीं जवाब मिलेगा।',
      );
}
