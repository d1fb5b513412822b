// The LLM responder against a fake OpenAI-compatible server on 127.0.0.1: the prompt carries the
// customer context; a slow or failing model falls back to the rules responder.
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../src/db/schema/index.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { startFakeOpenAi } from './fakes/openai-compatible.ts';
import { addMember, createTestApp, drainJobs, newWorkspace } from './helpers/app.ts';
import { metaSignature, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
const llm = await startFakeOpenAi({ apiKey: 'sk-test' });
afterAll(async () => {
  await graph.close();
  await llm.close();
});
llm.answer = (_req, userText) =>
  `Hello John! About "${userText.slice(0, 40)}": our team will share the details of your Enterprise License shortly.`;
const { app, deps } = await createTestApp({
  BOT_MODE: 'llm',
  LLM_BASE_URL: llm.url,
  LLM_API_KEY: 'sk-test',
  LLM_MODEL: 'gpt-4o-mini',
  BOT_TIMEOUT_MS: '1500',
});
const SECRET = 'llm-secret';

async function setup() {
  const owner = await newWorkspace(app, 'Tech Sales');
  const amit = await addMember(app, owner, 'agent', 'Amit Verma');
  const phoneNumberId = `${Date.now()}${Math.floor(Math.random() * 1e5)}`;
  const ch = (
    await app.inject({
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
    })
  ).json();
  const lead = (
    await app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: owner.auth,
      payload: {
        company: 'Tech Corp',
        contact_name: 'John Doe',
        phone: '+91 98765 41111',
        score: 92,
        status: 'proposal',
        assignee_id: amit.userId,
        notes: 'INTERNAL: budget is tight',
      },
    })
  ).json();
  await app.inject({
    method: 'POST',
    url: `/api/leads/${lead.id}/deals`,
    headers: owner.auth,
    payload: { title: 'Enterprise License', value: 50000, currency: 'USD', stage: 'proposal', probability: 75 },
  });
  const say = async (text: string) => {
    const body = waText(phoneNumberId, '919876541111', text, { name: 'John' });
    await app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
      payload: body,
    });
    await drainJobs(deps);
    const [conv] = await deps.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.channelId, ch.id), eq(conversations.externalId, '+919876541111')));
    const out = (
      await deps.db
        .select()
        .from(messages)
        .where(eq(messages.conversationId, conv.id))
        .orderBy(messages.createdAt, messages.id)
    ).filter((m) => m.direction === 'out');
    return out.at(-1)!;
  };
  return { say };
}

describe('LLM responder', () => {
  it('answers through the model with the customer context in the system prompt', async () => {
    const { say } = await setup();
    const before = llm.requests.length;
    const reply = await say("What's the status of our license?");
    expect(reply.text).toMatch(/^Hello John! About "What's the status of our license\?"/);
    expect(reply.meta).toMatchObject({ bot: { mode: 'llm', context_hit: true, fallback: null } });
    const req = llm.requests[before];
    expect(req.headers.authorization).toBe('Bearer sk-test');
    const system = JSON.stringify(req.body.messages.find((m) => m.role === 'system'));
    expect(system).toContain('=== CUSTOMER CONTEXT ===');
    expect(system).toContain('John Doe');
    expect(system).toContain('Enterprise License (USD 50,000 - proposal)');
    expect(system).toContain('HOT lead');
    expect(system).not.toContain('budget is tight'); // internal notes never reach the model
  });

  it('falls back to the rules responder when the model is slow or fails', async () => {
    const { say } = await setup();
    llm.hangNext();
    const slow = await say('Any update on the contract?');
    expect(slow.meta).toMatchObject({ bot: { mode: 'rules', fallback: 'llm_timeout' } });
    expect(slow.text).toMatch(/John|Amit/);
    llm.failNext(500);
    const failed = await say('what is the price?');
    expect(failed.meta).toMatchObject({ bot: { mode: 'rules', fallback: 'llm_error' } });
  });

  it('keeps handoffs off the model', async () => {
    const { say } = await setup();
    const before = llm.requests.length;
    const reply = await say('I want to talk to a person please');
    expect(llm.requests.length).toBe(before);
    expect(reply.text).toMatch(/connecting you with Amit/);
  });
});
