// Conversations API and /api/whatsapp/crm-integration/* end to end: signed WhatsApp webhooks into
// the real pipeline, the HTTP routes through inject, replies out to a fake Graph API on 127.0.0.1.
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../src/db/schema/index.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { addMember, connectWhatsApp, createTestApp, drainJobs, newWorkspace, type Session } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' });
const SECRET = 'wa-app-secret';
const CRM = '/api/whatsapp/crm-integration';

async function connect(settings: Record<string, unknown> = {}) {
  const owner = await newWorkspace(app, 'Sunrise Realty');
  if (Object.keys(settings).length)
    expect(
      (await app.inject({ method: 'PATCH', url: '/api/workspace', headers: owner.auth, payload: { settings } }))
        .statusCode,
    ).toBe(200);
  const { phoneNumberId, channelId } = await connectWhatsApp(app, owner, { apiUrl: graph.url, appSecret: SECRET });
  /** A signed text webhook from `from` (digits, as WhatsApp sends them); returns the conversation id. */
  const say = async (from: string, text: string, opts: { name?: string; now?: number } = {}) => {
    const body = waText(phoneNumberId, from, text, opts);
    const r = await app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
      payload: body,
    });
    expect(r.statusCode).toBe(200);
    const [conv] = await deps.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.channelId, channelId), eq(conversations.contactPhone, `+${from}`)));
    return conv.id;
  };
  return { owner, phoneNumberId, channelId, say };
}

const api = async (s: Session, method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url, headers: s.auth, ...(payload ? { payload } : {}) });
const ids = (res: { json(): { data: { id: string }[] } }) => res.json().data.map((c) => c.id);
const newLead = async (s: Session, payload: object) => {
  const res = await api(s, 'POST', '/api/leads', payload);
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; phone: string };
};

describe('GET /api/conversations', () => {
  it('lists newest activity first, filters by channel, linked and assignee, searches and pages', async () => {
    const { owner, say } = await connect({ lead_capture: false });
    const amit = await addMember(app, owner, 'agent', 'Amit');
    const now = Date.now();
    // Routing is not run here: the order stays the webhooks' timestamps, and linking is by hand.
    const kavita = await say('919876500001', 'Need a 2BHK', { name: 'Kavita', now: now - 300_000 });
    const rahul = await say('919876500002', 'Price?', { name: 'Rahul Gupta', now: now - 200_000 });
    const meera = await say('919876500003', 'Hello', { name: 'Meera', now: now - 100_000 });
    const sim = (
      await api(owner, 'POST', '/api/simulator/messages', { from: '+91 98765 00004', name: 'Sim User', text: 'hi' })
    ).json().conversation_id;
    await newLead(owner, {
      company: 'Orbit Textiles',
      contact_name: 'Kavita Rao',
      phone: '98765 00001',
      assignee_id: amit.userId,
    });
    expect((await api(owner, 'POST', `${CRM}/auto-link`)).json()).toEqual({ linked: 1 });

    const all = await api(owner, 'GET', '/api/conversations');
    expect(all.statusCode).toBe(200);
    expect(ids(all)).toEqual([sim, meera, rahul, kavita]);
    expect(all.json().data[3]).toMatchObject({
      channel: 'whatsapp',
      contact_phone: '+919876500001',
      contact_name: 'Kavita',
      lead: { company: 'Orbit Textiles', assignee_id: amit.userId },
    });
    expect(all.json().data[0].lead).toBeNull();

    const first = await api(owner, 'GET', '/api/conversations?limit=3');
    expect(ids(first)).toEqual([sim, meera, rahul]);
    const second = await api(owner, 'GET', `/api/conversations?limit=3&cursor=${first.json().next_cursor}`);
    expect(ids(second)).toEqual([kavita]);
    expect(second.json().next_cursor).toBeNull();

    const list = async (query: string) => ids(await api(owner, 'GET', `/api/conversations?${query}`));
    expect(await list('linked=true')).toEqual([kavita]);
    expect(await list('linked=false')).toEqual([sim, meera, rahul]);
    expect(await list('channel=simulator')).toEqual([sim]);
    expect(await list('channel=whatsapp&linked=false')).toEqual([meera, rahul]);
    expect(await list(`assignee_id=${amit.userId}`)).toEqual([kavita]);
    expect(await list(`assignee_id=${owner.userId}`)).toEqual([]);
    expect(await list('search=orbit')).toEqual([kavita]);
    expect(await list('search=RAO')).toEqual([kavita]);
    expect(await list('search=gupta')).toEqual([rahul]);
    expect(await list(`search=${encodeURIComponent('098765-00002')}`)).toEqual([rahul]);
    expect(await list('search=00003')).toEqual([meera]);
    expect(await list('search=100%25')).toEqual([]);
    expect(await list('search=nobody')).toEqual([]);

    expect((await api(owner, 'GET', '/api/conversations?cursor=garbage')).statusCode).toBe(400);
    expect((await api(owner, 'GET', '/api/conversations?linked=maybe')).statusCode).toBe(400);

    // An agent sees the conversations of their own leads only.
    expect(ids(await api(amit, 'GET', '/api/conversations'))).toEqual([kavita]);
    expect((await api(amit, 'GET', `/api/conversations/${kavita}`)).json().lead.company).toBe('Orbit Textiles');
    for (const url of [
      `/api/conversations/${rahul}`,
      `/api/conversations/${rahul}/messages`,
      `${CRM}/conversation/${rahul}`,
    ])
      expect((await api(amit, 'GET', url)).statusCode, url).toBe(404);
    expect((await api(amit, 'POST', `/api/conversations/${rahul}/messages`, { text: 'hi' })).statusCode).toBe(404);
    expect((await api(amit, 'POST', `${CRM}/capture-lead`, { conversation_id: rahul })).statusCode).toBe(404);
    await drainJobs(deps);
  });
});

