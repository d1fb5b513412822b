// Cancelling a meeting or demo from WhatsApp, end to end on a controllable clock: the signed
// webhook → routing → cancel_meeting / cancel_demo → the task cancelled with an activity, the
// assignee notified through the fake Graph API, and no reminder or digest line for it afterwards.
// Also the LLM interpreter's side of the new intents, against the fake OpenAI-compatible server.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandLlmSchema, type CommandLlm } from '../src/commands/command.ts';
import { createInterpreter } from '../src/commands/interpret/index.ts';
import { activities, conversations, leads, messages, reminders, tasks } from '../src/db/schema/index.ts';
import { sweepNurture } from '../src/nurture/sweep.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { startFakeOpenAi } from './fakes/openai-compatible.ts';
import { addMember, connectWhatsApp, createTestApp, drainJobs, newWorkspace, type Session } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
const llm = await startFakeOpenAi({ apiKey: 'sk-test-key' });
afterAll(() => llm.close());
// Fake dates after real time: nothing fires before a test moves the clock.
let clock = new Date('2027-03-08T10:00:00+05:30'); // a Monday
const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' }, { now: () => clock });
const SECRET = 'wa-app-secret';

const PHONES = { meera: '919810030001', sunil: '919810030002', rekha: '919810030003' } as const;
type Who = keyof typeof PHONES;
type Team = { owner: Session; workspaceId: string; phoneNumberId: string; ids: Record<Who, string> };

/** A workspace on WhatsApp with a manager (Meera) and two agents; the clock back on Monday 10:00. */
async function team(): Promise<Team> {
  clock = new Date('2027-03-08T10:00:00+05:30');
  const owner = await newWorkspace(app, 'Orbit Sales');
  // Members who never wrote in are outside the 24-hour window: notifications go as a template.
  const { phoneNumberId } = await connectWhatsApp(app, owner, {
    apiUrl: graph.url,
    appSecret: SECRET,
    settings: { template: 'team_update:en' },
  });
  const ids = {
    meera: (await addMember(app, owner, 'manager', 'Meera Kapoor', `+${PHONES.meera}`)).userId,
    sunil: (await addMember(app, owner, 'agent', 'Sunil Shah', `+${PHONES.sunil}`)).userId,
    rekha: (await addMember(app, owner, 'agent', 'Rekha Nair', `+${PHONES.rekha}`)).userId,
  };
  return { owner, workspaceId: owner.workspaceId, phoneNumberId, ids };
}

let seq = 0;
/** A member sends a WhatsApp message at the clock's time; returns the bot's reply to it. */
async function send(t: Team, who: Who, text: string): Promise<string> {
  const wamid = `wamid.cancel${Date.now()}${seq++}`;
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
  expect(out.length, `a reply to "${text}"`).toBeGreaterThan(0);
  return out.map((m) => m.text).join('\n');
}

/** Messages of a purpose queued for a member (their WhatsApp conversation), oldest first. */
async function queuedFor(t: Team, who: Who, purpose: 'notification' | 'reminder' | 'digest'): Promise<string[]> {
  const rows = await deps.db
    .select({ text: messages.text })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(
      and(
        eq(conversations.workspaceId, t.workspaceId),
        eq(conversations.memberId, t.ids[who]),
        eq(messages.direction, 'out'),
        eq(messages.purpose, purpose),
      ),
    )
    .orderBy(asc(messages.createdAt));
  return rows.map((r) => r.text ?? '');
}

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
  deps.db.select().from(tasks).where(eq(tasks.leadId, leadId)).orderBy(asc(tasks.dueAt));
const activitiesOf = (leadId: string) =>
  deps.db.select().from(activities).where(eq(activities.leadId, leadId)).orderBy(asc(activities.id));
const sweep = (t: Team) => sweepNurture(deps, { workspaceIds: [t.workspaceId] });

/** Creates a lead through the bot, as the manager, assigned to `to`. */
async function seedLead(t: Team, company: string, to: Who) {
  const name = to.charAt(0).toUpperCase() + to.slice(1);
  expect(await send(t, 'meera', `New lead: ${company}, Kavita Rao, Referral, ${name}`)).toMatch(/Lead created/);
  return leadBy(t, company);
}

