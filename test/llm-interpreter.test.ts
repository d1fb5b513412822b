// The LLM command interpreter against a fake OpenAI-compatible server on 127.0.0.1: what it sends
// (structured output with the command schema, now and the time zone in the prompt), the three
// COMMANDS_MODEs, and the fall back to the rules when the LLM fails, hangs or answers nonsense.
import { generateText, tool } from 'ai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommandLlmSchema, type CommandLlm } from '../src/commands/command.ts';
import { createInterpreter } from '../src/commands/interpret/index.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { leads, notes } from '../src/db/schema/index.ts';
import { startFakeOpenAi } from './fakes/openai-compatible.ts';
import { addMember, createTestApp, newWorkspace } from './helpers/app.ts';

const llm = await startFakeOpenAi({ apiKey: 'sk-test-key' });
afterAll(() => llm.close());

const NOW = new Date('2026-03-10T10:00:00+05:30');
const ctx = { now: NOW, timeZone: 'Asia/Kolkata' };
const empty = Object.fromEntries(Object.keys(CommandLlmSchema.shape).map((k) => [k, null])) as unknown as CommandLlm;
const answers = new Map<string, Partial<CommandLlm>>();
llm.answer = (_req, text) => ({ ...empty, intent: 'unknown', ...answers.get(text) });

const config = (mode: 'rules' | 'llm' | 'hybrid', timeout = 15000) => ({
  COMMANDS_MODE: mode,
  LLM_BASE_URL: llm.url,
  LLM_API_KEY: 'sk-test-key',
  LLM_MODEL: 'gpt-4o-mini',
  LLM_TIMEOUT_MS: timeout,
});

const FREE = 'pls note that the orbit textiles folks rang, they want a fresh quote';
answers.set(FREE, { intent: 'add_activity', company: 'Orbit Textiles', note: 'they rang, they want a fresh quote' });

describe('llm mode', () => {
  it('sends the structured-output request and reads the command from the answer', async () => {
    const errors: unknown[] = [];
    const interpret = createInterpreter(config('llm'), { onError: (e) => errors.push(e) });
    const text = 'Nimbus ke saath agle somvar subah 11 baje demo, Rekha';
    answers.set(text, {
      intent: 'schedule_demo',
      company: 'Nimbus',
      at: '2026-03-16T11:00:00+05:30',
      assignee: 'Rekha',
      note: 'ignored for this intent',
    });
    const before = llm.requests.length;
    const r = await interpret(text, ctx);
    expect(r).toEqual({
      command: { intent: 'schedule_demo', company: 'Nimbus', at: '2026-03-16T11:00:00+05:30', assignee: 'Rekha' },
      confidence: 0.85,
      source: 'llm',
    });
    expect(errors).toEqual([]);
    const [req] = llm.requests.slice(before);
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test-key');
    expect(req.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0,
      response_format: { type: 'json_schema', json_schema: { name: 'command', strict: true } },
    });
    const schema = (
      req.body.response_format as unknown as {
        json_schema: { schema: { properties: Record<string, unknown>; required: string[] } };
      }
    ).json_schema.schema;
    expect(schema.required).toEqual(Object.keys(CommandLlmSchema.shape));
    expect(schema.properties.intent).toMatchObject({
      enum: expect.arrayContaining(['create_lead', 'stop_followups', 'unknown']),
    });
    const system = req.body.messages.find((m) => m.role === 'system')!.content as string;
    expect(system).toContain('Now is Tuesday 2026-03-10T10:00:00+05:30 in the time zone Asia/Kolkata.');
    expect(req.body.messages.at(-1)).toMatchObject({ role: 'user', content: text });
  });

  it('falls back to the rules on an HTTP error, invalid JSON, a wrong shape, or an unknown', async () => {
    const errors: unknown[] = [];
    const interpret = createInterpreter(config('llm'), { onError: (e) => errors.push(e) });
    const text = 'Meeting done for Orbit Textiles, they want a trial.';
    const rules = {
      command: { intent: 'meeting_done', company: 'Orbit Textiles', note: 'they want a trial' },
      source: 'rules',
    };
    llm.failNext(500);
    expect(await interpret(text, ctx)).toMatchObject(rules);
    llm.failNext(429);
    expect(await interpret(text, ctx)).toMatchObject(rules);
    llm.invalidNext();
    expect(await interpret(text, ctx)).toMatchObject(rules);
    llm.rawNext(JSON.stringify({ intent: 'fly_to_moon', company: 'Orbit' }));
    expect(await interpret(text, ctx)).toMatchObject(rules);
    // An LLM "unknown" (here: the answer map has nothing for this text) is no answer either.
    expect(await interpret(text, ctx)).toMatchObject(rules);
    expect(errors).toHaveLength(4);
  });

  it('gives the LLM LLM_TIMEOUT_MS, then the rules answer', async () => {
    const errors: unknown[] = [];
    const interpret = createInterpreter(config('llm', 300), { onError: (e) => errors.push(e) });
    llm.hangNext();
    const started = Date.now();
    const r = await interpret('Reassign Orbit Textiles to Rekha', ctx);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r).toMatchObject({
      command: { intent: 'reassign_lead', company: 'Orbit Textiles', assignee: 'Rekha' },
      source: 'rules',
    });
    expect(errors).toHaveLength(1);
  });

  it('falls back when the server is unreachable or the key is wrong', async () => {
    const down = createInterpreter({ ...config('llm', 2000), LLM_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(await down('help', ctx)).toMatchObject({ command: { intent: 'help' }, source: 'rules' });
    const wrongKey = createInterpreter({ ...config('llm'), LLM_API_KEY: 'sk-wrong' });
    expect(await wrongKey('help', ctx)).toMatchObject({ command: { intent: 'help' }, source: 'rules' });
  });
});

