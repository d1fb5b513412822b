// The customer bot in everyday conversations (issue 11): one greeting in the first reply and no
// "Hi!" on every turn, names used naturally, no profiling question in the first reply or to a
// customer in a hurry, only a name stored as a name, status-aware tone, "Any updates on my
// request?", Hindi in Devanagari served in Hindi, and the fallback_rate KPI. Signed WhatsApp
// webhooks → routing → the bot → the outbox → a fake Graph API on 127.0.0.1.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { extractProfileFacts } from '../src/bot/profile/extract-rules.ts';
import { conversations, messages, profileFacts } from '../src/db/schema/index.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { addMember, createTestApp, drainJobs, newWorkspace, type Session } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' });
const SECRET = 'conversation-secret';

async function setup(settings: Record<string, unknown> = {}) {
  const owner = await newWorkspace(app, 'Tech Sales');
  await app.inject({
    method: 'PATCH',
    url: '/api/workspace',
    headers: owner.auth,
    payload: { settings: { business_name: 'BrightBooks', sells: 'accounting software', ...settings } },
  });
  const amit = await addMember(app, owner, 'agent', 'Amit Verma', `+91 95${String(Date.now()).slice(-8)}`);
  const phoneNumberId = `${Date.now()}${Math.floor(Math.random() * 1e5)}`;
  const ch = await app.inject({
    method: 'POST',
    url: '/api/channels',
    headers: owner.auth,
    payload: {
      kind: 'whatsapp',
      name: 'WA',
      account_id: phoneNumberId,
      settings: { apiUrl: graph.url, teamTemplate: 'team_notice:en' },
      secrets: { accessToken: 't', appSecret: SECRET, verifyToken: 'v' },
    },
  });
  const channelId = ch.json().id as string;
  /** The customer writes; returns the bot's answer to that message. */
  const say = async (from: string, text: string, name = 'Customer') => {
    const wamid = `wamid.cv${Date.now()}${Math.random().toString(36).slice(2)}`;
    const body = waText(phoneNumberId, from, text, { name, id: wamid });
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    await drainJobs(deps);
    const [inbound] = await deps.db.select().from(messages).where(eq(messages.providerMessageId, wamid));
    const out = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.replyToId, inbound.id), eq(messages.direction, 'out')))
      .orderBy(asc(messages.createdAt));
    return out.map((m) => m.text).join('\n');
  };
  const lead = async (payload: Record<string, unknown>) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: owner.auth,
      payload: { assignee_id: amit.userId, ...payload },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string };
  };
  return { owner, amit, say, lead, channelId };
}

const noticesTo = async (s: Session, memberId: string) =>
  (
    await deps.db
      .select({ text: messages.text })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(eq(messages.workspaceId, s.workspaceId), eq(conversations.memberId, memberId)))
  ).map((r) => r.text ?? '');

const ENGLISH = /\b(the|you|your|our|team|thanks|hi|sorry|noted|booked|with)\b/i;

describe('first reply and names', () => {
  it('a new customer’s first reply has one greeting and no profiling question; later turns no "Hi!"', async () => {
    const { say } = await setup();
    const first = await say('919876543001', 'hi, what is the price?', 'Meera Nair');
    expect(first).toMatch(/^Hi Meera! Thanks for messaging BrightBooks\./);
    expect(first.match(/\b(Hi|Hello|Namaste)\b/g)).toHaveLength(1);
    expect(first).toMatch(/\n\nOur pricing depends on what you need/);
    expect(first).not.toMatch(/By the way/);
    const second = await say('919876543001', 'ok, do you have an app?', 'Meera Nair');
    expect(second).not.toMatch(/^(Hi|Hello)\b/);
    const third = await say('919876543001', 'when can we finalise the contract?', 'Meera Nair');
    expect(third).not.toMatch(/^(Hi|Hello)\b/);
    expect(third).toMatch(/^[A-Z]/);
  });

  it('greets "Dr. Rao", never "Dr."', async () => {
    const { say, lead } = await setup();
    await lead({ contact_name: 'Dr. Anil Rao', phone: '+91 98765 43002' });
    const reply = await say('919876543002', 'Hello, what does it cost?', 'Anil');
    expect(reply).toMatch(/^Hi Dr\. Rao! /);
    expect(reply).not.toMatch(/Hi Dr\.!/);
  });

  it('no profiling question to a customer in a hurry', async () => {
    const { say, lead } = await setup();
    await lead({ contact_name: 'Ravi Kumar', phone: '+91 98765 43003' });
    await lead({ contact_name: 'Asha Kumar', phone: '+91 98765 43013' });
    // The first reply never asks; the next good moment does — unless the customer is in a hurry.
    expect(await say('919876543003', 'hello')).not.toMatch(/By the way/);
    expect(await say('919876543003', 'thanks, need a demo quickly please, I am in a hurry')).not.toMatch(/By the way/);
    expect(await say('919876543013', 'hello')).not.toMatch(/By the way/);
    expect(await say('919876543013', 'thanks, I would like a demo')).toMatch(/By the way/);
  });

  it('only a name is stored as a name: "I need support" answering "may I know your name?" is a request', () => {
    expect(extractProfileFacts('I need support', { askedFor: 'name' }).facts.name).toBeUndefined();
    expect(extractProfileFacts('not now', { askedFor: 'name' }).facts.name).toBeUndefined();
    expect(extractProfileFacts('rahul sharma', { askedFor: 'name' }).facts.name).toBe('Rahul Sharma');
  });
});

