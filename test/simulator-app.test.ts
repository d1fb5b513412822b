// The simulator and the in-app channel end to end through their HTTP routes: the same ingest,
// routing and outbox as a provider webhook.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { conversations, messages } from '../src/db/schema/index.ts';
import { addMember, createTestApp, drainJobs, newWorkspace, type Session } from './helpers/app.ts';

const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' });

type ApiMessage = {
  id: string;
  direction: 'in' | 'out';
  text: string | null;
  status: string;
  purpose: string | null;
  reply_to_id: string | null;
  conversation_id: string;
};

const simulate = (s: Session, payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/api/simulator/messages', headers: s.auth, payload });
const transcript = async (s: Session, phone: string) => {
  const res = await app.inject({
    method: 'GET',
    url: `/api/simulator/messages?phone=${encodeURIComponent(phone)}`,
    headers: s.auth,
  });
  expect(res.statusCode).toBe(200);
  return res.json() as {
    conversation: {
      id: string;
      lead_id: string | null;
      contact_phone: string;
      contact_name: string | null;
      channel: string;
    } | null;
    data: ApiMessage[];
  };
};

describe('simulator', () => {
  it('shows the inbound message, then the bot’s reply after the jobs run', async () => {
    const owner = await newWorkspace(app, 'Sunrise Realty');
    const res = await simulate(owner, {
      from: '98765 43210',
      name: 'Priya Sharma',
      text: 'Hi, what is the price of the 2BHK?',
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      phone: '+919876543210',
      message_id: expect.any(String),
      conversation_id: expect.any(String),
    });

    let t = await transcript(owner, '+91 98765 43210');
    expect(t.conversation).toMatchObject({
      id: res.json().conversation_id,
      channel: 'simulator',
      contact_phone: '+919876543210',
      contact_name: 'Priya Sharma',
    });
    expect(t.data).toHaveLength(1);
    expect(t.data[0]).toMatchObject({
      id: res.json().message_id,
      direction: 'in',
      text: 'Hi, what is the price of the 2BHK?',
    });

    await drainJobs(deps);
    t = await transcript(owner, '919876543210');
    const out = t.data.filter((m) => m.direction === 'out');
    expect(out.length).toBeGreaterThanOrEqual(1);
    expect(out[0]).toMatchObject({ status: 'sent', purpose: 'welcome', reply_to_id: res.json().message_id });
    expect(out[0].text).toMatch(/^Hi Priya! Thanks for messaging Sunrise Realty/);
    // Like a WhatsApp customer, the sender became a linked lead.
    expect(t.conversation!.lead_id).not.toBeNull();
    const lead = (
      await app.inject({ method: 'GET', url: `/api/leads/${t.conversation!.lead_id}`, headers: owner.auth })
    ).json();
    expect(lead).toMatchObject({ phone: '+919876543210', contact_name: 'Priya Sharma' });

    // The welcome is once per conversation; running the jobs again sends nothing more.
    const before = t.data.length;
    await drainJobs(deps);
    expect((await transcript(owner, '+919876543210')).data).toHaveLength(before);
    const second = await simulate(owner, { from: '+919876543210', text: 'Is parking included?' });
    await drainJobs(deps);
    t = await transcript(owner, '+919876543210');
    expect(t.data.find((m) => m.id === second.json().message_id)).toMatchObject({ direction: 'in' });
    expect(t.data.filter((m) => m.purpose === 'welcome')).toHaveLength(1);
  });

  it('answers a team member’s phone with the command help, not the customer welcome', async () => {
    const owner = await newWorkspace(app, 'Sunrise Realty');
    await addMember(app, owner, 'agent', 'Amit Verma', '+91 98100 77777');
    const res = await simulate(owner, { from: '+919810077777', text: 'hi' });
    expect(res.statusCode).toBe(202);
    await drainJobs(deps);
    const t = await transcript(owner, '+919810077777');
    const out = t.data.filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ status: 'sent' });
    expect(out[0].purpose).not.toBe('welcome');
    expect(out[0].text).toMatch(/^Hi Amit! Tell me what to do/);
    expect(t.conversation!.lead_id).toBeNull();
  });

  it('keeps each workspace’s simulator to itself, and checks its input', async () => {
    const a = await newWorkspace(app, 'A Realty');
    const b = await newWorkspace(app, 'B Realty');
    expect((await simulate(a, { from: '+919876500011', text: 'hello' })).statusCode).toBe(202);
    expect(await transcript(b, '+919876500011')).toEqual({ conversation: null, data: [] });
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/simulator/messages',
          payload: { from: '+919876500011', text: 'hi' },
        })
      ).statusCode,
    ).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/simulator/messages?phone=%2B919876500011' })).statusCode).toBe(
      401,
    );
    const bad = await simulate(a, { from: 'not a phone', text: 'hi' });
    expect(bad.statusCode).toBe(400);
    expect((await simulate(a, { from: '+919876500011', text: '' })).statusCode).toBe(400);
  });
});

