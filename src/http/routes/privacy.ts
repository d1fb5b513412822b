import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { eraseContact } from '../../privacy/erase.ts';
import { exportContact, listAuditEntries } from '../../privacy/export.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import {
  ActivitySchema,
  ConversationSchema,
  DealSchema,
  ErrorSchema,
  LeadSchema,
  MessageSchema,
  NoteSchema,
  PageQuery,
  TaskSchema,
  page,
} from '../schemas.ts';
import { messageToApi, toApi } from '../serialize.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema };
const tags = ['privacy'];
const ts = z.string();
const Phone = z
  .string()
  .trim()
  .min(3)
  .max(80)
  .describe('Phone in any format (or a channel user id when no phone is known)');

const FactSchema = z.object({
  id: z.uuid(),
  lead_id: z.uuid().nullable(),
  conversation_id: z.uuid().nullable(),
  contact: z.string(),
  key: z.string(),
  value: z.unknown(),
  confidence: z.number(),
  source_message_id: z.uuid().nullable(),
  status: z.string(),
  created_at: ts,
});
const ConsentSchema = z.object({
  id: z.uuid(),
  lead_id: z.uuid().nullable(),
  contact: z.string(),
  kind: z.string(),
  granted: z.string(),
  source: z.string(),
  source_message_id: z.uuid().nullable(),
  created_at: ts,
});

export const ContactExportSchema = z.object({
  contact: z.string(),
  subject_hash: z.string(),
  exported_at: ts,
  leads: z.array(
    z.object({
      lead: LeadSchema.extend({ opted_out_at: ts.nullable() }),
      deals: z.array(DealSchema),
      tasks: z.array(TaskSchema),
      notes: z.array(NoteSchema),
      activities: z.array(ActivitySchema),
    }),
  ),
  conversations: z.array(
    z.object({
      conversation: ConversationSchema.extend({ state: z.record(z.string(), z.unknown()) }),
      messages: z.array(MessageSchema.extend({ meta: z.record(z.string(), z.unknown()).nullable() })),
    }),
  ),
  profile_facts: z.array(FactSchema),
  consents: z.array(ConsentSchema),
});

const counts = [
  'leads',
  'deals',
  'tasks',
  'notes',
  'activities',
  'conversations',
  'messages',
  'profile_facts',
  'consents',
  'redacted_messages',
] as const;
export const EraseResultSchema = z.object({
  subject_hash: z.string(),
  counts: z.object(
    Object.fromEntries(counts.map((k) => [k, z.number().int()])) as Record<(typeof counts)[number], z.ZodNumber>,
  ),
  audit_id: z.uuid(),
});
export const AuditEntrySchema = z.object({
  id: z.uuid(),
  action: z.string(),
  actor_id: z.uuid().nullable(),
  subject_hash: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  created_at: ts,
});

export function privacyRoutes(app: App, deps: Deps) {
  app.get(
    '/api/privacy/export',
    {
      schema: {
        tags,
        summary:
          'Everything held about a person: leads with deals, tasks, notes and activities; conversations and messages; profile facts with history; consents (owners and admins; audited)',
        querystring: z.object({ phone: Phone }),
        response: { 200: ContactExportSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const x = await exportContact(deps.db, actor, req.query.phone, { now: deps.now() });
      return {
        contact: x.contact,
        subject_hash: x.subjectHash,
        exported_at: x.exportedAt.toISOString(),
        leads: x.leads.map((l) => ({
          lead: toApi(l.lead),
          deals: l.deals.map(toApi),
          tasks: l.tasks.map(toApi),
          notes: l.notes.map(toApi),
          activities: l.activities.map(toApi),
        })),
        conversations: x.conversations.map((c) => ({
          conversation: toApi(c.conversation),
          // An export holds everything, the message's meta too.
          messages: c.messages.map((m) => ({ ...messageToApi(m), meta: m.meta ?? null })),
        })),
        profile_facts: x.profileFacts.map(toApi),
        consents: x.consents.map(toApi),
      };
    },
  );

  app.post(
    '/api/privacy/erase',
    {
      schema: {
        tags,
        summary:
          'Erase a person: their leads (with deals, tasks, notes, activities), conversations, messages, profile facts and consents; mentions elsewhere are redacted (owners and admins; audited; idempotent)',
        body: z.object({ phone: Phone }),
        response: { 200: EraseResultSchema, ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const r = await eraseContact(deps.db, actor, req.body.phone, { source: 'api' });
      return { subject_hash: r.subjectHash, counts: r.counts, audit_id: r.auditId };
    },
  );

  app.get(
    '/api/privacy/audit',
    {
      schema: {
        tags,
        summary: 'The audit trail of personal data (exports, erasures), newest first (owners and admins)',
        querystring: PageQuery.extend({ action: z.string().max(80).optional(), phone: Phone.optional() }),
        response: { 200: page(AuditEntrySchema), ...errors },
      },
    },
    async (req) => {
      const { actor } = requireAuth(req);
      const r = await listAuditEntries(deps.db, actor, req.query);
      return { data: r.data.map(toApi), next_cursor: r.nextCursor };
    },
  );
}
