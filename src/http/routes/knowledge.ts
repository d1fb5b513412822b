// Knowledge sources by id (state and sync history, edit, delete, refresh, file upload, webhook
// push) and the search the bots use, for the dashboard's "try a question".
import { z } from 'zod';
import { seesAll } from '../../crm/actor.ts';
import { getWorkspace } from '../../crm/workspaces.ts';
import type { Deps } from '../../deps.ts';
import { embedderFrom } from '../../knowledge/embeddings.ts';
import { deleteLink, getLink, publicLink, syncHistory } from '../../knowledge/links.ts';
import { searchKnowledge, type Audience } from '../../knowledge/search.ts';
import { contactKeysOf } from '../../knowledge/answer.ts';
import { editLink, pushToLink, refreshLinks, uploadFile } from '../../knowledge/service.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { ErrorSchema, IdParams } from '../schemas.ts';
import {
  CrmLinkPatchSchema,
  CrmLinkSchema,
  LinkChannelSchema,
  SearchHitSchema,
  SearchTraceSchema,
  SyncSchema,
} from './knowledge-schemas.ts';

const errors = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  413: ErrorSchema,
};
const tags = ['knowledge'];
const SyncResult = z.object({
  outcome: z.string(),
  records: z.number().int().optional(),
  chunks: z.number().int().optional(),
  reason: z.string().nullable().optional(),
});

const syncToApi = (s: Awaited<ReturnType<typeof syncHistory>>[number]) => ({
  id: s.id,
  trigger: s.trigger,
  outcome: s.outcome,
  http_status: s.httpStatus,
  reason: s.reason,
  records: s.records,
  chunks: s.chunks,
  added: s.added,
  removed: s.removed,
  bytes: s.bytes,
  pages: s.pages,
  duration_ms: s.durationMs,
  started_at: s.startedAt.toISOString(),
  finished_at: s.finishedAt.toISOString(),
});

