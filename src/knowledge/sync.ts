// Keeping a source's chunks current. A fetch claims its link first (never two at once, whichever
// process runs it). Unchanged content (same fingerprint) only touches last_fetched_at; changed
// content replaces the link's chunks in one transaction. A failed fetch leaves the old chunks
// searchable: 429 waits for Retry-After (else backs off with jitter), 5xx and network errors are
// retried a few times with backoff and then wait for the next run, 401/403/404 stop the link
// until it is edited. Every attempt is written to the sync history.
import { and, eq, lt, ne, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { getWorkspace } from '../crm/workspaces.ts';
import type { Db } from '../db/client.ts';
import { knowledgeLinks, knowledgeSyncs } from '../db/schema/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { SecretBox } from '../lib/secrets.ts';
import { chunkRecords } from './chunk.ts';
import { embedderFrom, vectorAvailable } from './embeddings.ts';
import { FetchError, fetchApiSource } from './fetch.ts';
import { guardOptions, openSecrets, type Link } from './links.ts';
import { contentHash, recordsOf, type DocumentFormat } from './records.ts';
import { embedChunks, replaceChunks } from './store.ts';

export type KnowledgeDeps = {
  db: Db;
  config: Config;
  secrets: SecretBox;
  log: Logger;
  now: () => Date;
  queue: JobQueue;
  fetch?: typeof fetch;
};

export type SyncTrigger = 'schedule' | 'manual' | 'created' | 'edited' | 'push' | 'upload';
export type SyncOutcome = {
  outcome: 'changed' | 'unchanged' | 'retrying' | 'error' | 'failed' | 'skipped';
  records?: number;
  chunks?: number;
  status?: number | null;
  reason?: string | null;
  nextFetchAt?: Date | null;
};

/** Transient failures retried before waiting for the next scheduled run. */
export const MAX_RETRIES = 3;
const STALE_CLAIM_MS = 10 * 60_000;
const HISTORY_KEPT = 50;

const minutes = (n: number) => n * 60_000;
const jittered = (ms: number) => Math.round(ms * (0.5 + Math.random() * 0.5));
/** Exponential backoff with jitter: base, 2×base, 4×base… (each between half and all of it), capped. */
export const backoffMs = (attempt: number, baseMs: number, capMs: number) =>
  Math.min(capMs, jittered(baseMs * 2 ** Math.max(0, attempt - 1)));

type Extra = { bytes?: number; pages?: number; note?: string | null; fileName?: string | null };

async function recordSync(
  db: Db,
  link: Link,
  trigger: SyncTrigger,
  startedAt: Date,
  finishedAt: Date,
  o: Partial<typeof knowledgeSyncs.$inferInsert>,
) {
  await db.insert(knowledgeSyncs).values({
    workspaceId: link.workspaceId,
    linkId: link.id,
    trigger,
    outcome: o.outcome ?? 'changed',
    startedAt,
    finishedAt,
    durationMs: Math.max(0, finishedAt.getTime() - startedAt.getTime()),
    ...o,
  });
  await db.execute(sql`delete from knowledge_syncs where link_id = ${link.id} and id not in (
    select id from knowledge_syncs where link_id = ${link.id} order by started_at desc, id desc limit ${HISTORY_KEPT})`);
}

/**
 * Indexes a source's content (fetched, pushed, uploaded or written). `force` re-indexes unchanged
 * content (visibility or key fields changed). Bad content (JSON that does not parse) is an error
 * that leaves the old chunks in place.
 */
export async function indexContent(
  deps: KnowledgeDeps,
  link: Link,
  content: string,
  format: DocumentFormat,
  trigger: SyncTrigger,
  o: Extra & { force?: boolean; startedAt?: Date } = {},
): Promise<SyncOutcome> {
  const startedAt = o.startedAt ?? deps.now();
  const nextFetchAt = link.type === 'api' ? new Date(deps.now().getTime() + minutes(link.refreshMinutes)) : null;
  const hash = contentHash(content, format);
  const done = {
    status: 'ok' as const,
    retries: 0,
    lastError: null,
    lastErrorStatus: null,
    lastErrorAt: null,
    nextFetchAt,
  };
  if (!o.force && link.contentHash === hash) {
    await deps.db
      .update(knowledgeLinks)
      .set({ ...done, lastFetchedAt: deps.now() })
      .where(eq(knowledgeLinks.id, link.id));
    await recordSync(deps.db, link, trigger, startedAt, deps.now(), {
      outcome: 'unchanged',
      records: link.records,
      chunks: link.chunks,
      bytes: o.bytes,
      pages: o.pages,
      reason: o.note ?? null,
      httpStatus: link.type === 'api' ? 200 : null,
    });
    return { outcome: 'unchanged', records: link.records, chunks: link.chunks, nextFetchAt };
  }
  const ws = await getWorkspace(deps.db, link.workspaceId);
  let records;
  try {
    records = recordsOf(content, format, o.fileName?.replace(/\.[^.]+$/, '').replace(/\W+/g, '_') || undefined);
  } catch (err) {
    return fail(
      deps,
      link,
      new FetchError('bad_content', `The content could not be read: ${(err as Error).message}`),
      trigger,
      startedAt,
    );
  }
  let note = o.note ?? null;
  if (records.length > deps.config.KNOWLEDGE_MAX_RECORDS) {
    note = [note, `${records.length} records: the first ${deps.config.KNOWLEDGE_MAX_RECORDS} are indexed`]
      .filter(Boolean)
      .join('; ');
    records = records.slice(0, deps.config.KNOWLEDGE_MAX_RECORDS);
  }
  const chunks = chunkRecords(records, {
    visibility: link.visibility,
    keyFields: link.keyFields,
    region: ws.phoneRegion,
  });
  const embedder = embedderFrom(deps.config, deps.fetch);
  let vectors: Map<string, number[]> | undefined;
  if (embedder && (await vectorAvailable(deps.db))) {
    const e = await embedChunks(deps.db, embedder, link.id, chunks);
    vectors = e.vectors;
    if (e.error) note = [note, e.error].filter(Boolean).join('; ');
  }
  const replaced = await deps.db.transaction(async (tx) => {
    const r = await replaceChunks(tx, {
      workspaceId: link.workspaceId,
      linkId: link.id,
      chunks,
      vectors,
      model: embedder?.model,
    });
    await tx
      .update(knowledgeLinks)
      .set({
        ...done,
        document: content,
        documentFormat: format,
        contentHash: hash,
        records: records.length,
        chunks: chunks.length,
        lastFetchedAt: deps.now(),
        lastChangedAt: deps.now(),
        ...(o.fileName !== undefined ? { fileName: o.fileName } : {}),
      })
      .where(eq(knowledgeLinks.id, link.id));
    return r;
  });
  await recordSync(deps.db, link, trigger, startedAt, deps.now(), {
    outcome: 'changed',
    records: records.length,
    chunks: chunks.length,
    added: replaced.added,
    removed: replaced.removed,
    bytes: o.bytes ?? Buffer.byteLength(content),
    pages: o.pages,
    reason: note,
    httpStatus: link.type === 'api' ? 200 : null,
  });
  return { outcome: 'changed', records: records.length, chunks: chunks.length, nextFetchAt };
}

/** What a failed fetch does to the link; the old chunks are never touched. */
async function fail(
  deps: KnowledgeDeps,
  link: Link,
  err: FetchError,
  trigger: SyncTrigger,
  startedAt: Date,
): Promise<SyncOutcome> {
  const now = deps.now();
  const interval = minutes(link.refreshMinutes);
  let outcome: SyncOutcome['outcome'];
  let retries = link.retries + 1;
  let next: Date | null;
  if (err.permanent) {
    outcome = 'failed';
    retries = 0;
    next = null;
  } else if (err.kind === 'rate_limited') {
    outcome = 'retrying';
    const wait = err.retryAfterMs ?? backoffMs(retries, 60_000, interval);
    next = new Date(now.getTime() + Math.max(1000, Math.min(wait, interval)));
  } else if (retries <= MAX_RETRIES) {
    outcome = 'retrying';
    next = new Date(now.getTime() + backoffMs(retries, 30_000, interval));
  } else {
    outcome = 'error';
    retries = 0;
    next = new Date(now.getTime() + interval);
  }
  if (link.type !== 'api') next = null;
  await deps.db
    .update(knowledgeLinks)
    .set({
      status:
        outcome === 'retrying' ? 'retrying' : outcome === 'failed' ? 'failed' : link.type === 'api' ? 'error' : 'ok',
      retries,
      nextFetchAt: next,
      lastErrorStatus: err.status,
      lastError: err.message,
      lastErrorAt: now,
      ...(link.type === 'api' ? { lastFetchedAt: now } : {}),
    })
    .where(eq(knowledgeLinks.id, link.id));
  await recordSync(deps.db, link, trigger, startedAt, now, {
    outcome,
    httpStatus: err.status,
    reason: err.message,
  });
  deps.log.warn({ link: link.id, kind: err.kind, status: err.status, outcome }, 'knowledge source fetch failed');
  return { outcome, status: err.status, reason: err.message, nextFetchAt: next };
}

/**
 * Fetches an `api` link now and indexes what it sends. The claim (status `syncing`) keeps a second
 * run away; a claim older than 10 minutes is a crashed run and may be taken over. The schedule
 * never fetches a failed link; a manual refresh tries it again.
 */
export async function refreshLink(deps: KnowledgeDeps, linkId: string, trigger: SyncTrigger): Promise<SyncOutcome> {
  const startedAt = deps.now();
  const [link] = await deps.db
    .update(knowledgeLinks)
    .set({ status: 'syncing', syncStartedAt: startedAt })
    .where(
      and(
        eq(knowledgeLinks.id, linkId),
        eq(knowledgeLinks.type, 'api'),
        or(
          ne(knowledgeLinks.status, 'syncing'),
          lt(knowledgeLinks.syncStartedAt, new Date(startedAt.getTime() - STALE_CLAIM_MS)),
        ),
        trigger === 'schedule' ? ne(knowledgeLinks.status, 'failed') : undefined,
      ),
    )
    .returning();
  if (!link) return { outcome: 'skipped' };
  try {
    const secrets = openSecrets(deps.secrets, link);
    let fetched;
    try {
      fetched = await fetchApiSource(
        { url: link.url!, apiKey: secrets.api_key, headers: secrets.headers },
        {
          timeoutMs: deps.config.KNOWLEDGE_FETCH_TIMEOUT_MS,
          maxBytes: deps.config.KNOWLEDGE_MAX_BYTES,
          maxPages: deps.config.KNOWLEDGE_MAX_PAGES,
        },
        guardOptions(deps.config),
      );
    } catch (err) {
      if (err instanceof FetchError) return await fail(deps, link, err, trigger, startedAt);
      throw err;
    }
    return await indexContent(deps, link, fetched.content, fetched.format, trigger, {
      bytes: fetched.bytes,
      pages: fetched.pages,
      note: fetched.note,
      startedAt,
    });
  } catch (err) {
    // Ours, not the CRM's: the link is released for the next run and the job records the error.
    await deps.db
      .update(knowledgeLinks)
      .set({
        status: 'error',
        lastError: 'Parley could not index this source (see the server log)',
        lastErrorAt: deps.now(),
      })
      .where(eq(knowledgeLinks.id, link.id));
    throw err;
  }
}
