import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember, createTestApp, newWorkspace } from './helpers/app.ts';

const { app, deps } = await createTestApp();

async function setup() {
  const owner = await newWorkspace(app, 'Sales Co');
  await app.inject({
    method: 'PATCH',
    url: `/api/users/${owner.userId}`,
    headers: owner.auth,
    payload: { name: 'Priya' },
  });
  const amit = await addMember(app, owner, 'agent', 'Amit');
  return { owner, amit };
}

describe('leads', () => {
  it('stores phones as E.164, finds them in any format and refuses a duplicate with 409', async () => {
    const { owner } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: owner.auth,
      payload: { company: 'Orbit Textiles', contact_name: 'Kavita Rao', phone: '+91 98765 43210' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().phone).toBe('+919876543210');
    for (const format of ['098765-43210', '919876543210', '(98765) 43210', '+91 98765 43210']) {
      const found = await app.inject({
        method: 'GET',
        url: `/api/leads?phone=${encodeURIComponent(format)}`,
        headers: owner.auth,
      });
      expect(
        found.json().data.map((l: { id: string }) => l.id),
        format,
      ).toEqual([res.json().id]);
    }
    const dup = await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: owner.auth,
      payload: { company: 'Other', phone: '09876543210' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.fields.phone).toBeDefined();
    const bad = await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: owner.auth,
      payload: { company: 'Bad', phone: '12' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toHaveProperty('phone');
  });

  it('finds leads by fuzzy company or contact name', async () => {
    const { owner } = await setup();
    for (const [company, contact_name] of [
      ['Orbit Textiles', 'Kavita Rao'],
      ['Nimbus Labs', 'Arjun Mehta'],
      ['Green Valley Foods', 'Meera Nair'],
    ]) {
      await app.inject({ method: 'POST', url: '/api/leads', headers: owner.auth, payload: { company, contact_name } });
    }
    const search = async (q: string) =>
      (await app.inject({ method: 'GET', url: `/api/leads?search=${encodeURIComponent(q)}`, headers: owner.auth }))
        .json()
        .data.map((l: { company: string }) => l.company);
    expect((await search('orbit textile'))[0]).toBe('Orbit Textiles');
    expect((await search('nimbus'))[0]).toBe('Nimbus Labs');
    expect((await search('arjun'))[0]).toBe('Nimbus Labs');
    expect((await search('green vally'))[0]).toBe('Green Valley Foods');
    expect(await search('zzzz qqqq')).toEqual([]);
  });

  it('pages with limit and next_cursor without repeating or skipping', async () => {
    const { owner } = await setup();
    for (let i = 0; i < 7; i++)
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: { company: `Company ${i}` },
      });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.inject({
        method: 'GET',
        url: `/api/leads?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        headers: owner.auth,
      });
      const body: { data: { company: string }[]; next_cursor: string | null } = res.json();
      seen.push(...body.data.map((l: { company: string }) => l.company));
      cursor = body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(
      (await app.inject({ method: 'GET', url: '/api/leads?cursor=garbage', headers: owner.auth })).statusCode,
    ).toBe(400);
  });

  it('writes an activity for every change, with old → new values and readable text', async () => {
    const { owner, amit } = await setup();
    const lead = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: { company: 'Orbit Textiles', assignee_id: amit.userId },
      })
    ).json();
    await app.inject({
      method: 'PATCH',
      url: `/api/leads/${lead.id}`,
      headers: owner.auth,
      payload: { status: 'qualified' },
    });
    const rekha = await addMember(app, owner, 'agent', 'Rekha');
    await app.inject({
      method: 'POST',
      url: `/api/leads/${lead.id}/assign`,
      headers: owner.auth,
      payload: { assignee_id: rekha.userId },
    });
    const acts = (
      await app.inject({ method: 'GET', url: `/api/leads/${lead.id}/activities`, headers: owner.auth })
    ).json().data;
    expect(acts.map((a: { type: string }) => a.type)).toEqual(['lead.created', 'status.changed', 'lead.reassigned']);
    expect(acts[0].text).toBe('Lead created by Priya and assigned to Amit');
    // The score follows the pipeline: qualified raises it to 40 in the same change.
    expect(acts[1].changes).toEqual({ status: { old: 'new', new: 'qualified' }, score: { old: 0, new: 40 } });
    expect(acts[1].text).toBe('Lead status changed from new to qualified; score changed from 0 to 40 by Priya');
    expect(acts[2].changes.assignee_id).toEqual({ old: amit.userId, new: rekha.userId });
    expect(acts[2].text).toBe('Lead reassigned from Amit to Rekha by Priya');
    // The compat route answers the same.
    const compat = (await app.inject({ method: 'GET', url: `/activities/${lead.id}`, headers: owner.auth })).json()
      .data;
    expect(compat).toEqual(acts);
  });

  it('rejects an unknown assignee and changes nothing', async () => {
    const { owner } = await setup();
    const other = await newWorkspace(app, 'Other');
    const res = await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: owner.auth,
      payload: { company: 'X Ltd', assignee_id: other.userId },
    });
    expect(res.statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/leads', headers: owner.auth })).json().data).toHaveLength(0);
  });
});

describe('tasks, deals, notes and history', () => {
  it('schedules, reschedules and completes a meeting with activities in the workspace time zone', async () => {
    const { owner, amit } = await setup();
    const lead = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: { company: 'Nimbus Labs', assignee_id: amit.userId },
      })
    ).json();
    const task = await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: owner.auth,
      payload: { lead_id: lead.id, type: 'meeting', due_at: '2026-03-12T15:00:00+05:30' },
    });
    expect(task.statusCode).toBe(201);
    expect(task.json()).toMatchObject({
      title: 'Meeting with Nimbus Labs',
      assignee_id: amit.userId,
      status: 'pending',
      due_at: '2026-03-12T09:30:00.000Z',
    });
    const id = task.json().id;
    await app.inject({
      method: 'PATCH',
      url: `/api/tasks/${id}`,
      headers: owner.auth,
      payload: { due_at: '2026-03-13T11:00:00+05:30' },
    });
    const done = await app.inject({
      method: 'PATCH',
      url: `/api/tasks/${id}`,
      headers: amit.auth,
      payload: { status: 'done' },
    });
    expect(done.json().completed_at).not.toBeNull();
    const acts = (
      await app.inject({ method: 'GET', url: `/api/leads/${lead.id}/activities`, headers: owner.auth })
    ).json().data;
    expect(acts.map((a: { text: string }) => a.text).slice(1)).toEqual([
      'Meeting with Nimbus Labs scheduled for 12 Mar 2026, 3:00 pm, assigned to Amit by Priya',
      'Meeting with Nimbus Labs rescheduled from 12 Mar 2026, 3:00 pm to 13 Mar 2026, 11:00 am by Priya',
      'Meeting with Nimbus Labs marked done by Amit',
    ]);
    expect(acts[2].changes.due_at).toEqual({ old: '2026-03-12T09:30:00.000Z', new: '2026-03-13T05:30:00.000Z' });
  });

  it("lists a member's upcoming tasks with the company name at /tasks/{username}", async () => {
    const { owner, amit } = await setup();
    const me = (await app.inject({ method: 'GET', url: '/api/me', headers: amit.auth })).json().user;
    const lead = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: { company: 'Orbit Textiles', assignee_id: amit.userId },
      })
    ).json();
    const soon = new Date(Date.now() + 3600_000).toISOString();
    const later = new Date(Date.now() + 48 * 3600_000).toISOString();
    const old = new Date(Date.now() - 10 * 24 * 3600_000).toISOString();
    await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: owner.auth,
      payload: { lead_id: lead.id, type: 'demo', due_at: later },
    });
    await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: owner.auth,
      payload: { lead_id: lead.id, type: 'call', due_at: soon },
    });
    await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: owner.auth,
      payload: { lead_id: lead.id, type: 'follow_up', due_at: old },
    });
    const res = await app.inject({ method: 'GET', url: `/tasks/${me.username}`, headers: owner.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((t: { type: string; company: string }) => [t.type, t.company])).toEqual([
      ['call', 'Orbit Textiles'],
      ['demo', 'Orbit Textiles'],
    ]);
    expect((await app.inject({ method: 'GET', url: '/tasks/nobody-here', headers: owner.auth })).statusCode).toBe(404);
  });

  it('merges activities, tasks, deals and notes into one chronological history', async () => {
    const { owner } = await setup();
    const lead = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: { company: 'Green Valley Foods' },
      })
    ).json();
    const deal = await app.inject({
      method: 'POST',
      url: `/api/leads/${lead.id}/deals`,
      headers: owner.auth,
      payload: { title: 'ERP', value: 820000, currency: 'inr', probability: 40 },
    });
    expect(deal.json()).toMatchObject({ value: 820000, currency: 'INR', stage: 'qualification' });
    await app.inject({
      method: 'PATCH',
      url: `/api/deals/${deal.json().id}`,
      headers: owner.auth,
      payload: { stage: 'won' },
    });
    await app.inject({
      method: 'POST',
      url: `/api/leads/${lead.id}/notes`,
      headers: owner.auth,
      payload: { body: 'Wants Kannada training' },
    });
    await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: owner.auth,
      payload: { lead_id: lead.id, type: 'call', due_at: new Date(Date.now() + 86400_000).toISOString() },
    });
    const history = (await app.inject({ method: 'GET', url: `/history/${lead.id}`, headers: owner.auth })).json().data;
    const kinds = history.map((h: { kind: string }) => h.kind);
    expect(new Set(kinds)).toEqual(new Set(['activity', 'deal', 'note', 'task']));
    const times = history.map((h: { at: string }) => h.at);
    expect([...times].sort()).toEqual(times);
    expect(history.at(-1)).toMatchObject({ kind: 'task', type: 'call' });
    expect(history.find((h: { type: string }) => h.type === 'deal.stage_changed').text).toContain(
      'qualification → won',
    );
    const api = (await app.inject({ method: 'GET', url: `/api/leads/${lead.id}/history`, headers: owner.auth })).json()
      .data;
    expect(api).toEqual(history);

    // In pages, newest first: the same entries, each once, in (at, id) descending order.
    const paged: { id: string; at: string; kind: string }[] = [];
    let cursor: string | null = null;
    do {
      const res: { statusCode: number; json: () => any } = await app.inject({
        method: 'GET',
        url: `/api/leads/${lead.id}/history?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: owner.auth,
      });
      expect(res.statusCode).toBe(200);
      const body: { data: { id: string; at: string; kind: string }[]; next_cursor: string | null } = res.json();
      expect(body.data.length).toBeLessThanOrEqual(2);
      paged.push(...body.data);
      cursor = body.next_cursor;
    } while (cursor);
    expect(paged.map((h) => h.id).sort()).toEqual(history.map((h: { id: string }) => h.id).sort());
    const order = paged.map((h) => `${h.at} ${h.id}`);
    expect(order).toEqual([...order].sort().reverse());
    expect(paged[0]).toMatchObject({ kind: 'task', type: 'call' });
    const bad = await app.inject({
      method: 'GET',
      url: `/api/leads/${lead.id}/history?cursor=not-a-cursor`,
      headers: owner.auth,
    });
    expect(bad.statusCode).toBe(400);
  });

  it('keeps the activity timeline append-only in the database', async () => {
    const { owner } = await setup();
    await app.inject({ method: 'POST', url: '/api/leads', headers: owner.auth, payload: { company: 'Immutable Ltd' } });
    await expect(
      deps.db.execute(sql`update activities set text = 'rewritten' where workspace_id = ${owner.workspaceId}`),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/append-only/) } });
  });
});
