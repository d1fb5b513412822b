// The customer bot through the WhatsApp webhook: context-aware replies, the welcome for new
// numbers, progressive profiling, handoff.
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { conversations, messages, profileFacts } from '../src/db/schema/index.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { addMember, createTestApp, drainJobs, newWorkspace } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
const { app, deps } = await createTestApp();
const SECRET = 'bot-secret';

async function setup() {
  const owner = await newWorkspace(app, 'Tech Sales');
  await app.inject({
    method: 'PATCH',
    url: '/api/workspace',
    headers: owner.auth,
    payload: { settings: { business_name: 'BrightBooks', sells: 'accounting software' } },
  });
  const amit = await addMember(app, owner, 'agent', 'Amit Verma', `+91 98${String(Date.now()).slice(-8)}`);
  const phoneNumberId = `${Date.now()}${Math.floor(Math.random() * 1e5)}`;
  const ch = await app.inject({
    method: 'POST',
    url: '/api/channels',
    headers: owner.auth,
    payload: {
      kind: 'whatsapp',
      name: 'WA',
      account_id: phoneNumberId,
      settings: { apiUrl: graph.url },
      secrets: { accessToken: 't', appSecret: SECRET, verifyToken: 'v' },
    },
  });
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
  };
  const replies = async (phone: string) => {
    const [conv] = await deps.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.channelId, ch.json().id), eq(conversations.externalId, phone)));
    if (!conv) return [];
    return (
      await deps.db
        .select()
        .from(messages)
        .where(eq(messages.conversationId, conv.id))
        .orderBy(messages.createdAt, messages.id)
    ).filter((m) => m.direction === 'out');
  };
  return { owner, amit, say, replies, channelId: ch.json().id as string };
}

