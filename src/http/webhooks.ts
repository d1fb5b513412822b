// Provider webhooks: verify on the raw bytes, parse, ingest (committed together with the
// deliveries arriving meanwhile), answer. A body we cannot read is 400 and a bad signature 401,
// with nothing stored; when the database cannot take the delivery the answer is 503 so the
// provider retries. An unknown account is acknowledged.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PayloadError, type InboundEvent, type WebhookRequest } from '../channels/channel.ts';
import { adapterFor } from '../channels/registry.ts';
import { decodeTwilioForm } from '../channels/twilio/payload.ts';
import type { Deps } from '../deps.ts';
import {
  cachedChannelsByAccount,
  channelConfig,
  envChannels,
  twilioAccountId,
  type ChannelRow,
} from '../inbound/channel-accounts.ts';
import { ingestQueued, type Delivery } from '../inbound/ingest.ts';
import { AppError } from '../lib/errors.ts';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { cleanProviderPayload, jsonTooDeep, MAX_JSON_DEPTH } from './input-rules.ts';
import { channels } from '../db/schema/index.ts';
import { and, eq } from 'drizzle-orm';
import type { App } from './app-types.ts';

type Kind = 'whatsapp' | 'messenger' | 'maytapi' | 'twilio';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
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
    done(null, decodeTwilioForm(body));
  });
}

const accountKey = (kind: Kind, accountId: string) => (kind === 'twilio' ? twilioAccountId(accountId) : accountId);

function webhookRequest(req: FastifyRequest, publicUrl?: string): WebhookRequest {
  const base = publicUrl ?? `${req.protocol}://${req.headers.host}`;
  return {
    method: req.method,
    url: new URL(req.url, base).toString(),
    headers: req.headers,
    query: req.query as Record<string, string>,
    rawBody: req.rawBody ?? Buffer.alloc(0),
  };
}

/** A stand-in row for the environment's channel, to verify deliveries for accounts we do not know. */
function envRow(deps: Deps, kind: Kind): ChannelRow | undefined {
  const c = envChannels(deps.config).find((e) => e.kind === kind);
  if (!c) return undefined;
  return {
    id: '',
    workspaceId: '',
    kind,
    name: c.name,
    accountId: c.accountId,
    settings: c.settings,
    secrets: null,
    fromEnv: true,
    active: true,
    createdAt: new Date(),
    updatedAt: new Date(),
  };
}

/**
 * What a provider sent is made storable before anything else looks at it: NUL and broken Unicode
 * cleaned (input-rules.ts), and a time that is not one (WhatsApp once sent a 20-digit timestamp) or
 * more than a day ahead becomes the time we received it.
 */
function storableEvents(events: InboundEvent[], now: Date): InboundEvent[] {
  const ok = (d: Date | undefined) => !d || (!Number.isNaN(d.getTime()) && d.getTime() < now.getTime() + 86_400_000);
  for (const ev of events) {
    if ('timestamp' in ev && !ok(ev.timestamp)) ev.timestamp = now;
    if (ev.kind === 'status' && !ok(ev.watermark)) ev.watermark = now;
  }
  return events;
}

/**
 * Stores the delivery; when that fails for a reason other than the database being away, each event
 * on its own, so one message that cannot be stored never holds back the rest nor makes the provider
 * re-send the whole delivery for days. An event that still fails is logged (ids and error code, no
 * content) and acknowledged.
 */
export async function ingestDelivery(deps: Deps, req: FastifyRequest, delivery: Delivery) {
  try {
    return { ...(await ingestQueued(deps, delivery)), rejected: 0 };
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw err;
    const total = { stored: [] as string[], duplicates: 0, statuses: 0, ignored: 0, rejected: 0 };
    for (const ev of delivery.events) {
      try {
        const r = await ingestQueued(deps, { ...delivery, events: [ev] });
        total.stored.push(...r.stored);
        total.duplicates += r.duplicates;
        total.statuses += r.statuses;
        total.ignored += r.ignored;
      } catch (e) {
        if (isDatabaseUnavailable(e)) throw e;
        total.rejected++;
        const id = 'providerMessageId' in ev ? ev.providerMessageId : undefined;
        req.log.error({ err: e, event: ev.kind, providerMessageId: id }, 'webhook event could not be stored');
      }
    }
    return total;
  }
}

