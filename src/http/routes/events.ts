// GET /api/events: server-sent events of the caller's workspace (new messages, delivery
// statuses, conversation and lead changes), filtered by role as the REST API is. The dashboard's
// live updates; any integration may listen too.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { createLiveFeed, type LiveEvent } from '../../live/events.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { ErrorSchema } from '../schemas.ts';

const HEARTBEAT_MS = 25_000;

export function eventRoutes(app: App, deps: Deps) {
  const feed = createLiveFeed(deps.db, { onError: (err) => deps.log.warn({ err }, 'live events: poll failed') });
  const open = new Set<ServerResponse>();
  // Open streams would keep the server from closing.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
    feed.close();
  });

  app.get(
    '/api/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Live changes as server-sent events (text/event-stream)',
        description:
          'Events `message` {id, conversation_id, direction, status}, `conversation` {id, lead_id, handed_off, opted_out} and `lead` {id, status, assignee_id}, for what the caller may see (agents: their own leads and conversations). Ids and states only: fetch the rows through the API. A comment line every 25 s keeps proxies from closing the stream.',
        response: { 200: z.string().describe('text/event-stream'), 401: ErrorSchema },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      open.add(res);
      let n = 0;
      const send = (e: LiveEvent) => {
        const { type, ...data } = e;
        res.write(`id: ${++n}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      res.write(`retry: 3000\nevent: ready\ndata: {}\n\n`);
      const unsubscribe = feed.subscribe(actor, send);
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      req.raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(res);
      });
    },
  );
}
