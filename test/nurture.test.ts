// The Message Master end to end on a controllable clock: "demo done" on WhatsApp enrolls the lead,
// reminders fire at their local instants through pg-boss and the outbox to the fake Graph API,
// exactly once however often their jobs run, and stop or move when the lead changes.
//
// Time: the app's clock (deps.now) is a variable the tests set. pg-boss keeps its own (database)
// time, so `advanceTo` also brings this workspace's reminder jobs due by then forward to "now", as
// pg-boss would find them when its clock reached that instant. Fake dates are in 2027, after real
// time, so no job fires before a test moves the clock.
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeps } from '../src/deps.ts';
import { rowsOf } from '../src/db/client.ts';
import { activities, leads, messages, reminders } from '../src/db/schema/index.ts';
import { allJobs } from '../src/jobs/index.ts';
import type { JobQueue } from '../src/jobs/queue.ts';
import { deliverReminder, remindJob } from '../src/nurture/remind.ts';
import { sweepNurture } from '../src/nurture/sweep.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { addMember, connectWhatsApp, createTestApp, drainJobs, newWorkspace, type Session } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
let clock = new Date('2027-03-08T16:00:00+05:30'); // a Monday
const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' }, { now: () => clock });
const SECRET = 'wa-app-secret';
const PHONES = { rekha: '919810020001', sunil: '919810020002', kavita: '919845012345' } as const;
const BROCHURE = 'https://files.example.com/brightbooks-gst.pdf';

type Team = {
  owner: Session;
  workspaceId: string;
  phoneNumberId: string;
  rekha: Session;
  sunil: Session;
  leadId: string;
};

/** A workspace on WhatsApp, Mon–Sat 10–19, with the Day 1/3/7 sequence and Orbit Textiles assigned to Rekha. */
async function team(): Promise<Team> {
  clock = new Date('2027-03-08T15:00:00+05:30');
  const owner = await newWorkspace(app, 'BrightBooks');
  const { phoneNumberId } = await connectWhatsApp(app, owner, { apiUrl: graph.url, appSecret: SECRET });
  const ws = await app.inject({
    method: 'PATCH',
    url: '/api/workspace',
    headers: owner.auth,
    payload: {
      settings: { business_hours: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], open: '10:00', close: '19:00' } },
    },
  });
  expect(ws.statusCode).toBe(200);
  const seq = await app.inject({
    method: 'POST',
    url: '/api/message-master',
    headers: owner.auth,
    payload: {
      name: 'Post-demo',
      steps: [
        {
          delay_days: 1,
          text: 'Hi {contact_name}, thank you for your time at the demo on {demo_date}. Sharing our GST brochure for {company}. — {assignee}',
          attachments: [{ url: BROCHURE, caption: 'GST module for {company}' }],
        },
        { delay_days: 3, text: 'Hi {contact_name}, any questions from your team on the proposal?' },
        { delay_days: 7, title: 'Final check-in', text: 'Hi {contact_name}, shall we plan the rollout for {company}?' },
      ],
    },
  });
  expect(seq.statusCode, seq.body).toBe(201);
  const rekha = await addMember(app, owner, 'agent', 'Rekha Nair', `+${PHONES.rekha}`);
  const sunil = await addMember(app, owner, 'agent', 'Sunil Shah', `+${PHONES.sunil}`);
  const lead = await app.inject({
    method: 'POST',
    url: '/api/leads',
    headers: owner.auth,
    payload: {
      company: 'Orbit Textiles',
      contact_name: 'Kavita Rao',
      phone: '+91 98450 12345',
      assignee_id: rekha.userId,
    },
  });
  expect(lead.statusCode).toBe(201);
  return { owner, workspaceId: owner.workspaceId, phoneNumberId, rekha, sunil, leadId: lead.json().id };
}

let n = 0;
/** Someone writes to the business on WhatsApp at the current clock time; returns the replies. */
async function says(t: Team, who: keyof typeof PHONES, text: string): Promise<string> {
  const wamid = `wamid.nurture${Date.now()}${n++}`;
  const body = waText(t.phoneNumberId, PHONES[who], text, { id: wamid, name: who, now: clock.getTime() });
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
    .where(eq(messages.replyToId, inbound.id))
    .orderBy(asc(messages.createdAt));
  return out.map((m) => m.text).join('\n');
}

/** Moves the clock; this workspace's reminder jobs due by then become due for pg-boss too. */
async function advanceTo(t: Team, at: string) {
  clock = new Date(at);
  await deps.db.execute(
    sql`update pgboss.job set start_after = now() where name = 'nurture.remind' and state in ('created', 'retry') and start_after <= ${clock.toISOString()}::timestamptz and data->>'workspaceId' = ${t.workspaceId}`,
  );
}

