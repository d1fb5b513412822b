// Knowledge sources ("CRM links", spec 003): create, list, switch on and off per channel, edit,
// delete. Secrets (api_key, header values) are encrypted at rest and never returned; a webhook's
// push secret is shown once and only its hash is kept. Owners and admins change links; every
// member reads them. Spec 003 addresses a link by (page_id, url); the id routes address it by id.
import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import { isAdmin, type Actor } from '../crm/actor.ts';
import type { DbOrTx } from '../db/client.ts';
import {
  channels as channelRows,
  knowledgeLinks,
  knowledgeSyncs,
  type LinkChannel,
  type LinkType,
  type LinkVisibility,
} from '../db/schema/index.ts';
import { randomToken } from '../lib/ids.ts';
import { badRequest, conflict, forbidden, notFound } from '../lib/errors.ts';
import type { SecretBox } from '../lib/secrets.ts';
import { parseAllowList, parseFetchUrl, UrlRefused, checkDestination, type GuardOptions } from '../lib/url-guard.ts';

export type Link = typeof knowledgeLinks.$inferSelect;
export type LinkSecrets = { api_key?: string; headers?: Record<string, string> };
export type FaqPair = { question: string; answer: string };

export const MIN_REFRESH_MINUTES = 5;

export const guardOptions = (config: Pick<Config, 'KNOWLEDGE_ALLOW_PRIVATE_HOSTS' | 'NODE_ENV'>): GuardOptions => ({
  allow: parseAllowList(config.KNOWLEDGE_ALLOW_PRIVATE_HOSTS),
  httpsOnly: config.NODE_ENV === 'production',
});

export const hashSecret = (s: string) => createHash('sha256').update(s).digest('hex');

const mustAdmin = (actor: Actor) => {
  if (!isAdmin(actor)) throw forbidden('Only owners and admins change knowledge sources');
};

export type LinkInput = {
  pageId: string;
  channels: LinkChannel[];
  name: string;
  url?: string | null;
  type: LinkType | 'database';
  apiKey?: string | null;
  headers?: Record<string, string> | null;
  description?: string | null;
  isActive: boolean;
  visibility?: LinkVisibility;
  keyFields?: string[] | null;
  refreshMinutes?: number;
  faq?: FaqPair[] | null;
};

/** A URL a CRM link may point at: a 400 that says why when not. */
export async function checkLinkUrl(url: string, guard: GuardOptions): Promise<string> {
  try {
    const parsed = parseFetchUrl(url, guard);
    await checkDestination(parsed, guard);
    return parsed.href;
  } catch (err) {
    if (err instanceof UrlRefused) throw badRequest(`This URL is refused: ${err.message}`, { url: err.message });
    throw err;
  }
}

async function checkPage(db: DbOrTx, workspaceId: string, pageId: string): Promise<void> {
  const [row] = await db
    .select({ id: channelRows.id })
    .from(channelRows)
    .where(and(eq(channelRows.workspaceId, workspaceId), eq(channelRows.accountId, pageId)));
  if (!row)
    throw badRequest(`page_id "${pageId}" is not a channel account of this workspace`, {
      page_id: 'a Facebook page id or WhatsApp phone number id of one of your channels (GET /api/channels)',
    });
}

function sealSecrets(box: SecretBox, s: LinkSecrets): string | null {
  const clean: LinkSecrets = {};
  if (s.api_key) clean.api_key = s.api_key;
  if (s.headers && Object.keys(s.headers).length) clean.headers = s.headers;
  return Object.keys(clean).length ? box.seal(clean) : null;
}

export const openSecrets = (box: SecretBox, link: Pick<Link, 'secrets'>): LinkSecrets =>
  link.secrets ? box.open<LinkSecrets>(link.secrets) : {};

const faqDocument = (faq: FaqPair[]) =>
  JSON.stringify({ faq: faq.map((f) => ({ question: f.question, answer: f.answer })) });

