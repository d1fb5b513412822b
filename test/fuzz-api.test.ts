// Every route of the OpenAPI document, valid and hostile (test/helpers/fuzz.ts), as a workspace
// owner: no request may answer 5xx; a NUL or a lone surrogate is a 400 naming the field; a cookie
// write with Origin: null is 403. Then the logs of the run (LOG_PII=false) are searched for every
// secret and personal value the requests carried. Bounded in requests and time.
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createDeps, createLogger } from '../src/deps.ts';
import { allJobs } from '../src/jobs/index.ts';
import { operationsOf, variantsOf, type FuzzRequest, type Markers } from './helpers/fuzz.ts';
import { openTestDatabase } from './helpers/db.ts';
import { addMember, loginAs } from './helpers/app.ts';

const MAX_REQUESTS = 2500;
// Operations anyone may call; every other one answers an anonymous caller 401, whatever the body.
// Routes without a session: the knowledge push is authenticated by its link's own secret.
const open = new Set([
  '/api/login',
  '/login',
  '/api/register',
  '/register',
  '/api/logout',
  '/health',
  '/api/knowledge/links/{id}/push',
]);
const BUDGET_MS = 150_000;

const markers: Markers = {
  email: 'fuzz.pii.qx7w@example.com',
  name: 'Qxvbern Fuzzperson',
  phone: '+91 98765 01234',
  password: 'Fuzz-Secret-Pw-9x7w',
  text: 'fuzz secret text qz8v',
};

const lines: string[] = [];
const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'info',
  LOG_PII: 'false',
  PARLEY_DEMO: 'false',
  PARLEY_SIGNUP: 'open',
  PARLEY_SECRET_KEY: 'test-secret-key-0123456789',
});
const deps = await createDeps(config, {
  database: await openTestDatabase(),
  log: createLogger(config, { write: (line: string) => void lines.push(line) }),
});
await deps.queue.install(allJobs);
const app = await buildApp(deps);
afterAll(async () => {
  await app.close();
  await deps.close();
});

/** A workspace with one of everything, so that path ids point at real rows. */
async function seed() {
  const reg = await app.inject({
    method: 'POST',
    url: '/api/register',
    payload: { name: markers.name, email: markers.email, password: markers.password, workspace_name: 'Fuzz Co' },
  });
  expect(reg.statusCode).toBe(201);
  const owner = await loginAs(app, markers.email, markers.password);
  const post = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, headers: owner.auth, payload });
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const agent = await addMember(app, owner, 'agent', 'Fuzz Agent');
  const agentUser = (await app.inject({ method: 'GET', url: '/api/me', headers: agent.auth })).json().user;
  const lead = await post('/api/leads', {
    company: 'Fuzz Lead Co',
    phone: '+91 98111 22299',
    assignee_id: agent.userId,
  });
  const deal = await post(`/api/leads/${lead.id}/deals`, { title: 'Fuzz deal', value: 10 });
  const task = await post('/api/tasks', { lead_id: lead.id, type: 'call' });
  const key = await post('/api/api-keys', { name: 'Fuzz key' });
  const channel = await post('/api/channels', {
    kind: 'whatsapp',
    name: 'Fuzz WA',
    account_id: `fuzz-${Date.now()}`,
    secrets: { accessToken: 'fuzz-access-token-zz9' },
  });
  const simulated = await post('/api/simulator/messages', { from: markers.phone, text: markers.text });
  const sequence = await post('/api/message-master', { name: 'Fuzz seq', steps: [{ delay_days: 1, text: 'Step' }] });
  const enrolled = await post(`/api/leads/${lead.id}/enrollments`, { sequence_id: sequence.id });
  const ids: Record<string, string> = {
    default: lead.id,
    lead_id: lead.id,
    assignee_id: agent.userId,
    sequence_id: sequence.id,
    conversation_id: simulated.conversation_id,
  };
  const byPrefix: [string, string][] = [
    ['/api/leads/', lead.id],
    ['/api/deals/', deal.id],
    ['/api/tasks/', task.id],
    ['/api/users/', agent.userId],
    ['/api/api-keys/', key.id],
    ['/api/channels/', channel.id],
    ['/api/conversations/', simulated.conversation_id],
    ['/api/messages/', simulated.message_id],
    ['/api/whatsapp/crm-integration/conversation/', simulated.conversation_id],
    ['/api/message-master/steps/', sequence.steps[0].id],
    ['/api/message-master/', sequence.id],
    ['/api/reminders/', enrolled.reminders[0].id],
    ['/leads/', owner.userId],
    ['/tasks/', agentUser.username],
    ['/activities/', lead.id],
    ['/history/', lead.id],
    ['/api/customer-context/', markers.phone],
  ];
  const pathId = (template: string) => byPrefix.find(([p]) => template.startsWith(p))?.[1] ?? ids.default;
  return { owner, ids, pathId, secrets: [owner.token, key.key, 'fuzz-access-token-zz9'] };
}

