// What the knowledge routes call: one function per action, each doing the whole of it — create a
// link and index what it already has (a FAQ, a file) or queue its first fetch; edit and re-index;
// upload; accept a push; list documents.
import { timingSafeEqual } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { isAdmin, seesAll, type Actor } from '../crm/actor.ts';
import { getWorkspace } from '../crm/workspaces.ts';
import { rowsOf, type DbOrTx } from '../db/client.ts';
import { channels as channelRows, knowledgeChunks, knowledgeLinks } from '../db/schema/index.ts';
import { AppError, badRequest, forbidden, notFound } from '../lib/errors.ts';
import { queueRefresh } from './jobs.ts';
import {
  createLink,
  getLink,
  hashSecret,
  listLinks,
  publicLink,
  updateLink,
  type Link,
  type LinkInput,
  type LinkPatch,
} from './links.ts';
import { formatOf, recordsOf, type DocumentFormat } from './records.ts';
import { indexContent, type KnowledgeDeps, type SyncOutcome } from './sync.ts';

/** Parses the content once before anything is stored: a 400 that says what is wrong. */
function checkContent(deps: KnowledgeDeps, content: string, format: DocumentFormat) {
  if (Buffer.byteLength(content) > deps.config.KNOWLEDGE_MAX_BYTES)
    throw new AppError('too_large', `The content is over ${Math.round(deps.config.KNOWLEDGE_MAX_BYTES / 1048576)} MB`);
  let records;
  try {
    records = recordsOf(content, format);
  } catch (err) {
    throw badRequest(`The ${format} content could not be read: ${(err as Error).message}`, { content: 'invalid' });
  }
  if (!records.length) throw badRequest('The content has nothing to index', { content: 'empty' });
}

export async function addLink(
  deps: KnowledgeDeps,
  actor: Actor,
  input: LinkInput & { content?: string | null; format?: DocumentFormat | null; fileName?: string | null },
): Promise<{ link: Link; pushSecret: string | null; sync: SyncOutcome | null }> {
  const format = input.content
    ? (input.format ?? formatOf(undefined, input.content, input.fileName ?? undefined))
    : null;
  if (input.content && format) checkContent(deps, input.content, format);
  const { link, pushSecret } = await createLink(deps, actor, input);
  let sync: SyncOutcome | null = null;
  if (link.type === 'faq') sync = await indexContent(deps, link, link.document!, 'json', 'created');
  else if (link.type === 'file' && input.content && format)
    sync = await indexContent(deps, link, input.content, format, 'created', { fileName: input.fileName ?? null });
  else if (link.type === 'api' && link.activeChannels.length)
    await queueRefresh(deps.db, deps.queue, link.id, 'created');
  return { link: sync ? await getLink(deps.db, actor, link.id) : link, pushSecret, sync };
}

export async function editLink(deps: KnowledgeDeps, actor: Actor, id: string, patch: LinkPatch): Promise<Link> {
  const { link, reindex } = await updateLink(deps, actor, id, patch);
  if (reindex && link.document && link.documentFormat)
    await indexContent(deps, link, link.document, link.documentFormat, 'edited', { force: true });
  if (link.type === 'api' && link.activeChannels.length) await queueRefresh(deps.db, deps.queue, link.id, 'edited');
  return getLink(deps.db, actor, id);
}

export async function uploadFile(
  deps: KnowledgeDeps,
  actor: Actor,
  id: string,
  file: { content: string; contentType?: string; fileName?: string },
): Promise<{ link: Link; sync: SyncOutcome }> {
  const link = await getLink(deps.db, actor, id);
  if (!isAdmin(actor)) throw forbidden('Only owners and admins change knowledge sources');
  if (link.type !== 'file')
    throw badRequest(`This is a ${link.type} source: files go to file sources`, { id: 'not a file source' });
  const format = formatOf(file.contentType, file.content, file.fileName);
  checkContent(deps, file.content, format);
  const sync = await indexContent(deps, link, file.content, format, 'upload', {
    fileName: file.fileName ?? link.fileName,
  });
  return { link: await getLink(deps.db, actor, id), sync };
}

/** A webhook source's push: the per-link secret decides, not a session. */
export async function pushToLink(deps: KnowledgeDeps, id: string, secret: string | undefined, body: string) {
  const [link] = await deps.db.select().from(knowledgeLinks).where(eq(knowledgeLinks.id, id));
  if (!link || link.type !== 'webhook' || !link.pushSecretHash) throw notFound('Webhook source');
  if (!secret) throw new AppError('unauthorized', 'Send the push secret as Authorization: Bearer <secret>');
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(link.pushSecretHash, 'hex');
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) throw forbidden('Wrong push secret');
  if (!link.activeChannels.length) throw new AppError('conflict', 'This source is switched off');
  checkContent(deps, body, 'json');
  return indexContent(deps, link, body, 'json', 'push');
}

