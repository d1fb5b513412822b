// The knowledge part of /api/bot/status-summary: the workspace's sources and chunks, and which
// retrieval legs run here (the vector leg needs an embeddings server and pgvector).
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { rowsOf, type DbOrTx } from '../db/client.ts';
import { vectorAvailable } from './embeddings.ts';

export const KnowledgeStatusSchema = z.object({
  sources: z.number().int(),
  active_sources: z.number().int(),
  failing_sources: z.number().int().describe('Sources whose last fetch failed (retrying, error or failed)'),
  chunks: z.number().int(),
  retrieval: z.array(z.enum(['full_text', 'identifier', 'vector'])),
  vector: z.object({
    configured: z.boolean().describe('EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL are set'),
    extension: z.boolean().describe('The database has pgvector'),
    note: z.string().nullable(),
  }),
});
export type KnowledgeStatus = z.infer<typeof KnowledgeStatusSchema>;

export async function knowledgeStatus(
  db: DbOrTx,
  config: Partial<Config>,
  workspaceId: string,
): Promise<KnowledgeStatus> {
  const [row] = rowsOf<{ sources: number; active: number; failing: number; chunks: number }>(
    await db.execute(sql`select count(*)::int as sources,
        count(*) filter (where cardinality(active_channels) > 0)::int as active,
        count(*) filter (where status in ('retrying', 'error', 'failed'))::int as failing,
        coalesce(sum(chunks), 0)::int as chunks
      from knowledge_links where workspace_id = ${workspaceId}`),
  );
  const configured = !!(config.EMBEDDINGS_BASE_URL && config.EMBEDDINGS_MODEL);
  const extension = await vectorAvailable(db);
  const on = configured && extension;
  return {
    sources: Number(row.sources),
    active_sources: Number(row.active),
    failing_sources: Number(row.failing),
    chunks: Number(row.chunks),
    retrieval: on ? ['full_text', 'identifier', 'vector'] : ['full_text', 'identifier'],
    vector: {
      configured,
      extension,
      note: on
        ? null
        : !extension
          ? 'No pgvector in this database: the full-text and identifier legs carry the search'
          : 'No embeddings server configured (EMBEDDINGS_BASE_URL, EMBEDDINGS_MODEL): lexical search only',
    },
  };
}
