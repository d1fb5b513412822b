// Care notes stay with owners and admins in every path (issue 12): a customer's sensitive detail
// ("allergic to peanuts and I have diabetes") never reaches an agent in a handoff or notify message,
// a later assignee's neither; agents are told one exists. Owners and admins get the text. One
// sentence is one stored note. Every outbound row to an agent is checked, whatever produced it
// (handoff, notification, reminders and digests the jobs made meanwhile), and the API and export.
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { CARE_NOTE_NOTICE } from '../src/bot/respond.ts';
import { conversations, messages, profileFacts } from '../src/db/schema/index.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { addMember, createTestApp, drainJobs, newWorkspace } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
const { app, deps } = await createTestApp();
const SECRET = 'care-secret';
const NOTE = /peanut|diabet/i;

async function setup() {
  const owner = await newWorkspace(app, 'Care Clinic');
  const tail = String(Date.now()).slice(-7);
  const amit = await addMember(app, owner, 'agent', 'Amit Verma', `+91 981${tail}`);
  const priya = await addMember(app, owner, 'agent', 'Priya Rao', `+91 982${tail}`);
  const admin = await addMember(app, owner, 'admin', 'Asha Admin', `+91 983${tail}`);
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
  expect(ch.statusCode).toBe(201);
  const say = async (from: string, text: string) => {
    const body = waText(phoneNumberId, from, text, { name: 'Nina' });
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    await drainJobs(deps);
  };
  return { owner, amit, priya, admin, say, channelId: ch.json().id as string };
}

/** Rows queued to a member: their dedupe key names them (`…/m:<member id>/n`). */
async function noticesTo(workspaceId: string, memberId: string) {
  const rows = await deps.db
    .select()
    .from(messages)
    .where(and(eq(messages.workspaceId, workspaceId), eq(messages.direction, 'out')));
  return rows.filter((r) => r.dedupeKey?.includes(`/m:${memberId}/`));
}

describe('care notes', () => {
  it('an agent’s handoff and notify messages never carry the note; owners and admins get it; stored once', async () => {
    const { owner, amit, priya, admin, say } = await setup();
    const phone = `9198765${String(Date.now()).slice(-5)}`;
    const lead = await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: owner.auth,
      payload: { company: 'Nina Co', contact_name: 'Nina', phone: `+${phone}`, assignee_id: amit.userId },
    });
    expect(lead.statusCode).toBe(201);
    await say(phone, 'Hello');
    await say(phone, 'I am allergic to peanuts and I have diabetes');
    // One sentence, one note.
    const notes = await deps.db
      .select()
      .from(profileFacts)
      .where(and(eq(profileFacts.workspaceId, owner.workspaceId), eq(profileFacts.key, 'special_notes')));
    expect(notes).toHaveLength(1);

    await say(phone, 'I want to talk to a real person');
    const toAmit = await noticesTo(owner.workspaceId, amit.userId);
    expect(toAmit.length).toBeGreaterThan(0);
    const handoff = toAmit.find((m) => m.purpose === 'handoff')!;
    expect(handoff.text).toContain(CARE_NOTE_NOTICE);
    for (const m of toAmit) expect(m.text ?? '').not.toMatch(NOTE);

    // A later assignee: the same.
    await app.inject({
      method: 'PATCH',
      url: `/api/leads/${lead.json().id}`,
      headers: owner.auth,
      payload: { assignee_id: priya.userId },
    });
    const [conv] = await deps.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.workspaceId, owner.workspaceId), eq(conversations.externalId, `+${phone}`)));
    await app.inject({ method: 'POST', url: `/api/conversations/${conv.id}/release`, headers: owner.auth });
    await say(phone, 'Can I talk to a human please');
    const toPriya = await noticesTo(owner.workspaceId, priya.userId);
    expect(toPriya.some((m) => m.text?.includes(CARE_NOTE_NOTICE))).toBe(true);
    for (const m of toPriya) expect(m.text ?? '').not.toMatch(NOTE);

    // The note's own message is not quoted to an agent either: a note told in a handoff message.
    const phone2 = `9198764${String(Date.now()).slice(-5)}`;
    await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: owner.auth,
      payload: { company: 'Ravi Co', contact_name: 'Ravi', phone: `+${phone2}`, assignee_id: amit.userId },
    });
    await say(phone2, 'Hi');
    await say(phone2, 'I want to talk to a real person, I am allergic to peanuts');
    for (const m of await noticesTo(owner.workspaceId, amit.userId)) expect(m.text ?? '').not.toMatch(NOTE);

    // Unassigned: the owners and admins are told, with the text.
    const phone3 = `9198763${String(Date.now()).slice(-5)}`;
    await say(phone3, 'Hi');
    await say(phone3, 'I have diabetes. I want to talk to a real person');
    const toAdmin = await noticesTo(owner.workspaceId, admin.userId);
    expect(toAdmin.some((m) => /diabet/i.test(m.text ?? ''))).toBe(true);

    // Whatever else the jobs produced for agents meanwhile (reminders, digests): no note.
    await drainJobs(deps);
    const agentRows = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.workspaceId, owner.workspaceId), eq(messages.direction, 'out')));
    for (const m of agentRows.filter((r) => [amit.userId, priya.userId].some((id) => r.dedupeKey?.includes(`m:${id}`))))
      expect(m.text ?? '').not.toMatch(NOTE);

    // The API: the context hides the text from an agent, an export is for owners and admins.
    const ctx = await app.inject({ method: 'GET', url: `/api/customer-context/%2B${phone}`, headers: amit.auth });
    expect(ctx.body).not.toMatch(NOTE);
    const exp = await app.inject({ method: 'GET', url: `/api/privacy/export?phone=%2B${phone}`, headers: amit.auth });
    expect(exp.statusCode).toBe(403);
  });
});
