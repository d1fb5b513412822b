// Never silence after a handoff (issue 11): the holding reply says when a person will answer; if
// nobody has in N minutes of business hours (workspace setting `handoff_answer_minutes`, default
// 15) the customer is told and the team reminded (the typed job bot.handoff-watch); outside
// business hours the reply says when someone will answer; a release resets the failure count.
// Signed WhatsApp webhooks → routing → the bot → jobs → the outbox → a fake Graph API.
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.ts';
import { conversations, messages } from '../src/db/schema/index.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { addMember, createTestApp, drainJobs, newWorkspace } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
let shift = 0;
const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' }, { now: () => new Date(Date.now() + shift) });
const SECRET = 'handoff-secret';

async function setup(settings: Record<string, unknown> = {}) {
  const owner = await newWorkspace(app, 'Tech Sales');
  await app.inject({
    method: 'PATCH',
    url: '/api/workspace',
    headers: owner.auth,
    payload: { settings: { business_name: 'BrightBooks', ...settings } },
  });
  const amit = await addMember(app, owner, 'agent', 'Amit Verma', `+91 96${String(Date.now()).slice(-8)}`);
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
  const conv = async (phone: string) =>
    (
      await deps.db
        .select()
        .from(conversations)
        .where(and(eq(conversations.channelId, channelId), eq(conversations.externalId, `+${phone}`)))
    )[0];
  const say = async (from: string, text: string) => {
    const body = waText(phoneNumberId, from, text, { name: 'Ravi' });
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    await drainJobs(deps);
  };
  const outTo = async (phone: string) =>
    (
      await deps.db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, (await conv(phone)).id), eq(messages.direction, 'out')))
        .orderBy(asc(messages.createdAt))
    ).map((m) => m.text ?? '');
  await app.inject({
    method: 'POST',
    url: '/api/leads',
    headers: owner.auth,
    payload: { contact_name: 'Ravi Kumar', phone: '+91 98765 42001', assignee_id: amit.userId },
  });
  return { owner, amit, say, conv, outTo };
}

const watchJobs = async (conversationId: string) =>
  rowsOf<{ start_after: string | Date; state: string }>(
    await deps.db.execute(
      sql`select start_after, state from pgboss.job where name = 'bot.handoff-watch' and data->>'conversationId' = ${conversationId}`,
    ),
  );

/** Moves the app's clock past the deadline and lets the due watch jobs run. */
async function runWatch(conversationId: string, minutes: number) {
  shift = minutes * 60_000;
  await deps.db.execute(
    sql`update pgboss.job set start_after = now() where name = 'bot.handoff-watch' and state in ('created', 'retry') and data->>'conversationId' = ${conversationId}`,
  );
  await drainJobs(deps);
  shift = 0;
}

const remindersTo = async (workspaceId: string, memberId: string) =>
  (
    await deps.db
      .select({ text: messages.text })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(
        and(
          eq(messages.workspaceId, workspaceId),
          eq(conversations.memberId, memberId),
          eq(messages.purpose, 'reminder'),
        ),
      )
  ).map((r) => r.text ?? '');

