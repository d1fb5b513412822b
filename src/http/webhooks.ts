// Provider webhooks: one route per adapter that declares a webhook path (and a GET route for those
// with a handshake). Bodies keep their raw bytes, which signatures are computed over; receiving
// (lookup, verify, ingest) is inbound/receive's.
import type { FastifyRequest } from 'fastify';
import type { WebhookRequest } from '../channels/channel.ts';
import type { Deps } from '../deps.ts';
import { answerHandshake, receiveWebhook } from '../inbound/receive.ts';
import { AppError } from '../lib/errors.ts';
import { cleanProviderPayload, jsonTooDeep, MAX_JSON_DEPTH } from './input-rules.ts';
import type { App } from './app-types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/** A form body as name → first value (Twilio's webhooks). */
function decodeForm(raw: Buffer): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) if (!(key in form)) form[key] = value;
  return form;
}

/** JSON and form bodies keep their raw bytes: signatures are computed over them. */
export function registerRawBodyParsers(app: App) {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    req.rawBody = body;
    if (!body.length) return done(null, undefined);
    if (jsonTooDeep(body))
      return done(new AppError('bad_request', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch {
      done(new AppError('bad_request', 'Body is not valid JSON'), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    req.rawBody = body;
    done(null, decodeForm(body));
  });
}

/**
 * What verify() sees: the URL as the provider called it (PUBLIC_URL, else the Host header), the raw
 * bytes the signature covers, and the body made storable (NUL and broken Unicode cleaned,
 * input-rules.ts) before any adapter reads it.
 */
function webhookRequest(req: FastifyRequest, publicUrl?: string): WebhookRequest & { body: unknown } {
  const base = publicUrl ?? `${req.protocol}://${req.headers.host}`;
  return {
    method: req.method,
    url: new URL(req.url, base).toString(),
    headers: req.headers,
    query: req.query as Record<string, string>,
    rawBody: req.rawBody ?? Buffer.alloc(0),
    body: cleanProviderPayload(req.body),
  };
}

export function webhookRoutes(app: App, deps: Deps) {
  const hide = { hide: true };
  for (const adapter of deps.channels.all) {
    if (!adapter.webhook) continue;
    const { kind } = adapter;
    if (adapter.handshake)
      app.get(adapter.webhook.path, { schema: hide }, async (req, reply) => {
        const challenge = await answerHandshake(deps, kind, req.query as Record<string, string>);
        return challenge === null
          ? reply.status(403).type('text/plain').send('Forbidden')
          : reply.type('text/plain').send(challenge);
      });
    app.post(adapter.webhook.path, { schema: hide }, async (req, reply) => {
      const ack = await receiveWebhook(deps, kind, webhookRequest(req));
      if (ack.contentType) reply.type(ack.contentType);
      return reply.status(ack.status).send(ack.body);
    });
  }
}
