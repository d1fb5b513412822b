// The customer bot follows the conversation (issue 11): answers to its own questions work through
// the per-conversation dialogue state — a call requested, a demo booked at the customer's time
// (in their language and the workspace's time zone, the assignee told), a profiling answer
// acknowledged and stored. Signed WhatsApp webhooks → routing → the bot → the outbox → a fake
// Graph API on 127.0.0.1.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { conversations, messages, profileFacts, tasks } from '../src/db/schema/index.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { addMember, createTestApp, drainJobs, newWorkspace, type Session } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' });
const SECRET = 'dialogue-secret';
const TZ = 'Asia/Kolkata';

async function setup() {
  const owner = await newWorkspace(app, 'Tech Sales');
  await app.inject({
    method: 'PATCH',
    url: '/api/workspace',
    headers: owner.auth,
    payload: { settings: { business_name: 'BrightBooks', sells: 'accounting software' } },
  });
  const amit = await addMember(app, owner, 'agent', 'Amit Verma', `+91 97${String(Date.now()).slice(-8)}`);
  const phoneNumberId = `${Date.now()}${Math.floor(Math.random() * 1e5)}`;
  const ch = await app.inject({
    method: 'POST',
    url: '/api/channels',
    headers: owner.auth,
    payload: {
      kind: 'whatsapp',
      name: 'WA',
      account_id: phoneNumberId,
      // Amit has not written: his notices cross the window with the team template.
      settings: { apiUrl: graph.url, teamTemplate: 'team_notice:en' },
      secrets: { accessToken: 't', appSecret: SECRET, verifyToken: 'v' },
    },
  });
  expect(ch.statusCode).toBe(201);
  const say = async (from: string, text: string, name = 'Customer') => {
    const body = waText(phoneNumberId, from, text, { name });
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    await drainJobs(deps);
    const [conv] = await deps.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.channelId, ch.json().id), eq(conversations.externalId, `+${from}`)));
    const [last] = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conv.id), eq(messages.direction, 'out')))
      .orderBy(asc(messages.createdAt))
      .then((rows) => rows.slice(-1));
    return last?.text ?? '';
  };
  return { owner, amit, say };
}

async function lead(owner: Session, payload: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/api/leads', headers: owner.auth, payload });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string };
}

const noticesTo = async (workspaceId: string, memberId: string) =>
  (
    await deps.db
      .select({ text: messages.text, status: messages.status })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(eq(messages.workspaceId, workspaceId), eq(conversations.memberId, memberId)))
      .orderBy(asc(messages.createdAt))
  ).map((r) => r.text ?? '');

const tasksOf = (leadId: string) => deps.db.select().from(tasks).where(eq(tasks.leadId, leadId));

/** The wall clock of an instant in the workspace's zone: "YYYY-MM-DD HH:MM". */
const wall = (at: Date) => {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: TZ,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
};
const tomorrowAt = (hhmm: string) => {
  const d = new Date(Date.now() + 24 * 3600_000);
  return `${wall(d).slice(0, 10)} ${hhmm}`;
};