const sentTo = (t: Team, who: keyof typeof PHONES) =>
  graph.requests.filter(
    (r) => r.path.endsWith(`/${t.phoneNumberId}/messages`) && (r.body as { to?: string }).to === `+${PHONES[who]}`,
  );
const list = async (t: Team) =>
  (await app.inject({ method: 'GET', url: `/api/leads/${t.leadId}/reminders`, headers: t.owner.auth })).json().data as {
    id: string;
    label: string;
    status: string;
    due_at: string;
    assignee_id: string;
    late: boolean;
    reason: string | null;
    deliveries: { status: string }[];
  }[];
const jobsOf = async (ids: string[]) =>
  rowsOf<{ reminder_id: string; start_after: Date }>(
    await deps.db.execute(
      sql`select data->>'reminderId' as reminder_id, start_after from pgboss.job where name = 'nurture.remind' and data->>'reminderId' in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    ),
  );

/** Demo done at Monday 16:00 IST, from Rekha's phone. */
async function demoDone(t: Team): Promise<string> {
  clock = new Date('2027-03-08T16:00:00+05:30');
  return says(t, 'rekha', 'Demo done for Orbit Textiles');
}

describe('enrolment', () => {
  it('schedules Day 1 / 3 / 7 at 10:00 local on "demo done", each a durable pg-boss job, once per message', async () => {
    const t = await team();
    const reply = await demoDone(t);
    expect(reply).toMatch(/✅ Demo with Orbit Textiles marked done/);
    expect(reply).toMatch(
      /📬 Follow-up sequence "Post-demo" started — reminders to you: Day 1 \(Tue, 9 Mar, 10:00 am\), Day 3 \(Thu, 11 Mar, 10:00 am\), Final check-in \(Mon, 15 Mar, 10:00 am\)\./,
    );
    const rows = await list(t);
    expect(rows.map((r) => [r.label, r.status, r.due_at, r.assignee_id])).toEqual([
      ['Day 1 follow-up', 'scheduled', '2027-03-09T04:30:00.000Z', t.rekha.userId],
      ['Day 3 follow-up', 'scheduled', '2027-03-11T04:30:00.000Z', t.rekha.userId],
      ['Final check-in', 'scheduled', '2027-03-15T04:30:00.000Z', t.rekha.userId],
    ]);
    const jobs = await jobsOf(rows.map((r) => r.id));
    expect(jobs.map((j) => [j.reminder_id, new Date(j.start_after).toISOString()]).sort()).toEqual(
      rows.map((r) => [r.id, r.due_at]).sort(),
    );
    const lead = (
      await app.inject({ method: 'GET', url: `/api/leads/${t.leadId}/activities`, headers: t.owner.auth })
    ).json().data;
    expect(lead.map((a: { type: string }) => a.type)).toContain('nurture.started');

    // A second "demo done" while the sequence runs starts nothing new.
    clock = new Date('2027-03-08T16:05:00+05:30');
    expect(await says(t, 'rekha', 'Demo done for Orbit Textiles')).not.toMatch(/Follow-up sequence/);
    expect(await list(t)).toHaveLength(3);
  });

  it('moves a step that falls on a closed day to the next opening, and enrolls by hand through the API', async () => {
    const t = await team();
    clock = new Date('2027-03-13T16:00:00+05:30'); // Saturday; Sunday is closed
    const seqs = (await app.inject({ method: 'GET', url: '/api/message-master', headers: t.owner.auth })).json().data;
    const res = await app.inject({
      method: 'POST',
      url: `/api/leads/${t.leadId}/enrollments`,
      headers: t.rekha.auth,
      payload: { sequence_id: seqs[0].id },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().reminders.map((r: { due_at: string }) => r.due_at)).toEqual([
      '2027-03-15T04:30:00.000Z',
      '2027-03-16T04:30:00.000Z',
      '2027-03-20T04:30:00.000Z',
    ]);
    const again = await app.inject({
      method: 'POST',
      url: `/api/leads/${t.leadId}/enrollments`,
      headers: t.rekha.auth,
      payload: { sequence_id: seqs[0].id },
    });
    expect(again.statusCode).toBe(409);
  });
});

describe('delivery', () => {
  it('sends a due reminder as one header, the exact text and its attachment, in that order, once', async () => {
    const t = await team();
    await demoDone(t);
    const before = sentTo(t, 'rekha').length;
    await advanceTo(t, '2027-03-09T09:59:00+05:30');
    await drainJobs(deps);
    expect(sentTo(t, 'rekha')).toHaveLength(before);

    await advanceTo(t, '2027-03-09T10:00:00+05:30');
    await drainJobs(deps);
    await drainJobs(deps);
    const sent = sentTo(t, 'rekha').slice(before);
    expect(sent.map((r) => (r.body as { type: string }).type)).toEqual(['text', 'text', 'document']);
    expect(sent[0].body).toMatchObject({
      text: {
        body: '📌 Day 1 follow-up for Orbit Textiles — forward the next message to Kavita Rao, +91 98450 12345 (1 attachment follows).',
      },
    });
    expect(sent[1].body).toMatchObject({
      text: {
        body: 'Hi Kavita Rao, thank you for your time at the demo on 8 Mar 2027. Sharing our GST brochure for Orbit Textiles. — Rekha Nair',
      },
    });
    expect(sent[2].body).toMatchObject({ document: { link: BROCHURE, caption: 'GST module for Orbit Textiles' } });
    const [day1] = await list(t);
    expect(day1).toMatchObject({ status: 'sent', late: false });
    expect(day1.deliveries.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('never sends twice: a job run twice, a duplicate job, a crash before commit, a restart', async () => {
    const t = await team();
    await demoDone(t);
    const [day1] = await list(t);
    const before = sentTo(t, 'rekha').length;
    await advanceTo(t, '2027-03-09T10:00:00+05:30');

    // A crash after the reminder's rows were written, while their sends are queued, before the
    // reminder was marked sent: nothing commits.
    const crashing: JobQueue = {
      ...deps.queue,
      enqueue: async () => {
        throw new Error('process killed');
      },
      enqueueMany: async () => {
        throw new Error('process killed');
      },
    };
    await expect(deliverReminder({ ...deps, queue: crashing }, day1.id)).rejects.toThrow('process killed');
    expect((await list(t))[0].status).toBe('scheduled');
    expect(
      await deps.db
        .select()
        .from(messages)
        .where(sql`${messages.dedupeKey} like ${`reminder:${day1.id}/%`}`),
    ).toHaveLength(0);

    // The job twice at once, then a duplicate job, then the pg-boss job itself.
    const results = await Promise.all([deliverReminder(deps, day1.id), deliverReminder(deps, day1.id)]);
    expect(results.sort()).toEqual(['sent', 'skipped']);
    await deps.queue.enqueue(remindJob, deps.db, { reminderId: day1.id, workspaceId: t.workspaceId });
    await drainJobs(deps);
    await drainJobs(deps);
    expect(sentTo(t, 'rekha').slice(before)).toHaveLength(3);

    // Restart: a new process (its own pg-boss) finds Day 3 overdue — the server was down at 10:00 —
    // and sends it once, marked late. Rekha wrote in that morning, so her window is open.
    clock = new Date('2027-03-11T11:30:00+05:30');
    await says(t, 'rekha', 'ok');
    const mark = sentTo(t, 'rekha').length;
    const restarted = await createDeps(deps.config, { database: deps.database, now: () => clock });
    try {
      await restarted.queue.install(allJobs);
      await advanceTo(t, '2027-03-11T11:30:00+05:30');
      await restarted.queue.drain(allJobs, restarted);
      await sweepNurture(restarted, { workspaceIds: [t.workspaceId] });
      await restarted.queue.drain(allJobs, restarted);
    } finally {
      await restarted.queue.stop();
    }
    const late = sentTo(t, 'rekha').slice(mark);
    expect(late).toHaveLength(2);
    expect((late[0].body as { text: { body: string } }).text.body).toMatch(
      /^📌 Day 3 follow-up for Orbit Textiles — forward the next message to Kavita Rao, \+91 98450 12345\.\n⏰ Sent late: this was due Thu, 11 Mar, 10:00 am\.$/,
    );
    expect((await list(t))[1]).toMatchObject({ status: 'sent', late: true });
  });

  it('the sweep re-queues a reminder whose job was lost', async () => {
    const t = await team();
    await demoDone(t);
    const [day1] = await list(t);
    await deps.db.execute(
      sql`delete from pgboss.job where name = 'nurture.remind' and data->>'reminderId' = ${day1.id}`,
    );
    const before = sentTo(t, 'rekha').length;
    clock = new Date('2027-03-09T10:06:00+05:30');
    expect((await sweepNurture(deps, { workspaceIds: [t.workspaceId] })).requeued).toBe(1);
    expect((await sweepNurture(deps, { workspaceIds: [t.workspaceId] })).requeued).toBe(0);
    await drainJobs(deps);
    expect(sentTo(t, 'rekha').slice(before)).toHaveLength(3);
  });
});

describe('stopping and moving', () => {
  it('cancels one reminder, and "stop follow-ups" cancels the rest', async () => {
    const t = await team();
    await demoDone(t);
    const [, day3] = await list(t);
    const res = await app.inject({ method: 'POST', url: `/api/reminders/${day3.id}/cancel`, headers: t.rekha.auth });
    expect(res.statusCode).toBe(204);
    expect(
      (await app.inject({ method: 'POST', url: `/api/reminders/${day3.id}/cancel`, headers: t.rekha.auth })).statusCode,
    ).toBe(409);
    clock = new Date('2027-03-08T17:00:00+05:30');
    expect(await says(t, 'rekha', 'stop follow-ups for Orbit')).toMatch(
      /🛑 Follow-ups for Orbit Textiles stopped\.\n2 pending follow-up reminders cancelled\./,
    );
    expect((await list(t)).map((r) => [r.status, r.reason])).toEqual([
      ['cancelled', 'stopped'],
      ['cancelled', 'cancelled'],
      ['cancelled', 'stopped'],
    ]);
    const before = sentTo(t, 'rekha').length;
    await advanceTo(t, '2027-03-16T10:00:00+05:30');
    await drainJobs(deps);
    expect(sentTo(t, 'rekha')).toHaveLength(before);
  });

  it('moves pending reminders to the new assignee when the lead is reassigned', async () => {
    const t = await team();
    await demoDone(t);
    const moved = await app.inject({
      method: 'POST',
      url: `/api/leads/${t.leadId}/assign`,
      headers: t.owner.auth,
      payload: { assignee_id: t.sunil.userId },
    });
    expect(moved.statusCode).toBe(200);
    expect((await list(t)).map((r) => r.assignee_id)).toEqual([t.sunil.userId, t.sunil.userId, t.sunil.userId]);
    await sweepNurture(deps, { workspaceIds: [t.workspaceId] });
    expect(
      (await deps.db.select().from(reminders).where(eq(reminders.leadId, t.leadId))).map((r) => r.assigneeId),
    ).toEqual([t.sunil.userId, t.sunil.userId, t.sunil.userId]);
    clock = new Date('2027-03-09T09:30:00+05:30');
    await says(t, 'sunil', 'good morning');
    const rekhaBefore = sentTo(t, 'rekha').length;
    const sunilBefore = sentTo(t, 'sunil').length;
    await advanceTo(t, '2027-03-09T10:00:00+05:30');
    await drainJobs(deps);
    expect(sentTo(t, 'rekha')).toHaveLength(rekhaBefore);
    const sent = sentTo(t, 'sunil').slice(sunilBefore);
    expect(sent).toHaveLength(3);
    expect((sent[1].body as { text: { body: string } }).text.body).toMatch(/— Sunil Shah$/);
  });

  it('stops when the contact opts out, and when the lead is won', async () => {
    const t = await team();
    await demoDone(t);
    clock = new Date('2027-03-08T18:00:00+05:30');
    await says(t, 'kavita', 'Hello, got the demo recording?');
    await says(t, 'kavita', 'STOP');
    const [lead] = await deps.db.select().from(leads).where(eq(leads.id, t.leadId));
    expect(lead.optedOutAt).not.toBeNull();
    // Checked when the reminder fires…
    const before = sentTo(t, 'rekha').length;
    await advanceTo(t, '2027-03-09T10:00:00+05:30');
    await drainJobs(deps);
    expect(sentTo(t, 'rekha')).toHaveLength(before);
    expect((await list(t)).map((r) => [r.status, r.reason])).toEqual([
      ['cancelled', 'opted_out'],
      ['cancelled', 'opted_out'],
      ['cancelled', 'opted_out'],
    ]);
    const types = (await deps.db.select().from(activities).where(eq(activities.leadId, t.leadId))).map((a) => a.text);
    expect(types).toContain('Follow-up sequence stopped (the contact opted out): 3 pending reminders cancelled');
    // No follow-ups started by hand either, until START.
    const seqs = (await app.inject({ method: 'GET', url: '/api/message-master', headers: t.owner.auth })).json().data;
    const enroll = () =>
      app.inject({
        method: 'POST',
        url: `/api/leads/${t.leadId}/enrollments`,
        headers: t.rekha.auth,
        payload: { sequence_id: seqs[0].id },
      });
    const refused = await enroll();
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/opted out/);
    await says(t, 'kavita', 'START');
    expect((await enroll()).statusCode).toBe(201);

    // …and by the sweep as soon as it happens.
    const won = await team();
    await demoDone(won);
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/leads/${won.leadId}`,
          headers: won.owner.auth,
          payload: { status: 'won' },
        })
      ).statusCode,
    ).toBe(200);
    expect((await sweepNurture(deps, { workspaceIds: [won.workspaceId] })).stopped).toBe(1);
    expect((await list(won)).map((r) => r.reason)).toEqual(['lead_won', 'lead_won', 'lead_won']);
  });
});

