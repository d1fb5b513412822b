// An account's adapter config: its settings and its secrets — sealed in the database for accounts
// connected through the API, in the environment for the deployment's own — over the environment's
// defaults, as the adapter assembles them.
import type { ChannelRegistry } from '../channels/registry.ts';
import type { Config } from '../config.ts';
import type { SecretBox } from '../lib/secrets.ts';
import { guardedFetch } from '../lib/url-guard-fetch.ts';
import { parseAllowList } from '../lib/url-guard.ts';
import type { ChannelRow } from './accounts.ts';
import { envChannels } from './env.ts';

export type AccountConfigDeps = { channels: ChannelRegistry; config: Config; secrets: SecretBox };

/** The adapter config of a channel (throws when its sealed secrets cannot be opened). */
export function channelConfig(deps: AccountConfigDeps, row: ChannelRow): Record<string, unknown> {
  const adapter = deps.channels.get(row.kind);
  if (!adapter.account) return {};
  const secrets = row.fromEnv
    ? (envChannels(deps.channels, deps.config).find((c) => c.kind === row.kind && c.accountId === row.accountId)
        ?.secrets ?? {})
    : row.secrets
      ? deps.secrets.open<Record<string, unknown>>(row.secrets)
      : {};
  return adapter.account.config({
    accountId: row.accountId,
    settings: row.settings as Record<string, unknown>,
    secrets,
    env: deps.config,
  });
}

/** The template a channel sends outside the reply window (setting `template`, "name:language"). */
export function windowTemplate(row: ChannelRow): { name: string; language: string } | null {
  const t = (row.settings as Record<string, unknown>).template;
  if (typeof t !== 'string' || !t) return null;
  const [name, language = 'en'] = t.split(':');
  return { name, language };
}

/**
 * The template for notices to team members outside their window: setting `teamTemplate`
 * ("name:language", WHATSAPP_TEAM_TEMPLATE for the environment's account), else the channel's
 * `template`. Its body has one variable: the notice text.
 */
export function teamTemplate(row: ChannelRow): { name: string; language: string } | null {
  const t = (row.settings as Record<string, unknown>).teamTemplate;
  if (typeof t !== 'string' || !t) return windowTemplate(row);
  const [name, language = 'en'] = t.split(':');
  return { name, language };
}

/** The values of a config's secret keys, longest first (to scrub them from provider texts). */
export function secretValues(deps: { channels: ChannelRegistry }, kind: string, config: Record<string, unknown>) {
  const keys = deps.channels.find(kind)?.account?.secretKeys ?? [];
  return keys
    .map((k) => config[k])
    .filter((v): v is string => typeof v === 'string' && v.length >= 4)
    .sort((a, b) => b.length - a.length);
}

/**
 * The fetch a channel's provider calls go through. A tenant may set its account's API base URL
 * (`settings.apiUrl`), so every call of a connected account passes the destination guard
 * (lib/url-guard.ts: resolved addresses, every hop, https in production) unless the operator allows
 * the host: CHANNEL_ALLOW_PRIVATE_HOSTS, or the host of a `*_API_URL` variable. The deployment's
 * own account (environment) is the operator's and is not guarded.
 */
export function channelFetch(deps: AccountConfigDeps & { fetch?: typeof fetch }, row: ChannelRow): typeof fetch {
  const base = deps.fetch ?? globalThis.fetch;
  if (row.fromEnv) return base;
  return guardedFetch(base, {
    allow: allowedProviderHosts(deps),
    httpsOnly: deps.config.NODE_ENV === 'production',
  });
}

function allowedProviderHosts(deps: AccountConfigDeps): string[] {
  const hosts = parseAllowList(deps.config.CHANNEL_ALLOW_PRIVATE_HOSTS);
  const values = deps.config as unknown as Record<string, unknown>;
  for (const adapter of deps.channels.all)
    for (const key of Object.keys(adapter.env ?? {}))
      if (key.endsWith('_API_URL') && typeof values[key] === 'string') {
        try {
          hosts.push(new URL(values[key]).host.toLowerCase());
        } catch {
          // not a URL: config validation reports it
        }
      }
  return hosts;
}
