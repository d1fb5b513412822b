// A real Parley server for browser tests: the test database (PGlite from the run's template, or
// PostgreSQL with TEST_DATABASE_URL), the demo workspace, the job workers, listening on 127.0.0.1.
import { afterAll } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.ts';
import type { App } from '../../src/http/app-types.ts';
import { allJobs } from '../../src/jobs/index.ts';
import { openTestDatabase } from '../helpers/db.ts';

export type TestServer = { url: string; app: App; deps: Deps; workspaceId: string };

export const demo = {
  owner: 'priya@demo.parley.local',
  manager: 'amit@demo.parley.local',
  agentRekha: 'rekha@demo.parley.local',
  agentSunil: 'sunil@demo.parley.local',
  password: DEMO_PASSWORD,
};

export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const database = await openTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    PARLEY_DEMO: 'false',
    CHANNEL_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
    PARLEY_SECRET_KEY: 'e2e-secret-key-0123456789',
    ...env,
  });
  const deps = await createDeps(config, { database });
  const ws = await seedDemo(deps.db, { isDefault: true });
  await deps.queue.work(allJobs, deps);
  const app = await buildApp(deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  afterAll(async () => {
    await app.close();
    await deps.close();
  });
  return { url: `http://127.0.0.1:${port}`, app, deps, workspaceId: ws.id };
}
