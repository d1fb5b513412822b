// Writing a source's chunks: the old ones are replaced in the caller's transaction (nothing
// outdated stays, nothing is missing in between), the workspace's vocabulary is rebuilt from the
// index (ts_stat), and embeddings are reused for chunks whose text did not change.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../db/client.ts';
import { knowledgeChunks } from '../db/schema/index.ts';
import type { Chunk } from './chunk.ts';
import { vectorLiteral, type Embedder } from './embeddings.ts';

const INSERT_BATCH = 500;

export type Replaced = { added: number; removed: number; chunks: number };

/** Hashes of the link's current chunks. */
export async function chunkHashes(db: DbOrTx, linkId: string): Promise<Set<string>> {
  const rows = await db
    .select({ hash: knowledgeChunks.hash })
    .from(knowledgeChunks)
    .where(eq(knowledgeChunks.linkId, linkId));
  return new Set(rows.map((r) => r.hash));
}

/**
 * Embeddings for the chunks, reusing the stored ones of unchanged chunks (same hash, same model):
 * only new text goes to the provider. Returns hash → vector; a provider failure leaves the new
 * chunks without vectors (the lexical legs still find them) and is reported to the caller.
 */
export async function embedChunks(
  db: DbOrTx,
  embedder: Embedder,
  linkId: string,
  chunks: Chunk[],
): Promise<{ vectors: Map<string, number[]>; error: string | null }> {
  const vectors = new Map<string, number[]>();
  const stored = rowsOf<{ hash: string; embedding: string }>(
    await db.execute(
      sql`select e.hash, e.embedding::text as embedding from knowledge_embeddings e join knowledge_chunks c on c.id = e.chunk_id where c.link_id = ${linkId} and e.model = ${embedder.model}`,
    ),
  );
  for (const r of stored) vectors.set(r.hash, JSON.parse(r.embedding) as number[]);
  const missing = [...new Map(chunks.filter((c) => !vectors.has(c.hash)).map((c) => [c.hash, c])).values()];
  if (!missing.length) return { vectors, error: null };
  try {
    const got = await embedder.embed(missing.map((c) => c.text.slice(0, 4000)));
    missing.forEach((c, i) => vectors.set(c.hash, got[i]));
    return { vectors, error: null };
  } catch (err) {
    return { vectors, error: `embeddings failed: ${(err as Error).message}`.slice(0, 300) };
  }
}

/** Replaces the link's chunks (inside the caller's transaction). */
export async function replaceChunks(
  tx: DbOrTx,
  o: { workspaceId: string; linkId: string; chunks: Chunk[]; vectors?: Map<string, number[]>; model?: string },
): Promise<Replaced> {
  const before = await chunkHashes(tx, o.linkId);
  const after = new Set(o.chunks.map((c) => c.hash));
  await tx.delete(knowledgeChunks).where(eq(knowledgeChunks.linkId, o.linkId));
  for (let i = 0; i < o.chunks.length; i += INSERT_BATCH) {
    const rows = await tx
      .insert(knowledgeChunks)
      .values(
        o.chunks.slice(i, i + INSERT_BATCH).map((c) => ({
          workspaceId: o.workspaceId,
          linkId: o.linkId,
          record: c.record,
          part: c.part,
          text: c.text,
          searchText: c.searchText,
          keyText: c.keyText,
          keys: c.keys,
          contactKeys: c.contactKeys,
          hash: c.hash,
        })),
      )
      .returning({ id: knowledgeChunks.id, hash: knowledgeChunks.hash });
    if (o.vectors?.size && o.model) {
      const withVectors = rows.filter((r) => o.vectors!.has(r.hash));
      for (const r of withVectors)
        await tx.execute(
          sql`insert into knowledge_embeddings (chunk_id, workspace_id, model, hash, embedding) values (${r.id}, ${o.workspaceId}, ${o.model}, ${r.hash}, ${vectorLiteral(o.vectors.get(r.hash)!)}::vector)`,
        );
    }
  }
  await rebuildVocabulary(tx, o.workspaceId);
  return {
    added: [...after].filter((h) => !before.has(h)).length,
    removed: [...before].filter((h) => !after.has(h)).length,
    chunks: o.chunks.length,
  };
}

/** Deletes a link's chunks (the link stays). */
export async function clearChunks(tx: DbOrTx, workspaceId: string, linkIds: string[]): Promise<void> {
  if (!linkIds.length) return;
  await tx
    .delete(knowledgeChunks)
    .where(and(eq(knowledgeChunks.workspaceId, workspaceId), inArray(knowledgeChunks.linkId, linkIds)));
  await rebuildVocabulary(tx, workspaceId);
}

/** The workspace's indexed words (letters only, 3+ characters), for spelling correction. */
export async function rebuildVocabulary(tx: DbOrTx, workspaceId: string): Promise<void> {
  await tx.execute(sql`delete from knowledge_terms where workspace_id = ${workspaceId}`);
  // unnest(tsvector) and a hash aggregate: ts_stat builds a tree of every lexeme (phones, emails,
  // ids — mostly unique), minutes at 100,000 chunks; this filters them out first.
  await tx.execute(sql`insert into knowledge_terms (workspace_id, word, ndoc)
    select ${workspaceId}, u.lexeme, count(*)::int from knowledge_chunks c, unnest(c.tsv) u
    where c.workspace_id = ${workspaceId} and length(u.lexeme) >= 3 and u.lexeme !~ '[0-9@.]'
    group by u.lexeme`);
}