describe('cancelling a meeting or demo', () => {
  it('cancels a meeting in English: task cancelled, activity with the reason, assignee notified, no reminder or digest for it', async () => {
    const t = await team();
    const orbit = await seedLead(t, 'Orbit Textiles', 'sunil');
    const nimbus = await seedLead(t, 'Nimbus Labs', 'rekha');
    await send(t, 'sunil', 'Schedule meeting with Orbit Textiles tomorrow 3pm');
    // The control: Rekha's meeting at the same time is not cancelled and gets its reminder.
    await send(t, 'rekha', 'Schedule meeting with Nimbus Labs tomorrow 3pm');
    expect((await leadBy(t, 'Orbit Textiles')).status).toBe('meeting_scheduled');
    const before = (await queuedFor(t, 'sunil', 'notification')).length;

    const reply = await send(t, 'meera', 'Cancel the meeting with Orbit Textiles, they postponed the budget');
    expect(reply).toMatch(
      /^❌ Meeting with Orbit Textiles on Tue, 9 Mar, 3:00 pm cancelled\. Reason: they postponed the budget\. Sunil has been notified\.$/,
    );
    const [task] = await tasksOf(orbit.id);
    expect(task).toMatchObject({ type: 'meeting', status: 'cancelled', assigneeId: t.ids.sunil });
    const acts = await activitiesOf(orbit.id);
    expect(acts.find((a) => a.type === 'meeting.cancelled')).toMatchObject({
      text: 'Meeting with Orbit Textiles cancelled by Meera Kapoor. Reason: they postponed the budget',
      actorId: t.ids.meera,
      subjectId: task.id,
    });
    // The status goes back to what it was before the booking.
    expect((await leadBy(t, 'Orbit Textiles')).status).toBe('new');
    const told = await queuedFor(t, 'sunil', 'notification');
    expect(told).toHaveLength(before + 1);
    expect(told.at(-1)).toMatch(
      /^❌ Meeting with Orbit Textiles on Tue, 9 Mar, 3:00 pm was cancelled by Meera\. Reason: they postponed the budget\.$/,
    );
    expect(JSON.stringify(graphTo(t, 'sunil').at(-1)?.body)).toContain('was cancelled by Meera');

    // The morning digest: Rekha's meeting is on it, Sunil has nothing left to hear about.
    clock = new Date('2027-03-09T09:00:00+05:30');
    expect((await sweep(t)).digests).toBe(1);
    await drainJobs(deps);
    expect(await queuedFor(t, 'sunil', 'digest')).toEqual([]);
    expect((await queuedFor(t, 'rekha', 'digest')).join('\n')).toMatch(/3:00 pm Meeting with Nimbus Labs/);

    // Reminder time: only the meeting that still stands is reminded, now or later.
    clock = new Date('2027-03-09T14:30:00+05:30');
    expect((await sweep(t)).taskReminders).toBe(1);
    clock = new Date('2027-03-09T14:50:00+05:30');
    expect((await sweep(t)).taskReminders).toBe(0);
    await drainJobs(deps);
    expect(await queuedFor(t, 'sunil', 'reminder')).toEqual([]);
    expect(await queuedFor(t, 'rekha', 'reminder')).toEqual([
      expect.stringMatching(/^⏰ Meeting in 30 min \(3:00 pm\): Meeting with Nimbus Labs/),
    ]);
    expect(await deps.db.select().from(reminders).where(eq(reminders.taskId, task.id))).toEqual([]);
    expect((await tasksOf(nimbus.id))[0].status).toBe('pending');
  });

  it('cancels a demo in Hinglish (assignee told in Hinglish) and in Hindi (own demo: nobody to tell)', async () => {
    const t = await team();
    const nimbus = await seedLead(t, 'Nimbus Labs', 'rekha');
    expect(await send(t, 'rekha', 'Nimbus Labs ka demo kal 11 baje rakho')).toMatch(/fix ho gaya/);
    expect((await leadBy(t, 'Nimbus Labs')).status).toBe('demo_scheduled');

    const hinglish = await send(t, 'meera', 'Nimbus Labs ka demo cancel karo');
    expect(hinglish).toMatch(
      /^❌ Nimbus Labs ke saath Tue, 9 Mar, 11:00 am wala demo cancel kar diya\. Rekha ko bata diya\.$/,
    );
    expect((await tasksOf(nimbus.id))[0].status).toBe('cancelled');
    expect((await leadBy(t, 'Nimbus Labs')).status).toBe('new');
    expect((await activitiesOf(nimbus.id)).map((a) => a.type)).toEqual(
      expect.arrayContaining(['demo.scheduled', 'demo.cancelled']),
    );
    expect((await queuedFor(t, 'rekha', 'notification')).at(-1)).toMatch(
      /^❌ Nimbus Labs ke saath .+11:00 am wala demo Meera ne cancel kar diya\.$/,
    );

    const orbit = await seedLead(t, 'Orbit Textiles', 'sunil');
    await send(t, 'sunil', 'ऑर्बिट टेक्सटाइल्स का डेमो कल सुबह 11 बजे रखो');
    const notified = (await queuedFor(t, 'sunil', 'notification')).length;
    const hindi = await send(t, 'sunil', 'ऑर्बिट टेक्सटाइल्स का डेमो कैंसल कर दो');
    expect(hindi).toMatch(/^❌ Orbit Textiles के साथ .+ का डेमो रद्द कर दिया।$/);
    expect((await tasksOf(orbit.id))[0].status).toBe('cancelled');
    expect(await queuedFor(t, 'sunil', 'notification')).toHaveLength(notified);

    clock = new Date('2027-03-09T10:30:00+05:30');
    expect((await sweep(t)).taskReminders).toBe(0);
  });

  it('changes nothing when there is no pending meeting or demo, and says so', async () => {
    const t = await team();
    const zen = await seedLead(t, 'Zen Spa', 'sunil');
    const acts = (await activitiesOf(zen.id)).length;
    expect(await send(t, 'sunil', 'Zen Spa ki meeting cancel karo')).toBe(
      'Zen Spa ke saath koi meeting fix nahi hai, cancel karne ko kuch nahi.',
    );
    expect(await send(t, 'meera', 'cancel the demo with Zen Spa')).toBe(
      'There is no upcoming demo with Zen Spa to cancel.',
    );
    expect(await tasksOf(zen.id)).toEqual([]);
    expect(await activitiesOf(zen.id)).toHaveLength(acts);
    expect((await leadBy(t, 'Zen Spa')).status).toBe('new');

    // The demo is there, the meeting is not: point at the demo, leave it alone.
    await send(t, 'sunil', 'Schedule demo for Zen Spa tomorrow 4pm');
    const withDemo = (await activitiesOf(zen.id)).length;
    expect(await send(t, 'meera', 'cancel the meeting with Zen Spa')).toMatch(
      /^There is no upcoming meeting with Zen Spa to cancel\. There is a demo on Tue, 9 Mar, 4:00 pm: say "cancel the demo with Zen Spa" to cancel it\.$/,
    );
    expect((await tasksOf(zen.id)).map((x) => x.status)).toEqual(['pending']);
    expect(await activitiesOf(zen.id)).toHaveLength(withDemo);
    expect(await queuedFor(t, 'sunil', 'notification')).toHaveLength(1); // the new lead, nothing since

    // An unknown company: no "create it?" offer, and a "yes" afterwards creates nothing.
    expect(await send(t, 'meera', 'cancel the demo with Zenith Motors')).toBe(
      'I couldn\'t find a lead called "Zenith Motors". Send the command again with the right name.',
    );
    await send(t, 'meera', 'yes');
    expect(await leadBy(t, 'Zenith Motors')).toBeUndefined();
  });

  it('asks which lead among close matches, then cancels the next of several meetings on the one picked', async () => {
    const t = await team();
    const labs = await seedLead(t, 'Nimbus Labs', 'sunil');
    const foods = await seedLead(t, 'Nimbus Foods', 'sunil');
    await send(t, 'sunil', 'Schedule meeting with Nimbus Labs tomorrow 3pm');
    await send(t, 'sunil', 'Schedule meeting with Nimbus Foods on 12/3 at 11am');
    // A second meeting on the same lead is asked about first: "2" adds another.
    expect(await send(t, 'sunil', 'Schedule meeting with Nimbus Foods tomorrow 5pm')).toMatch(
      /^There is already a meeting with Nimbus Foods on .+\. Move it to .+, or add another\? 1 move it \/ 2 add another$/,
    );
    await send(t, 'sunil', '2');
    const ask = await send(t, 'sunil', 'cancel the meeting with Nimbus');
    expect(ask).toMatch(
      /^Which "Nimbus" do you mean\?\n1\. Nimbus (Foods|Labs) \(Kavita Rao\) · meeting scheduled\n2\. Nimbus (Foods|Labs) \(Kavita Rao\) · meeting scheduled\nReply with the number\.$/,
    );
    const n = /\n(\d)\. Nimbus Foods/.exec(ask)![1];
    const done = await send(t, 'sunil', n);
    expect(done).toMatch(
      /^❌ Meeting with Nimbus Foods on Tue, 9 Mar, 5:00 pm cancelled\. Another meeting with Nimbus Foods is still on Fri, 12 Mar, 11:00 am\.$/,
    );
    expect((await tasksOf(foods.id)).map((x) => x.status)).toEqual(['cancelled', 'pending']);
    expect((await tasksOf(labs.id)).map((x) => x.status)).toEqual(['pending']);
    // One meeting still stands: the status keeps saying so.
    expect((await leadBy(t, 'Nimbus Foods')).status).toBe('meeting_scheduled');
  });
});

