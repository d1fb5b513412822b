// Privacy: export everything held about a person, erase it everywhere in the workspace, and keep
// an audit trail that proves it without keeping the number. Customers arrive through the signed
// WhatsApp webhook, so their messages, profile facts and consents are made the real way.
import { createHash } from 'node:crypto';
import { and, eq, inArray, or } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  consents,
  conversations,
  deals,
  leads,
  messages,
  notes,
  profileFacts,
  tasks,
} from '../src/db/schema/index.ts';
import { ERASE_CONFIRMATION } from '../src/privacy/erase.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { addMember, connectWhatsApp, createTestApp, drainJobs, newWorkspace, type Session } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
const { app, deps } = await createTestApp({ LOG_LEVEL: 'silent' });
const SECRET = 'wa-privacy-secret';

const PHONE = '+919876543210';
const WA_ID = '919876543210';
const OTHER = '+919812300000';
const hashOf = (workspaceId: string, e164: string) =>
  createHash('sha256')
    .update(workspaceId + e164)
    .digest('hex');

async function connect(owner: Session) {
  return (await connectWhatsApp(app, owner, { apiUrl: graph.url, appSecret: SECRET })).phoneNumberId;
}

async function say(phoneNumberId: string, from: string, text: string) {
  const body = waText(phoneNumberId, from, text, { name: 'Priya Sharma' });
  const res = await app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
    payload: body,
  });
  expect(res.statusCode).toBe(200);
  await drainJobs(deps);
}

/** A customer with a lead, a deal, a task, a note, a conversation, profile facts (one corrected), a consent and a handoff. */
async function seedCustomer() {
  const owner = await newWorkspace(app, 'Smile Dental');
  const phoneNumberId = await connect(owner);
  const lead = (
    await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: owner.auth,
      payload: {
        company: 'Sharma Family',
        contact_name: 'Priya Sharma',
        phone: '+91 98765 43210',
        notes: 'Prefers mornings',
      },
    })
  ).json();
  await app.inject({
    method: 'POST',
    url: `/api/leads/${lead.id}/deals`,
    headers: owner.auth,
    payload: { title: 'Braces for Priya', value: 40000 },
  });
  await app.inject({
    method: 'POST',
    url: '/api/tasks',
    headers: owner.auth,
    payload: { lead_id: lead.id, type: 'call', title: 'Call Priya about braces' },
  });
  await app.inject({
    method: 'POST',
    url: `/api/leads/${lead.id}/notes`,
    headers: owner.auth,
    payload: { body: 'Nervous about pain' },
  });
  await say(phoneNumberId, WA_ID, 'Hi, I am allergic to latex');
  await say(phoneNumberId, WA_ID, 'My email is priya@old.example');
  await say(phoneNumberId, WA_ID, 'Sorry, my email is actually priya@new.example');
  await say(phoneNumberId, WA_ID, 'I want to talk to a real person');
  // Someone else in the same workspace, who must stay untouched.
  await say(phoneNumberId, OTHER.slice(1), 'Hello, I am allergic to penicillin');
  return { owner, phoneNumberId, lead };
}

const exportOf = (s: Session, phone: string) =>
  app.inject({ method: 'GET', url: `/api/privacy/export?phone=${encodeURIComponent(phone)}`, headers: s.auth });
const erase = (s: Session, phone: string) =>
  app.inject({ method: 'POST', url: '/api/privacy/erase', headers: s.auth, payload: { phone } });