describe('hybrid mode', () => {
  it('keeps a confident rules answer without calling the LLM', async () => {
    const interpret = createInterpreter(config('hybrid'));
    const before = llm.requests.length;
    const r = await interpret('New lead: Orbit Textiles, Kavita Rao, 98450 12345, Trade fair, Sunil', ctx);
    expect(r).toMatchObject({
      command: { intent: 'create_lead', company: 'Orbit Textiles', assignee: 'Sunil' },
      source: 'rules',
    });
    expect(llm.requests.length).toBe(before);
  });

  it('asks the LLM when the rules answer unknown, and keeps the rules when the LLM fails', async () => {
    const interpret = createInterpreter(config('hybrid'));
    const before = llm.requests.length;
    expect(await interpret(FREE, ctx)).toEqual({
      command: { intent: 'add_activity', company: 'Orbit Textiles', note: 'they rang, they want a fresh quote' },
      confidence: 0.85,
      source: 'llm',
    });
    expect(llm.requests.length).toBe(before + 1);
    llm.failNext(503);
    expect(await interpret(FREE, ctx)).toMatchObject({ command: { intent: 'unknown' }, source: 'rules' });
  });

  it('is the rules interpreter in rules mode, and without an LLM configured', async () => {
    const before = llm.requests.length;
    expect(await createInterpreter(config('rules'))(FREE, ctx)).toMatchObject({
      command: { intent: 'unknown' },
      source: 'rules',
    });
    expect(await createInterpreter({ ...config('hybrid'), LLM_BASE_URL: undefined })(FREE, ctx)).toMatchObject({
      source: 'rules',
    });
    expect(llm.requests.length).toBe(before);
  });
});

describe('configuration', () => {
  it('defaults to rules and names the missing variable for llm and hybrid', () => {
    expect(loadConfig({}).COMMANDS_MODE).toBe('rules');
    expect(loadConfig({}).LLM_TIMEOUT_MS).toBe(15000);
    expect(() => loadConfig({ COMMANDS_MODE: 'llm' })).toThrow(ConfigError);
    expect(() => loadConfig({ COMMANDS_MODE: 'hybrid', LLM_MODEL: 'x' })).toThrow(
      /LLM_BASE_URL: required when COMMANDS_MODE=hybrid/,
    );
    expect(() => loadConfig({ COMMANDS_MODE: 'llm', LLM_BASE_URL: llm.url })).toThrow(
      /LLM_MODEL: required when COMMANDS_MODE=llm/,
    );
    expect(() => loadConfig({ COMMANDS_MODE: 'smart' })).toThrow(/COMMANDS_MODE/);
    expect(loadConfig({ COMMANDS_MODE: 'hybrid', LLM_BASE_URL: llm.url, LLM_MODEL: 'gpt-4o-mini' }).COMMANDS_MODE).toBe(
      'hybrid',
    );
  });
});

describe('the fake server', () => {
  it('answers tool calls in the OpenAI format when the request offers tools', async () => {
    const provider = createOpenAICompatible({ name: 'fake', baseURL: llm.url, apiKey: 'sk-test-key' });
    answers.set('tool please', { intent: 'help' });
    const r = await generateText({
      model: provider.chatModel('gpt-4o-mini'),
      prompt: 'tool please',
      tools: {
        command: tool({ description: 'The command', inputSchema: z.object({ intent: z.string() }).passthrough() }),
      },
      toolChoice: { type: 'tool', toolName: 'command' },
      maxRetries: 0,
    });
    expect(r.toolCalls[0]).toMatchObject({ toolName: 'command', input: expect.objectContaining({ intent: 'help' }) });
  });
});

describe('through the app', () => {
  it('a hybrid workspace turns a free-form WhatsApp-style message into the activity', async () => {
    const { app, deps } = await createTestApp({
      LOG_LEVEL: 'silent',
      COMMANDS_MODE: 'hybrid',
      LLM_BASE_URL: llm.url,
      LLM_API_KEY: 'sk-test-key',
      LLM_MODEL: 'gpt-4o-mini',
    });
    const owner = await newWorkspace(app, 'Hybrid Co');
    const sunil = await addMember(app, owner, 'agent', 'Sunil Shah');
    const created = await app.inject({
      method: 'POST',
      url: '/app',
      headers: sunil.auth,
      payload: { text: 'add lead Orbit Textiles' },
    });
    expect(created.json().reply).toMatch(/^✅ Lead created by Sunil and assigned to you: Orbit Textiles/);
    const res = await app.inject({ method: 'POST', url: '/app', headers: sunil.auth, payload: { text: FREE } });
    expect(res.json().reply).toBe('📝 Added to Orbit Textiles: they rang, they want a fresh quote');
    const [lead] = await deps.db
      .select()
      .from(leads)
      .where(and(eq(leads.workspaceId, owner.workspaceId), eq(leads.company, 'Orbit Textiles')));
    expect((await deps.db.select().from(notes).where(eq(notes.leadId, lead.id))).map((n) => n.body)).toEqual([
      'they rang, they want a fresh quote',
    ]);
  });
});
