// Prometheus metrics at GET /metrics (text format, prom-client). One registry per app instance, so
// tests can build several apps in one process.
//
// Counted in this process, from an onResponse hook:
//   parley_http_requests_total{method,route,status}       route = the route pattern, never the URL
//   parley_http_request_duration_seconds{method,route,status}  histogram
//   parley_webhook_deliveries_total{provider,result}      result: accepted | unauthorized | rejected | failed
// Computed at scrape time from the database (so they include what worker processes stored, and
// survive restarts; one grouped scan of `messages` per scrape, shared by both):
//   parley_messages_total{direction,channel}               messages stored, by channel kind
//   parley_bot_replies_total{mode,fallback}                bot replies (messages with meta.bot); fallback "none" when none
// Erasure deletes messages, so these two can go down; Prometheus reads that as a counter reset.
// Plus the default Node.js metrics (process_*, nodejs_*).
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { rowsOf, type Db } from '../db/client.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { Deps } from '../deps.ts';
import type { App } from './app-types.ts';

export type Metrics = {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  webhookDeliveries: Counter<'provider' | 'result'>;
};

/** The provider whose webhook path a route is (POST /webhooks/whatsapp → whatsapp; Maytapi posts to /webhook). */
function webhookProviders(channels: ChannelRegistry): (method: string, route: string) => string | null {
  const byPath = new Map(channels.all.flatMap((a) => (a.webhook ? [[a.webhook.path, a.kind] as const] : [])));
  return (method, route) => (method === 'POST' ? (byPath.get(route) ?? null) : null);
}

const webhookResult = (status: number) =>
  status < 300 ? 'accepted' : status === 401 || status === 403 ? 'unauthorized' : status < 500 ? 'rejected' : 'failed';

type Row = { direction: string; channel: string; mode: string | null; fallback: string | null; n: number };

/** The counts by direction, channel, bot mode and fallback: one query, shared by a scrape's collectors. */
function databaseSnapshot(db: Db, log?: Logger) {
  let last: { at: number; rows: Promise<Row[]> } | null = null;
  return (): Promise<Row[]> => {
    if (last && Date.now() - last.at < 1000) return last.rows;
    const rows = db
      .execute(
        sql`select m.direction, ch.kind as channel, m.meta->'bot'->>'mode' as mode, nullif(m.meta->'bot'->>'fallback', '') as fallback, m.meta->'bot' is not null as bot, count(*)::int as n
            from messages m join channels ch on ch.id = m.channel_id
            group by 1, 2, 3, 4, 5`,
      )
      .then((r) => rowsOf<Row & { bot: boolean }>(r).map((x) => ({ ...x, mode: x.bot ? (x.mode ?? 'unknown') : null })))
      .catch((err: unknown) => {
        log?.warn({ err }, 'metrics: message counts unavailable');
        return [];
      });
    last = { at: Date.now(), rows };
    return rows;
  };
}

/** Registers the request hook, the database-backed collectors and GET /metrics on this app. */
export function registerMetrics(
  app: App,
  registry: Registry,
  opts: { db?: Db; log?: Logger; channels: ChannelRegistry },
): Metrics {
  collectDefaultMetrics({ register: registry });
  const webhookProvider = webhookProviders(opts.channels);
  const registers = [registry];
  const httpRequests = new Counter({
    name: 'parley_http_requests_total',
    help: 'HTTP requests answered, by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request duration, by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const webhookDeliveries = new Counter({
    name: 'parley_webhook_deliveries_total',
    help: 'Provider webhook deliveries, by provider and result',
    labelNames: ['provider', 'result'] as const,
    registers,
  });

  if (opts.db) {
    const snapshot = databaseSnapshot(opts.db, opts.log);
    new Counter({
      name: 'parley_messages_total',
      help: 'Messages stored, by direction and channel kind (from the database at scrape time)',
      labelNames: ['direction', 'channel'] as const,
      registers,
      async collect() {
        const rows = await snapshot();
        this.reset();
        for (const r of rows) this.inc({ direction: r.direction, channel: r.channel }, Number(r.n));
      },
    });
    new Counter({
      name: 'parley_bot_replies_total',
      help: 'Customer bot replies, by mode and fallback reason (from the database at scrape time)',
      labelNames: ['mode', 'fallback'] as const,
      registers,
      async collect() {
        const rows = await snapshot();
        this.reset();
        for (const r of rows) if (r.mode) this.inc({ mode: r.mode, fallback: r.fallback ?? 'none' }, Number(r.n));
      },
    });
  }

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? '(unmatched)';
    const labels = { method: req.method, route, status: String(reply.statusCode) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, reply.elapsedTime / 1000);
    const provider = webhookProvider(req.method, route);
    if (provider) webhookDeliveries.inc({ provider, result: webhookResult(reply.statusCode) });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
  return { registry, httpRequests, httpDuration, webhookDeliveries };
}

/** For buildApp: a registry of this app's own. */
export function metricsRoutes(app: App, deps: Deps): Metrics {
  return registerMetrics(app, new Registry(), { db: deps.db, log: deps.log, channels: deps.channels });
}
