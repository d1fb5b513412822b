// Group commit: concurrent webhook deliveries are stored together, each acknowledged one exactly
// once and named by exactly one route job, whatever arrives beside it.
import { routeJob } from '../src/inbound/route.ts';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages } from '../src/db/schema/index.ts';
import { createTestApp, drainJobs, newWorkspace } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const SECRET = 'wa-batch-secret';
// The environment's WhatsApp app signs deliveries for numbers no workspace has: acknowledged, ignored.
const { app, deps } = await createTestApp({
  LOG_LEVEL: 'error',
  WHATSAPP_PHONE_NUMBER_ID: `env${Date.now()}`,
  WHATSAPP_APP_SECRET: SECRET,
  WHATSAPP_ACCESS_TOKEN: 't',
});

const post = (body: string, signature = metaSignature(body, SECRET)) =>
  app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    payload: body,
  });

describe('webhook ingest under concurrency', () => {
  it('stores 50 concurrent deliveries: every 200 once, duplicates once, each named by one route job', async () => {
    const owner = await newWorkspace(app, 'Batch Realty');
    const phoneNumberId = `9${Date.now()}${Math.floor(Math.random() * 1e4)}`;
    const ch = await app.inject({
      method: 'POST',
      url: '/api/channels',
      headers: owner.auth,
      payload: {
        kind: 'whatsapp',
        name: 'WA',
        account_id: phoneNumberId,
        secrets: { accessToken: 't', appSecret: SECRET, verifyToken: 'v' },
      },
    });
    expect(ch.statusCode).toBe(201);
    const channelId = ch.json().id as string;

    const run = Date.now().toString(36);
    const bodies: { body: string; wamid: string; signature?: string }[] = [];
    // 40 distinct messages from 10 senders (conversations created and updated in one batch)…
    for (let i = 0; i < 40; i++) {
      const wamid = `wamid.batch.${run}.${i}`;
      bodies.push({
        wamid,
        body: waText(phoneNumberId, `9198765${String(i % 10).padStart(5, '0')}`, `message ${i}`, {
          id: wamid,
          name: `Sender ${i % 10}`,
        }),
      });
    }
    // …8 of them delivered a second time (same bytes: Meta's retries)…
    for (let i = 0; i < 8; i++) bodies.push({ ...bodies[i * 5] });
    // …one with a wrong signature, one for a number no workspace has connected.
    const forged = `wamid.batch.${run}.forged`;
    bodies.push({
      wamid: forged,
      body: waText(phoneNumberId, '919876599999', 'forged', { id: forged }),
      signature: metaSignature('other bytes', SECRET),
    });
    const stranger = `wamid.batch.${run}.unknown`;
    bodies.push({ wamid: stranger, body: waText(`8${Date.now()}`, '919876599998', 'hello?', { id: stranger }) });
    expect(bodies).toHaveLength(50);

    const answers = await Promise.all(bodies.map((b) => post(b.body, b.signature)));
    const status = answers.map((a) => a.statusCode);
    expect(status.slice(0, 48).every((s) => s === 200)).toBe(true);
    expect(status[48]).toBe(401);
    expect(status[49]).toBe(200);
    expect(answers[49].json()).toMatchObject({ stored: 0, ignored: 1 });
    const acks = answers.slice(0, 48).map((a) => a.json());
    expect(acks.reduce((n, a) => n + a.stored, 0)).toBe(40);
    expect(acks.reduce((n, a) => n + a.duplicates, 0)).toBe(8);

    const rows = await deps.db.select().from(messages).where(eq(messages.channelId, channelId));
    expect(rows).toHaveLength(40);
    const byWamid = new Map(rows.map((r) => [r.providerMessageId, r]));
    for (let i = 0; i < 40; i++) expect(byWamid.get(`wamid.batch.${run}.${i}`)?.text).toBe(`message ${i}`);
    expect(byWamid.has(forged)).toBe(false);
    expect(await deps.db.select().from(messages).where(eq(messages.providerMessageId, stranger))).toHaveLength(0);

    // Each stored message is named by exactly one inbound.route job (a job names a whole batch).
    const ids = rows.map((r) => r.id);
    const jobs: unknown = await deps.db.execute(
      sql`select e.mid as message_id, count(*)::int as n from pgboss.job j cross join lateral jsonb_array_elements_text(j.data->'messageIds') as e(mid)
          where j.name = 'inbound.route' and e.mid in ${sql.raw(`(${ids.map((id) => `'${id}'`).join(',')})`)} group by 1`,
    );
    const jobRows = (Array.isArray(jobs) ? jobs : (jobs as { rows: unknown[] }).rows) as {
      message_id: string;
      n: number;
    }[];
    expect(jobRows).toHaveLength(40);
    expect(jobRows.every((j) => j.n === 1)).toBe(true);

    // Routing the batch jobs handles every message once: each of the 10 new customers is welcomed once.
    await drainJobs(deps);
    const after = await deps.db.select().from(messages).where(eq(messages.channelId, channelId));
    expect(after.filter((m) => m.direction === 'in').every((m) => m.routedAt)).toBe(true);
    const welcomes = after.filter((m) => m.direction === 'out' && m.purpose === 'welcome');
    expect(welcomes).toHaveLength(10);
    expect(new Set(welcomes.map((m) => m.conversationId)).size).toBe(10);
  });

  it('still routes a route job of the one-message form that earlier versions enqueued', async () => {
    const owner = await newWorkspace(app, 'Legacy Realty');
    const sim = await app.inject({
      method: 'POST',
      url: '/api/simulator/messages',
      headers: owner.auth,
      payload: { from: '+919876500001', name: 'Old Job', text: 'hello' },
    });
    expect(sim.statusCode).toBeLessThan(300);
    // The simulator's own batch job routes it; a second, old-style job for the same message acts never twice.
    const [inbound] = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.workspaceId, owner.workspaceId), eq(messages.direction, 'in')));
    await deps.queue.enqueue(routeJob, deps.db, { messageId: inbound.id });
    await drainJobs(deps);
    const rows = await deps.db.select().from(messages).where(eq(messages.conversationId, inbound.conversationId));
    expect(rows.find((m) => m.id === inbound.id)?.routedAt).toBeTruthy();
    expect(rows.filter((m) => m.direction === 'out' && m.purpose === 'welcome')).toHaveLength(1);
  });
});
