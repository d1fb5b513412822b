// The rules responder: personal, short replies from the customer context, in the customer's
// language, with a tone by lead status — hot leads get priority and an offer of a call or demo,
// qualified leads specific benefits, customers support first. What it cannot handle it says so
// and hands over to a person.
import { formatDateTime } from '../lib/time.ts';
import { temperature, type CustomerContext } from './context.ts';
import type { CustomerIntent } from './intents.ts';
import { say, type Lang } from '../lib/language.ts';
import { callName } from './names.ts';

export type ReplyInput = {
  ctx: CustomerContext | null;
  text: string;
  lang: Lang;
  intent: CustomerIntent;
  business: string;
  sells?: string;
  /** Address by name in this reply (not in every message). */
  useName: boolean;
  profile: Record<string, unknown>;
  now: Date;
  timeZone: string;
  /** The previous bot reply did not understand either. */
  failedBefore: boolean;
  /** Open with "Hi …!" (not when the bot greeted in this conversation lately). */
  greet?: boolean;
  /** What the workspace's customers get, for qualified leads (setting `benefits`). */
  benefits?: string[];
};

export type RulesReply = {
  text: string;
  handoff?: 'asked_for_person' | 'upset' | 'repeated_failure';
  notifyTeam?: string;
  understood: boolean;
  /** The reply asks the customer something the next message may answer (bot/dialogue). */
  asks?: 'call' | { slot: 'demo' | 'meeting' };
};

const first = callName;

function money(v: number, currency: string) {
  return currency === 'INR'
    ? `₹${Number(v).toLocaleString('en-IN')}`
    : `${currency} ${Number(v).toLocaleString('en-IN')}`;
}

