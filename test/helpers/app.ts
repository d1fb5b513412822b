// A Parley app on the test database, and helpers to make workspaces and members through the API.
import { afterAll } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { ChannelRegistry } from '../../src/channels/registry.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import type { App } from '../../src/http/app-types.ts';
import { openTestDatabase } from './db.ts';
import { allJobs } from '../../src/jobs/index.ts';
import { eq } from 'drizzle-orm';
import { messages } from '../../src/db/schema/index.ts';
import { queueReplies } from '../../src/outbound/queue.ts';

export type TestContext = { app: App; deps: Deps };

/** One app per test file; closed after the file's tests. */
export async function createTestApp(
  env: Record<string, string> = {},
  opts: { now?: () => Date; channels?: ChannelRegistry } = {},
): Promise<TestContext> {
  const database = await openTestDatabase();
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PARLEY_DEMO: 'false',
    PARLEY_SECRET_KEY: 'test-secret-key-0123456789',
    PARLEY_SIGNUP: 'open', // tests register many workspaces
    CHANNEL_ALLOW_PRIVATE_HOSTS: '127.0.0.1', // the fake providers
    ...env,
  });
  const deps = await createDeps(config, { database, now: opts.now, channels: opts.channels });
  await deps.queue.install(allJobs);
  const app = await buildApp(deps);
  afterAll(async () => {
    await app.close();
    await deps.close();
  });
  return { app, deps };
}

/** Runs every due job (routing, sending) until none is left, like the workers would. */
export const drainJobs = (deps: Deps) => deps.queue.drain(allJobs, deps);

let counter = 0;
export const unique = (prefix = 'u') =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export type Session = {
  token: string;
  userId: string;
  workspaceId: string;
  email: string;
  auth: { authorization: string };
};

/** Registers a new workspace through the API and logs its owner in. */
export async function newWorkspace(app: App, name = 'Acme'): Promise<Session> {
  const email = `${unique('owner')}@example.com`;
  const reg = await app.inject({
    method: 'POST',
    url: '/api/register',
    payload: { name: `${name} Owner`, email, password: 'correct horse battery', workspace_name: name },
  });
  if (reg.statusCode !== 201) throw new Error(`register failed: ${reg.body}`);
  return loginAs(app, email, 'correct horse battery');
}

export async function loginAs(app: App, email: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  const body = res.json();
  return {
    token: body.token,
    userId: body.user.id,
    workspaceId: body.user.workspace_id,
    email,
    auth: { authorization: `Bearer ${body.token}` },
  };
}

/** Adds a member with the given role (as the owner) and logs them in. */
export async function addMember(
  app: App,
  owner: Session,
  role: 'admin' | 'manager' | 'agent',
  name = 'Member',
  phone?: string,
): Promise<Session> {
  const email = `${unique(role)}@example.com`;
  const res = await app.inject({
    method: 'POST',
    url: '/api/users',
    headers: owner.auth,
    payload: { name, email, password: 'member password', role, ...(phone ? { phone } : {}) },
  });
  if (res.statusCode !== 201) throw new Error(`add member failed: ${res.body}`);
  return loginAs(app, email, 'member password');
}

/**
 * Connects a new WhatsApp number to the owner's workspace through `POST /api/channels` (secrets
 * encrypted at rest, as in production) and returns its phone number id and channel id.
 */
export async function connectWhatsApp(
  app: App,
  owner: Session,
  opts: { appSecret: string; apiUrl?: string; accessToken?: string; settings?: Record<string, unknown> },
): Promise<{ phoneNumberId: string; channelId: string }> {
  const phoneNumberId = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const settings = { ...(opts.apiUrl ? { apiUrl: opts.apiUrl } : {}), ...opts.settings };
  const secrets = {
    accessToken: opts.accessToken ?? 'EAAG-test-token',
    appSecret: opts.appSecret,
    verifyToken: `verify-${phoneNumberId}`,
  };
  const res = await app.inject({
    method: 'POST',
    url: '/api/channels',
    headers: owner.auth,
    payload: { kind: 'whatsapp', name: 'WhatsApp', account_id: phoneNumberId, settings, secrets },
  });
  if (res.statusCode !== 201) throw new Error(`connecting WhatsApp failed: ${res.statusCode} ${res.body}`);
  return { phoneNumberId, channelId: res.json().id as string };
}

/** An outbound message's row, as the outbox left it. */
export const messageRow = async (deps: Deps, id: string) =>
  (await deps.db.select().from(messages).where(eq(messages.id, id)))[0];

/** Queues a text on a conversation (purpose `notification` unless given), runs the jobs and returns the row. */
export async function queueNotification(
  deps: Deps,
  conv: { id: string; workspaceId: string; channelId: string; channel: string },
  text: string,
  purpose = 'notification',
) {
  const [id] = await deps.db.transaction((tx) =>
    queueReplies(tx, deps, { workspaceId: conv.workspaceId, key: unique('k'), conversation: conv }, [
      { to: 'contact', purpose, text },
    ]),
  );
  await drainJobs(deps);
  return messageRow(deps, id!);
}

/** Drains the queue until the message leaves `queued` (pg-boss retries with backoff), or the timeout. */
export async function untilSettled(deps: Deps, id: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let row = await messageRow(deps, id);
  while (row.status === 'queued' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    await drainJobs(deps);
    row = await messageRow(deps, id);
  }
  return row;
}
