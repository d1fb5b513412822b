// The sales-team bot's flow-test bench: a workspace on WhatsApp (the fake Graph API) with a manager
// and four agents, each with a phone; a member's signed webhook in, the bot's reply out; the rows
// a command leaves behind. One per test file (its own app and fake).
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, expect } from 'vitest';
import { activities, conversations, leads, messages, tasks } from '../../src/db/schema/index.ts';
import { startFakeGraphApi } from '../fakes/graph-api.ts';
import { addMember, connectWhatsApp, createTestApp, drainJobs, newWorkspace, type Session } from './app.ts';
import { metaSignature, waText } from './webhooks.ts';

export const PHONES = {
  meera: '919810010001',
  sunil: '919810010002',
  rekha: '919810010003',
  amit: '919810010004',
  neha: '919810010005',
} as const;
export type Who = keyof typeof PHONES;

export type Team = {
  owner: Session;
  workspaceId: string;
  phoneNumberId: string;
  ids: Record<Who, string>;
  sessions: Record<Who, Session>;
};

export async function teamBench() {
  const graph = await startFakeGraphApi();
  afterAll(() => graph.close());
  const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' });
  const SECRET = 'wa-app-secret';
  const TZ = 'Asia/Kolkata';

  /** A workspace with WhatsApp connected and a manager (Meera) and four agents, each with a phone. */
  async function team(): Promise<Team> {
    const owner = await newWorkspace(app, 'Orbit Sales');
    // Members who never wrote in are outside the 24-hour window: notifications go as a template.
    const { phoneNumberId } = await connectWhatsApp(app, owner, {
      apiUrl: graph.url,
      appSecret: SECRET,
      settings: { template: 'team_update:en' },
    });
    const sessions = {
      meera: await addMember(app, owner, 'manager', 'Meera Kapoor', `+${PHONES.meera}`),
      sunil: await addMember(app, owner, 'agent', 'Sunil Shah', `+${PHONES.sunil}`),
      rekha: await addMember(app, owner, 'agent', 'Rekha Nair', `+${PHONES.rekha}`),
      amit: await addMember(app, owner, 'agent', 'Amit Verma', `+${PHONES.amit}`),
      neha: await addMember(app, owner, 'agent', 'Neha Gupta', `+${PHONES.neha}`),
    };
    const ids = Object.fromEntries(Object.entries(sessions).map(([k, s]) => [k, s.userId])) as Record<Who, string>;
    return { owner, workspaceId: owner.workspaceId, phoneNumberId, ids, sessions };
  }

  let seq = 0;
  /** A member sends a WhatsApp message; returns the bot's reply to it. */
  async function send(t: Team, who: Who, text: string): Promise<string> {
    const wamid = `wamid.cmd${Date.now()}${seq++}`;
    const body = waText(t.phoneNumberId, PHONES[who], text, { id: wamid, name: who });
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
    expect(out.length, `a reply to "${text}"`).toBeGreaterThan(0);
    return out.map((m) => m.text).join('\n');
  }

  /** Notifications queued for a member (their WhatsApp conversation), oldest first. */
  async function notificationsTo(t: Team, who: Who): Promise<string[]> {
    const rows = await deps.db
      .select({ text: messages.text, purpose: messages.purpose })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(
        and(
          eq(conversations.workspaceId, t.workspaceId),
          eq(conversations.memberId, t.ids[who]),
          eq(messages.direction, 'out'),
          eq(messages.purpose, 'notification'),
        ),
      )
      .orderBy(asc(messages.createdAt));
    return rows.map((r) => r.text ?? '');
  }

  /** What the fake Graph API received for a member's number. */
  const graphTo = (t: Team, who: Who) =>
    graph.requests.filter(
      (r) => r.path.endsWith(`/${t.phoneNumberId}/messages`) && (r.body as { to?: string }).to === `+${PHONES[who]}`,
    );

  const leadBy = async (t: Team, company: string) =>
    (
      await deps.db
        .select()
        .from(leads)
        .where(and(eq(leads.workspaceId, t.workspaceId), eq(leads.company, company)))
    )[0];
  const tasksOf = (leadId: string) =>
    deps.db.select().from(tasks).where(eq(tasks.leadId, leadId)).orderBy(asc(tasks.createdAt));
  const activityTypes = async (leadId: string) =>
    (await deps.db.select().from(activities).where(eq(activities.leadId, leadId)).orderBy(asc(activities.id))).map(
      (a) => a.type,
    );

  /** YYYY-MM-DD of today + n days in India, and an instant at hh:mm there. */
  function indiaDay(n: number): string {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
    const d = new Date(`${today}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }
  const indiaAt = (n: number, hh: number, mm = 0) =>
    new Date(`${indiaDay(n)}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+05:30`);

  /** Creates a lead through the bot, as a manager, assigned to `to`. */
  async function seedLead(t: Team, company: string, to: Who, phone?: string) {
    const name = to.charAt(0).toUpperCase() + to.slice(1);
    const r = await send(t, 'meera', `New lead: ${company}, Kavita Rao${phone ? `, ${phone}` : ''}, Referral, ${name}`);
    expect(r).toMatch(/Lead created/);
    return leadBy(t, company);
  }

  return {
    graph,
    app,
    deps,
    team,
    send,
    notificationsTo,
    graphTo,
    leadBy,
    tasksOf,
    activityTypes,
    indiaDay,
    indiaAt,
    seedLead,
  };
}
