// zod schemas of the knowledge routes (spec 003's CRM links, and the id routes around them).
import { z } from 'zod';
import { linkChannels, linkStatuses, linkTypes, linkVisibilities } from '../../db/schema/index.ts';

const ts = z.string().describe('ISO-8601 timestamp');

export const LinkChannelSchema = z.enum(linkChannels);

export const CrmLinkSchema = z.object({
  id: z.uuid(),
  page_id: z.string(),
  name: z.string(),
  url: z.string().nullable(),
  type: z.enum(linkTypes),
  channels: z.array(LinkChannelSchema),
  active_channels: z.array(LinkChannelSchema),
  api_key: z.literal('***').nullable().describe('"***" when an API key is stored; never the key'),
  headers: z.record(z.string(), z.literal('***')).describe('Custom header names; the values are never returned'),
  description: z.string().nullable(),
  is_active: z.boolean().describe('Active for the channel asked about, or for any channel'),
  visibility: z.enum(linkVisibilities),
  key_fields: z.array(z.string()).nullable(),
  refresh_minutes: z.number().int(),
  file_name: z.string().nullable(),
  state: z.object({
    status: z.enum(linkStatuses),
    last_fetched_at: ts.nullable(),
    last_changed_at: ts.nullable(),
    next_fetch_at: ts.nullable(),
    records: z.number().int(),
    chunks: z.number().int(),
    last_error: z.object({ status: z.number().int().nullable(), reason: z.string(), at: ts.nullable() }).nullable(),
  }),
  created_at: ts,
  updated_at: ts,
});

export const FaqPairSchema = z.object({
  question: z.string().trim().min(1).max(2000),
  answer: z.string().trim().min(1).max(8000),
});

const headers = z
  .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'not a header name'), z.string().max(4000))
  .refine((h) => Object.keys(h).length <= 20, 'at most 20 headers')
  .refine(
    (h) => !Object.keys(h).some((k) => ['host', 'content-length', 'transfer-encoding'].includes(k.toLowerCase())),
    {
      message: 'Host, Content-Length and Transfer-Encoding are set by Parley',
    },
  );

export const CrmLinkCreateSchema = z.object({
  page_id: z.string().trim().min(1).max(100),
  channels: z.array(LinkChannelSchema).min(1),
  name: z.string().trim().min(1).max(200),
  url: z.string().trim().max(2000).nullish(),
  type: z.enum([...linkTypes, 'database']).default('api'),
  api_key: z.string().max(4000).nullish(),
  headers: headers.nullish(),
  description: z.string().max(2000).nullish(),
  is_active: z.boolean(),
  visibility: z.enum(linkVisibilities).optional(),
  key_fields: z.array(z.string().trim().min(1).max(100)).max(20).nullish(),
  refresh_minutes: z
    .number()
    .int()
    .min(5, 'at least 5 minutes')
    .max(7 * 24 * 60)
    .optional(),
  faq: z.array(FaqPairSchema).max(2000).nullish().describe('type faq: the question/answer pairs'),
  content: z.string().max(5_000_000).nullish().describe('type file: the file content (or upload it with PUT …/file)'),
  format: z.enum(['json', 'csv', 'markdown', 'text']).nullish(),
  file_name: z.string().trim().max(200).nullish(),
});

export const CrmLinkPatchSchema = CrmLinkCreateSchema.pick({
  channels: true,
  name: true,
  url: true,
  api_key: true,
  headers: true,
  description: true,
  visibility: true,
  key_fields: true,
  refresh_minutes: true,
  faq: true,
})
  .partial()
  .extend({ is_active: z.boolean().optional() });

export const SyncSchema = z.object({
  id: z.uuid(),
  trigger: z.string(),
  outcome: z.string(),
  http_status: z.number().int().nullable(),
  reason: z.string().nullable(),
  records: z.number().int().nullable(),
  chunks: z.number().int().nullable(),
  added: z.number().int().nullable(),
  removed: z.number().int().nullable(),
  bytes: z.number().int().nullable(),
  pages: z.number().int().nullable(),
  duration_ms: z.number().int().nullable(),
  started_at: ts,
  finished_at: ts,
});

export const SearchHitSchema = z.object({
  text: z.string().describe('The chunk as `path: value` lines'),
  score: z.number().describe('Reciprocal rank fusion score'),
  link: z.object({ id: z.uuid(), name: z.string(), type: z.string() }),
  record: z.string().describe('The record the chunk is (customers[7], clinic.hours, a Markdown section…)'),
  part: z.number().int(),
  citation: z.string().describe('"Clinic CRM › services[0]"'),
  legs: z.array(z.enum(['full_text', 'identifier', 'vector'])),
  per_contact: z.boolean(),
  coverage: z.number().describe("Share of the question's words the chunk contains"),
  concepts: z.array(z.string()),
  fetched_at: ts.nullable(),
});

export const SearchTraceSchema = z.object({
  terms: z.array(z.string()),
  concepts: z.array(z.string()),
  personal: z.boolean(),
  corrections: z.record(z.string(), z.array(z.string())),
  legs: z.object({ full_text: z.number().int(), identifier: z.number().int(), vector: z.number().int().nullable() }),
  vector: z.enum(['on', 'not_configured', 'no_extension', 'failed']),
});
