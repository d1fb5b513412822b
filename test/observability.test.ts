// Observability: the bot's status summary after real WhatsApp traffic, Prometheus metrics with
// route patterns, and log lines that keep phone numbers and message texts out unless LOG_PII=true.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { messages } from '../src/db/schema/index.ts';
import { createDeps, createLogger } from '../src/deps.ts';
import type { App } from '../src/http/app-types.ts';
import { allJobs } from '../src/jobs/index.ts';
import { graphErrors, startFakeGraphApi } from './fakes/graph-api.ts';
import { connectWhatsApp, createTestApp, drainJobs, newWorkspace, type Session } from './helpers/app.ts';
import { openTestDatabase } from './helpers/db.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
const { app, deps } = await createTestApp({ LOG_LEVEL: 'silent' });
const SECRET = 'wa-observability-secret';

async function connect(a: App, owner: Session) {
  return (await connectWhatsApp(a, owner, { apiUrl: graph.url, appSecret: SECRET })).phoneNumberId;
}

const webhook = (a: App, body: string, signature = metaSignature(body, SECRET)) =>
  a.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    payload: body,
  });

const summary = async (s: Session) => {
  const res = await app.inject({ method: 'GET', url: '/api/bot/status-summary', headers: s.auth });
  expect(res.statusCode).toBe(200);
  return res.json();
};

describe('GET /api/bot/status-summary', () => {
  it(
    'counts today’s messages, bot replies, context hits, personalization, handoffs, queue and send errors',
    { timeout: 90_000 },
    async () => {
      const owner = await newWorkspace(app, 'Sunrise Realty');
      const phoneNumberId = await connect(app, owner);
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: { contact_name: 'Rahul Mehta', company: 'Mehta Homes', phone: '+91 98700 11111', score: 85 },
      });
      const say = async (from: string, text: string) => {
        expect((await webhook(app, waText(phoneNumberId, from, text, { name: 'Customer' }))).statusCode).toBe(200);
        await drainJobs(deps);
      };
      await say('919870011111', 'Hi, what is the price of the 2BHK?');
      await say('919870022222', 'Hello');
      await say('919870011111', 'I want to talk to a real person');
      // An invalid token fails both calls of the answer: marking the message read (best effort, ignored) and the reply.
      graph.failNext(401, graphErrors.invalidToken(), 2);
      await say('919870033333', 'hi');

      const s = await summary(owner);
      const rows = await deps.db.select().from(messages).where(eq(messages.workspaceId, owner.workspaceId));
      const bot = rows
        .filter((m) => m.meta && (m.meta as { bot?: unknown }).bot)
        .map((m) => (m.meta as { bot: { context_hit: boolean; personalized: boolean } }).bot);
      expect(bot.length).toBeGreaterThanOrEqual(3);
      const share = (n: number) => Math.round((n / bot.length) * 1000) / 1000;

      expect(s).toMatchObject({
        mode: 'rules',
        llm: { configured: false, reachable: null },
        queue: {
          inbound_route: { queued: 0, active: 0, failed: 0 },
          outbound_send: { queued: 0, active: 0, failed: 0 },
        },
        messages_today: { in: 4, out: rows.filter((m) => m.direction === 'out').length },
        bot_replies_today: bot.length,
        context_hit_rate: share(bot.filter((b) => b.context_hit).length),
        personalization_rate: share(bot.filter((b) => b.personalized).length),
        fallbacks: {},
        handoffs_today: 1,
        time_zone: 'Asia/Kolkata',
      });
      expect(s.context_hit_rate).toBeGreaterThan(0);
      expect(s.personalization_rate).toBeGreaterThan(0);
      expect(s.last_errors).toHaveLength(1);
      expect(s.last_errors[0]).toMatchObject({ code: '190', where: expect.stringContaining('whatsapp') });
      expect(Date.parse(s.last_errors[0].at)).toBeGreaterThan(Date.now() - 60_000);

      // Another workspace sees only its own (nothing yet).
      const other = await summary(await newWorkspace(app, 'Elsewhere'));
      expect(other).toMatchObject({
        messages_today: { in: 0, out: 0 },
        bot_replies_today: 0,
        context_hit_rate: null,
        personalization_rate: null,
        handoffs_today: 0,
        last_errors: [],
      });
      expect((await app.inject({ method: 'GET', url: '/api/bot/status-summary' })).statusCode).toBe(401);
    },
  );

  it('checks the LLM server with GET {LLM_BASE_URL}/models, within 2 seconds', async () => {
    const seen: string[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      if (req.url?.startsWith('/stall')) return; // never answers
      res.writeHead(req.url === '/v1/models' ? 200 : 500, { 'content-type': 'application/json' }).end('{"data":[]}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = deps.config as Record<string, unknown>;
    const saved = { url: config.LLM_BASE_URL, key: config.LLM_API_KEY };
    try {
      const owner = await newWorkspace(app);
      Object.assign(config, { LLM_BASE_URL: `${base}/v1`, LLM_API_KEY: 'sk-test' });
      expect((await summary(owner)).llm).toEqual({ configured: true, reachable: true });
      expect(seen).toContain('GET /v1/models Bearer sk-test');
      Object.assign(config, { LLM_BASE_URL: `${base}/broken` });
      expect((await summary(owner)).llm).toEqual({ configured: true, reachable: false });
      Object.assign(config, { LLM_BASE_URL: `${base}/stall` });
      const started = Date.now();
      expect((await summary(owner)).llm).toEqual({ configured: true, reachable: false });
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      Object.assign(config, { LLM_BASE_URL: saved.url, LLM_API_KEY: saved.key });
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('GET /metrics', () => {
  it('exposes Prometheus counters labelled with route patterns, webhook results, messages and bot replies', async () => {
    const owner = await newWorkspace(app, 'Metrics Realty');
    const phoneNumberId = await connect(app, owner);
    const lead = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: { contact_name: 'Neha', phone: '+91 98700 55555' },
      })
    ).json();
    await app.inject({ method: 'GET', url: `/api/leads/${lead.id}`, headers: owner.auth });
    await app.inject({ method: 'GET', url: '/no/such/page/919870055555' });
    const body = waText(phoneNumberId, '919870055555', 'Hi there');
    expect((await webhook(app, body)).statusCode).toBe(200);
    expect((await webhook(app, body, metaSignature(body, 'wrong-secret'))).statusCode).toBe(401);
    await drainJobs(deps);

    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toContain('# TYPE parley_http_requests_total counter');
    expect(text).toMatch(/parley_http_requests_total\{method="POST",route="\/webhooks\/whatsapp",status="200"\} \d+/);
    expect(text).toMatch(/parley_http_requests_total\{method="GET",route="\/api\/leads\/:id",status="200"\} 1/);
    expect(text).toMatch(/parley_http_requests_total\{method="GET",route="\(unmatched\)",status="404"\} \d+/);
    expect(text).toMatch(
      /parley_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/leads\/:id",status="200"\} \d+/,
    );
    expect(text).toMatch(/parley_webhook_deliveries_total\{provider="whatsapp",result="accepted"\} \d+/);
    expect(text).toMatch(/parley_webhook_deliveries_total\{provider="whatsapp",result="unauthorized"\} 1/);
    expect(text).toMatch(/parley_messages_total\{direction="in",channel="whatsapp"\} [1-9]\d*/);
    expect(text).toMatch(/parley_messages_total\{direction="out",channel="whatsapp"\} [1-9]\d*/);
    expect(text).toMatch(/parley_bot_replies_total\{mode="rules",fallback="none"\} [1-9]\d*/);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_heap_size_total_bytes');
    // Raw URLs never become labels.
    expect(text).not.toContain(lead.id);
    expect(text).not.toContain('919870055555');
    expect(text).not.toContain('/no/such/page');
  });
});

/** An app whose log lines land in `lines` (JSON), with LOG_PII as given. */
async function appWithLog(pii: boolean) {
  const lines: string[] = [];
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    LOG_PII: String(pii),
    PARLEY_DEMO: 'false',
    PARLEY_SECRET_KEY: 'test-secret-key-0123456789',
  });
  const log = createLogger(config, { write: (line: string) => void lines.push(line) });
  const d = await createDeps(config, { database: await openTestDatabase(), log });
  await d.queue.install(allJobs);
  const a = await buildApp(d);
  afterAll(async () => {
    await a.close();
    await d.close();
  });
  return { app: a, deps: d, lines };
}