describe('customer bot', () => {
  it("answers a hot lead's question with their name and their deal", async () => {
    const { owner, amit, say, replies } = await setup();
    const lead = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: {
          company: 'Tech Corp',
          contact_name: 'John Doe',
          phone: '+91 98765 40001',
          score: 92,
          status: 'proposal',
          assignee_id: amit.userId,
        },
      })
    ).json();
    await app.inject({
      method: 'POST',
      url: `/api/leads/${lead.id}/deals`,
      headers: owner.auth,
      payload: { title: 'Enterprise License', value: 50000, currency: 'USD', stage: 'proposal', probability: 75 },
    });
    await say('919876540001', 'When can we finalize the contract?', 'John');
    const [reply] = await replies('+919876540001');
    expect(reply.text).toContain('John');
    expect(reply.text).toContain('Enterprise License');
    expect(reply.text).toContain('Amit');
    expect(reply.meta).toMatchObject({ bot: { mode: 'rules', context_hit: true, personalized: true } });
    // The assignee hears about it.
    const notes = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.workspaceId, owner.workspaceId), eq(messages.purpose, 'notification')));
    expect(notes.some((n) => n.text?.includes('John Doe') && n.text.includes('finalise'))).toBe(true);
  });

  it('welcomes a new number once, makes it a lead, and does not repeat the name in every reply', async () => {
    const { owner, say, replies } = await setup();
    await say('919876540002', 'Hi', 'Meera Nair');
    await say('919876540002', 'what is the price?');
    const out = await replies('+919876540002');
    expect(out[0].text).toMatch(/^Hi Meera! Thanks for messaging BrightBooks/);
    expect(out[0].purpose).toBe('welcome');
    expect(out[1].text).not.toContain('Meera');
    const leads = (
      await app.inject({ method: 'GET', url: '/api/leads?phone=919876540002', headers: owner.auth })
    ).json().data;
    expect(leads[0]).toMatchObject({ contact_name: 'Meera Nair', source: 'whatsapp' });
  });

  it('answers in Hindi and Hinglish', async () => {
    const { say, replies } = await setup();
    await say('919876540003', 'नमस्ते, कीमत क्या है?');
    await say('919876540004', 'bhai demo kab mil sakta hai?');
    expect((await replies('+919876540003')).at(-1)!.text).toMatch(/[\u0900-\u097F]/);
    expect((await replies('+919876540004')).at(-1)!.text).toMatch(/Zaroor|Aapke liye/);
  });

  it('stores profile facts, keeps them on a non-correction, supersedes them on a correction, and never asks a declined field', async () => {
    const { owner, say, replies } = await setup();
    const phone = '+919876540005';
    await say('919876540005', 'Hi, I am scared of needles and I prefer mornings');
    let facts = await deps.db
      .select()
      .from(profileFacts)
      .where(and(eq(profileFacts.workspaceId, owner.workspaceId), eq(profileFacts.contact, phone)));
    expect(facts.map((f) => f.key).sort()).toEqual(['preferred_times', 'special_notes']);
    expect((await replies(phone)).at(-1)!.text).toMatch(/I've noted that/);
    await say('919876540005', 'Please book with Dr. Keller');
    await say('919876540005', 'Actually, please book with Dr. Weber instead');
    await say('919876540005', 'I like Dr. Braun too'); // not a correction: kept as it was
    facts = await deps.db
      .select()
      .from(profileFacts)
      .where(
        and(
          eq(profileFacts.workspaceId, owner.workspaceId),
          eq(profileFacts.contact, phone),
          eq(profileFacts.key, 'preferred_staff'),
        ),
      );
    expect(facts.map((f) => [f.value, f.status])).toEqual([
      ['Dr. Keller', 'superseded'],
      ['Dr. Weber', 'active'],
    ]);
    await say('919876540005', "I'd rather not give my email");
    const ctx = (
      await app.inject({
        method: 'GET',
        url: `/api/customer-context/${encodeURIComponent(phone)}`,
        headers: owner.auth,
      })
    ).json();
    expect(ctx.data.profile.declined).toContain('email');
    for (let i = 0; i < 6; i++) await say('919876540005', 'thanks!');
    expect((await replies(phone)).some((m) => /email/i.test(m.text ?? '') && /share/i.test(m.text ?? ''))).toBe(false);
  });

  it('hands over to a person when asked, notifies the assignee, and stays silent until released', async () => {
    const { owner, amit, say, replies } = await setup();
    await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: owner.auth,
      payload: { contact_name: 'Ravi', phone: '+91 98765 40006', assignee_id: amit.userId },
    });
    await say('919876540006', 'I want to talk to a real person');
    const [conv] = await deps.db.select().from(conversations).where(eq(conversations.externalId, '+919876540006'));
    expect(conv).toMatchObject({ handoffReason: 'asked_for_person' });
    expect(conv.handedOffAt).not.toBeNull();
    expect((await replies('+919876540006')).at(-1)!.text).toMatch(/connecting you with Amit/);
    const handoffs = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.workspaceId, owner.workspaceId), eq(messages.purpose, 'handoff')));
    expect(handoffs).toHaveLength(1);
    expect(handoffs[0].text).toMatch(/^Handoff: Ravi/);
    const before = (await replies('+919876540006')).length;
    await say('919876540006', 'hello?');
    expect((await replies('+919876540006')).length).toBe(before);
    // Amit hands it back to the bot with a command from his phone.
    const amitPhone = (await app.inject({ method: 'GET', url: '/api/me', headers: amit.auth }))
      .json()
      .user.phone.replace('+', '');
    await say(amitPhone, 'release Ravi');
    const [after] = await deps.db.select().from(conversations).where(eq(conversations.externalId, '+919876540006'));
    expect(after.handedOffAt).toBeNull();
    await say('919876540006', 'thanks');
    expect((await replies('+919876540006')).length).toBe(before + 1);
  });

  it('hands over after two requests it cannot answer, and when the customer is upset', async () => {
    const { say } = await setup();
    await say('919876540007', 'blorp fizzle');
    await say('919876540007', 'wibble wobble');
    const [a] = await deps.db.select().from(conversations).where(eq(conversations.externalId, '+919876540007'));
    expect(a.handoffReason).toBe('repeated_failure');
    await say('919876540008', 'This is the worst service ever, totally useless');
    const [b] = await deps.db.select().from(conversations).where(eq(conversations.externalId, '+919876540008'));
    expect(b.handoffReason).toBe('upset');
  });
});

describe('erasure on request', () => {
  it('asks for confirmation, then erases everything and confirms', async () => {
    const { owner, say, replies } = await setup();
    await say('919876540099', 'Hi, I am allergic to latex', 'Nina');
    await say('919876540099', 'Please delete my data');
    expect((await replies('+919876540099')).at(-1)!.text).toMatch(/DELETE MY DATA/);
    await say('919876540099', 'delete my data');
    const left = await replies('+919876540099');
    expect(left.map((m) => m.text)).toEqual(['Done: your details and messages have been deleted from our records.']);
    const inbound = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.workspaceId, owner.workspaceId), eq(messages.direction, 'in')));
    expect(inbound.filter((m) => /latex|delete/i.test(m.text ?? ''))).toHaveLength(0);
    expect(
      (await app.inject({ method: 'GET', url: '/api/leads?phone=919876540099', headers: owner.auth })).json().data,
    ).toEqual([]);
    const facts = await deps.db.select().from(profileFacts).where(eq(profileFacts.contact, '+919876540099'));
    expect(facts).toHaveLength(0);
    await drainJobs(deps);
    expect((await replies('+919876540099'))[0].status).toBe('sent');
  });
});