export async function createLink(
  deps: { db: DbOrTx; secrets: SecretBox; config: Config; now: () => Date },
  actor: Actor,
  input: LinkInput,
): Promise<{ link: Link; pushSecret: string | null }> {
  mustAdmin(actor);
  if (input.type === 'database')
    throw badRequest('The database type is not supported yet: use api, webhook, file or faq', {
      type: 'database is not supported yet',
    });
  const type = input.type;
  let url = input.url?.trim() || null;
  if (type === 'api') {
    if (!url) throw badRequest('An api link needs a url', { url: 'required for type api' });
    url = await checkLinkUrl(url, guardOptions(deps.config));
  }
  if (type === 'faq' && !input.faq?.length)
    throw badRequest('A faq link needs question/answer pairs', { faq: 'at least one {question, answer}' });
  await checkPage(deps.db, actor.workspaceId, input.pageId);
  if (url) {
    const [dupe] = await deps.db
      .select({ id: knowledgeLinks.id })
      .from(knowledgeLinks)
      .where(
        and(
          eq(knowledgeLinks.workspaceId, actor.workspaceId),
          eq(knowledgeLinks.pageId, input.pageId),
          eq(knowledgeLinks.url, url),
        ),
      );
    if (dupe)
      throw conflict('This page already has a link with this url: switch its channels with PUT /status', { url });
  }
  const pushSecret = type === 'webhook' ? `kpush_${randomToken()}` : null;
  const channels = [...new Set(input.channels)];
  const [link] = await deps.db
    .insert(knowledgeLinks)
    .values({
      workspaceId: actor.workspaceId,
      pageId: input.pageId,
      channels,
      activeChannels: input.isActive ? channels : [],
      name: input.name,
      url,
      type,
      description: input.description ?? null,
      visibility: input.visibility ?? 'public',
      keyFields: input.keyFields?.length ? input.keyFields : null,
      headerNames: Object.keys(input.headers ?? {}),
      secrets: sealSecrets(deps.secrets, { api_key: input.apiKey ?? undefined, headers: input.headers ?? undefined }),
      pushSecretHash: pushSecret ? hashSecret(pushSecret) : null,
      document: type === 'faq' ? faqDocument(input.faq!) : null,
      documentFormat: type === 'faq' ? 'json' : null,
      refreshMinutes: Math.max(MIN_REFRESH_MINUTES, input.refreshMinutes ?? 30),
      nextFetchAt: type === 'api' ? deps.now() : null,
      createdById: actor.userId,
    })
    .returning();
  return { link, pushSecret };
}

export async function getLink(db: DbOrTx, actor: Actor, id: string): Promise<Link> {
  const [link] = await db
    .select()
    .from(knowledgeLinks)
    .where(and(eq(knowledgeLinks.workspaceId, actor.workspaceId), eq(knowledgeLinks.id, id)));
  if (!link) throw notFound('Knowledge source');
  return link;
}

export async function listLinks(
  db: DbOrTx,
  actor: Actor,
  filter: { pageId?: string; channel?: LinkChannel } = {},
): Promise<Link[]> {
  return db
    .select()
    .from(knowledgeLinks)
    .where(
      and(
        eq(knowledgeLinks.workspaceId, actor.workspaceId),
        filter.pageId ? eq(knowledgeLinks.pageId, filter.pageId) : undefined,
        filter.channel ? sql`${filter.channel} = any(${knowledgeLinks.channels})` : undefined,
      ),
    )
    .orderBy(knowledgeLinks.pageId, knowledgeLinks.createdAt);
}

async function linksAt(db: DbOrTx, actor: Actor, pageId: string, url: string): Promise<Link[]> {
  const rows = await db
    .select()
    .from(knowledgeLinks)
    .where(
      and(
        eq(knowledgeLinks.workspaceId, actor.workspaceId),
        eq(knowledgeLinks.pageId, pageId),
        isNotNull(knowledgeLinks.url),
      ),
    );
  const wanted = normalizeUrl(url);
  const found = rows.filter((r) => normalizeUrl(r.url!) === wanted);
  if (!found.length) throw notFound(`CRM link ${url} on page ${pageId}`);
  return found;
}