describe('the LLM interpreter and the cancel intents', () => {
  const ctx = { now: new Date('2026-03-10T10:00:00+05:30'), timeZone: 'Asia/Kolkata' };
  const empty = Object.fromEntries(Object.keys(CommandLlmSchema.shape).map((k) => [k, null])) as unknown as CommandLlm;
  const answers = new Map<string, Partial<CommandLlm>>();
  llm.answer = (_req, text) => ({ ...empty, intent: 'unknown', ...answers.get(text) });
  const config = (mode: 'llm' | 'hybrid') => ({
    COMMANDS_MODE: mode,
    LLM_BASE_URL: llm.url,
    LLM_API_KEY: 'sk-test-key',
    LLM_MODEL: 'gpt-4o-mini',
    LLM_TIMEOUT_MS: 15000,
  });

  it('offers the cancel intents in the schema and the prompt, and reads the reason as the note', async () => {
    const text = 'Orbit wale ab demo nahi chahte, budget next quarter';
    answers.set(text, {
      intent: 'cancel_demo',
      company: 'Orbit',
      note: 'budget next quarter',
      at: '2026-03-11T10:00:00+05:30',
    });
    const before = llm.requests.length;
    expect(await createInterpreter(config('llm'))(text, ctx)).toEqual({
      command: { intent: 'cancel_demo', company: 'Orbit', note: 'budget next quarter' },
      confidence: 0.85,
      source: 'llm',
    });
    const [req] = llm.requests.slice(before);
    const schema = (
      req.body.response_format as unknown as { json_schema: { schema: { properties: { intent: { enum: string[] } } } } }
    ).json_schema.schema;
    expect(schema.properties.intent.enum).toEqual(expect.arrayContaining(['cancel_meeting', 'cancel_demo']));
    const system = req.body.messages.find((m) => m.role === 'system')!.content as string;
    expect(system).toContain('- cancel_meeting / cancel_demo:');
  });

  it('in hybrid mode asks the LLM only when the rules do not read a cancel', async () => {
    const interpret = createInterpreter(config('hybrid'));
    const vague = 'cancel my 4pm with Nimbus';
    answers.set(vague, { intent: 'cancel_meeting', company: 'Nimbus' });
    const before = llm.requests.length;
    expect(await interpret('Orbit ka demo cancel karo', ctx)).toEqual({
      command: { intent: 'cancel_demo', company: 'Orbit' },
      confidence: 0.9,
      source: 'rules',
    });
    expect(llm.requests.length).toBe(before);
    expect(await interpret(vague, ctx)).toEqual({
      command: { intent: 'cancel_meeting', company: 'Nimbus' },
      confidence: 0.85,
      source: 'llm',
    });
  });
});
