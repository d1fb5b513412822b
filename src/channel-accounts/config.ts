// An account's adapter config: its settings and its secrets — sealed in the database for accounts
// connected through the API, in the environment for the deployment's own — over the environment's
// defaults, as the adapter assembles them.
import type { ChannelRegistry } from '../channels/registry.ts';
import type { Config } from '../config.ts';
import type { SecretBox } from '../lib/secrets.ts';
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
