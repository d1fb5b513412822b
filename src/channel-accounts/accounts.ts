// Connected channel accounts (a WhatsApp number, a Facebook page, a Maytapi phone, a Twilio
// sender, the built-in simulator and in-app channels): the rows, and their management through the
// API by owners and admins. What an account may hold is the adapter's to say (its settings and
// secrets schemas); secrets are sealed before they are stored.
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { ChannelRegistry } from '../channels/registry.ts';
import { isAdmin, type Actor } from '../crm/actor.ts';
import type { DbOrTx } from '../db/client.ts';
import { channels } from '../db/schema/index.ts';
import { badRequest, conflict, forbidden, notFound } from '../lib/errors.ts';
import type { SecretBox } from '../lib/secrets.ts';
import { forgetChannels } from './cache.ts';

export type ChannelRow = typeof channels.$inferSelect;
export type PublicChannel = Omit<ChannelRow, 'secrets'> & { has_secrets: boolean };

/** A built-in channel (simulator, in-app) exists for every workspace, created on first use. */
export async function builtinChannel(
  db: DbOrTx,
  workspaceId: string,
  adapter: { kind: string; label: string },
): Promise<ChannelRow> {
  const { kind, label: name } = adapter;
  const accountId = `${kind}:${workspaceId}`;
  const [row] = await db
    .insert(channels)
    .values({ workspaceId, kind, name, accountId })
    .onConflictDoUpdate({ target: [channels.kind, channels.accountId], set: { active: true } })
    .returning();
  return row;
}

export async function activeChannels(db: DbOrTx, kind: string): Promise<ChannelRow[]> {
  return db
    .select()
    .from(channels)
    .where(and(eq(channels.kind, kind), eq(channels.active, true)));
}

export async function getChannel(db: DbOrTx, id: string): Promise<ChannelRow> {
  const [row] = await db.select().from(channels).where(eq(channels.id, id));
  if (!row) throw notFound('Channel');
  return row;
}

export const publicChannel = ({ secrets, ...rest }: ChannelRow): PublicChannel => ({
  ...rest,
  has_secrets: !!secrets || rest.fromEnv,
});

export type ChannelInput = {
  kind: string;
  name: string;
  accountId: string;
  settings?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
};

type AccountDeps = { channels: ChannelRegistry; secrets: SecretBox };

/** The adapter of a kind a workspace may connect, or a 400 naming the kinds there are. */
function connectable(registry: ChannelRegistry, kind: string) {
  const adapter = registry.find(kind);
  if (!adapter?.account || adapter.builtin)
    throw badRequest('Unknown channel kind', { kind: `must be one of ${registry.connectable.join(', ')}` });
  return adapter;
}

/** Settings or secrets as the adapter accepts them, or a 400 naming the field. */
function validated(
  schema: z.ZodType<Record<string, unknown>> | undefined,
  field: 'settings' | 'secrets',
  value: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!schema || value === undefined) return value;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw badRequest(`Invalid channel ${field}`, { [[field, ...issue.path.map(String)].join('.')]: issue.message });
}

export async function createChannel(
  db: DbOrTx,
  deps: AccountDeps,
  actor: Actor,
  input: ChannelInput,
): Promise<ChannelRow> {
  if (!isAdmin(actor)) throw forbidden('Only owners and admins manage channels');
  const adapter = connectable(deps.channels, input.kind);
  const settings = validated(adapter.account!.settings, 'settings', input.settings);
  const secrets = validated(adapter.account!.secrets, 'secrets', input.secrets);
  const accountId = adapter.account!.key?.(input.accountId) ?? input.accountId;
  const [row] = await db
    .insert(channels)
    .values({
      workspaceId: actor.workspaceId,
      kind: input.kind,
      name: input.name,
      accountId,
      settings: settings ?? {},
      secrets: secrets ? deps.secrets.seal(secrets) : null,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw conflict('This account is already connected', { account_id: 'already connected to a workspace' });
  forgetChannels();
  return row;
}

export async function listChannels(db: DbOrTx, actor: Actor): Promise<ChannelRow[]> {
  return db.select().from(channels).where(eq(channels.workspaceId, actor.workspaceId)).orderBy(channels.createdAt);
}

export async function updateChannel(
  db: DbOrTx,
  deps: AccountDeps,
  actor: Actor,
  id: string,
  patch: { name?: string; active?: boolean; settings?: Record<string, unknown>; secrets?: Record<string, unknown> },
): Promise<ChannelRow> {
  if (!isAdmin(actor)) throw forbidden('Only owners and admins manage channels');
  const [current] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.workspaceId, actor.workspaceId), eq(channels.id, id)));
  if (!current) throw notFound('Channel');
  const account = deps.channels.find(current.kind)?.account;
  const values: Partial<ChannelRow> = { updatedAt: new Date() }; // never empty: PATCH {} is a no-op, not an error
  if (patch.name !== undefined) values.name = patch.name;
  if (patch.active !== undefined) values.active = patch.active;
  if (patch.settings !== undefined) values.settings = validated(account?.settings, 'settings', patch.settings);
  if (patch.secrets !== undefined)
    values.secrets = deps.secrets.seal(validated(account?.secrets, 'secrets', patch.secrets));
  const [row] = await db
    .update(channels)
    .set(values)
    .where(and(eq(channels.workspaceId, actor.workspaceId), eq(channels.id, id)))
    .returning();
  if (!row) throw notFound('Channel');
  forgetChannels();
  return row;
}
