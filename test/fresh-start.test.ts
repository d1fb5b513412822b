// A brand-new embedded database: pg-boss installs its schema and queues at start, and the very
// first message must go through (it once hung: the queue cache was empty inside the ingest
// transaction on PGlite's single connection).
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { systemActor } from '../src/crm/actor.ts';
import { openPglite } from '../src/db/client.ts';
import { createDeps } from '../src/deps.ts';
import { simulateInbound } from '../src/inbound/simulator.ts';
import { allJobs } from '../src/jobs/index.ts';
import { prepareDatabase } from '../src/setup.ts';

// PGlite only: on PostgreSQL the suite's own server database is migrated once by its setup.
describe.skipIf(process.env.PARLEY_TEST_DB === 'postgres')('first start on a new PGlite database', () => {
  it('accepts the first message without hanging', { timeout: 120_000 }, async () => {
    const database = await openPglite({});
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PARLEY_DEMO: 'false',
      PARLEY_SECRET_KEY: 'fresh-start-secret-key',
    });
    const deps = await createDeps(config, { database, log: pino({ level: 'silent' }) });
    const { workspaceId } = await prepareDatabase(deps.db, config);
    await deps.queue.install(allJobs);
    const first = simulateInbound(deps, systemActor(workspaceId), { from: '+91 98765 43210', text: 'hello' });
    const result = await Promise.race([
      first,
      new Promise((_, reject) => setTimeout(() => reject(new Error('first message hung')), 15_000)),
    ]);
    expect(result).toMatchObject({ phone: '+919876543210' });
    expect(await deps.queue.drain(allJobs, deps)).toBeGreaterThanOrEqual(1);
    await deps.close();
  });
});