const normalizeUrl = (url: string) => {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
};

/** Spec 003 PUT /status: switches the link on or off for some of its channels (all when none are named). */
export async function setLinkStatus(
  db: DbOrTx,
  actor: Actor,
  input: { pageId: string; url: string; channels?: LinkChannel[]; isActive: boolean },
  now: Date,
): Promise<number> {
  mustAdmin(actor);
  let count = 0;
  for (const link of await linksAt(db, actor, input.pageId, input.url)) {
    const touched = (input.channels ?? link.channels).filter((c) => link.channels.includes(c));
    count += touched.length;
    const active = input.isActive
      ? [...new Set([...link.activeChannels, ...touched])]
      : link.activeChannels.filter((c) => !touched.includes(c));
    const wakes = input.isActive && !link.activeChannels.length && active.length && link.type === 'api';
    await db
      .update(knowledgeLinks)
      .set({ activeChannels: active, ...(wakes && link.status !== 'failed' ? { nextFetchAt: now } : {}) })
      .where(eq(knowledgeLinks.id, link.id));
  }
  return count;
}

/** Spec 003 DELETE: removes the link from some of its channels; a link left with none is deleted with its chunks. */
export async function removeLinkChannels(
  db: DbOrTx,
  actor: Actor,
  input: { pageId: string; url: string; channels?: LinkChannel[] },
): Promise<number> {
  mustAdmin(actor);
  let count = 0;
  for (const link of await linksAt(db, actor, input.pageId, input.url)) {
    const removed = (input.channels ?? link.channels).filter((c) => link.channels.includes(c));
    count += removed.length;
    const left = link.channels.filter((c) => !removed.includes(c));
    if (!left.length) await db.delete(knowledgeLinks).where(eq(knowledgeLinks.id, link.id));
    else
      await db
        .update(knowledgeLinks)
        .set({ channels: left, activeChannels: link.activeChannels.filter((c) => left.includes(c)) })
        .where(eq(knowledgeLinks.id, link.id));
  }
  return count;
}

export async function deleteLink(db: DbOrTx, actor: Actor, id: string): Promise<void> {
  mustAdmin(actor);
  await getLink(db, actor, id);
  await db
    .delete(knowledgeLinks)
    .where(and(eq(knowledgeLinks.workspaceId, actor.workspaceId), eq(knowledgeLinks.id, id)));
}

export type LinkPatch = Partial<Omit<LinkInput, 'pageId' | 'type' | 'isActive'>> & { isActive?: boolean };

/**
 * Edits a link. Any edit clears a permanent failure and schedules a fetch now; a change of
 * visibility or key fields re-indexes the stored content at once (the caller's `reindex`), so a
 * record never stays public after its link became per-contact.
 */
