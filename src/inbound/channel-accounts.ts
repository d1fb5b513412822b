// Channel accounts: which workspace a webhook belongs to, and the adapter config (with secrets)
// to verify and send. Environment channels keep their secrets in the environment; channels added
// through the API keep them encrypted in the database.
import { and, eq, inArray } from 'drizzle-orm';
import type { Config } from '../config.ts';
import { isAdmin, type Actor } from '../crm/actor.ts';
import type { DbOrTx } from '../db/client.ts';
import { channels, workspaces, type ChannelRowKind } from '../db/schema/index.ts';
import { conflict, forbidden, notFound } from '../lib/errors.ts';
import { normalizePhone } from '../lib/phone.ts';
import type { SecretBox } from '../lib/secrets.ts';

export type ChannelRow = typeof channels.$inferSelect;
export type PublicChannel = Omit<ChannelRow, 'secrets'> & { has_secrets: boolean };

type EnvChannel = {
  kind: ChannelRowKind;
  name: string;
  accountId: string;
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
};

/** The channels the environment configures for the default workspace. */
export function envChannels(config: Config): EnvChannel[] {
  const out: EnvChannel[] = [];
  if (config.WHATSAPP_PHONE_NUMBER_ID) {
    out.push({
      kind: 'whatsapp',
      name: 'WhatsApp',
      accountId: config.WHATSAPP_PHONE_NUMBER_ID,
      settings: { apiUrl: config.WHATSAPP_API_URL, template: config.WHATSAPP_TEMPLATE },
      secrets: {
        accessToken: config.WHATSAPP_ACCESS_TOKEN ?? '',
        appSecret: config.WHATSAPP_APP_SECRET ?? '',
        verifyToken: config.WHATSAPP_VERIFY_TOKEN ?? '',
      },
    });
  }
  if (config.MESSENGER_PAGE_ID) {
    out.push({
      kind: 'messenger',
      name: 'Facebook page',
      accountId: config.MESSENGER_PAGE_ID,
      settings: { apiUrl: config.MESSENGER_API_URL },
      secrets: {
        pageAccessToken: config.MESSENGER_PAGE_ACCESS_TOKEN ?? '',
        appSecret: config.MESSENGER_APP_SECRET ?? '',
        verifyToken: config.MESSENGER_VERIFY_TOKEN ?? '',
      },
    });
  }
  if (config.MAYTAPI_PHONE_ID) {
    out.push({
      kind: 'maytapi',
      name: 'WhatsApp (Maytapi)',
      accountId: config.MAYTAPI_PHONE_ID,
      settings: { apiUrl: config.MAYTAPI_API_URL, productId: config.MAYTAPI_PRODUCT_ID ?? '' },
      secrets: { apiToken: config.MAYTAPI_API_TOKEN ?? '', webhookToken: config.MAYTAPI_WEBHOOK_TOKEN },
    });
  }
  if (config.TWILIO_WHATSAPP_FROM) {
    out.push({
      kind: 'twilio',
      name: 'WhatsApp (Twilio)',
      accountId: twilioAccountId(config.TWILIO_WHATSAPP_FROM),
      settings: {
        apiUrl: config.TWILIO_API_URL,
        accountSid: config.TWILIO_ACCOUNT_SID ?? '',
        whatsappFrom: config.TWILIO_WHATSAPP_FROM,
        webhookUrl: config.TWILIO_WEBHOOK_URL ?? '',
      },
      secrets: { authToken: config.TWILIO_AUTH_TOKEN ?? '' },
    });
  }
  return out;
}

/** Twilio names our number in `To` as "whatsapp:+1415…"; the account id is its E.164. */
export const twilioAccountId = (from: string) => normalizePhone(from) ?? from.replace(/^whatsapp:/, '');

