// GET /api/events (server-sent events) and GET /api/pipeline: what each role receives.
import { afterAll, describe, expect, it } from 'vitest';
import { addMember, createTestApp, drainJobs, newWorkspace, type Session } from './helpers/app.ts';

const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' });
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

type Event = { type: string; data: Record<string, unknown> };

/** Opens the stream and collects its events until closed. */
async function listen(s: Session | null) {
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/events`, { headers: s ? s.auth : {}, signal: ctrl.signal });
  const events: Event[] = [];
  const raw: string[] = [];
  if (res.ok) {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          raw.push(value);
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const type = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (type && data) events.push({ type, data: JSON.parse(data) });
          }
        }
      } catch {
        // aborted
      }
    })();
  }
  return { res, events, raw, close: () => ctrl.abort() };
}

const until = async (fn: () => boolean, ms = 8000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out waiting for events');
    await new Promise((r) => setTimeout(r, 100));
  }
};

afterAll(() => app.close());

describe('live events', () => {
  it('refuses without credentials', async () => {
    const s = await listen(null);
    expect(s.res.status).toBe(401);
    expect((await s.res.json()).error.code).toBe('unauthorized');
  });

  it('streams new messages, delivery statuses and lead changes, each only to who may see them, without text', async () => {
    const owner = await newWorkspace(app, 'Live Co');
    const agent = await addMember(app, owner, 'agent', 'Asha');
    const other = await addMember(app, owner, 'agent', 'Bala');
    const call = (s: Session, method: string, url: string, payload?: object) =>
      app.inject({ method: method as 'POST', url, headers: s.auth, payload });
    const mine = (
      await call(owner, 'POST', '/api/leads', {
        company: 'Mine Ltd',
        phone: '+91 98450 00001',
        assignee_id: agent.userId,
      })
    ).json();
    await call(owner, 'POST', '/api/leads', {
      company: 'Theirs Ltd',
      phone: '+91 98450 00002',
      assignee_id: other.userId,
    });
    const outsider = await newWorkspace(app, 'Elsewhere');

    const o = await listen(owner);
    const a = await listen(agent);
    const x = await listen(outsider);
    expect(o.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await until(() => o.events.some((e) => e.type === 'ready') && a.events.some((e) => e.type === 'ready'));

    const m1 = (
      await call(owner, 'POST', '/api/simulator/messages', { from: '+91 98450 00001', text: 'secret words one' })
    ).json();
    const m2 = (
      await call(owner, 'POST', '/api/simulator/messages', { from: '+91 98450 00002', text: 'secret words two' })
    ).json();
    await until(() => [m1, m2].every((m) => o.events.some((e) => e.type === 'message' && e.data.id === m.message_id)));
    expect(o.events.find((e) => e.data.id === m1.message_id)!.data).toEqual({
      id: m1.message_id,
      conversation_id: m1.conversation_id,
      direction: 'in',
      status: 'received',
    });

    // The bot's reply goes out: its row appears, then its status changes to sent.
    await drainJobs(deps);
    await until(() =>
      o.events.some(
        (e) =>
          e.type === 'message' &&
          e.data.direction === 'out' &&
          e.data.status === 'sent' &&
          e.data.conversation_id === m1.conversation_id,
      ),
    );
    // Routing linked the conversation to the agent's lead: from then on the agent hears of it.
    await until(() =>
      a.events.some((e) => e.type === 'conversation' && e.data.id === m1.conversation_id && e.data.lead_id === mine.id),
    );
    await until(() =>
      a.events.some(
        (e) => e.type === 'message' && e.data.direction === 'out' && e.data.conversation_id === m1.conversation_id,
      ),
    );

    await call(owner, 'PATCH', `/api/leads/${mine.id}`, { status: 'qualified' });
    await until(() =>
      a.events.some((e) => e.type === 'lead' && e.data.id === mine.id && e.data.status === 'qualified'),
    );
    await call(owner, 'POST', `/api/conversations/${m1.conversation_id}/handoff`, {});
    await until(() =>
      a.events.some((e) => e.type === 'conversation' && e.data.id === m1.conversation_id && e.data.handed_off === true),
    );

    // The agent never hears of the other agent's conversation; the other workspace of nothing.
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      a.events.some((e) => e.data.conversation_id === m2.conversation_id || e.data.id === m2.conversation_id),
    ).toBe(false);
    expect(x.events.filter((e) => e.type !== 'ready')).toEqual([]);
    expect([...o.raw, ...a.raw].join('')).not.toContain('secret words');
    for (const s of [o, a, x]) s.close();
  });
});

describe('pipeline summary', () => {
  it('counts leads and open deal value per status, for the whole workspace or an agent’s own', async () => {
    const owner = await newWorkspace(app, 'Pipe Co');
    const agent = await addMember(app, owner, 'agent', 'Chitra');
    const make = async (company: string, status: string, assignee: string | null, deals: [number, string][]) => {
      const lead = (
        await app.inject({
          method: 'POST',
          url: '/api/leads',
          headers: owner.auth,
          payload: { company, status, ...(assignee ? { assignee_id: assignee } : {}) },
        })
      ).json();
      for (const [value, stage] of deals)
        await app.inject({
          method: 'POST',
          url: `/api/leads/${lead.id}/deals`,
          headers: owner.auth,
          payload: { title: `${company} deal`, value, stage },
        });
    };
    await make('A', 'proposal', agent.userId, [
      [1000, 'proposal'],
      [500, 'lost'],
    ]);
    await make('B', 'proposal', null, [[2500, 'negotiation']]);
    await make('C', 'new', agent.userId, []);
    const get = async (s: Session) =>
      (await app.inject({ method: 'GET', url: '/api/pipeline', headers: s.auth })).json().data as {
        status: string;
        count: number;
        values: { currency: string; value: number }[];
      }[];
    const all = await get(owner);
    expect(all.find((s) => s.status === 'proposal')).toEqual({
      status: 'proposal',
      count: 2,
      values: [{ currency: 'INR', value: 3500 }],
    });
    expect(all.find((s) => s.status === 'new')).toEqual({ status: 'new', count: 1, values: [] });
    expect(all).toHaveLength(11);
    const own = await get(agent);
    expect(own.find((s) => s.status === 'proposal')).toEqual({
      status: 'proposal',
      count: 1,
      values: [{ currency: 'INR', value: 1000 }],
    });
    const filtered = (
      await app.inject({ method: 'GET', url: `/api/pipeline?assignee_id=${agent.userId}`, headers: owner.auth })
    ).json().data;
    expect(filtered.find((s: { status: string }) => s.status === 'proposal').count).toBe(1);
    expect((await app.inject({ method: 'GET', url: '/api/pipeline' })).statusCode).toBe(401);
  });
});

describe('conversation filters', () => {
  it('lists unassigned and handed-off conversations', async () => {
    const owner = await newWorkspace(app, 'Filter Co');
    const agent = await addMember(app, owner, 'agent', 'Devi');
    await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: owner.auth,
      payload: { company: 'Owned', phone: '+91 98450 10001', assignee_id: agent.userId },
    });
    const sim = async (from: string) =>
      (
        await app.inject({
          method: 'POST',
          url: '/api/simulator/messages',
          headers: owner.auth,
          payload: { from, text: 'hello' },
        })
      ).json().conversation_id as string;
    const owned = await sim('+91 98450 10001');
    const stranger = await sim('+91 98450 10002');
    await drainJobs(deps);
    await app.inject({
      method: 'POST',
      url: `/api/conversations/${stranger}/handoff`,
      headers: owner.auth,
      payload: {},
    });
    const ids = async (q: string) =>
      (
        (await app.inject({ method: 'GET', url: `/api/conversations?${q}`, headers: owner.auth })).json().data as {
          id: string;
        }[]
      ).map((c) => c.id);
    expect(await ids('unassigned=true')).toEqual([stranger]);
    expect(await ids('unassigned=false')).toEqual([owned]);
    expect(await ids('handed_off=true')).toEqual([stranger]);
    expect(await ids('handed_off=false')).toEqual([owned]);
    expect(
      (await app.inject({ method: 'GET', url: '/api/conversations?handed_off=maybe', headers: owner.auth })).statusCode,
    ).toBe(400);
  });
});