export async function updateLink(
  deps: { db: DbOrTx; secrets: SecretBox; config: Config; now: () => Date },
  actor: Actor,
  id: string,
  patch: LinkPatch,
): Promise<{ link: Link; reindex: boolean }> {
  mustAdmin(actor);
  const link = await getLink(deps.db, actor, id);
  const set: Partial<typeof knowledgeLinks.$inferInsert> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.url !== undefined) {
    const url = patch.url?.trim() || null;
    if (link.type === 'api' && !url) throw badRequest('An api link needs a url', { url: 'required for type api' });
    set.url = url && link.type === 'api' ? await checkLinkUrl(url, guardOptions(deps.config)) : url;
  }
  if (patch.channels !== undefined) {
    const channels = [...new Set(patch.channels)];
    set.channels = channels;
    set.activeChannels = (patch.isActive ?? link.activeChannels.length > 0) ? channels : [];
  } else if (patch.isActive !== undefined) set.activeChannels = patch.isActive ? link.channels : [];
  if (patch.visibility !== undefined) set.visibility = patch.visibility;
  if (patch.keyFields !== undefined) set.keyFields = patch.keyFields?.length ? patch.keyFields : null;
  if (patch.refreshMinutes !== undefined) set.refreshMinutes = Math.max(MIN_REFRESH_MINUTES, patch.refreshMinutes);
  if (patch.apiKey !== undefined || patch.headers !== undefined) {
    const old = openSecrets(deps.secrets, link);
    const next: LinkSecrets = {
      api_key: patch.apiKey === undefined ? old.api_key : (patch.apiKey ?? undefined),
      headers: patch.headers === undefined ? old.headers : (patch.headers ?? undefined),
    };
    set.secrets = sealSecrets(deps.secrets, next);
    set.headerNames = Object.keys(next.headers ?? {});
  }
  if (patch.faq !== undefined) {
    if (link.type !== 'faq') throw badRequest('Only faq links have question/answer pairs', { faq: 'not a faq link' });
    if (!patch.faq?.length) throw badRequest('A faq link needs question/answer pairs', { faq: 'at least one pair' });
    set.document = faqDocument(patch.faq);
    set.documentFormat = 'json';
  }
  const reindex =
    (patch.visibility !== undefined && patch.visibility !== link.visibility) ||
    patch.keyFields !== undefined ||
    patch.faq !== undefined;
  if (link.type === 'api') Object.assign(set, { status: 'pending', retries: 0, nextFetchAt: deps.now() });
  else if (link.status === 'failed') set.status = 'pending';
  const [updated] = await deps.db.update(knowledgeLinks).set(set).where(eq(knowledgeLinks.id, link.id)).returning();
  return { link: updated, reindex };
}

export async function syncHistory(db: DbOrTx, actor: Actor, linkId: string, limit = 20) {
  return db
    .select()
    .from(knowledgeSyncs)
    .where(and(eq(knowledgeSyncs.workspaceId, actor.workspaceId), eq(knowledgeSyncs.linkId, linkId)))
    .orderBy(desc(knowledgeSyncs.startedAt), desc(knowledgeSyncs.id))
    .limit(limit);
}

/** Links (by id) that a refresh by (page_id, url) names; 404 when none. */
export async function linkIdsAt(db: DbOrTx, actor: Actor, pageId: string, url: string): Promise<Link[]> {
  mustAdmin(actor);
  return linksAt(db, actor, pageId, url);
}

export async function linksByIds(db: DbOrTx, workspaceId: string, ids: string[]): Promise<Link[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(knowledgeLinks)
    .where(and(eq(knowledgeLinks.workspaceId, workspaceId), inArray(knowledgeLinks.id, ids)));
}

/** The link as the API shows it: secrets as "***", and its state. */
export function publicLink(link: Link, box: SecretBox, channel?: LinkChannel) {
  return {
    id: link.id,
    page_id: link.pageId,
    name: link.name,
    url: link.url,
    type: link.type,
    channels: link.channels,
    active_channels: link.activeChannels,
    api_key: openSecrets(box, link).api_key ? ('***' as const) : null,
    headers: Object.fromEntries(link.headerNames.map((h) => [h, '***' as const])),
    description: link.description,
    is_active: channel ? link.activeChannels.includes(channel) : link.activeChannels.length > 0,
    visibility: link.visibility,
    key_fields: link.keyFields,
    refresh_minutes: link.refreshMinutes,
    file_name: link.fileName,
    state: {
      status: link.status,
      last_fetched_at: link.lastFetchedAt?.toISOString() ?? null,
      last_changed_at: link.lastChangedAt?.toISOString() ?? null,
      next_fetch_at:
        link.type === 'api' && link.activeChannels.length ? (link.nextFetchAt?.toISOString() ?? null) : null,
      records: link.records,
      chunks: link.chunks,
      last_error: link.lastError
        ? { status: link.lastErrorStatus, reason: link.lastError, at: link.lastErrorAt?.toISOString() ?? null }
        : null,
    },
    created_at: link.createdAt.toISOString(),
    updated_at: link.updatedAt.toISOString(),
  };
}

export type PublicLink = ReturnType<typeof publicLink>;
