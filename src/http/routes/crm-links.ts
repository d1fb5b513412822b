// Spec 003's CRM-link routes, exactly as written there, under /api/dashboard: list a page's links,
// add one, switch it on or off per channel, delete it, all pages at once, refresh now, and the
// documents view. Secrets come back as "***". Owners and admins change links; members read them.
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { getWorkspace } from '../../crm/workspaces.ts';
import { linkIdsAt, listLinks, publicLink, removeLinkChannels, setLinkStatus } from '../../knowledge/links.ts';
import { addLink, allLinks, documentsOf, refreshLinks } from '../../knowledge/service.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { ErrorSchema } from '../schemas.ts';
import { CrmLinkCreateSchema, CrmLinkSchema, LinkChannelSchema } from './knowledge-schemas.ts';

const errors = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  413: ErrorSchema,
};
const tags = ['knowledge'];
const PageLink = z.object({
  page_id: z.string().trim().min(1).max(100),
  url: z.string().trim().min(1).max(2000),
  channels: z.array(LinkChannelSchema).min(1).optional().describe('Default: every channel of the link'),
});

export function crmLinkRoutes(app: App, deps: Deps) {
  const { db } = deps;

  app.get(
    '/api/dashboard/crm-links',
    {
      schema: {
        tags,
        summary: "A page's CRM links (for one channel when `channel` is given)",
        querystring: z.object({ page_id: z.string().trim().min(1).max(100), channel: LinkChannelSchema.optional() }),
        response: {
          200: z.object({
            crm_links: z.array(CrmLinkSchema),
            page_id: z.string(),
            channel: LinkChannelSchema.nullable(),
            total: z.number().int(),
            active_count: z.number().int(),
            inactive_count: z.number().int(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const { page_id, channel } = req.query;
      const links = (await listLinks(db, actor, { pageId: page_id, channel })).map((l) =>
        publicLink(l, deps.secrets, channel),
      );
      const active = links.filter((l) => l.is_active).length;
      return {
        crm_links: links,
        page_id,
        channel: channel ?? null,
        total: links.length,
        active_count: active,
        inactive_count: links.length - active,
      };
    },
  );

  app.post(
    '/api/dashboard/crm-links',
    {
      schema: {
        tags,
        summary: 'Add a CRM link (owners and admins): api, webhook, file or faq',
        description:
          'An `api` link is fetched at once and then every `refresh_minutes` (default 30, at least 5). A `webhook` link answers with its `push_secret`, shown only this once. `database` answers 400 (not supported yet). The URL is refused (400, with the reason) when it leads into a private network, unless KNOWLEDGE_ALLOW_PRIVATE_HOSTS allows it.',
        body: CrmLinkCreateSchema,
        response: {
          201: z.object({
            message: z.string(),
            crm_link: CrmLinkSchema,
            channels: z.array(LinkChannelSchema),
            page_id: z.string(),
            push_secret: z
              .string()
              .optional()
              .describe('webhook links: send it as `Authorization: Bearer <push_secret>`; shown once'),
            push_url: z.string().optional(),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      const b = req.body;
      const { link, pushSecret } = await addLink(deps, actor, {
        pageId: b.page_id,
        channels: b.channels,
        name: b.name,
        url: b.url,
        type: b.type,
        apiKey: b.api_key,
        headers: b.headers,
        description: b.description,
        isActive: b.is_active,
        visibility: b.visibility,
        keyFields: b.key_fields,
        refreshMinutes: b.refresh_minutes,
        faq: b.faq,
        content: b.content,
        format: b.format,
        fileName: b.file_name,
      });
      return reply.status(201).send({
        message: 'CRM link added successfully',
        crm_link: publicLink(link, deps.secrets),
        channels: link.channels,
        page_id: link.pageId,
        ...(pushSecret ? { push_secret: pushSecret, push_url: `/api/knowledge/links/${link.id}/push` } : {}),
      });
    },
  );

  app.put(
    '/api/dashboard/crm-links/status',
    {
      schema: {
        tags,
        summary: 'Switch a CRM link on or off for some of its channels',
        body: PageLink.extend({ is_active: z.boolean() }),
        response: {
          200: z.object({
            message: z.string(),
            updated_count: z.number().int(),
            url: z.string(),
            channels: z.array(LinkChannelSchema).nullable(),
            is_active: z.boolean(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const b = req.body;
      const n = await setLinkStatus(
        db,
        actor,
        { pageId: b.page_id, url: b.url, channels: b.channels, isActive: b.is_active },
        deps.now(),
      );
      return {
        message: 'CRM link status updated successfully',
        updated_count: n,
        url: b.url,
        channels: b.channels ?? null,
        is_active: b.is_active,
      };
    },
  );

  app.delete(
    '/api/dashboard/crm-links',
    {
      schema: {
        tags,
        summary: 'Delete a CRM link from some of its channels (with its indexed data when none is left)',
        body: PageLink,
        response: {
          200: z.object({
            message: z.string(),
            deleted_count: z.number().int(),
            url: z.string(),
            channels: z.array(LinkChannelSchema).nullable(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const b = req.body;
      const n = await removeLinkChannels(db, actor, { pageId: b.page_id, url: b.url, channels: b.channels });
      return { message: 'CRM link deleted successfully', deleted_count: n, url: b.url, channels: b.channels ?? null };
    },
  );

  app.get(
    '/api/dashboard/crm-links/all',
    {
      schema: {
        tags,
        summary: "Every page's CRM links, per channel",
        response: {
          200: z.object({
            company_id: z.uuid(),
            company_name: z.string(),
            pages_data: z.array(
              z.object({
                page_id: z.string(),
                page_name: z.string().nullable(),
                facebook_crm_links: z.array(CrmLinkSchema),
                messenger_crm_links: z.array(CrmLinkSchema),
                whatsapp_crm_links: z.array(CrmLinkSchema),
                app_crm_links: z.array(CrmLinkSchema),
                legacy_crm_links: z.array(CrmLinkSchema),
                total_active: z.number().int(),
                total_inactive: z.number().int(),
              }),
            ),
            total_pages: z.number().int(),
            total_crm_links: z.number().int(),
            total_active: z.number().int(),
            total_inactive: z.number().int(),
          }),
          ...errors,
        },
      },
    },
    async (req) => allLinks(deps, requireAuth(req).actor),
  );

  app.post(
    '/api/dashboard/crm-links/refresh',
    {
      schema: {
        tags,
        summary: 'Fetch a CRM link now (also one that failed)',
        body: PageLink.pick({ page_id: true, url: true }),
        response: {
          202: z.object({ message: z.string(), links: z.array(z.object({ id: z.uuid(), name: z.string() })) }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      const links = await refreshLinks(deps, actor, await linkIdsAt(db, actor, req.body.page_id, req.body.url));
      return reply
        .status(202)
        .send({ message: 'Refresh queued', links: links.map((l) => ({ id: l.id, name: l.name })) });
    },
  );

  app.get(
    '/api/dashboard/rag/documents/details',
    {
      schema: {
        tags,
        summary: "The indexed chunks of a page's CRM links (agents: public sources only)",
        querystring: z.object({
          page_id: z.string().trim().min(1).max(100),
          source: z.literal('crm').default('crm'),
          link_id: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: {
          200: z.object({
            page_id: z.string(),
            source: z.literal('crm'),
            total_documents: z.number().int(),
            documents: z.array(
              z.object({
                id: z.uuid(),
                link: z.object({ id: z.uuid(), name: z.string(), type: z.string() }),
                record: z.string(),
                part: z.number().int(),
                citation: z.string(),
                text: z.string(),
                per_contact: z.boolean(),
                keys: z.array(z.string()),
                fetched_at: z.string().nullable(),
                created_at: z.string(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      await getWorkspace(db, actor.workspaceId);
      const q = req.query;
      const r = await documentsOf(db, actor, {
        pageId: q.page_id,
        linkId: q.link_id,
        limit: q.limit,
        offset: q.offset,
      });
      return { page_id: q.page_id, source: 'crm' as const, total_documents: r.total, documents: r.documents };
    },
  );
}
