// Receiving a provider webhook: parse the body, find the accounts it names, verify the signature
// with their secrets, ingest (committed together with the deliveries arriving meanwhile), and say
// what to answer. A body that is not the provider's format is 400 and a bad signature 401, with
// nothing stored; when the database cannot take the delivery the answer is 503 so the provider
// retries. An account we do not know is acknowledged (and ignored) once its signature checks out
// against the environment's account.
import type { AnyChannelAdapter, InboundEvent, WebhookAck, WebhookRequest } from '../channels/channel.ts';
import { PayloadError } from '../channels/channel.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import { activeChannels, type ChannelRow } from '../channel-accounts/accounts.ts';
import { cachedChannelsByAccount } from '../channel-accounts/cache.ts';
import { channelConfig } from '../channel-accounts/config.ts';
import { envChannels } from '../channel-accounts/env.ts';
import type { Config } from '../config.ts';
import type { Logger } from 'pino';
import { AppError } from '../lib/errors.ts';
import type { SecretBox } from '../lib/secrets.ts';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { ingestQueued, type Delivery, type IngestDeps } from './ingest.ts';

export type ReceiveDeps = IngestDeps & {
  channels: ChannelRegistry;
  config: Config;
  secrets: SecretBox;
  log: Logger;
  now: () => Date;
};

/** A stand-in row for the environment's account, to verify deliveries for accounts we do not know. */
function envRow(deps: ReceiveDeps, kind: string): ChannelRow | undefined {
  const c = envChannels(deps.channels, deps.config).find((e) => e.kind === kind);
  if (!c) return undefined;
  const at = new Date();
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
    createdAt: at,
    updatedAt: at,
  };
}

function configOf(deps: ReceiveDeps, row: ChannelRow): Record<string, unknown> | null {
  try {
    return channelConfig(deps, row);
  } catch {
    return null; // a channel whose secrets cannot be opened verifies nothing
  }
}

function verifies(deps: ReceiveDeps, adapter: AnyChannelAdapter, req: WebhookRequest, row: ChannelRow): boolean {
  const config = configOf(deps, row);
  try {
    return config !== null && adapter.verify(req, config);
  } catch {
    return false;
  }
}

/** The webhook of `kind` for this request: what to answer (the events are stored when it is 200). */
export async function receiveWebhook(
  deps: ReceiveDeps,
  kind: string,
  req: WebhookRequest & { body: unknown },
): Promise<WebhookAck> {
  const adapter = deps.channels.get(kind);
  let events: InboundEvent[];
  try {
    events = storableEvents(adapter.parse(req.body), deps.now());
  } catch (err) {
    if (err instanceof PayloadError) throw new AppError('bad_request', err.message);
    throw err;
  }
  const key = (accountId: string) => adapter.account?.key?.(accountId) ?? accountId;
  try {
    const ids = [...new Set(events.map((e) => key(e.accountId)))];
    // A delivery with nothing for us (echoes, the page's own comments, edits) names no account:
    // any of this provider's channels may have signed it, and a signed one is answered 200.
    const known = ids.length ? await cachedChannelsByAccount(deps.db, kind, ids) : await activeChannels(deps.db, kind);
    const candidates = known.length ? known : [envRow(deps, kind)].filter((r): r is ChannelRow => !!r);
    const verified = candidates.filter((ch) => verifies(deps, adapter, req, ch));
    if (!verified.length)
      return { status: 401, body: { error: { code: 'unauthorized', message: 'Signature or token missing or wrong' } } };
    const byAccount = new Map(verified.filter((c) => c.id).map((c) => [c.accountId, c]));
    const result = await ingestDelivery(deps, { events, channelFor: (accountId) => byAccount.get(key(accountId)) });
    const summary = {
      received: events.length,
      stored: result.stored.length,
      duplicates: result.duplicates,
      statuses: result.statuses,
      ignored: result.ignored,
      rejected: result.rejected,
    };
    return adapter.webhook?.ack?.(summary) ?? { status: 200, body: summary };
  } catch (err) {
    if (err instanceof AppError || isDatabaseUnavailable(err)) throw err; // the error handler answers 503
    deps.log.error({ err }, 'webhook could not be stored');
    throw new AppError('unavailable', 'Could not store the delivery; retry later');
  }
}

/**
 * A time that is not one (WhatsApp once sent a 20-digit timestamp) or more than a day ahead
 * becomes the time we received it, so the event can be stored.
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
export async function ingestDelivery(deps: ReceiveDeps, delivery: Delivery) {
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
        deps.log.error({ err: e, event: ev.kind, providerMessageId: id }, 'webhook event could not be stored');
      }
    }
    return total;
  }
}

/** Meta's GET handshake: the first account of this kind whose verify token matches answers it. */
export async function answerHandshake(
  deps: ReceiveDeps,
  kind: string,
  query: Record<string, string | undefined>,
): Promise<string | null> {
  const adapter = deps.channels.get(kind);
  const rows = await activeChannels(deps.db, kind);
  for (const row of [...rows, envRow(deps, kind)].filter((r): r is ChannelRow => !!r)) {
    const config = configOf(deps, row);
    const challenge = config ? adapter.handshake?.(query, config) : null;
    if (challenge !== null && challenge !== undefined) return challenge;
  }
  return null;
}
