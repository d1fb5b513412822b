// The accounts the environment configures (WHATSAPP_*, MESSENGER_*, …) belong to the default
// workspace. Their secrets stay in the environment: the rows carry settings only.
import type { EnvAccount } from '../channels/channel.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { Config } from '../config.ts';
import type { DbOrTx } from '../db/client.ts';
import { channels } from '../db/schema/index.ts';
import { forgetChannels } from './cache.ts';

export type EnvChannel = EnvAccount & { kind: string };

/** The channels the environment configures, one per adapter at most. */
export function envChannels(registry: ChannelRegistry, config: Config): EnvChannel[] {
  return registry.all.flatMap((a) => {
    const account = a.account?.fromEnv(config);
    return account ? [{ kind: a.kind, ...account }] : [];
  });
}

/** Makes sure the environment's channels exist as rows of the default workspace. */
export async function syncEnvChannels(
  db: DbOrTx,
  deps: { channels: ChannelRegistry; config: Config },
  workspaceId: string,
): Promise<void> {
  for (const c of envChannels(deps.channels, deps.config)) {
    await db
      .insert(channels)
      .values({ workspaceId, kind: c.kind, name: c.name, accountId: c.accountId, settings: c.settings, fromEnv: true })
      .onConflictDoUpdate({
        target: [channels.kind, channels.accountId],
        set: { settings: c.settings, fromEnv: true, active: true },
      });
  }
  forgetChannels();
}
