// Routing in batches (routeBatch): many conversations in one transaction, a conversation's messages
// in order, each once — also when two workers route overlapping batches at the same time — and a
// team member's message in the same batch still goes to the command interpreter.
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages, leads } from '../src/db/schema/index.ts';
import { routeMany } from '../src/inbound/route.ts';
import { createTestApp, newWorkspace } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const SECRET = 'wa-route-batch-secret';
const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' });

describe('routing in batches', () => {
  it('routes several conversations together, in order per conversation, once under racing workers', async () => {
    const owner = await newWorkspace(app, 'Batch Route Realty');
    const phoneNumberId = `7${Date.now()}${Math.floor(Math.random() * 1e4)}`;
    const ch = await app.inject({
      method: 'POST',
      url: '/api/channels',
      headers: owner.auth,
      payload: {
        kind: 'whatsapp',
        name: 'WA',
        account_id: phoneNumberId,
        settings: { apiUrl: 'http://127.0.0.1:9/v26.0' },
        secrets: { accessToken: 't', appSecret: SECRET, verifyToken: 'v' },
      },
    });
    expect(ch.statusCode).toBe(201);
    const channelId = ch.json().id as string;
    const member = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: owner.auth,
      payload: {
        name: 'Asha Agent',
        email: `asha-${Date.now()}@example.com`,
        password: 'member password',
        role: 'agent',
        phone: '+919900012345',
      },
    });
    expect(member.statusCode).toBeLessThan(300);

    const run = Date.now().toString(36);
    const script: [string, string][] = [
      ['919876001001', 'Hi, is the 2BHK in Baner still available?'],
      ['919876001002', 'price kya hai?'],
      ['919876001001', 'Can I visit the site tomorrow at 11 am?'],
      ['919900012345', 'Aaj ke tasks'],
      ['919876001003', 'Hello'],
      ['919876001002', 'STOP'],
      ['919876001001', 'Thanks!'],
      ['919876001003', 'Is parking included?'],
    ];
    for (const [i, [from, text]] of script.entries()) {
      const body = waText(phoneNumberId, from, text, { id: `wamid.rb.${run}.${i}`, name: `Sender ${from.slice(-1)}` });
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks/whatsapp',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
        payload: body,
      });
      expect(res.statusCode).toBe(200);
    }
    const inbound = await deps.db
      .select()
      .from(messages)
      .where(eq(messages.channelId, channelId))
      .orderBy(asc(messages.createdAt), asc(messages.id));
    expect(inbound).toHaveLength(script.length);
    const ids = inbound.map((m) => m.id);

    // Two workers with overlapping batches, at once (a job that runs twice, racing its first run).
    await Promise.all([routeMany(deps, ids), routeMany(deps, [...ids].reverse()), routeMany(deps, ids.slice(2, 6))]);

    const rows = await deps.db
      .select()
      .from(messages)
      .where(eq(messages.workspaceId, owner.workspaceId))
      .orderBy(asc(messages.createdAt), asc(messages.id));
    const ins = rows.filter((m) => m.direction === 'in');
    expect(ins.every((m) => m.routedAt)).toBe(true);
    const toContact = rows.filter((m) => m.direction === 'out' && m.replyToId && m.channelId === channelId);
    // Every message answered exactly once (the STOP with its confirmation).
    for (const m of ins) expect(toContact.filter((o) => o.replyToId === m.id)).toHaveLength(1);
    // In each conversation the answers were written in the order of the messages they answer.
    const rank = new Map(ins.map((m, i) => [m.id, i]));
    for (const conv of new Set(ins.map((m) => m.conversationId))) {
      const order = toContact.filter((o) => o.conversationId === conv).map((o) => rank.get(o.replyToId!)!);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    // Each new customer welcomed once, with their first message; the team member never.
    const welcomes = toContact.filter((o) => o.purpose === 'welcome');
    expect(welcomes).toHaveLength(3);
    expect(new Set(welcomes.map((w) => w.conversationId)).size).toBe(3);
    const memberMsg = ins.find((m) => m.text === 'Aaj ke tasks')!;
    const memberAnswer = toContact.find((o) => o.replyToId === memberMsg.id)!;
    expect(memberAnswer.purpose).toBe('reply');
    expect(welcomes.some((w) => w.conversationId === memberMsg.conversationId)).toBe(false);
    // STOP confirmed as an opt-out; one lead per customer, none for the team member.
    expect(toContact.find((o) => o.replyToId === ins.find((m) => m.text === 'STOP')!.id)!.purpose).toBe('opt_out');
    const made = await deps.db.select().from(leads).where(eq(leads.workspaceId, owner.workspaceId));
    expect(made.map((l) => l.phone).sort()).toEqual(['+919876001001', '+919876001002', '+919876001003']);
  });
});
