// The demo's conversations, so the inbox and analytics look alive on first start: chats in
// English, Hindi and Hinglish on the simulator channel (linked to the demo leads or not yet), a
// chat handed to a person, a contact who opted out, what the bot learnt (profile facts, one
// special-needs note) and 30 days of history behind the analytics. Written as rows, with their
// past timestamps, exactly as the pipeline would have left them.
import type { DbOrTx } from '../db/client.ts';
import { conversations, leads as leadsTable, messages, profileFacts } from '../db/schema/index.ts';
import { builtinChannel } from '../channel-accounts/accounts.ts';
import { defaultChannels } from '../channels/registry.ts';
import { normalizePhone } from '../lib/phone.ts';
import { uuidv7 } from '../lib/ids.ts';
import { eq } from 'drizzle-orm';

/** c = the customer, bot = the customer bot, a number = that team member (index in the demo team). */
type Line = { by: 'c' | 'bot' | number; text: string; ago: number };
type Chat = {
  phone: string;
  name: string;
  /** Company of the demo lead it is linked to. */
  lead?: string;
  lines: Line[];
  handoff?: string;
  optedOut?: boolean;
  facts?: { key: 'special_notes' | 'preferred_times' | 'communication_preferences'; value: unknown; line: number }[];
};

const min = 60_000;
const hour = 60 * min;
const day = 24 * hour;

const chats: Chat[] = [
  {
    phone: '+91 98450 12345',
    name: 'Kavita Rao',
    lead: 'Orbit Textiles',
    lines: [
      {
        by: 'c',
        text: 'Hi, this is Kavita from Orbit Textiles. Does BrightBooks do GST reconciliation automatically?',
        ago: 2 * day + 3 * hour,
      },
      {
        by: 'bot',
        text: 'Hi Kavita! Yes: BrightBooks matches your purchase register with GSTR-2B every day and flags mismatches. Sunil can show you on a call.',
        ago: 2 * day + 3 * hour - min,
      },
      {
        by: 'c',
        text: 'Great. I use a wheelchair, is your Bengaluru office accessible for the training?',
        ago: 2 * day + 2 * hour,
      },
      {
        by: 3,
        text: 'Hi Kavita, Sunil here. Yes, and we can also run the training at your office. I will send the proposal tomorrow.',
        ago: 2 * day + hour,
      },
      { by: 'c', text: 'Thanks Sunil! Mornings work best for me, before 1 pm.', ago: 40 * min },
    ],
    facts: [
      {
        key: 'special_notes',
        value: { category: 'physical', text: 'Wheelchair user: demos and training need step-free access' },
        line: 2,
      },
      { key: 'preferred_times', value: { part_of_day: 'morning', before: '13:00' }, line: 4 },
    ],
  },
  {
    phone: '+91 90000 11111',
    name: 'Arjun Mehta',
    lead: 'Nimbus Labs',
    lines: [
      { by: 'c', text: 'Hello, kal ki meeting 11 baje confirm hai na? Mera CFO bhi join karega.', ago: 5 * hour },
      {
        by: 'bot',
        text: 'Hi Arjun! Haan, kal 11 baje Rekha ke saath meeting confirm hai. CFO ka swagat hai!',
        ago: 5 * hour - min,
      },
      { by: 'c', text: 'Perfect. Ek aur baat, 3 warehouses ka stock ek saath dikh sakta hai kya?', ago: 20 * min },
    ],
    facts: [{ key: 'communication_preferences', value: { channel: 'whatsapp', language: 'hi' }, line: 0 }],
  },
  {
    phone: '+91 94470 22334',
    name: 'Meera Nair',
    lead: 'Green Valley Foods',
    handoff: 'asked for a person about pricing',
    lines: [
      {
        by: 'c',
        text: 'I got the proposal. Can I speak to a person about the payroll pricing? The bot answers are not enough.',
        ago: 3 * hour,
      },
      {
        by: 'bot',
        text: 'Of course, Meera. I have asked Amit to reply to you here; he usually answers within the hour.',
        ago: 3 * hour - min,
      },
      { by: 'c', text: 'Thank you, waiting.', ago: 2 * hour + 50 * min },
    ],
  },
  {
    phone: '+91 98989 12121',
    name: 'Ramesh Yadav',
    lines: [
      { by: 'c', text: 'नमस्ते, मुझे अपनी किराना दुकान के लिए बिलिंग सॉफ़्टवेयर चाहिए। कीमत क्या है?', ago: 90 * min },
      {
        by: 'bot',
        text: 'नमस्ते रमेश जी! BrightBooks का बिलिंग प्लान ₹499 प्रति माह से शुरू होता है। क्या मैं आपके लिए डेमो रख दूँ?',
        ago: 89 * min,
      },
      { by: 'c', text: 'हाँ, शनिवार को शाम 5 बजे ठीक रहेगा।', ago: 12 * min },
    ],
  },
  {
    phone: '+91 97000 45678',
    name: 'Pooja Malhotra',
    lines: [
      { by: 'c', text: 'Hi! GST filing ka software hai kya aapke paas? Price batao please', ago: 26 * hour },
      {
        by: 'bot',
        text: 'Hi Pooja! Haan, BrightBooks mein GST filing built-in hai. Plans ₹499/month se start hote hain. Demo chahiye?',
        ago: 26 * hour - min,
      },
    ],
  },
  {
    phone: '+91 98200 33445',
    name: 'Farhan Sheikh',
    lead: 'Blue Ocean Logistics',
    lines: [
      { by: 'c', text: 'Please don’t call me during the day, I’m on the road. WhatsApp only.', ago: 6 * day },
      { by: 'bot', text: 'Noted, Farhan: we will keep to WhatsApp.', ago: 6 * day - min },
      {
        by: 1,
        text: 'Hi Farhan, Amit here. The revised fleet pricing is ready, shall I send it over?',
        ago: 30 * hour,
      },
      { by: 'c', text: 'Yes please send.', ago: 29 * hour },
    ],
    facts: [{ key: 'communication_preferences', value: { channel: 'whatsapp', no_calls: true }, line: 0 }],
  },
  {
    phone: '+91 99100 44556',
    name: 'Neha Kapoor',
    lead: 'Lotus Hotels',
    optedOut: true,
    lines: [
      { by: 2, text: 'Hi Neha, just checking if you had a chance to look at our hotel accounting plan?', ago: 8 * day },
      { by: 'c', text: 'STOP', ago: 8 * day - hour },
      {
        by: 'bot',
        text: 'You will not get more messages from us. Reply START to subscribe again.',
        ago: 8 * day - hour + min,
      },
    ],
  },
];