describe('never silence after a handoff', () => {
  it('holding reply with the expectation; nobody answered in 15 minutes → customer told, Amit reminded, once', async () => {
    const { owner, amit, say, conv, outTo } = await setup();
    await say('919876542001', 'I want to talk to a real person');
    const c = await conv('919876542001');
    expect(c.handedOffAt).not.toBeNull();
    expect((await outTo('919876542001')).at(-1)).toMatch(
      /connecting you with Amit now\..*\n\nYou can expect a reply within about 15 minutes\.$/s,
    );
    const [job] = await watchJobs(c.id);
    const wait = new Date(job.start_after).getTime() - c.handedOffAt!.getTime();
    expect(wait).toBeGreaterThanOrEqual(15 * 60_000 - 1000);
    expect(wait).toBeLessThanOrEqual(15 * 60_000 + 1000);

    await runWatch(c.id, 16);
    expect((await outTo('919876542001')).at(-1)).toBe(
      "Sorry for the wait — Amit hasn't been able to reply yet. I've reminded the team; you'll hear from us here soon.",
    );
    const reminded = await remindersTo(owner.workspaceId, amit.userId);
    expect(reminded).toHaveLength(1);
    expect(reminded[0]).toMatch(/^⏰ Ravi Kumar is still waiting for a person/);
    // The job running again adds nothing.
    const before = (await outTo('919876542001')).length;
    const { checkHandoff } = await import('../src/inbound/handoff-watch.ts');
    shift = 20 * 60_000;
    await checkHandoff(deps, { conversationId: c.id, handedOffAt: c.handedOffAt!.toISOString() });
    shift = 0;
    expect((await outTo('919876542001')).length).toBe(before);
    expect(await remindersTo(owner.workspaceId, amit.userId)).toHaveLength(1);
  });

  it('a person who answered in time: no "sorry for the wait"', async () => {
    const { owner, amit, say, conv, outTo } = await setup({ handoff_answer_minutes: 5 });
    await say('919876542001', 'connect me to an agent please');
    const c = await conv('919876542001');
    expect((await outTo('919876542001')).at(-1)).toMatch(/within about 5 minutes/);
    const res = await app.inject({
      method: 'POST',
      url: `/api/conversations/${c.id}/messages`,
      headers: amit.auth,
      payload: { text: 'Hi Ravi, Amit here — how can I help?' },
    });
    expect(res.statusCode).toBe(201);
    await drainJobs(deps);
    await runWatch(c.id, 6);
    expect((await outTo('919876542001')).join('\n')).not.toMatch(/Sorry for the wait/);
    expect(await remindersTo(owner.workspaceId, amit.userId)).toHaveLength(0);
  });

  it('outside business hours the reply says when someone will answer (Hindi too)', async () => {
    // Open only on a day that is not today in the workspace's zone.
    const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    const today = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Kolkata', weekday: 'short' })
      .format(new Date())
      .toLowerCase()
      .slice(0, 3);
    const other = days[(days.indexOf(today) + 2) % 7];
    const { say, conv, outTo } = await setup({ business_hours: { days: [other], open: '10:00', close: '19:00' } });
    await say('919876542001', 'I want to talk to a real person');
    const reply = (await outTo('919876542001')).at(-1)!;
    expect(reply).toMatch(/We're closed right now; someone will reply when we open \(.+10:00 am\)\.$/);
    const c = await conv('919876542001');
    const [job] = await watchJobs(c.id);
    const opensIn = new Date(job.start_after).getTime() - Date.now();
    expect(opensIn).toBeGreaterThan(24 * 3600_000); // the day after tomorrow at the earliest

    const hindi = await setup({ business_hours: { days: [other], open: '10:00', close: '19:00' } });
    await hindi.say('919876542001', 'मुझे किसी इंसान से बात करनी है');
    const hiReply = (await hindi.outTo('919876542001')).at(-1)!;
    expect(hiReply).toMatch(/अभी हम बंद हैं; खुलते ही \(.+\) कोई जवाब देगा।$/);
    expect(hiReply).not.toMatch(/\b(We're|closed|reply|someone|connecting)\b/);
  });

  it('a release resets the failure count: one unclear message after it is not a second handoff', async () => {
    const { owner, say, conv, outTo } = await setup();
    await say('919876542001', 'blorp fizzle');
    await say('919876542001', 'wibble wobble');
    const c = await conv('919876542001');
    expect(c.handoffReason).toBe('repeated_failure');
    const rel = await app.inject({ method: 'POST', url: `/api/conversations/${c.id}/release`, headers: owner.auth });
    expect(rel.statusCode).toBe(200);
    await say('919876542001', 'frobnicate the quux');
    expect((await conv('919876542001')).handedOffAt).toBeNull();
    expect((await outTo('919876542001')).at(-1)).toMatch(/I may not be able to answer that myself/);
  });
});