/** Makes sure the environment's channels exist as rows of the default workspace. */
export async function syncEnvChannels(db: DbOrTx, config: Config, workspaceId: string): Promise<void> {
  for (const c of envChannels(config)) {
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

/** The simulator and in-app channels exist for every workspace, created on first use. */
export async function builtinChannel(db: DbOrTx, workspaceId: string, kind: 'simulator' | 'app'): Promise<ChannelRow> {
  const accountId = `${kind}:${workspaceId}`;
  const [row] = await db
    .insert(channels)
    .values({ workspaceId, kind, name: kind === 'app' ? 'In-app' : 'Simulator', accountId })
    .onConflictDoUpdate({ target: [channels.kind, channels.accountId], set: { active: true } })
    .returning();
  return row;
}

export async function findChannelsByAccount(
  db: DbOrTx,
  kind: ChannelRowKind,
  accountIds: string[],
): Promise<ChannelRow[]> {
  if (!accountIds.length) return [];
  return db
    .select()
    .from(channels)
    .where(and(eq(channels.kind, kind), inArray(channels.accountId, accountIds), eq(channels.active, true)));
}

// Webhooks look channels (and their workspace's phone region) up on every delivery: both are
// cached in memory for a few seconds, per database. Channel changes through the API in this
// process forget the cache at once; other processes see them within CACHE_MS.
const CACHE_MS = 5_000;
type Cached<T> = { value: T; at: number; gen: number };
type Caches = { channels: Map<string, Cached<ChannelRow | null>>; regions: Map<string, Cached<string>> };
const caches = new WeakMap<object, Caches>();
/** Bumped by forgetChannels: entries of an older generation are stale, and a lookup that started before it does not fill the cache. */
let generation = 0;

const cachesOf = (db: object): Caches => {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = { channels: new Map(), regions: new Map() }));
  return c;
};

/** Drops every cached channel row and workspace region (after a channel or workspace changes). */
export function forgetChannels(): void {
  generation++;
}

/** findChannelsByAccount through the cache (unknown accounts are cached too). */
export async function cachedChannelsByAccount(
  db: DbOrTx,
  kind: ChannelRowKind,
  accountIds: string[],
): Promise<ChannelRow[]> {
  const c = cachesOf(db);
  const now = Date.now();
  const out: ChannelRow[] = [];
  const missing: string[] = [];
  for (const id of accountIds) {
    const hit = c.channels.get(`${kind}\u0000${id}`);
    if (hit && hit.gen === generation && now - hit.at < CACHE_MS) {
      if (hit.value) out.push(hit.value);
    } else missing.push(id);
  }
  if (!missing.length) return out;
  const gen = generation;
  const rows = await findChannelsByAccount(db, kind, missing);
  if (gen === generation) {
    for (const id of missing)
      c.channels.set(`${kind}\u0000${id}`, { value: rows.find((r) => r.accountId === id) ?? null, at: now, gen });
  }
  return [...out, ...rows];
}

/** The phone region of each workspace (IN when unknown), through the cache. */
export async function workspaceRegions(db: DbOrTx, workspaceIds: string[]): Promise<Map<string, string>> {
  const c = cachesOf(db);
  const now = Date.now();
  const out = new Map<string, string>();
  const missing: string[] = [];
  for (const id of new Set(workspaceIds)) {
    const hit = c.regions.get(id);
    if (hit && hit.gen === generation && now - hit.at < CACHE_MS) out.set(id, hit.value);
    else missing.push(id);
  }
  if (!missing.length) return out;
  const gen = generation;
  const rows = await db
    .select({ id: workspaces.id, region: workspaces.phoneRegion })
    .from(workspaces)
    .where(inArray(workspaces.id, missing));
  for (const id of missing) {
    const region = rows.find((r) => r.id === id)?.region ?? 'IN';
    out.set(id, region);
    if (gen === generation) c.regions.set(id, { value: region, at: now, gen });
  }
  return out;
}

export async function getChannel(db: DbOrTx, id: string): Promise<ChannelRow> {
  const [row] = await db.select().from(channels).where(eq(channels.id, id));
  if (!row) throw notFound('Channel');
  return row;
}