export function rulesReply(input: ReplyInput): RulesReply {
  const { ctx, lang, intent } = input;
  const name = input.useName ? first(ctx?.name ?? (input.profile.name as string | undefined)) : null;
  const hi = (en: string, hiText: string, hinglish: string) => say(lang, en, hinglish, hiText);
  const greet =
    input.greet === false
      ? ''
      : name
        ? hi(`Hi ${name}! `, `नमस्ते ${name} जी! `, `Namaste ${name} ji! `)
        : hi('Hi! ', 'नमस्ते! ', 'Namaste! ');
  // A customer who is back: "great to hear from you again" once, with the greeting.
  const again =
    greet && ctx && temperature(ctx) === 'customer'
      ? hi('Great to hear from you again. ', 'आपसे फिर बात करके अच्छा लगा। ', 'Aapse phir baat karke accha laga. ')
      : '';
  // Hot leads: their request goes to the front of the queue, and they are told so.
  const priority =
    ctx && temperature(ctx) === 'hot'
      ? hi(
          ` I've marked this as a priority for ${first(ctx.assigneeName) ?? 'our team'}.`,
          ` मैंने इसे ${first(ctx.assigneeName) ?? 'हमारी टीम'} के लिए प्राथमिकता पर रखा है।`,
          ` Maine ise ${first(ctx.assigneeName) ?? 'hamari team'} ke liye priority par rakha hai.`,
        )
      : '';
  const benefits =
    ctx && temperature(ctx) === 'qualified' && input.benefits?.length
      ? hi(
          ` For teams like yours that means: ${input.benefits.slice(0, 3).join('; ')}.`,
          ` आप जैसी टीमों के लिए इसका मतलब: ${input.benefits.slice(0, 3).join('; ')}।`,
          ` Aap jaisi teams ke liye iska matlab: ${input.benefits.slice(0, 3).join('; ')}.`,
        )
      : '';
  // Only the person the notices go to is named: the assignee (else the team, whom they reach).
  const staff = first(ctx?.assigneeName) ?? null;
  const who = staff ?? hi('our team', 'हमारी टीम', 'hamari team');
  const tone = ctx ? temperature(ctx) : 'new';
  const deal = ctx?.deals[0];
  const task = ctx?.tasks.find((t) => t.due_date);
  const when = (iso: string) => formatDateTime(new Date(iso), input.timeZone);
  const times = input.profile.preferred_times as { part_of_day?: string } | undefined;
  const slot = times?.part_of_day
    ? hi(
        ` in the ${times.part_of_day}`,
        ` ${({ morning: 'सुबह', afternoon: 'दोपहर', evening: 'शाम' } as Record<string, string>)[times.part_of_day] ?? ''} में`,
        ` ${({ morning: 'subah', afternoon: 'dopahar', evening: 'shaam' } as Record<string, string>)[times.part_of_day] ?? ''}`,
      )
    : '';

  switch (intent) {
    case 'human':
      return {
        text: hi(
          `${greet}Of course — I'm connecting you with ${who} now. They'll reply here shortly.`,
          `${greet}ज़रूर — मैं आपको ${who} से जोड़ रहा हूँ। वे जल्द ही यहीं जवाब देंगे।`,
          `${greet}Zaroor — main aapko ${who} se connect kar raha hoon. Woh jaldi yahin reply karenge.`,
        ),
        handoff: 'asked_for_person',
        understood: true,
      };
    case 'upset':
      return {
        text: hi(
          `I'm really sorry about this${name ? `, ${name}` : ''}. I've asked ${who} to look into it personally — they'll get back to you here very soon.`,
          `मुझे सच में खेद है${name ? `, ${name} जी` : ''}। मैंने ${who} से खुद देखने को कहा है — वे बहुत जल्द यहीं जवाब देंगे।`,
          `Mujhe sach mein afsos hai${name ? ` ${name} ji` : ''}. Maine ${who} ko khud dekhne ko kaha hai — woh bahut jaldi yahin reply karenge.`,
        ),
        handoff: 'upset',
        understood: true,
      };
    case 'delete_data':
      return {
        text: hi(
          'I can do that. Reply DELETE MY DATA to confirm and we will erase your details and messages.',
          'मैं यह कर सकता हूँ। पुष्टि के लिए DELETE MY DATA भेजें, हम आपकी जानकारी और संदेश मिटा देंगे।',
          'Ho jayega. Confirm karne ke liye DELETE MY DATA bhejiye, hum aapki details aur messages mita denge.',
        ),
        understood: true,
      };
    case 'greeting':
      if (tone === 'customer')
        return {
          text: hi(
            `${greet}Great to hear from you again. How can we help you today?`,
            `${greet}आपसे फिर बात करके अच्छा लगा। आज हम आपकी क्या मदद कर सकते हैं?`,
            `${greet}Aapse phir baat karke accha laga. Aaj hum aapki kya madad kar sakte hain?`,
          ),
          understood: true,
        };
      if (tone === 'hot' && deal)
        return {
          text: hi(
            `${greet}Good to hear from you. Shall I set up a quick call with ${who} about ${deal.title}?`,
            `${greet}आपसे बात करके अच्छा लगा। क्या मैं ${deal.title} के बारे में ${who} के साथ एक छोटी कॉल रख दूँ?`,
            `${greet}Aapse baat karke accha laga. Kya main ${deal.title} ke baare mein ${who} ke saath ek chhoti call rakh doon?`,
          ),
          understood: true,
          asks: 'call',
        };
      return {
        text: hi(
          `${greet}How can I help you today?`,
          `${greet}मैं आपकी क्या मदद कर सकता हूँ?`,
          `${greet}Main aapki kya madad kar sakta hoon?`,
        ),
        understood: true,
      };
    case 'pricing':
      if (tone === 'hot')
        return {
          text: hi(
            `${greet}Since you're already evaluating${deal ? ` ${deal.title}` : ` ${input.business}`}, the quickest way to exact pricing is a short call with ${who}${slot}. Shall I ask them to call you?`,
            `${greet}सटीक कीमत के लिए सबसे आसान है ${who} के साथ एक छोटी कॉल${slot}। क्या मैं उन्हें आपको कॉल करने को कहूँ?`,
            `${greet}Exact pricing ke liye sabse aasaan hai ${who} ke saath ek chhoti call${slot}. Kya main unhe aapko call karne ko kahoon?`,
          ),
          notifyTeam: 'asked about pricing',
          understood: true,
          asks: 'call',
        };
      if (tone === 'customer')
        return {
          text: hi(
            `${greet}Happy to help. ${who} will send you the pricing for your account shortly.`,
            `${greet}ज़रूर। ${who} जल्द ही आपके खाते के लिए कीमतें भेजेंगे।`,
            `${greet}Zaroor. ${who} jaldi hi aapke account ke liye pricing bhejenge.`,
          ),
          notifyTeam: 'asked about pricing',
          understood: true,
        };
      return {
        text: hi(
          `${greet}Our pricing depends on what you need${input.sells ? ` from our ${input.sells}` : ''}.${benefits} ${who} will share a quote that fits you — what are you looking for?`,
          `${greet}कीमत आपकी ज़रूरत पर निर्भर करती है।${benefits} ${who} आपके लिए सही कोटेशन भेजेंगे — आप क्या ढूँढ रहे हैं?`,
          `${greet}Price aapki zaroorat par depend karta hai.${benefits} ${who} aapke liye sahi quote bhejenge — aap kya dhoondh rahe hain?`,
        ),
        notifyTeam: 'asked about pricing',
        understood: true,
      };
    case 'demo': {
      const booked = ctx?.tasks.find((t) => (t.type === 'demo' || t.type === 'meeting') && t.due_date);
      if (booked)
        return {
          text: hi(
            `${greet}You're booked: ${booked.title} on ${when(booked.due_date!)}. Would you like to change it?`,
            `${greet}आपकी बुकिंग है: ${booked.title}, ${when(booked.due_date!)}। क्या आप इसे बदलना चाहेंगे?`,
            `${greet}Aapki booking hai: ${booked.title}, ${when(booked.due_date!)}. Kya aap ise badalna chahenge?`,
          ),
          understood: true,
        };
      return {
        text: hi(
          `${greet}I'd be glad to arrange that. Which day and time suit you${slot ? `${slot}` : ''}? I'll confirm with ${who}.${priority}`,
          `${greet}ज़रूर। आपके लिए कौन सा दिन और समय ठीक रहेगा? मैं ${who} से पक्का करवा दूँगा।`,
          `${greet}Zaroor. Aapke liye kaunsa din aur time theek rahega? Main ${who} se confirm karwa dunga.`,
        ),
        notifyTeam: 'wants a demo or meeting',
        understood: true,
        asks: {
          slot: /\b(meeting|appointment|visit|milna|mil sakte)\b|मीटिंग|अपॉइंटमेंट/i.test(input.text) ? 'meeting' : 'demo',
        },
      };
    }
    case 'status':
      if (task)
        return {
          text: hi(
            `${greet}Perfect timing — ${who} has a follow-up with you scheduled for ${when(task.due_date!)}. I've let them know you asked.`,
            `${greet}सही समय — ${who} की आपके साथ ${when(task.due_date!)} को फ़ॉलो-अप तय है। मैंने उन्हें बता दिया है।`,
            `${greet}Perfect timing — ${who} ka aapke saath ${when(task.due_date!)} ko follow-up tay hai. Maine unhe bata diya hai.`,
          ),
          notifyTeam: 'asked for an update',
          understood: true,
        };
      if (deal)
        return {
          text: hi(
            `${greet}${deal.title} is at the ${deal.stage} stage. I've asked ${who} to send you the latest.`,
            `${greet}${deal.title} अभी ${deal.stage} चरण में है। मैंने ${who} से आपको ताज़ा जानकारी भेजने को कहा है।`,
            `${greet}${deal.title} abhi ${deal.stage} stage par hai. Maine ${who} se aapko latest update bhejne ko kaha hai.`,
          ),
          notifyTeam: 'asked for an update',
          understood: true,
        };
      return {
        text: hi(
          `${greet}${again}I've asked ${who} for an update; they'll get back to you here.${priority}`,
          `${greet}${again}मैंने ${who} से अपडेट माँगा है; वे यहीं जवाब देंगे।${priority}`,
          `${greet}${again}Maine ${who} se update maanga hai; woh yahin reply karenge.${priority}`,
        ),
        notifyTeam: 'asked for an update',
        understood: true,
      };
    case 'contract':
      if (deal)
        return {
          text: hi(
            `${greet}Great! I see ${deal.title} (${money(deal.value, deal.currency)}) at the ${deal.stage} stage. I'm connecting you with ${who} to finalise — they'll reach out shortly.`,
            `${greet}बढ़िया! ${deal.title} (${money(deal.value, deal.currency)}) ${deal.stage} चरण में है। अंतिम रूप देने के लिए ${who} जल्द संपर्क करेंगे।`,
            `${greet}Badhiya! ${deal.title} (${money(deal.value, deal.currency)}) ${deal.stage} stage par hai. Finalise karne ke liye ${who} jaldi contact karenge.`,
          ),
          notifyTeam: 'wants to finalise the contract',
          understood: true,
        };
      return {
        text: hi(
          `${greet}Wonderful. I've asked ${who} to reach out and take it forward.`,
          `${greet}बहुत बढ़िया। मैंने ${who} से आगे बढ़ाने को कहा है।`,
          `${greet}Bahut badhiya. Maine ${who} se aage badhane ko kaha hai.`,
        ),
        notifyTeam: 'wants to go ahead',
        understood: true,
      };
    case 'support':
      if (tone === 'customer')
        return {
          text: hi(
            `${greet}${again}Sorry you're having trouble — is this about your current setup? Tell me what's happening and I'll get ${who} on it right away; I've already let them know.`,
            `${greet}${again}असुविधा के लिए खेद है — क्या यह आपके मौजूदा सेटअप के बारे में है? बताइए क्या हो रहा है, मैंने ${who} को पहले ही बता दिया है।`,
            `${greet}${again}Takleef ke liye sorry — kya yeh aapke current setup ke baare mein hai? Bataiye kya ho raha hai, maine ${who} ko pehle hi bata diya hai.`,
          ),
          notifyTeam: 'needs support',
          understood: true,
        };
      return {
        text: hi(
          `${greet}Sorry you're having trouble. Could you tell me a little more about what's happening? I'll get ${who} on it right away.${priority}`,
          `${greet}असुविधा के लिए खेद है। क्या आप थोड़ा और बता सकते हैं कि क्या हो रहा है? मैं तुरंत ${who} को बताता हूँ।${priority}`,
          `${greet}Takleef ke liye sorry. Kya aap thoda aur bata sakte hain kya ho raha hai? Main turant ${who} ko batata hoon.${priority}`,
        ),
        notifyTeam: tone === 'hot' ? 'needs help (hot lead)' : undefined,
        understood: true,
      };
    case 'thanks':
      return {
        text: hi(
          `You're welcome${name ? `, ${name}` : ''}! Anything else I can do?`,
          `आपका स्वागत है${name ? ` ${name} जी` : ''}! और कुछ?`,
          `Aapka swagat hai${name ? ` ${name} ji` : ''}! Aur kuch?`,
        ),
        understood: true,
      };
    case 'bye':
      return {
        text: hi(
          'Talk soon — have a great day!',
          'फिर बात करेंगे — आपका दिन शुभ हो!',
          'Phir baat karenge — aapka din accha ho!',
        ),
        understood: true,
      };
    default:
      if (input.failedBefore)
        return {
          text: hi(
            `I don't want to keep you waiting — I'm passing this to ${who}, who will reply here shortly.`,
            `मैं आपको इंतज़ार नहीं कराना चाहता — मैं यह ${who} को दे रहा हूँ, वे जल्द यहीं जवाब देंगे।`,
            `Main aapko wait nahi karwana chahta — main yeh ${who} ko de raha hoon, woh jaldi yahin reply karenge.`,
          ),
          handoff: 'repeated_failure',
          understood: false,
        };
      return {
        text: hi(
          `${greet}Thanks for your message. I may not be able to answer that myself — I've noted it for ${who}. Reply "agent" any time to talk to a person.`,
          `${greet}संदेश के लिए धन्यवाद। शायद मैं इसका जवाब खुद न दे पाऊँ — मैंने इसे ${who} के लिए नोट कर लिया है। किसी व्यक्ति से बात करने के लिए कभी भी "agent" लिखें।`,
          `${greet}Message ke liye shukriya. Shayad main iska jawab khud na de paun — maine ise ${who} ke liye note kar liya hai. Kisi insaan se baat karne ke liye kabhi bhi "agent" likhiye.`,
        ),
        understood: false,
      };
  }
}
