import { z } from 'zod';
import type { App } from '../app-types.ts';
import type { Deps } from '../../deps.ts';

const Health = z.object({ status: z.enum(['ok', 'error']), db: z.enum(['ok', 'down']), version: z.string() });

export function healthRoutes(app: App, deps: Deps) {
  app.get(
    '/health',
    { schema: { tags: ['system'], summary: 'Liveness and database check', response: { 200: Health, 503: Health } } },
    async (_req, reply) => {
      try {
        await Promise.race([
          deps.database.ping(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
        ]);
        return { status: 'ok' as const, db: 'ok' as const, version: deps.version };
      } catch {
        return reply.status(503).send({ status: 'error', db: 'down', version: deps.version });
      }
    },
  );
}