/** The adapter config of a channel: settings plus secrets (from the environment or decrypted). */
export function channelConfig(row: ChannelRow, config: Config, box: SecretBox): Record<string, unknown> {
  const secrets = row.fromEnv
    ? (envChannels(config).find((c) => c.kind === row.kind && c.accountId === row.accountId)?.secrets ?? {})
    : row.secrets
      ? box.open<Record<string, unknown>>(row.secrets)
      : {};
  const s = row.settings as Record<string, unknown>;
  // A channel connected through the API may leave out what the deployment already knows: the
  // provider's base URL (*_API_URL), Twilio's public webhook URL and, for Twilio, its own number.
  switch (row.kind) {
    case 'whatsapp':
      return { phoneNumberId: row.accountId, apiUrl: s.apiUrl ?? config.WHATSAPP_API_URL, ...secrets };
    case 'messenger':
      return { pageId: row.accountId, apiUrl: s.apiUrl ?? config.MESSENGER_API_URL, ...secrets };
    case 'maytapi':
      return { phoneId: row.accountId, productId: s.productId, apiUrl: s.apiUrl ?? config.MAYTAPI_API_URL, ...secrets };
    case 'twilio':
      return {
        accountSid: s.accountSid,
        whatsappFrom: s.whatsappFrom ?? row.accountId,
        apiUrl: s.apiUrl ?? config.TWILIO_API_URL,
        webhookUrl: s.webhookUrl ?? config.TWILIO_WEBHOOK_URL,
        ...secrets,
      };
    default:
      return {};
  }
}

/** The workspace-configured template used outside the 24-hour window ("name:language"). */
export function windowTemplate(row: ChannelRow): { name: string; language: string } | null {
  const t = (row.settings as Record<string, unknown>).template;
  if (typeof t !== 'string' || !t) return null;
  const [name, language = 'en'] = t.split(':');
  return { name, language };
}

export const publicChannel = ({ secrets, ...rest }: ChannelRow): PublicChannel => ({
  ...rest,
  has_secrets: !!secrets || rest.fromEnv,
});

export type ChannelInput = {
  kind: Exclude<ChannelRowKind, 'app' | 'simulator'>;
  name: string;
  accountId: string;
  settings?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
};

export async function createChannel(
  db: DbOrTx,
  actor: Actor,
  input: ChannelInput,
  box: SecretBox,
): Promise<ChannelRow> {
  if (!isAdmin(actor)) throw forbidden('Only owners and admins manage channels');
  const accountId = input.kind === 'twilio' ? twilioAccountId(input.accountId) : input.accountId;
  const [row] = await db
    .insert(channels)
    .values({
      workspaceId: actor.workspaceId,
      kind: input.kind,
      name: input.name,
      accountId,
      settings: input.settings ?? {},
      secrets: input.secrets ? box.seal(input.secrets) : null,
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
  actor: Actor,
  id: string,
  patch: { name?: string; active?: boolean; settings?: Record<string, unknown>; secrets?: Record<string, unknown> },
  box: SecretBox,
): Promise<ChannelRow> {
  if (!isAdmin(actor)) throw forbidden('Only owners and admins manage channels');
  const values: Partial<ChannelRow> = { updatedAt: new Date() }; // never empty: PATCH {} is a no-op, not an error
  if (patch.name !== undefined) values.name = patch.name;
  if (patch.active !== undefined) values.active = patch.active;
  if (patch.settings !== undefined) values.settings = patch.settings;
  if (patch.secrets !== undefined) values.secrets = box.seal(patch.secrets);
  const [row] = await db
    .update(channels)
    .set(values)
    .where(and(eq(channels.workspaceId, actor.workspaceId), eq(channels.id, id)))
    .returning();
  if (!row) throw notFound('Channel');
  forgetChannels();
  return row;
}