describe('/app', () => {
  it('answers a team member in the HTTP response and stores both sides', async () => {
    const owner = await newWorkspace(app, 'Sunrise Realty');
    const agent = await addMember(app, owner, 'agent', 'Amit Verma');
    const res = await app.inject({ method: 'POST', url: '/app', headers: agent.auth, payload: { text: 'hi' } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { message_id: string; reply: string; replies: ApiMessage[] };
    expect(body.reply).toMatch(/^Hi Amit!/);
    expect(body.replies.length).toBeGreaterThanOrEqual(1);
    expect(body.replies.map((r) => r.text).join('\n\n')).toBe(body.reply);
    expect(
      body.replies.every((r) => r.direction === 'out' && r.status === 'sent' && r.reply_to_id === body.message_id),
    ).toBe(true);

    const [inbound] = await deps.db.select().from(messages).where(eq(messages.id, body.message_id));
    expect(inbound).toMatchObject({ direction: 'in', text: 'hi' });
    expect(inbound.routedAt).not.toBeNull();
    const [conv] = await deps.db.select().from(conversations).where(eq(conversations.id, inbound.conversationId));
    expect(conv).toMatchObject({ channel: 'app', memberId: agent.userId, leadId: null });
    const stored = await deps.db.select().from(messages).where(eq(messages.conversationId, conv.id));
    expect(
      stored
        .filter((m) => m.direction === 'out')
        .map((m) => m.id)
        .sort(),
    ).toEqual(body.replies.map((r) => r.id).sort());

    // Delivered in the response: the outbox has nothing to send, and the job that would route it again does nothing.
    await drainJobs(deps);
    const after = await deps.db.select().from(messages).where(eq(messages.conversationId, conv.id));
    expect(after).toHaveLength(stored.length);
    expect(after.filter((m) => m.direction === 'out').every((m) => m.status === 'sent')).toBe(true);

    // `message` is accepted for `text`; the same member keeps one conversation.
    const again = await app.inject({ method: 'POST', url: '/app', headers: agent.auth, payload: { message: 'help' } });
    expect(again.statusCode).toBe(200);
    const [second] = await deps.db.select().from(messages).where(eq(messages.id, again.json().message_id));
    expect(second.conversationId).toBe(conv.id);
  });

  it('refuses an API key (no team member) with 403, and no credentials with 401', async () => {
    const owner = await newWorkspace(app, 'Sunrise Realty');
    const created = await app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: owner.auth,
      payload: { name: 'Zapier' },
    });
    expect(created.statusCode).toBe(201);
    const key = created.json().key as string;
    const viaKey = await app.inject({
      method: 'POST',
      url: '/app',
      headers: { 'x-api-key': key },
      payload: { text: 'my leads' },
    });
    expect(viaKey.statusCode).toBe(403);
    const viaBearer = await app.inject({
      method: 'POST',
      url: '/app',
      headers: { authorization: `Bearer ${key}` },
      payload: { text: 'my leads' },
    });
    expect(viaBearer.statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/app', payload: { text: 'my leads' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/app', headers: owner.auth, payload: {} })).statusCode).toBe(400);
    const convs = await deps.db.select().from(conversations).where(eq(conversations.workspaceId, owner.workspaceId));
    expect(convs.filter((c) => c.channel === 'app')).toHaveLength(0);
  });
});