/** Older customers behind the 30-day analytics: a name, what they asked, and whether they became a lead. */
const history = [
  ['Imran Qureshi', 'Do you support multi-branch inventory?', true],
  ['Sneha Kulkarni', 'Price for 5 users?', false],
  ['Vikram Singh', 'Kya Tally se data import ho sakta hai?', true],
  ['Anjali Desai', 'Looking for payroll software for 40 staff', true],
  ['Rahul Jain', 'Demo chahiye next week', false],
  ['Fatima Begum', 'क्या मोबाइल ऐप भी है?', false],
  ['Karan Oberoi', 'E-invoicing supported?', true],
  ['Lakshmi Menon', 'Need a quote for an NGO', false],
  ['Deepak Chauhan', 'Bank reconciliation automatic hai?', true],
  ['Priyanka Bose', 'Can my CA log in too?', false],
  ['Harish Reddy', 'Pricing for a pharmacy chain', true],
  ['Zoya Khan', 'Trial milega kya?', false],
] as const;

/** Adds the demo conversations to the workspace (after the leads and team exist). */
export async function seedDemoConversations(
  db: DbOrTx,
  ws: { id: string; phoneRegion: string },
  members: { id: string }[],
  now: Date,
): Promise<void> {
  const channel = await builtinChannel(db, ws.id, defaultChannels.get('simulator'));
  const leadRows = await db.select().from(leadsTable).where(eq(leadsTable.workspaceId, ws.id));
  const leadOf = (company?: string) => leadRows.find((l) => l.company === company) ?? null;
  const at = (ago: number) => new Date(now.getTime() - ago);

  async function add(chat: Chat) {
    const phone = normalizePhone(chat.phone, ws.phoneRegion)!;
    const lead = leadOf(chat.lead);
    const lines = [...chat.lines].sort((a, b) => b.ago - a.ago);
    const lastIn = lines.filter((l) => l.by === 'c').at(-1);
    const lastOut = lines.filter((l) => l.by !== 'c').at(-1);
    const [conv] = await db
      .insert(conversations)
      .values({
        workspaceId: ws.id,
        channelId: channel.id,
        channel: 'simulator',
        externalId: phone,
        contactPhone: phone,
        contactName: chat.name,
        leadId: lead?.id ?? null,
        handedOffAt: chat.handoff ? at(lines[lines.length - 2]?.ago ?? 0) : null,
        handoffReason: chat.handoff ?? null,
        optedOutAt: chat.optedOut ? at(lastIn!.ago) : null,
        welcomedAt: at(lines[0].ago),
        lastInboundAt: lastIn ? at(lastIn.ago) : null,
        lastOutboundAt: lastOut ? at(lastOut.ago) : null,
        lastMessageAt: at(lines.at(-1)!.ago),
        createdAt: at(lines[0].ago),
        updatedAt: at(lines.at(-1)!.ago),
      })
      .returning();
    const ids: string[] = [];
    let first = true;
    for (const l of lines) {
      const id = uuidv7();
      ids.push(id);
      const t = at(l.ago);
      const inbound = l.by === 'c';
      const bot = l.by === 'bot';
      await db.insert(messages).values({
        id,
        workspaceId: ws.id,
        conversationId: conv.id,
        channelId: channel.id,
        direction: inbound ? 'in' : 'out',
        providerMessageId: `demo.${id}`,
        type: 'text',
        text: l.text,
        status: inbound ? 'received' : l.ago > hour ? 'read' : 'delivered',
        purpose: inbound ? null : bot ? (first ? 'welcome' : 'reply') : 'agent',
        authorId: typeof l.by === 'number' ? members[l.by].id : null,
        meta: bot
          ? {
              bot: {
                mode: 'rules',
                context_hit: !!lead,
                personalized: true,
                fallback: null,
                handoff: null,
                lang: 'en',
              },
            }
          : null,
        routedAt: inbound ? t : null,
        sentAt: inbound ? null : t,
        deliveredAt: inbound ? null : new Date(t.getTime() + 2000),
        readAt: inbound || l.ago <= hour ? null : new Date(t.getTime() + 60_000),
        attempts: inbound ? 0 : 1,
        createdAt: t,
        updatedAt: t,
      });
      if (bot) first = false;
    }
    for (const f of chat.facts ?? [])
      await db.insert(profileFacts).values({
        workspaceId: ws.id,
        leadId: lead?.id ?? null,
        conversationId: conv.id,
        contact: phone,
        key: f.key,
        value: f.value,
        confidence: 0.9,
        sourceMessageId: ids[f.line],
        createdAt: at(lines[f.line].ago),
      });
    if (chat.optedOut && lead)
      await db
        .update(leadsTable)
        .set({ optedOutAt: at(lastIn!.ago) })
        .where(eq(leadsTable.id, lead.id));
  }

  for (const chat of chats) await add(chat);
  // A month of earlier conversations: one every two or three days, half of them captured as leads.
  for (const [i, [name, question, captured]] of history.entries()) {
    const ago = (29 - i * 2.4) * day + (i % 5) * hour;
    const phone = `+91 9${String(8100000000 + i * 7919).slice(1)}`;
    let company: string | undefined;
    if (captured) {
      company = `${name.split(' ')[1]} & Co.`;
      const [row] = await db
        .insert(leadsTable)
        .values({
          workspaceId: ws.id,
          company,
          contactName: name,
          phone: normalizePhone(phone, ws.phoneRegion),
          source: 'WhatsApp',
          status: i % 3 === 0 ? 'contacted' : 'new',
          score: 15 + i * 3,
          assigneeId: members[2 + (i % 2)].id,
          createdById: members[1].id,
          createdAt: at(ago - 30 * min),
          updatedAt: at(ago - 30 * min),
        })
        .returning();
      leadRows.push(row);
    }
    await add({
      phone,
      name,
      lead: company,
      lines: [
        { by: 'c', text: question, ago },
        {
          by: 'bot',
          text: `Hi ${name.split(' ')[0]}! Thanks for asking: the team will share the details with you shortly.`,
          ago: ago - (2 + i) * min,
        },
        { by: 'c', text: 'Thank you', ago: ago - 3 * hour },
        ...(captured
          ? [
              {
                by: (2 + (i % 2)) as number,
                text: 'Hi! Following up on your question, when can we call?',
                ago: ago - 5 * hour,
              },
            ]
          : []),
      ],
    });
  }
}