describe('status-aware tone', () => {
  it('an existing customer: "great to hear from you again" and support first, Amit told', async () => {
    const { owner, amit, say, lead } = await setup();
    await lead({ contact_name: 'Jennifer Lobo', phone: '+91 98765 43004', status: 'won' });
    const reply = await say('919876543004', 'I need support', 'Jennifer');
    expect(reply).toMatch(/^Hi Jennifer! Great to hear from you again\. Sorry you're having trouble/);
    expect((await noticesTo(owner, amit.userId)).join('\n')).toMatch(/Jennifer Lobo.*needs support/);
  });

  it('a hot lead is prioritised', async () => {
    const { say, lead } = await setup();
    await lead({ contact_name: 'John Doe', phone: '+91 98765 43005', score: 92, status: 'proposal' });
    expect(await say('919876543005', 'we have a problem, the login is not working', 'John')).toMatch(
      /I've marked this as a priority for Amit\./,
    );
  });

  it('a qualified lead hears the specific benefits', async () => {
    const { say, lead } = await setup({
      benefits: ['GST-ready invoices in one click', 'bank reconciliation every morning'],
    });
    await lead({ contact_name: 'Mike Dsouza', phone: '+91 98765 43006', score: 65, status: 'qualified' });
    expect(await say('919876543006', 'what is the price?', 'Mike')).toMatch(
      /For teams like yours that means: GST-ready invoices in one click; bank reconciliation every morning\./,
    );
  });

  it('understands the English "Any updates on my request?"', async () => {
    const { say, lead } = await setup();
    await lead({ contact_name: 'Lisa Pinto', phone: '+91 98765 43007' });
    const reply = await say('919876543007', 'Any updates on my request?', 'Lisa');
    expect(reply).toMatch(/I've asked Amit for an update/);
    expect(reply).not.toMatch(/may not be able to answer/);
  });
});

describe('Hindi (Devanagari)', () => {
  it('contract, support and profiling facts, answered in Hindi only', async () => {
    const { owner, say, lead } = await setup();
    await lead({ contact_name: 'Sunita Joshi', phone: '+91 98765 43008' });
    const contract = await say('919876543008', 'कॉन्ट्रैक्ट कब फाइनल करेंगे?', 'Sunita');
    expect(contract).toMatch(/Amit से आगे बढ़ाने को कहा है/);
    expect(contract).not.toMatch(ENGLISH);
    const support = await say('919876543008', 'मुझे सपोर्ट चाहिए, लॉगिन नहीं हो रहा', 'Sunita');
    expect(support).toMatch(/असुविधा के लिए खेद है/);
    expect(support).not.toMatch(ENGLISH);

    const fear = await say('919876543008', 'मुझे इंजेक्शन से बहुत डर लगता है', 'Sunita');
    expect(fear).toBe('मैंने नोट कर लिया है (मुझे इंजेक्शन से बहुत डर लगता है), ताकि हमारी टीम इसका ध्यान रख सके।');
    const morning = await say('919876543008', 'मुझे सुबह का समय ठीक रहता है', 'Sunita');
    expect(morning).toMatch(/^धन्यवाद — नोट कर लिया कि आपको सुबह का समय ठीक रहता है।/);
    expect(morning).not.toMatch(ENGLISH);
    const facts = await deps.db
      .select()
      .from(profileFacts)
      .where(and(eq(profileFacts.workspaceId, owner.workspaceId), eq(profileFacts.contact, '+919876543008')));
    const byKey = Object.fromEntries(facts.map((f) => [f.key, f.value]));
    expect(byKey.preferred_times).toMatchObject({ part_of_day: 'morning' });
    expect(JSON.stringify(byKey.special_notes)).toContain('मुझे इंजेक्शन से बहुत डर लगता है');
  });
});

describe('fallback_rate', () => {
  it('counts the bot’s could-not-answer replies among today’s bot replies', async () => {
    const { owner, say, lead } = await setup();
    await lead({ contact_name: 'Karan Mehta', phone: '+91 98765 43009' });
    expect(await say('919876543009', 'blorp fizzle', 'Karan')).toMatch(/may not be able to answer/);
    await say('919876543009', 'what is the price?', 'Karan');
    await say('919876543009', 'thanks', 'Karan');
    await say('919876543009', 'Any updates on my request?', 'Karan');
    const res = await app.inject({ method: 'GET', url: '/api/bot/status-summary', headers: owner.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ bot_replies_today: 4, fallback_rate: 0.25 });
  });
});