async function receive(deps: Deps, kind: Kind, req: FastifyRequest, reply: FastifyReply) {
  const adapter = adapterFor(kind);
  let events: InboundEvent[];
  try {
    events = storableEvents(adapter.parse(cleanProviderPayload(req.body)), deps.now());
  } catch (err) {
    if (err instanceof PayloadError) throw new AppError('bad_request', err.message);
    throw err;
  }
  const wreq = webhookRequest(req, kind === 'twilio' ? deps.config.TWILIO_WEBHOOK_URL : undefined);
  try {
    const ids = [...new Set(events.map((e) => accountKey(kind, e.accountId)))];
    // A delivery with nothing for us (echoes, the page's own comments, edits) names no account:
    // any of this provider's channels may have signed it, and a signed one is answered 200.
    const known = ids.length ? await cachedChannelsByAccount(deps.db, kind, ids) : await activeChannels(deps, kind);
    const candidates = known.length ? known : [envRow(deps, kind)].filter((r): r is ChannelRow => !!r);
    const verified = candidates.filter((ch) => verifies(deps, adapter, wreq, ch));
    if (!verified.length)
      return reply
        .status(401)
        .send({ error: { code: 'unauthorized', message: 'Signature or token missing or wrong' } });
    const byAccount = new Map(verified.filter((c) => c.id).map((c) => [c.accountId, c]));
    const result = await ingestDelivery(deps, req, {
      events,
      channelFor: (accountId) => byAccount.get(accountKey(kind, accountId)),
    });
    if (kind === 'twilio')
      return reply.status(200).type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    return reply.status(200).send({
      received: events.length,
      stored: result.stored.length,
      duplicates: result.duplicates,
      statuses: result.statuses,
      ignored: result.ignored,
      rejected: result.rejected,
    });
  } catch (err) {
    if (err instanceof AppError || isDatabaseUnavailable(err)) throw err; // the error handler answers 503
    req.log.error({ err }, 'webhook could not be stored');
    throw new AppError('unavailable', 'Could not store the delivery; retry later');
  }
}

async function activeChannels(deps: Deps, kind: Kind): Promise<ChannelRow[]> {
  return deps.db
    .select()
    .from(channels)
    .where(and(eq(channels.kind, kind), eq(channels.active, true)));
}

function verifies(deps: Deps, adapter: ReturnType<typeof adapterFor>, wreq: WebhookRequest, row: ChannelRow): boolean {
  try {
    return adapter.verify(wreq, channelConfig(row, deps.config, deps.secrets));
  } catch {
    return false; // a channel whose secrets cannot be opened verifies nothing
  }
}

async function handshake(deps: Deps, kind: 'whatsapp' | 'messenger', req: FastifyRequest, reply: FastifyReply) {
  const adapter = adapterFor(kind);
  const rows = await activeChannels(deps, kind);
  const candidates = [...rows, envRow(deps, kind)].filter((r): r is ChannelRow => !!r);
  for (const row of candidates) {
    let cfg: Record<string, unknown>;
    try {
      cfg = channelConfig(row, deps.config, deps.secrets);
    } catch {
      continue;
    }
    const challenge = adapter.handshake?.(req.query as Record<string, string>, cfg);
    if (challenge !== null && challenge !== undefined) return reply.type('text/plain').send(challenge);
  }
  return reply.status(403).type('text/plain').send('Forbidden');
}

export function webhookRoutes(app: App, deps: Deps) {
  const hide = { hide: true };
  app.get('/webhooks/whatsapp', { schema: hide }, (req, reply) => handshake(deps, 'whatsapp', req, reply));
  app.post('/webhooks/whatsapp', { schema: hide }, (req, reply) => receive(deps, 'whatsapp', req, reply));
  app.get('/webhooks/messenger', { schema: hide }, (req, reply) => handshake(deps, 'messenger', req, reply));
  app.post('/webhooks/messenger', { schema: hide }, (req, reply) => receive(deps, 'messenger', req, reply));
  app.post('/webhook', { schema: hide }, (req, reply) => receive(deps, 'maytapi', req, reply));
  app.post('/webhooks/twilio', { schema: hide }, (req, reply) => receive(deps, 'twilio', req, reply));
}