describe('privacy export', () => {
  it('returns everything held about the person, by phone in any format, and audits it', async () => {
    const { owner, lead } = await seedCustomer();
    const res = await exportOf(owner, '098765-43210');
    expect(res.statusCode).toBe(200);
    const x = res.json();
    expect(x.contact).toBe(PHONE);
    expect(x.subject_hash).toBe(hashOf(owner.workspaceId, PHONE));

    expect(x.leads).toHaveLength(1);
    const l = x.leads[0];
    expect(l.lead).toMatchObject({
      id: lead.id,
      contact_name: 'Priya Sharma',
      phone: PHONE,
      notes: 'Prefers mornings',
      email: 'priya@new.example',
    });
    expect(l.deals.map((d: { title: string }) => d.title)).toEqual(['Braces for Priya']);
    expect(l.tasks.map((t: { title: string }) => t.title)).toEqual(['Call Priya about braces']);
    expect(l.notes.map((n: { body: string }) => n.body)).toEqual(['Nervous about pain']);
    expect(l.activities.map((a: { type: string }) => a.type)).toEqual(
      expect.arrayContaining(['lead.created', 'deal.created', 'note.added', 'conversation.handed_off']),
    );

    expect(x.conversations).toHaveLength(1);
    const texts = x.conversations[0].messages.map(
      (m: { direction: string; text: string }) => `${m.direction}:${m.text}`,
    );
    expect(texts).toEqual(
      expect.arrayContaining(['in:Hi, I am allergic to latex', 'in:I want to talk to a real person']),
    );
    expect(
      x.conversations[0].messages.some((m: { direction: string; meta: unknown }) => m.direction === 'out' && m.meta),
    ).toBe(true);

    // Every fact with its history: the corrected email stays, superseded.
    const facts = x.profile_facts.map((f: { key: string; value: unknown; status: string }) => [
      f.key,
      f.value,
      f.status,
    ]);
    expect(facts).toEqual(
      expect.arrayContaining([
        ['special_notes', { category: 'allergy', text: 'I am allergic to latex' }, 'active'],
        ['email', 'priya@old.example', 'superseded'],
        ['email', 'priya@new.example', 'active'],
      ]),
    );
    expect(x.consents.map((c: { kind: string; granted: string }) => [c.kind, c.granted])).toEqual([
      ['special_notes', 'granted'],
    ]);

    // Nothing about the other customer.
    expect(res.body).not.toContain('penicillin');
    expect(res.body).not.toContain(OTHER);

    const audit = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.action, 'privacy.export')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: owner.userId, subjectHash: hashOf(owner.workspaceId, PHONE) });
    expect(JSON.stringify(audit[0])).not.toContain('9876543210');
  });
});

describe('privacy erase', () => {
  it('erases messages, facts, consents, conversations and the lead with its records; redacts notifications; keeps others', async () => {
    const { owner, lead } = await seedCustomer();
    const w = owner.workspaceId;
    const [conv] = await deps.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.workspaceId, w), eq(conversations.contactPhone, PHONE)));
    const notification = (await deps.db.select().from(messages).where(eq(messages.workspaceId, w))).find(
      (m) => m.purpose === 'handoff',
    );
    expect(notification?.text).toContain('+91 98765 43210');
    const before = await deps.db.select({ id: messages.id }).from(messages).where(eq(messages.conversationId, conv.id));

    const res = await erase(owner, '919876543210@s.whatsapp.net');
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.subject_hash).toBe(hashOf(w, PHONE));
    expect(r.counts).toMatchObject({
      leads: 1,
      deals: 1,
      tasks: 1,
      notes: 1,
      conversations: 1,
      messages: before.length,
    });
    expect(r.counts.profile_facts).toBeGreaterThanOrEqual(3);
    expect(r.counts.consents).toBe(1);
    expect(r.counts.activities).toBeGreaterThan(0);
    expect(r.counts.redacted_messages).toBeGreaterThanOrEqual(1);

    // Gone, everywhere.
    expect(await deps.db.select().from(messages).where(eq(messages.conversationId, conv.id))).toHaveLength(0);
    expect(await deps.db.select().from(conversations).where(eq(conversations.id, conv.id))).toHaveLength(0);
    expect(
      await deps.db
        .select()
        .from(profileFacts)
        .where(
          and(eq(profileFacts.workspaceId, w), or(eq(profileFacts.contact, PHONE), eq(profileFacts.leadId, lead.id))),
        ),
    ).toHaveLength(0);
    expect(
      await deps.db
        .select()
        .from(consents)
        .where(and(eq(consents.workspaceId, w), eq(consents.contact, PHONE))),
    ).toHaveLength(0);
    expect(await deps.db.select().from(leads).where(eq(leads.id, lead.id))).toHaveLength(0);
    for (const t of [deals, tasks, notes])
      expect(await deps.db.select().from(t).where(eq(t.leadId, lead.id))).toHaveLength(0);
    expect((await app.inject({ method: 'GET', url: `/api/leads/${lead.id}`, headers: owner.auth })).statusCode).toBe(
      404,
    );
    const [redacted] = await deps.db.select().from(messages).where(eq(messages.id, notification!.id));
    expect(redacted.text).toBe('[erased]');
    expect(JSON.stringify(redacted.payload)).not.toContain('9876543210');
    const everything = JSON.stringify(await deps.db.select().from(messages).where(eq(messages.workspaceId, w)));
    expect(everything).not.toContain('9876543210');
    expect(everything).not.toContain('98765 43210');
    expect(everything).not.toContain('latex');

    // The other customer is untouched.
    const other = (await exportOf(owner, OTHER)).json();
    expect(other.conversations).toHaveLength(1);
    expect(JSON.stringify(other.profile_facts)).toContain('penicillin');

    // The trail proves it without the number, and lists it by phone.
    const trail = await app.inject({
      method: 'GET',
      url: `/api/privacy/audit?phone=${encodeURIComponent('+91 98765 43210')}&action=privacy.erase`,
      headers: owner.auth,
    });
    expect(trail.statusCode).toBe(200);
    expect(trail.json().data).toHaveLength(1);
    expect(trail.json().data[0]).toMatchObject({
      action: 'privacy.erase',
      actor_id: owner.userId,
      subject_hash: hashOf(w, PHONE),
      details: { source: 'api', counts: r.counts },
    });
    expect(trail.body).not.toContain('9876543210');
    const rows = await deps.db.select().from(auditLog).where(eq(auditLog.workspaceId, w));
    expect(JSON.stringify(rows)).not.toContain('9876543210');

    // Idempotent: again finds nothing, records zeros; the export is empty.
    const again = await erase(owner, PHONE);
    expect(again.statusCode).toBe(200);
    expect(Object.values(again.json().counts).every((n) => n === 0)).toBe(true);
    const empty = (await exportOf(owner, PHONE)).json();
    expect(empty).toMatchObject({ leads: [], conversations: [], profile_facts: [], consents: [] });
  });

  it('a new message after erasure starts from nothing', async () => {
    const { owner, phoneNumberId } = await seedCustomer();
    expect((await erase(owner, PHONE)).statusCode).toBe(200);
    await say(phoneNumberId, WA_ID, 'Hello again');
    const x = (await exportOf(owner, PHONE)).json();
    expect(x.profile_facts).toEqual([]);
    expect(x.conversations).toHaveLength(1);
    expect(x.conversations[0].messages.map((m: { text: string }) => m.text)).not.toContain(
      'Hi, I am allergic to latex',
    );
  });

  it('exports the confirmation phrase the bot asks for', () => {
    expect(ERASE_CONFIRMATION).toBe('DELETE MY DATA');
  });
});