describe('logs', () => {
  const FROM = '919870044444';
  const TEXT = 'my secret plan for the flat';

  async function ingest(pii: boolean) {
    const t = await appWithLog(pii);
    const owner = await newWorkspace(t.app, 'Log Realty');
    const phoneNumberId = await connect(t.app, owner);
    t.lines.length = 0;
    expect((await webhook(t.app, waText(phoneNumberId, FROM, TEXT))).statusCode).toBe(200);
    await t.deps.queue.drain(allJobs, t.deps);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/customer-context/${FROM}`, headers: owner.auth })).statusCode,
    ).toBe(200);
    // What a handler logging the inbound event, or a database error about it, would write.
    t.deps.log.info({ event: { from: `+${FROM}`, text: TEXT }, payload: { body: TEXT } }, `inbound from +${FROM}`);
    t.deps.log.error(
      {
        err: Object.assign(new Error(`duplicate key for +${FROM}`), {
          detail: `Key (phone)=(+${FROM}) already exists.`,
        }),
      },
      'insert failed',
    );
    return t.lines.join('');
  }

  it('mask phone numbers and message texts by default', async () => {
    const out = await ingest(false);
    expect(out).toContain('"url":"/webhooks/whatsapp"');
    expect(out).toContain('customer reply generated');
    expect(out).toContain('"url":"/api/customer-context/***"');
    expect(out).toContain('"text":"[masked]"');
    expect(out).toContain('"msg":"inbound from ***"');
    expect(out).toContain('Key (phone)=(***) already exists.');
    expect(out).not.toContain('9870044444');
    expect(out).not.toContain('secret plan');
  });

  it('show them with LOG_PII=true', async () => {
    const out = await ingest(true);
    expect(out).toContain(`"url":"/api/customer-context/${FROM}"`);
    expect(out).toContain(`"text":"${TEXT}"`);
    expect(out).toContain(`inbound from +${FROM}`);
    expect(out).toContain(`Key (phone)=(+${FROM}) already exists.`);
  });
});
