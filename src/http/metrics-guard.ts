// GET /metrics carries counters of every workspace: it answers only with METRICS_TOKEN as a bearer
// token, or, when no token is set, to a direct request from this machine (loopback, no forwarding
// headers: a local reverse proxy passing on public traffic does not count as local). A hook on the
// route's path, so it holds wherever the metrics route is registered.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../lib/errors.ts';

const loopback = (ip: string) => ip === '::1' || /^(::ffff:)?127\./.test(ip);
const forwarded = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

export function guardMetrics(app: FastifyInstance, config: { METRICS_TOKEN?: string; TRUST_PROXY?: string[] }) {
  const token = config.METRICS_TOKEN ? Buffer.from(config.METRICS_TOKEN) : null;
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.url !== '/metrics') return;
    if (token) {
      const sent = Buffer.from(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
      if (sent.length === token.length && timingSafeEqual(sent, token)) return;
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new AppError('unauthorized', 'GET /metrics needs METRICS_TOKEN as a bearer token');
    }
    // With TRUST_PROXY, req.ip is already the client behind the proxy; without, any forwarding header means a proxy.
    const viaProxy = !config.TRUST_PROXY && forwarded.some((h) => req.headers[h] !== undefined);
    if (!loopback(req.ip) || viaProxy)
      throw new AppError('forbidden', 'GET /metrics answers only on this machine unless METRICS_TOKEN is set');
  });
}
