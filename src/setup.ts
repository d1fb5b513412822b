// What happens to the database before the server answers: migrations, then on an empty database
// the default (or demo) workspace, then the admin account from the environment, once.
import { sql } from 'drizzle-orm';
import type { Config } from './config.ts';
import { createUser } from './auth/users.ts';
import { createWorkspace, findDefaultWorkspace } from './crm/workspaces.ts';
import type { Db } from './db/client.ts';
import { users } from './db/schema/index.ts';
import { migrate } from './db/migrate.ts';
import { DEMO_LOGIN, seedDemo } from './demo/seed.ts';
import { defaultChannels, type ChannelRegistry } from './channels/registry.ts';
import { syncEnvChannels } from './channel-accounts/env.ts';

export type SetupResult = {
  migrations: string[];
  demoSeeded: boolean;
  demoPresent: boolean;
  adminCreated: boolean;
  workspaceId: string;
};

export async function prepareDatabase(
  db: Db,
  config: Config,
  channels: ChannelRegistry = defaultChannels,
): Promise<SetupResult> {
  const migrations = await migrate(db);
  let demoSeeded = false;
  let ws = await findDefaultWorkspace(db);
  if (!ws) {
    // Several processes starting together on an empty database: one creates the default
    // workspace (the others wait on the lock, then find it).
    ws = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(72737003)`);
      const found = await findDefaultWorkspace(tx);
      if (found) return found;
      if (!config.PARLEY_DEMO) return createWorkspace(tx, { name: config.PARLEY_WORKSPACE_NAME, isDefault: true });
      demoSeeded = true;
      return seedDemo(tx, { isDefault: true });
    });
  }
  await syncEnvChannels(db, { channels, config }, ws.id);
  let adminCreated = false;
  if (config.PARLEY_ADMIN_EMAIL && config.PARLEY_ADMIN_PASSWORD) {
    const [existing] = await db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${config.PARLEY_ADMIN_EMAIL.toLowerCase()}`);
    if (!existing) {
      await createUser(db, ws.id, {
        name: config.PARLEY_ADMIN_NAME,
        email: config.PARLEY_ADMIN_EMAIL,
        password: config.PARLEY_ADMIN_PASSWORD,
        role: 'owner',
      });
      adminCreated = true;
    }
  }
  const [demo] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = ${DEMO_LOGIN}`);
  return { migrations, demoSeeded, demoPresent: !!demo, adminCreated, workspaceId: ws.id };
}