describe('privacy access', () => {
  it('answers 403 to managers and agents, and erases nothing', async () => {
    const { owner, lead } = await seedCustomer();
    const admin = await addMember(app, owner, 'admin', 'Asha Admin');
    for (const role of ['manager', 'agent'] as const) {
      const member = await addMember(app, owner, role, `A ${role}`);
      expect((await exportOf(member, PHONE)).statusCode, role).toBe(403);
      expect((await erase(member, PHONE)).statusCode, role).toBe(403);
      expect(
        (await app.inject({ method: 'GET', url: '/api/privacy/audit', headers: member.auth })).statusCode,
        role,
      ).toBe(403);
    }
    expect(await deps.db.select().from(leads).where(eq(leads.id, lead.id))).toHaveLength(1);
    expect((await exportOf(admin, PHONE)).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/api/privacy/export?phone=${PHONE}` })).statusCode).toBe(401);
  });

  it('another workspace finds nothing of this one: export is empty, erase erases nothing', async () => {
    const { owner, lead } = await seedCustomer();
    const stranger = await newWorkspace(app, 'Elsewhere');
    const x = await exportOf(stranger, PHONE);
    expect(x.statusCode).toBe(200);
    expect(x.json()).toMatchObject({ leads: [], conversations: [], profile_facts: [], consents: [] });
    expect(x.body).not.toContain(lead.id);
    const e = await erase(stranger, PHONE);
    expect(e.statusCode).toBe(200);
    expect(Object.values(e.json().counts).every((n) => n === 0)).toBe(true);
    // Still all there in the owner's workspace.
    const mine = (await exportOf(owner, PHONE)).json();
    expect(mine.leads).toHaveLength(1);
    expect(mine.conversations[0].messages.length).toBeGreaterThan(3);
    expect(mine.profile_facts.length).toBeGreaterThanOrEqual(3);
    const trail = (await app.inject({ method: 'GET', url: '/api/privacy/audit', headers: stranger.auth })).json().data;
    expect(trail.map((a: { action: string }) => a.action).sort()).toEqual(['privacy.erase', 'privacy.export']);
    const ownTrail = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, owner.workspaceId), inArray(auditLog.action, ['privacy.erase'])));
    expect(ownTrail).toHaveLength(0);
  });
});
