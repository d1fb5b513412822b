import { sql } from 'drizzle-orm';
import {
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { users } from './users.ts';
import { workspaces } from './workspaces.ts';

export const linkTypes = ['api', 'webhook', 'file', 'faq'] as const;
export type LinkType = (typeof linkTypes)[number];
export const linkChannels = ['facebook', 'messenger', 'whatsapp', 'app'] as const;
export type LinkChannel = (typeof linkChannels)[number];
export const linkVisibilities = ['public', 'per_contact'] as const;
export type LinkVisibility = (typeof linkVisibilities)[number];
/** pending: never fetched · syncing · ok · retrying (429/5xx, old data kept) · error (gave up until the next run) · failed (401/403/404: until edited). */
export const linkStatuses = ['pending', 'syncing', 'ok', 'retrying', 'error', 'failed'] as const;
export type LinkStatus = (typeof linkStatuses)[number];

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * A knowledge source (spec 003's "CRM link"): a CRM API fetched on a schedule, a webhook the source
 * pushes to, an uploaded file or a hand-written FAQ, serving one channel account (`page_id`: a
 * Facebook page id or a WhatsApp phone number id) on some of its channels.
 */
export const knowledgeLinks = pgTable(
  'knowledge_links',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    pageId: text('page_id').notNull(),
    /** The channels it is configured for, and those of them it is active on. */
    channels: text('channels').array().$type<LinkChannel[]>().notNull(),
    activeChannels: text('active_channels').array().$type<LinkChannel[]>().notNull(),
    name: text('name').notNull(),
    /** The API endpoint (type api), or the source's own address; null for uploads and FAQs. */
    url: text('url'),
    type: text('type', { enum: linkTypes }).notNull(),
    description: text('description'),
    visibility: text('visibility', { enum: linkVisibilities }).notNull().default('public'),
    /** per_contact: the fields that hold the contact's phone or email (else any phone or email found). */
    keyFields: text('key_fields').array().$type<string[]>(),
    /** Custom header names (values are in `secrets`). */
    headerNames: text('header_names').array().$type<string[]>().notNull().default([]),
    /** AES-256-GCM encrypted JSON `{ api_key?, headers? }`. */
    secrets: text('secrets'),
    /** SHA-256 of the webhook push secret (shown once at creation). */
    pushSecretHash: text('push_secret_hash'),
    /** The pushed, uploaded or written content (webhook, file, faq): re-indexed when the link changes. */
    document: text('document'),
    documentFormat: text('document_format', { enum: ['json', 'csv', 'markdown', 'text'] }),
    fileName: text('file_name'),
    refreshMinutes: integer('refresh_minutes').notNull().default(30),
    status: text('status', { enum: linkStatuses }).notNull().default('pending'),
    syncStartedAt: timestamp('sync_started_at', { withTimezone: true }),
    lastFetchedAt: timestamp('last_fetched_at', { withTimezone: true }),
    lastChangedAt: timestamp('last_changed_at', { withTimezone: true }),
    nextFetchAt: timestamp('next_fetch_at', { withTimezone: true }),
    /** Consecutive transient failures (429, 5xx, network) since the last success. */
    retries: integer('retries').notNull().default(0),
    contentHash: text('content_hash'),
    records: integer('records').notNull().default(0),
    chunks: integer('chunks').notNull().default(0),
    lastErrorStatus: integer('last_error_status'),
    lastError: text('last_error'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('knowledge_links_page_url_key')
      .on(t.workspaceId, t.pageId, t.url)
      .where(sql`${t.url} is not null`),
    index('knowledge_links_due_idx')
      .on(t.nextFetchAt)
      .where(sql`${t.type} = 'api' and ${t.status} <> 'failed'`),
  ],
);

/**
 * One record of a source (an array element or a top-level section, split only when large), as
 * the `path: value` lines people read (`text`) and the normalised values that are searched.
 * `contact_keys` is null for public sources; for per-contact ones it holds the phones (E.164) and
 * emails the record belongs to — empty means nobody's, so no customer ever gets it.
 */
export const knowledgeChunks = pgTable(
  'knowledge_chunks',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    linkId: uuid('link_id')
      .notNull()
      .references(() => knowledgeLinks.id, { onDelete: 'cascade' }),
    record: text('record').notNull(),
    part: integer('part').notNull().default(0),
    text: text('text').notNull(),
    /** The values, normalised (the `path: value` lines' right-hand sides). */
    searchText: text('search_text').notNull(),
    /** The field names (`price`, `support level`): searched with a low weight, so "whitening price" prefers the whitening record's price. */
    keyText: text('key_text').notNull().default(''),
    tsv: tsvector('tsv').generatedAlwaysAs(
      sql`setweight(to_tsvector('kb_simple'::regconfig, search_text), 'A') || setweight(to_tsvector('kb_simple'::regconfig, key_text), 'D')`,
    ),
    /** Identifiers in the record: phones (E.164), emails, ids (lower case, without separators). */
    keys: text('keys').array().$type<string[]>().notNull().default([]),
    contactKeys: text('contact_keys').array().$type<string[]>(),
    hash: text('hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('knowledge_chunks_link_idx').on(t.linkId, t.record, t.part),
    // GIN without the pending list: a sync pays for its inserts, searches never scan a long list.
    index('knowledge_chunks_tsv_idx').using('gin', t.tsv).with({ fastupdate: false }),
    // What customers search: public chunks only, without the (many) per-contact records.
    index('knowledge_chunks_public_tsv_idx')
      .using('gin', t.tsv)
      .where(sql`${t.contactKeys} is null`)
      .with({ fastupdate: false }),
    index('knowledge_chunks_keys_idx').using('gin', t.keys).with({ fastupdate: false }),
    index('knowledge_chunks_contact_keys_idx').using('gin', t.contactKeys).with({ fastupdate: false }),
  ],
);

/** The workspace's indexed words (ts_stat), for spelling correction of query words with pg_trgm. */
export const knowledgeTerms = pgTable(
  'knowledge_terms',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    word: text('word').notNull(),
    ndoc: integer('ndoc').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.word] }),
    index('knowledge_terms_word_trgm_idx').using('gin', t.word.op('gin_trgm_ops')),
  ],
);

/** One fetch, push or upload of a source and what came of it (the link's sync history). */
export const knowledgeSyncs = pgTable(
  'knowledge_syncs',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    linkId: uuid('link_id')
      .notNull()
      .references(() => knowledgeLinks.id, { onDelete: 'cascade' }),
    /** schedule | manual | created | edited | push | upload */
    trigger: text('trigger').notNull(),
    /** changed | unchanged | retrying | error | failed */
    outcome: text('outcome').notNull(),
    httpStatus: integer('http_status'),
    reason: text('reason'),
    records: integer('records'),
    chunks: integer('chunks'),
    added: integer('added'),
    removed: integer('removed'),
    bytes: integer('bytes'),
    pages: integer('pages'),
    durationMs: integer('duration_ms'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('knowledge_syncs_link_idx').on(t.linkId, t.startedAt)],
);
