// "Lead created" is raised in one place (nurture/lead-created.ts) for every path that makes a
// lead: the API, a team member's command, "yes, create it" to the bot's question, and a
// customer's first message captured as a lead. Each starts the lead_created sequences once.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { leads } from '../src/db/schema/index.ts';
import { createTestApp, drainJobs, newWorkspace, type Session } from './helpers/app.ts';

const { app, deps } = await createTestApp();

async function welcomeSequence(owner: Session) {
  const seq = await app.inject({
    method: 'POST',
    url: '/api/message-master',
    headers: owner.auth,
    payload: {
      name: 'Welcome',
      trigger: 'lead_created',
      steps: [{ delay_days: 1, text: 'Hi {contact_name}, welcome!' }],
    },
  });
  expect(seq.statusCode, seq.body).toBe(201);
}

async function remindersOf(owner: Session, leadId: string) {
  const res = await app.inject({ method: 'GET', url: `/api/leads/${leadId}/reminders`, headers: owner.auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as { status: string; label: string }[];
}

const leadNamed = async (owner: Session, company: string) =>
  (await deps.db.select().from(leads).where(eq(leads.workspaceId, owner.workspaceId))).find(
    (l) => l.company === company,
  );

const command = (owner: Session, text: string) =>
  app.inject({ method: 'POST', url: '/app', headers: owner.auth, payload: { text } });

describe('lead_created sequences', () => {
  it('start once when a lead is created through the API', async () => {
    const owner = await newWorkspace(app, 'Welcome Co');
    await welcomeSequence(owner);
    const lead = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: { contact_name: 'Asha', company: 'Asha Foods' },
      })
    ).json();
    expect(await remindersOf(owner, lead.id)).toEqual([expect.objectContaining({ status: 'scheduled' })]);
  });

  it('start for a lead made by a command, and by "yes" to "create it?"', async () => {
    const owner = await newWorkspace(app, 'Command Co');
    await welcomeSequence(owner);
    const made = await command(owner, 'New lead: Orbit Textiles, Kavita Rao, 98450 12345, Trade fair');
    expect(made.statusCode, made.body).toBe(200);
    const orbit = await leadNamed(owner, 'Orbit Textiles');
    expect(await remindersOf(owner, orbit!.id)).toHaveLength(1);

    const asked = await command(owner, 'Add activity for Quixby Pharma, called the client');
    expect(asked.json().reply).toMatch(/Quixby Pharma/);
    const yes = await command(owner, 'yes');
    expect(yes.json().reply).toMatch(/created/i);
    const quixby = await leadNamed(owner, 'Quixby Pharma');
    expect(quixby).toBeDefined();
    expect(await remindersOf(owner, quixby!.id)).toHaveLength(1);
  });

  it("start for a lead captured from a customer's first message, once", async () => {
    const owner = await newWorkspace(app, 'Capture Co');
    await welcomeSequence(owner);
    const say = (text: string) =>
      app.inject({
        method: 'POST',
        url: '/api/simulator/messages',
        headers: owner.auth,
        payload: { from: '+91 98111 22233', name: 'Nisha', text },
      });
    expect((await say('Hi, what are your prices?')).statusCode).toBe(202);
    await drainJobs(deps);
    expect((await say('Hello again')).statusCode).toBe(202);
    await drainJobs(deps);
    const [lead] = await deps.db.select().from(leads).where(eq(leads.workspaceId, owner.workspaceId));
    expect(lead).toMatchObject({ phone: '+919811122233', source: 'simulator' });
    expect(await remindersOf(owner, lead.id)).toEqual([expect.objectContaining({ status: 'scheduled' })]);
  });
});