describe('reminders around tasks', () => {
  const reminderTexts = async (t: Team, who: Session) =>
    (
      await deps.db
        .select({ text: messages.text })
        .from(messages)
        .where(
          and(
            eq(messages.workspaceId, t.workspaceId),
            eq(messages.purpose, 'reminder'),
            sql`${messages.conversationId} in (select id from conversations where member_id = ${who.userId})`,
          ),
        )
        .orderBy(asc(messages.id))
    ).map((m) => m.text);

  it('reminds the assignee 30 minutes before a meeting, and again at the new time when it moves', async () => {
    const t = await team();
    clock = new Date('2027-03-10T09:00:00+05:30');
    const task = (
      await app.inject({
        method: 'POST',
        url: '/api/tasks',
        headers: t.owner.auth,
        payload: {
          lead_id: t.leadId,
          type: 'meeting',
          due_at: '2027-03-10T15:00:00+05:30',
          assignee_id: t.rekha.userId,
        },
      })
    ).json();
    const sweep = () => sweepNurture(deps, { workspaceIds: [t.workspaceId] });
    clock = new Date('2027-03-10T14:29:00+05:30');
    expect((await sweep()).taskReminders).toBe(0);
    clock = new Date('2027-03-10T14:30:00+05:30');
    expect((await sweep()).taskReminders).toBe(1);
    clock = new Date('2027-03-10T14:31:00+05:30');
    expect((await sweep()).taskReminders).toBe(0);
    expect(await reminderTexts(t, t.rekha)).toEqual([
      '⏰ Meeting in 30 min (3:00 pm): Meeting with Orbit Textiles — Kavita Rao, +91 98450 12345',
    ]);

    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/api/tasks/${task.id}`,
          headers: t.owner.auth,
          payload: { due_at: '2027-03-11T12:00:00+05:30' },
        })
      ).statusCode,
    ).toBe(200);
    clock = new Date('2027-03-11T11:30:00+05:30');
    expect((await sweep()).taskReminders).toBe(1);
    expect((await sweep()).taskReminders).toBe(0);
    expect(await reminderTexts(t, t.rekha)).toHaveLength(2);
  });

  it('sends each member one daily digest at 09:00 local with today, overdue and follow-ups due', async () => {
    const t = await team();
    await demoDone(t);
    clock = new Date('2027-03-08T17:00:00+05:30');
    for (const [title, due] of [
      ['Call Orbit about pricing', '2027-03-09T15:00:00+05:30'],
      ['Send Metro the quote', '2027-03-05T12:00:00+05:30'],
    ]) {
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/api/tasks',
            headers: t.owner.auth,
            payload: { title, due_at: due, assignee_id: t.rekha.userId, type: 'follow_up' },
          })
        ).statusCode,
      ).toBe(201);
    }
    const sweep = () => sweepNurture(deps, { workspaceIds: [t.workspaceId] });
    clock = new Date('2027-03-09T08:59:00+05:30');
    expect((await sweep()).digests).toBe(0);
    clock = new Date('2027-03-09T09:00:00+05:30');
    expect((await sweep()).digests).toBe(1);
    clock = new Date('2027-03-09T09:01:00+05:30');
    expect((await sweep()).digests).toBe(0);
    await drainJobs(deps);
    await drainJobs(deps);
    const digests = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.workspaceId, t.workspaceId), eq(messages.purpose, 'digest')));
    expect(digests).toHaveLength(1); // Sunil and the owner have nothing on
    expect(digests[0].text).toBe(
      [
        '☀️ Rekha, your day (Tue, 9 Mar):',
        '📅 Today\n• 3:00 pm Call Orbit about pricing',
        '⚠️ Overdue\n• Send Metro the quote (due 5 Mar 2027)',
        '📬 Follow-up messages due today\n• 10:00 am Day 1 follow-up for Orbit Textiles',
      ].join('\n\n'),
    );
  });
});