export async function refreshLinks(deps: KnowledgeDeps, actor: Actor, links: Link[]): Promise<Link[]> {
  if (!isAdmin(actor)) throw forbidden('Only owners and admins refresh knowledge sources');
  const api = links.filter((l) => l.type === 'api');
  if (!api.length)
    throw badRequest('Only api sources are fetched; upload or push the others', { url: 'not an api link' });
  for (const l of api) await queueRefresh(deps.db, deps.queue, l.id, 'manual');
  return api;
}

/** Spec 003 GET /all: every page of the workspace with its links per channel. */
export async function allLinks(deps: KnowledgeDeps, actor: Actor) {
  const ws = await getWorkspace(deps.db, actor.workspaceId);
  const links = await listLinks(deps.db, actor);
  const pages = await deps.db
    .select({ accountId: channelRows.accountId, name: channelRows.name })
    .from(channelRows)
    .where(eq(channelRows.workspaceId, actor.workspaceId));
  const pageName = new Map(pages.map((p) => [p.accountId, p.name]));
  const byPage = new Map<string, Link[]>();
  for (const l of links) byPage.set(l.pageId, [...(byPage.get(l.pageId) ?? []), l]);
  const active = (ls: Link[]) => ls.filter((l) => l.activeChannels.length).length;
  const pagesData = [...byPage.entries()].map(([pageId, ls]) => {
    const of = (c: 'facebook' | 'messenger' | 'whatsapp' | 'app') =>
      ls.filter((l) => l.channels.includes(c)).map((l) => publicLink(l, deps.secrets, c));
    return {
      page_id: pageId,
      page_name: pageName.get(pageId) ?? null,
      facebook_crm_links: of('facebook'),
      messenger_crm_links: of('messenger'),
      whatsapp_crm_links: of('whatsapp'),
      app_crm_links: of('app'),
      legacy_crm_links: [],
      total_active: active(ls),
      total_inactive: ls.length - active(ls),
    };
  });
  return {
    company_id: ws.id,
    company_name: ws.name,
    pages_data: pagesData,
    total_pages: pagesData.length,
    total_crm_links: links.length,
    total_active: active(links),
    total_inactive: links.length - active(links),
  };
}

/** The indexed chunks of a page's sources (agents: public sources only). */
export async function documentsOf(
  db: DbOrTx,
  actor: Actor,
  q: { pageId: string; linkId?: string; limit: number; offset: number },
) {
  const where = and(
    eq(knowledgeChunks.workspaceId, actor.workspaceId),
    eq(knowledgeLinks.pageId, q.pageId),
    q.linkId ? eq(knowledgeChunks.linkId, q.linkId) : undefined,
    seesAll(actor) ? undefined : sql`${knowledgeChunks.contactKeys} is null`,
  );
  const [{ n }] = rowsOf<{ n: number }>(
    await db.execute(
      sql`select count(*)::int as n from knowledge_chunks c join knowledge_links l on l.id = c.link_id where c.workspace_id = ${actor.workspaceId} and l.page_id = ${q.pageId}${q.linkId ? sql` and c.link_id = ${q.linkId}` : sql``}${seesAll(actor) ? sql`` : sql` and c.contact_keys is null`}`,
    ),
  );
  const rows = await db
    .select({
      chunk: knowledgeChunks,
      linkName: knowledgeLinks.name,
      linkType: knowledgeLinks.type,
      fetchedAt: knowledgeLinks.lastFetchedAt,
    })
    .from(knowledgeChunks)
    .innerJoin(knowledgeLinks, eq(knowledgeLinks.id, knowledgeChunks.linkId))
    .where(where)
    .orderBy(asc(knowledgeLinks.createdAt), asc(knowledgeChunks.createdAt), asc(knowledgeChunks.part))
    .limit(q.limit)
    .offset(q.offset);
  return {
    total: Number(n),
    documents: rows.map((r) => ({
      id: r.chunk.id,
      link: { id: r.chunk.linkId, name: r.linkName, type: r.linkType },
      record: r.chunk.record,
      part: r.chunk.part,
      citation: `${r.linkName} › ${r.chunk.record}`,
      text: r.chunk.text,
      per_contact: r.chunk.contactKeys !== null,
      keys: seesAll(actor) ? r.chunk.keys : [],
      fetched_at: r.fetchedAt?.toISOString() ?? null,
      created_at: r.chunk.createdAt.toISOString(),
    })),
  };
}