describe('fuzzing every route from the OpenAPI document', () => {
  it('never answers 5xx, refuses unstorable text naming the field, and logs no secret or PII', async () => {
    const { owner, ids, pathId, secrets } = await seed();
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    // Destructive operations last, so the others still find their rows.
    const weight = (o: { method: string; template: string }) =>
      o.template === '/api/logout' ? 4 : o.template.includes('erase') ? 3 : o.method === 'DELETE' ? 2 : 0;
    const ops = operationsOf(doc).sort((a, b) => weight(a) - weight(b));
    expect(ops.length).toBeGreaterThan(50);

    const started = Date.now();
    const failures: string[] = [];
    const seen = new Set<string>();
    let sent = 0;
    const send = async (r: FuzzRequest): Promise<{ statusCode: number; body: string; json(): any }> => {
      const opts = {
        method: r.method as 'GET',
        url: r.url,
        headers: {
          ...(r.anonymous || r.label.startsWith('cookie') ? {} : owner.auth),
          ...(typeof r.payload === 'string' ? { 'content-type': 'application/json' } : {}),
          ...r.headers,
        },
        cookies: r.label.startsWith('cookie') ? { parley_session: owner.token } : undefined,
        payload: r.payload as string,
      };
      if (!r.url.startsWith('/api/events')) return app.inject(opts);
      // Server-sent events never end: read the status, and the body only of a refusal.
      const res = await app.inject({ ...opts, payloadAsStream: true });
      const chunks: Buffer[] = [];
      if (res.statusCode === 200) res.stream().destroy();
      else for await (const c of res.stream()) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString();
      return { statusCode: res.statusCode, body, json: () => JSON.parse(body) };
    };
    for (const op of ops) {
      for (const r of variantsOf(op, markers, ids, pathId)) {
        if (sent >= MAX_REQUESTS || Date.now() - started > BUDGET_MS) break;
        const res = await send(r);
        sent++;
        seen.add(`${op.method} ${op.template}`);
        const what = `${r.method} ${op.template} [${r.label}] → ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (res.statusCode >= 500) failures.push(what);
        else if (
          r.field &&
          (res.statusCode !== 400 || !JSON.stringify(res.json().error.fields ?? {}).includes(r.field))
        )
          failures.push(`expected 400 naming ${r.field}: ${what}`);
        else if (r.label.startsWith('cookie') && res.statusCode !== 403) failures.push(`expected 403: ${what}`);
        else if (r.anonymous && !open.has(op.template) && res.statusCode !== 401)
          failures.push(`expected 401: ${what}`);
      }
    }
    console.log(`fuzz: ${sent} requests on ${seen.size} of ${ops.length} operations in ${Date.now() - started} ms`);
    expect(failures).toEqual([]);
    expect(seen.size).toBe(ops.length);

    // The logs of all that carry none of the personal values or secrets sent.
    const log = lines.join('');
    expect(log.length).toBeGreaterThan(1000);
    const digits = markers.phone.replace(/\D/g, '');
    for (const value of [
      markers.email,
      markers.name,
      markers.password,
      markers.text,
      digits,
      digits.slice(2),
      ...secrets,
    ])
      expect(log, value).not.toContain(value);
  }, 300_000);
});
