// The optional vector leg: embeddings from an OpenAI-compatible server (EMBEDDINGS_BASE_URL and
// EMBEDDINGS_MODEL, through the AI SDK), stored where the `vector` extension exists (PGlite has
// pgvector; a PostgreSQL without it keeps only the lexical legs). Both must hold, or the leg is off.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany } from 'ai';
import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import { rowsOf, type DbOrTx } from '../db/client.ts';

export type Embedder = { model: string; embed(values: string[], timeoutMs?: number): Promise<number[][]> };

type EmbedConfig = Pick<Config, 'EMBEDDINGS_BASE_URL' | 'EMBEDDINGS_MODEL' | 'EMBEDDINGS_API_KEY'>;

const BATCH = 64;

/** The configured embedder, or null when EMBEDDINGS_BASE_URL / EMBEDDINGS_MODEL are not set. */
export function embedderFrom(config: Partial<EmbedConfig> | undefined, fetchImpl?: typeof fetch): Embedder | null {
  if (!config?.EMBEDDINGS_BASE_URL || !config.EMBEDDINGS_MODEL) return null;
  const provider = createOpenAICompatible({
    name: 'parley-embeddings',
    baseURL: config.EMBEDDINGS_BASE_URL,
    apiKey: config.EMBEDDINGS_API_KEY,
    fetch: fetchImpl,
  });
  const model = provider.embeddingModel(config.EMBEDDINGS_MODEL);
  return {
    model: config.EMBEDDINGS_MODEL,
    async embed(values, timeoutMs = 30_000) {
      const out: number[][] = [];
      for (let i = 0; i < values.length; i += BATCH) {
        const { embeddings } = await embedMany({
          model,
          values: values.slice(i, i + BATCH),
          maxRetries: 1,
          abortSignal: AbortSignal.timeout(timeoutMs),
        });
        out.push(...embeddings);
      }
      return out;
    },
  };
}

// Whether this database has the embeddings table (it exists only where the extension does).
const available = new WeakMap<object, Promise<boolean>>();

/** True when the database can store and search vectors. Asked once per database. */
export function vectorAvailable(db: DbOrTx): Promise<boolean> {
  const key = db as object;
  let p = available.get(key);
  if (!p) {
    p = db
      .execute(
        sql`select exists (select 1 from pg_extension where extname = 'vector') and to_regclass('knowledge_embeddings') is not null as ok`,
      )
      .then((r) => rowsOf<{ ok: boolean }>(r)[0]?.ok === true)
      .catch(() => false);
    available.set(key, p);
  }
  return p;
}

/** pgvector's text form of a vector. */
export const vectorLiteral = (v: number[]) => `[${v.map((x) => (Number.isFinite(x) ? x : 0)).join(',')}]`;