describe('/api/whatsapp/crm-integration', () => {
  it('links by hand, captures a new lead or links to the one with the same phone, and auto-links', async () => {
    const { owner, say } = await connect({ lead_capture: false });
    const a = await say('919811100001', 'hello', { name: 'Anil' });
    const b = await say('919811100002', 'hello', { name: 'Bela' });
    const c = await say('919811100003', 'hello', { name: 'Chirag' });
    const d = await say('919811100004', 'hello', { name: 'Deepa Nair' });
    await drainJobs(deps);
    // Lead capture is off: nobody was linked.
    expect(ids(await api(owner, 'GET', '/api/conversations?linked=true'))).toEqual([]);

    const manual = await newLead(owner, { company: 'Manual Co' });
    const linked = await api(owner, 'POST', `${CRM}/link-conversation`, { conversation_id: a, lead_id: manual.id });
    expect(linked.statusCode).toBe(200);
    expect(linked.json()).toMatchObject({
      conversation: { id: a, lead_id: manual.id },
      lead: { id: manual.id, company: 'Manual Co' },
    });
    const activities = (await api(owner, 'GET', `/api/leads/${manual.id}/activities`)).json().data;
    expect(activities.map((x: { type: string }) => x.type)).toContain('conversation.linked');

    const existing = await newLead(owner, { company: 'Bela Foods', phone: '+91 98111 00002' });
    const captured = await api(owner, 'POST', `${CRM}/capture-lead`, { conversation_id: b });
    expect(captured.statusCode).toBe(200);
    expect(captured.json()).toMatchObject({ created: false, lead: { id: existing.id } });

    const fresh = await api(owner, 'POST', `${CRM}/capture-lead`, { conversation_id: d, company: 'Nair Exports' });
    expect(fresh.json()).toMatchObject({
      created: true,
      lead: { company: 'Nair Exports', contact_name: 'Deepa Nair', phone: '+919811100004', source: 'whatsapp' },
    });
    const again = await api(owner, 'POST', `${CRM}/capture-lead`, { conversation_id: d });
    expect(again.json()).toMatchObject({ created: false, lead: { id: fresh.json().lead.id } });

    // A lead created later, in another phone format, is found by auto-link; a second run finds nothing.
    const late = await newLead(owner, { contact_name: 'Chirag', phone: '098111-00003' });
    const amit = await addMember(app, owner, 'agent', 'Amit');
    expect((await api(amit, 'POST', `${CRM}/auto-link`)).statusCode).toBe(403);
    expect((await api(owner, 'POST', `${CRM}/auto-link`)).json()).toEqual({ linked: 1 });
    expect((await api(owner, 'POST', `${CRM}/auto-link`)).json()).toEqual({ linked: 0 });

    const ctx = await api(owner, 'GET', `${CRM}/conversation/${c}`);
    expect(ctx.statusCode).toBe(200);
    expect(ctx.json()).toMatchObject({
      conversation: { id: c, lead_id: late.id },
      lead: { id: late.id, phone: '+919811100003' },
      more_messages: false,
    });
    expect(ctx.json().messages[0]).toMatchObject({ conversation_id: c, direction: 'in', text: 'hello' });
    expect(ids(await api(owner, 'GET', '/api/conversations?linked=false'))).toEqual([]);

    expect(
      (
        await api(owner, 'POST', `${CRM}/link-conversation`, {
          conversation_id: a,
          lead_id: '00000000-0000-7000-8000-000000000000',
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await api(owner, 'POST', `${CRM}/link-conversation`, { conversation_id: 'nope', lead_id: manual.id }))
        .statusCode,
    ).toBe(400);
    expect(
      (await api(owner, 'POST', `${CRM}/capture-lead`, { conversation_id: '00000000-0000-7000-8000-000000000000' }))
        .statusCode,
    ).toBe(404);
  });
});

describe('replies and handoff', () => {
  it('an agent reply is queued, reaches the Graph API and appears in the lead history', async () => {
    const { owner, phoneNumberId, say } = await connect();
    const conv = await say('919822200001', 'Is the flat available?', { name: 'Priya' });
    await drainJobs(deps);
    const res = await api(owner, 'POST', `/api/conversations/${conv}/messages`, {
      text: 'Yes, shall I book a visit for Saturday?',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      direction: 'out',
      status: 'queued',
      purpose: 'agent',
      author_id: owner.userId,
      text: 'Yes, shall I book a visit for Saturday?',
    });
    await drainJobs(deps);
    const sent = graph.requests.filter((r) => r.path.endsWith(`/${phoneNumberId}/messages`)).at(-1)!;
    expect(sent.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: '+919822200001',
      type: 'text',
      text: { body: 'Yes, shall I book a visit for Saturday?' },
    });

    const msgs = (await api(owner, 'GET', `/api/conversations/${conv}/messages`)).json();
    expect(msgs.data.length).toBeGreaterThanOrEqual(3); // the customer, the bot's answer, the agent
    expect(msgs.data[0]).toMatchObject({ direction: 'in', text: 'Is the flat available?', status: 'received' });
    expect(msgs.data.at(-1)).toMatchObject({ id: res.json().id, direction: 'out', purpose: 'agent', status: 'sent' });
    expect(msgs.data.map((m: { created_at: string }) => m.created_at)).toEqual(
      msgs.data.map((m: { created_at: string }) => m.created_at).sort(),
    );
    const paged: { id: string }[] = [];
    for (let cursor = '', n = 0; n < 10; n++) {
      const p = (
        await api(owner, 'GET', `/api/conversations/${conv}/messages?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      paged.push(...p.data);
      if (!p.next_cursor) break;
      cursor = p.next_cursor;
    }
    expect(paged.map((m) => m.id)).toEqual(msgs.data.map((m: { id: string }) => m.id));

    const leadId = (await api(owner, 'GET', `/api/conversations/${conv}`)).json().lead_id;
    const history = (await api(owner, 'GET', `/api/leads/${leadId}/history`)).json().data;
    expect(
      history.find(
        (h: { type: string; text: string }) => h.type === 'message.received' && h.text === 'Is the flat available?',
      ),
    ).toBeDefined();
    expect(
      history.find(
        (h: { type: string; text: string }) => h.type === 'message.sent' && h.text.startsWith('Yes, shall I'),
      ),
    ).toMatchObject({ actor_id: owner.userId });
    // Paged (what the dashboard reads): the same entries and messages, newest first, one page each.
    const pagedHistory: { id: string; at: string; kind: string; data: Record<string, unknown> }[] = [];
    for (let cursor = '', n = 0; n < 50; n++) {
      const p = (
        await api(owner, 'GET', `/api/leads/${leadId}/history?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      pagedHistory.push(...p.data);
      if (!p.next_cursor) break;
      cursor = p.next_cursor;
    }
    expect(pagedHistory.map((h) => h.id).sort()).toEqual(history.map((h: { id: string }) => h.id).sort());
    expect(pagedHistory.map((h) => h.at)).toEqual([...pagedHistory.map((h) => h.at)].sort().reverse());
    expect(pagedHistory.find((h) => h.kind === 'message')?.data).toMatchObject({ conversation_id: conv });

    expect((await api(owner, 'POST', `/api/conversations/${conv}/messages`, { text: '   ' })).statusCode).toBe(400);
    expect(
      (await api(owner, 'POST', `/api/conversations/00000000-0000-7000-8000-000000000000/messages`, { text: 'hi' }))
        .statusCode,
    ).toBe(404);
  });

  it('handoff silences the bot until release, with activities on the lead', async () => {
    const { owner, channelId, say } = await connect();
    const outbound = async () =>
      (
        await deps.db
          .select()
          .from(messages)
          .where(and(eq(messages.channelId, channelId), eq(messages.direction, 'out')))
      ).length;
    const conv = await say('919833300001', 'Is the 2BHK in Baner still available?', { name: 'Ravi' });
    const off = await api(owner, 'POST', `/api/conversations/${conv}/handoff`, { reason: 'Asked for a person' });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ handoff_reason: 'Asked for a person' });
    expect(off.json().handed_off_at).not.toBeNull();
    await drainJobs(deps);
    expect(await outbound()).toBe(0);

    const on = await api(owner, 'POST', `/api/conversations/${conv}/release`);
    expect(on.json()).toMatchObject({ handed_off_at: null, handoff_reason: null });
    await say('919833300001', 'What is the price?');
    await drainJobs(deps);
    const answered = await outbound();
    expect(answered).toBeGreaterThan(0); // the bot speaks again

    expect(
      (await app.inject({ method: 'POST', url: `/api/conversations/${conv}/handoff`, headers: owner.auth })).statusCode,
    ).toBe(200);
    expect(
      (await api(owner, 'POST', `/api/conversations/${conv}/handoff`, { reason: 'again' })).json().handoff_reason,
    ).toBeNull(); // already handed off: unchanged
    await say('919833300001', 'Is parking included?');
    await drainJobs(deps);
    expect(await outbound()).toBe(answered);

    const leadId = (await api(owner, 'GET', `/api/conversations/${conv}`)).json().lead_id;
    const types = (await api(owner, 'GET', `/api/leads/${leadId}/history`))
      .json()
      .data.map((h: { type: string }) => h.type);
    expect(types.filter((t: string) => t.startsWith('conversation.'))).toEqual([
      'conversation.linked',
      'conversation.released',
      'conversation.handed_off',
    ]);
  });
});

describe('GET /api/whatsapp/crm-integration/analytics', () => {
  it('counts conversations, conversion, messages per day and the median first response', async () => {
    const { owner, say } = await connect({ lead_capture: false });
    await addMember(app, owner, 'agent', 'Amit', '+91 98444 00009');
    await newLead(owner, { company: 'Asha Homes', phone: '+91 98444 00001' });
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
    const s = (sec: number) => new Date(t0 + sec * 1000);
    const a = await say('919844400001', 'hi', { name: 'Asha', now: t0 }); // links to the existing lead
    const b = await say('919844400002', 'hi', { name: 'Bala', now: t0 + 100_000 }); // captured by hand below
    await say('919844400002', 'price?', { now: t0 + 130_000 });
    const c = await say('919844400003', 'hi', { name: 'Chen', now: t0 + 200_000 }); // never answered, stays unlinked
    await say('919844400009', 'my leads', { now: t0 + 50_000 }); // a team member: not a customer conversation
    // Humans answer this dataset: the bot is kept out so that every reply is one of ours.
    for (const conv of [a, b, c]) await api(owner, 'POST', `/api/conversations/${conv}/handoff`);
    await drainJobs(deps);
    expect((await api(owner, 'POST', `${CRM}/capture-lead`, { conversation_id: b })).json().created).toBe(true);
    // Outbound rows carry the real clock; pin them to known offsets: A answered after 60 s, B after 300 s.
    const reply = async (conv: string, text: string, sec: number) => {
      const id = (await api(owner, 'POST', `/api/conversations/${conv}/messages`, { text })).json().id;
      await deps.db
        .update(messages)
        .set({ createdAt: s(sec) })
        .where(eq(messages.id, id));
    };
    await reply(a, 'Hello Asha', 60);
    await reply(b, 'Hello Bala', 400);
    await reply(a, 'Following up', 600);
    await drainJobs(deps);

    const res = await api(owner, 'GET', `${CRM}/analytics`);
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.time_zone).toBe('Asia/Kolkata');
    expect(r.conversations).toEqual({ total: 3, linked: 2, unlinked: 1, conversion_rate: 2 / 3, leads_captured: 1 });
    expect(r.first_response).toEqual({ median_seconds: 180, responded: 2, unanswered: 1 });
    expect(r.channels).toEqual([{ channel: 'whatsapp', conversations: 3, linked: 2 }]);
    expect(r.messages_per_day).toHaveLength(31);
    const day = (sec: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(s(sec));
    const expected = new Map<string, { inbound: number; outbound: number }>();
    for (const [sec, dir] of [
      [0, 'in'],
      [100, 'in'],
      [130, 'in'],
      [200, 'in'],
      [60, 'out'],
      [400, 'out'],
      [600, 'out'],
    ] as const) {
      const e = expected.get(day(sec)) ?? { inbound: 0, outbound: 0 };
      e[dir === 'in' ? 'inbound' : 'outbound']++;
      expected.set(day(sec), e);
    }
    expect(r.messages_per_day.filter((d: { inbound: number; outbound: number }) => d.inbound || d.outbound)).toEqual(
      [...expected].map(([date, e]) => ({ date, ...e })),
    );

    const past = (await api(owner, 'GET', `${CRM}/analytics?from=2020-01-01&to=2020-01-02`)).json();
    expect(past).toMatchObject({
      from: '2019-12-31T18:30:00.000Z',
      to: '2020-01-02T18:30:00.000Z',
      conversations: { total: 0, conversion_rate: null },
      first_response: { median_seconds: null, responded: 0 },
    });
    expect(past.messages_per_day).toEqual([
      { date: '2020-01-01', inbound: 0, outbound: 0 },
      { date: '2020-01-02', inbound: 0, outbound: 0 },
    ]);
    const since = (await api(owner, 'GET', `${CRM}/analytics?from=${encodeURIComponent(s(90).toISOString())}`)).json();
    expect(since.first_response).toEqual({ median_seconds: 300, responded: 1, unanswered: 1 });

    expect((await api(owner, 'GET', `${CRM}/analytics?from=2020-02-01&to=2020-01-01`)).statusCode).toBe(400);
    expect((await api(owner, 'GET', `${CRM}/analytics?from=2020-01-01&to=2022-01-01`)).statusCode).toBe(400);
    expect((await api(owner, 'GET', `${CRM}/analytics?from=yesterday`)).statusCode).toBe(400);
  });
});

describe('tenancy', () => {
  it('another workspace gets 404 for every conversation route with these ids and sees none of them', async () => {
    const { owner, say } = await connect();
    const conv = await say('919855500001', 'hello', { name: 'Secret Sam' });
    await drainJobs(deps);
    const leadId = (await api(owner, 'GET', `/api/conversations/${conv}`)).json().lead_id;
    const other = await newWorkspace(app, 'Other');
    const attempts: [string, string, object?][] = [
      ['GET', `/api/conversations/${conv}`],
      ['GET', `/api/conversations/${conv}/messages`],
      ['POST', `/api/conversations/${conv}/messages`, { text: 'sneaky' }],
      ['POST', `/api/conversations/${conv}/handoff`, { reason: 'sneaky' }],
      ['POST', `/api/conversations/${conv}/release`],
      ['GET', `${CRM}/conversation/${conv}`],
      ['POST', `${CRM}/link-conversation`, { conversation_id: conv, lead_id: leadId }],
      ['POST', `${CRM}/capture-lead`, { conversation_id: conv }],
    ];
    for (const [method, url, body] of attempts)
      expect((await api(other, method as 'GET', url, body)).statusCode, `${method} ${url}`).toBe(404);
    for (const url of ['/api/conversations', '/api/conversations?search=sam', `${CRM}/analytics`]) {
      const res = await api(other, 'GET', url);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(conv);
      expect(res.body).not.toContain('Secret Sam');
    }
    expect((await api(other, 'POST', `${CRM}/auto-link`)).json()).toEqual({ linked: 0 });
    expect((await api(other, 'GET', `${CRM}/analytics`)).json().conversations.total).toBe(0);
    const [row] = await deps.db.select().from(conversations).where(eq(conversations.id, conv));
    expect(row).toMatchObject({ leadId, handedOffAt: null });
    expect(
      await deps.db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conv), eq(messages.purpose, 'agent'))),
    ).toHaveLength(0);
  });
});
