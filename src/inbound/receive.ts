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
import { ingestQueued, type IngestDeps } from './ingest.ts';

export type ReceiveDeps = IngestDeps & { channels: ChannelRegistry; config: Config; secrets: SecretBox; log: Logger };

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
    events = adapter.parse(req.body);
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
    const result = await ingestQueued(deps, { events, channelFor: (accountId) => byAccount.get(key(accountId)) });
    const summary = {
      received: events.length,
      stored: result.stored.length,
      duplicates: result.duplicates,
      statuses: result.statuses,
      ignored: result.ignored,
    };
    return adapter.webhook?.ack?.(summary) ?? { status: 200, body: summary };
  } catch (err) {
    if (err instanceof AppError) throw err;
    deps.log.error({ err }, 'webhook could not be stored');
    throw new AppError('unavailable', 'Could not store the delivery; retry later');
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