describe('answers to the bot’s own questions', () => {
  it('"Shall I ask them to call you?" → "Yes please" requests the call: task for Amit, Amit told', async () => {
    const { owner, amit, say } = await setup();
    const l = await lead(owner, {
      company: 'Tech Corp',
      contact_name: 'John Doe',
      phone: '+91 98765 41001',
      score: 92,
      status: 'proposal',
      assignee_id: amit.userId,
    });
    expect(await say('919876541001', 'What is the price?', 'John')).toMatch(/Shall I ask them to call you\?/);
    const done = await say('919876541001', 'Yes please', 'John');
    expect(done).toMatch(/^Done — I've asked Amit to call you/);
    const [call] = await tasksOf(l.id);
    expect(call).toMatchObject({ type: 'call', status: 'pending', assigneeId: amit.userId, priority: 'high' });
    const told = await noticesTo(owner.workspaceId, amit.userId);
    expect(told.at(-1)).toMatch(/John Doe.*asked for a call back/);
    // The question was answered: another "yes" is not a second call.
    await say('919876541001', 'yes', 'John');
    expect(await tasksOf(l.id)).toHaveLength(1);
  });

  it('a call back asked for outright is a call task (at the time named), not a chat handoff', async () => {
    const { owner, amit, say } = await setup();
    const l = await lead(owner, {
      company: 'Dev Corp',
      contact_name: 'Priya Sen',
      phone: '+91 98765 41011',
      assignee_id: amit.userId,
    });
    expect(await say('919876541011', 'Can someone call me back about the pricing?', 'Priya')).toMatch(
      /^Done — I've asked Amit to call you on this number\. They'll ring you soon\.$/,
    );
    const [now] = await tasksOf(l.id);
    expect(now).toMatchObject({ type: 'call', status: 'pending', assigneeId: amit.userId, priority: 'high' });
    expect((await noticesTo(owner.workspaceId, amit.userId)).at(-1)).toMatch(/Priya Sen.*asked for a call back/);
    const [conv] = await deps.db.select().from(conversations).where(eq(conversations.leadId, l.id));
    expect(conv.handedOffAt).toBeNull();

    // "kal 5 baje call karna": due tomorrow at 17:00 in the workspace's zone, said back in Hinglish.
    expect(await say('919876541011', 'mujhe kal 5 baje call karna', 'Priya')).toMatch(
      /^Ho gaya — maine Amit ko aapko isi number par .+ call karne ko kaha hai\.$/,
    );
    const later = (await tasksOf(l.id)).find((t) => t.id !== now.id)!;
    expect(wall(later.dueAt!)).toBe(tomorrowAt('17:00'));

    // Not a call request: a name, or a "don't call".
    await say('919876541011', 'you can call me Priya', 'Priya');
    await say('919876541011', "please don't call me, just message", 'Priya');
    expect(await tasksOf(l.id)).toHaveLength(2);
  });

  it('a call back for a day without a clock time says the day back, never "soon"', async () => {
    const { owner, amit, say } = await setup();
    const l = await lead(owner, { contact_name: 'Anil Rao', phone: '+91 98765 41012', assignee_id: amit.userId });
    expect(await say('919876541012', 'can you ring me tomorrow?', 'Anil')).toBe(
      "Done — I've asked Amit to call you on this number tomorrow.",
    );
    expect(await tasksOf(l.id)).toHaveLength(1);
    expect((await noticesTo(owner.workspaceId, amit.userId)).at(-1)).toMatch(/asked for a call back "tomorrow"/);
  });

  it('"ji nahi" to the call offer requests nothing', async () => {
    const { owner, amit, say } = await setup();
    const l = await lead(owner, {
      contact_name: 'Raj Malhotra',
      phone: '+91 98765 41006',
      score: 90,
      status: 'negotiation',
      assignee_id: amit.userId,
    });
    expect(await say('919876541006', 'kitne ka hai?', 'Raj')).toMatch(/call karne ko kahoon\?/);
    expect(await say('919876541006', 'ji nahi, abhi nahi', 'Raj')).toMatch(/^Koi baat nahi/);
    expect(await tasksOf(l.id)).toHaveLength(0);
  });

  it('"Which day and time suit you?" → "Tomorrow 11am works" books the demo for Amit, confirmed in IST', async () => {
    const { owner, amit, say } = await setup();
    const l = await lead(owner, {
      company: 'Lotus Paints',
      contact_name: 'Kavita Rao',
      phone: '+91 98765 41002',
      assignee_id: amit.userId,
    });
    expect(await say('919876541002', 'Can I get a demo?', 'Kavita')).toMatch(/Which day and time suit you/);
    const booked = await say('919876541002', 'Tomorrow 11am works', 'Kavita');
    expect(booked).toMatch(/^Booked: a demo with Amit on .+11:00 am IST\. Amit has been told and will confirm here\.$/);
    const [demo] = await tasksOf(l.id);
    expect(demo).toMatchObject({ type: 'demo', status: 'pending', assigneeId: amit.userId });
    expect(wall(demo.dueAt!)).toBe(tomorrowAt('11:00'));
    expect((await noticesTo(owner.workspaceId, amit.userId)).at(-1)).toMatch(
      /Kavita Rao.*booked a demo for .+11:00 am/,
    );
  });

  it('books in Hindi (Devanagari), answering in Hindi only', async () => {
    const { owner, amit, say } = await setup();
    const l = await lead(owner, { contact_name: 'Sunita', phone: '+91 98765 41003', assignee_id: amit.userId });
    expect(await say('919876541003', 'मुझे डेमो बुक करना है', 'Sunita')).toMatch(/कौन सा दिन और समय/);
    const booked = await say('919876541003', 'कल सुबह 11 बजे', 'Sunita');
    expect(booked).toMatch(/^बुक हो गया: Amit के साथ डेमो/);
    expect(booked).not.toMatch(/\b(Booked|demo with|has been told)\b/);
    const [demo] = await tasksOf(l.id);
    expect(wall(demo.dueAt!)).toBe(tomorrowAt('11:00'));
  });

  it('a day without a time asks for the time, and the next answer books it', async () => {
    const { owner, amit, say } = await setup();
    const l = await lead(owner, { contact_name: 'Ravi', phone: '+91 98765 41004', assignee_id: amit.userId });
    await say('919876541004', 'I would like a demo', 'Ravi');
    expect(await say('919876541004', 'tomorrow', 'Ravi')).toMatch(/what time that day suits you/);
    expect(await tasksOf(l.id)).toHaveLength(0);
    expect(await say('919876541004', 'tomorrow 4pm', 'Ravi')).toMatch(/^Booked: a demo with Amit/);
    expect(wall((await tasksOf(l.id))[0].dueAt!)).toBe(tomorrowAt('16:00'));
  });

  it('an answer to a profiling question is acknowledged and stored', async () => {
    const { owner, amit, say } = await setup();
    await lead(owner, { contact_name: 'Meera Nair', phone: '+91 98765 41005', assignee_id: amit.userId });
    let reply = '';
    for (const text of ['Thanks for the brochure', 'thanks', 'thank you']) {
      reply = await say('919876541005', text, 'Meera');
      if (/what time of day usually suits you best/.test(reply)) break;
    }
    expect(reply).toMatch(/what time of day usually suits you best/);
    const ack = await say('919876541005', 'Mornings are best', 'Meera');
    expect(ack).toMatch(/noted that mornings suit you best/);
    expect(ack).not.toMatch(/may not be able to answer/);
    const facts = await deps.db
      .select()
      .from(profileFacts)
      .where(and(eq(profileFacts.workspaceId, owner.workspaceId), eq(profileFacts.key, 'preferred_times')));
    expect(facts[0].value).toMatchObject({ part_of_day: 'morning' });
  });
});