export function knowledgeRoutes(app: App, deps: Deps) {
  const { db } = deps;
  // Uploads in their own formats; JSON goes through the app's parser (which keeps the raw bytes).
  app.addContentTypeParser(['text/csv', 'text/markdown'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  app.get(
    '/api/knowledge/search',
    {
      schema: {
        tags,
        summary: 'The ranked chunks the bot would see for a question',
        description:
          'Hybrid retrieval: full text (prefixes, spelling correction, concept words in English/Hindi/Hinglish), identifiers (phones, emails, ids) and, where configured, vectors, fused by reciprocal rank fusion. Staff see every record (agents: public ones); with `contact` (a phone or email), exactly what the bot would show that customer.',
        querystring: z.object({
          q: z.string().trim().min(1).max(1000),
          channel: LinkChannelSchema.optional(),
          page_id: z.string().trim().min(1).max(100).optional(),
          contact: z.string().trim().min(3).max(200).optional(),
          limit: z.coerce.number().int().min(1).max(50).default(5),
        }),
        response: { 200: z.object({ data: z.array(SearchHitSchema), trace: SearchTraceSchema }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const q = req.query;
      const ws = await getWorkspace(db, actor.workspaceId);
      const audience: Audience = q.contact
        ? { kind: 'contact', keys: contactKeysOf(q.contact, null, ws.phoneRegion) }
        : { kind: 'staff', perContact: seesAll(actor) };
      const { hits, trace } = await searchKnowledge(
        db,
        { workspaceId: actor.workspaceId, pageId: q.page_id, channel: q.channel, audience },
        q.q,
        { limit: q.limit, embedder: embedderFrom(deps.config, deps.fetch), region: ws.phoneRegion },
      );
      return {
        data: hits.map((h) => ({
          text: h.text,
          score: h.score,
          link: { id: h.linkId, name: h.linkName, type: h.linkType },
          record: h.record,
          part: h.part,
          citation: `${h.linkName} › ${h.record}`,
          legs: h.legs,
          per_contact: h.perContact,
          coverage: h.coverage,
          concepts: h.concepts,
          fetched_at: h.fetchedAt,
        })),
        trace: { ...trace.plan, corrections: trace.corrections, legs: trace.legs, vector: trace.vector },
      };
    },
  );

  app.get(
    '/api/knowledge/links/:id',
    {
      schema: {
        tags,
        summary: 'A knowledge source with its state and sync history',
        params: IdParams,
        response: { 200: z.object({ link: CrmLinkSchema, history: z.array(SyncSchema) }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const link = await getLink(db, actor, req.params.id);
      return { link: publicLink(link, deps.secrets), history: (await syncHistory(db, actor, link.id)).map(syncToApi) };
    },
  );

  app.patch(
    '/api/knowledge/links/:id',
    {
      schema: {
        tags,
        summary: 'Edit a knowledge source (clears a failure; a new visibility re-indexes at once)',
        params: IdParams,
        body: CrmLinkPatchSchema,
        response: { 200: CrmLinkSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const b = req.body;
      const link = await editLink(deps, actor, req.params.id, {
        channels: b.channels,
        name: b.name,
        url: b.url,
        apiKey: b.api_key,
        headers: b.headers,
        description: b.description,
        visibility: b.visibility,
        keyFields: b.key_fields,
        refreshMinutes: b.refresh_minutes,
        faq: b.faq,
        isActive: b.is_active,
      });
      return publicLink(link, deps.secrets);
    },
  );

  app.delete(
    '/api/knowledge/links/:id',
    {
      schema: {
        tags,
        summary: 'Delete a knowledge source and its indexed data',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      await deleteLink(db, actor, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/knowledge/links/:id/refresh',
    {
      schema: {
        tags,
        summary: 'Fetch an api source now',
        params: IdParams,
        response: { 202: z.object({ message: z.string() }), ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      await refreshLinks(deps, actor, [await getLink(db, actor, req.params.id)]);
      return reply.status(202).send({ message: 'Refresh queued' });
    },
  );

  app.put(
    '/api/knowledge/links/:id/file',
    {
      bodyLimit: deps.config.KNOWLEDGE_MAX_BYTES,
      schema: {
        tags,
        summary:
          'Upload the content of a file source: JSON, CSV, Markdown or plain text (the body, with its Content-Type)',
        params: IdParams,
        querystring: z.object({ filename: z.string().trim().min(1).max(200).optional() }),
        response: { 200: z.object({ link: CrmLinkSchema, sync: SyncResult }), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const content = req.rawBody ? req.rawBody.toString('utf8') : typeof req.body === 'string' ? req.body : '';
      const { link, sync } = await uploadFile(deps, actor, req.params.id, {
        content,
        contentType: req.headers['content-type'],
        fileName: req.query.filename,
      });
      return { link: publicLink(link, deps.secrets), sync };
    },
  );

  app.post(
    '/api/knowledge/links/:id/push',
    {
      // The link's push secret authenticates it, not a session (checked in pushToLink).
      config: { public: true },
      bodyLimit: deps.config.KNOWLEDGE_MAX_BYTES,
      schema: {
        tags,
        summary: "A webhook source's push: its JSON replaces what was indexed",
        description:
          "Authenticated by the link's push secret (shown once when the link was added), as `Authorization: Bearer <secret>` or `X-Parley-Push-Secret`. No session needed.",
        params: IdParams,
        security: [],
        response: { 200: z.object({ message: z.string(), sync: SyncResult }), ...errors },
      },
    },
    async (req) => {
      const auth = req.headers.authorization;
      const header = req.headers['x-parley-push-secret'];
      const secret =
        (typeof header === 'string' && header) ||
        (auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : undefined);
      const body = req.rawBody?.toString('utf8') ?? '';
      const sync = await pushToLink(deps, req.params.id, secret, body);
      return { message: 'Received', sync };
    },
  );
}
