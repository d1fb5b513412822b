// Hybrid retrieval in PostgreSQL, the same on PGlite and a server. Every leg is scoped before the
// fusion (workspace, page, channel, active links, and who may see per-contact records), so ranks
// are never computed over rows the caller may not see:
//  - full text: `kb_simple` (simple + unaccent), an OR of the question's words as prefixes, their
//    spelling corrections from the workspace's vocabulary (pg_trgm), and the words of the concepts
//    asked about (price, hours…, in English, Hindi and Hinglish);
//  - identifiers: phones (E.164), emails and ids in the question against the chunks' keys;
//  - vectors, only with an embeddings server configured and pgvector present.
// Fused by reciprocal rank fusion (k = 60).
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../db/client.ts';
import type { LinkChannel } from '../db/schema/index.ts';
import { identifiersIn } from './chunk.ts';
import { vectorAvailable, vectorLiteral, type Embedder } from './embeddings.ts';
import { CONCEPTS, conceptWords, normalizeText, planQuestion, wordsOf, type QuestionPlan } from './text.ts';

export const RRF_K = 60;
const LEG_LIMIT = 40;

/** Staff see every record (agents: public ones only); a customer sees public records and their own. */
export type Audience = { kind: 'staff'; perContact: boolean } | { kind: 'contact'; keys: string[] };

export type SearchScope = {
  workspaceId: string;
  /** null: every page of the workspace (the simulator, staff search). */
  pageId?: string | null;
  channel?: LinkChannel | null;
  audience: Audience;
  /** Only per-contact records (a customer's "my …" questions, the team bot's CRM record). */
  perContactOnly?: boolean;
};

export type SearchHit = {
  id: string;
  linkId: string;
  linkName: string;
  linkType: string;
  record: string;
  part: number;
  text: string;
  score: number;
  legs: ('full_text' | 'identifier' | 'vector')[];
  perContact: boolean;
  /** Share of the question's content words found in the chunk (prefix or spelling correction). */
  coverage: number;
  /** Concepts of the question the chunk's fields or words answer (price, hours…). */
  concepts: string[];
  fetchedAt: string | null;
};

export type SearchTrace = {
  plan: QuestionPlan;
  corrections: Record<string, string[]>;
  legs: { full_text: number; identifier: number; vector: number | null };
  vector: 'on' | 'not_configured' | 'no_extension' | 'failed';
};

export const textArray = (values: string[]): SQL =>
  values.length
    ? sql`array[${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )}]::text[]`
    : sql`'{}'::text[]`;

function scopeSql(s: SearchScope): SQL {
  const parts: SQL[] = [
    sql`c.workspace_id = ${s.workspaceId}`,
    sql`l.workspace_id = ${s.workspaceId}`,
    sql`cardinality(l.active_channels) > 0`,
  ];
  if (s.pageId) parts.push(sql`l.page_id = ${s.pageId}`);
  if (s.channel) parts.push(sql`${s.channel} = any(l.active_channels)`);
  if (s.audience.kind === 'contact')
    parts.push(
      s.audience.keys.length
        ? sql`(c.contact_keys is null or c.contact_keys && ${textArray(s.audience.keys)})`
        : sql`c.contact_keys is null`,
    );
  else if (!s.audience.perContact) parts.push(sql`c.contact_keys is null`);
  if (s.perContactOnly) parts.push(sql`c.contact_keys is not null`);
  return sql.join(parts, sql` and `);
}

const tsLexeme = (w: string, prefix: boolean) => `'${w.replace(/'/g, "''")}'${prefix ? ':*' : ''}`;

async function corrections(db: DbOrTx, workspaceId: string, terms: string[]): Promise<Record<string, string[]>> {
  const eligible = terms.filter((t) => t.length >= 3 && !/\d/.test(t));
  if (!eligible.length) return {};
  const rows = rowsOf<{ q: string; word: string }>(
    await db.execute(sql`select t.q, w.word from unnest(${textArray(eligible)}) as t(q)
      cross join lateral (select word from knowledge_terms where workspace_id = ${workspaceId} and word % t.q and word <> t.q
        order by similarity(word, t.q) desc limit 3) w`),
  );
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.q] ??= []).push(r.word);
  return out;
}

const from = sql`knowledge_chunks c join knowledge_links l on l.id = c.link_id`;

/**
 * The question's own words decide which chunks match; the concept words (price, hours…) only
 * break ties, so "teeth whitening price" does not rank every priced record alike.
 */
async function fullTextLeg(db: DbOrTx, scope: SQL, content: string, concepts: string): Promise<string[]> {
  const main = content || concepts;
  if (!main) return [];
  const extra = content && concepts ? concepts : '';
  const rank = extra
    ? sql`ts_rank_cd(c.tsv, q.q) + 0.2 * ts_rank_cd(c.tsv, to_tsquery('kb_simple', ${extra}))`
    : sql`ts_rank_cd(c.tsv, q.q)`;
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`select c.id from ${from}, to_tsquery('kb_simple', ${main}) as q(q)
      where ${scope} and c.tsv @@ q.q order by ${rank} desc, c.id limit ${LEG_LIMIT}`),
  );
  return rows.map((r) => r.id);
}

async function identifierLeg(db: DbOrTx, scope: SQL, keys: string[]): Promise<string[]> {
  if (!keys.length) return [];
  const k = textArray(keys);
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`select c.id from ${from} where ${scope} and c.keys && ${k}
      order by cardinality(array(select unnest(c.keys) intersect select unnest(${k}))) desc, c.id limit ${LEG_LIMIT}`),
  );
  return rows.map((r) => r.id);
}

async function vectorLeg(db: DbOrTx, scope: SQL, embedder: Embedder, q: string): Promise<string[]> {
  const [v] = await embedder.embed([q], 5000);
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`select c.id from knowledge_embeddings e join ${from} on c.id = e.chunk_id
      where ${scope} and e.model = ${embedder.model} order by e.embedding <=> ${vectorLiteral(v)}::vector limit ${LEG_LIMIT}`),
  );
  return rows.map((r) => r.id);
}

type Row = {
  id: string;
  link_id: string;
  record: string;
  part: number;
  text: string;
  search_text: string;
  key_text: string;
  per_contact: boolean;
  name: string;
  type: string;
  last_fetched_at: string | Date | null;
};

/** A concept's words or field names among these words (as prefixes for words of 4+ letters). */
export function conceptIn(concept: string, words: string[]): boolean {
  const wanted = [...CONCEPTS[concept].keys, ...CONCEPTS[concept].words].map(normalizeText);
  return words.some((t) => wanted.some((w) => t === w || (w.length >= 4 && t.startsWith(w))));
}

/** How much of the question a chunk covers: its content words (as prefixes or corrected) and concepts. */
export function coverageOf(
  plan: QuestionPlan,
  fixes: Record<string, string[]>,
  chunk: { search_text: string; key_text: string; text: string },
) {
  const tokens = new Set([...wordsOf(chunk.search_text), ...wordsOf(chunk.key_text)]);
  const list = [...tokens];
  // A word found as it is (or as a prefix, or without its plural s) counts 1; only through a
  // spelling correction, 0.75 — so "cars" matching "cards" alone is not an answer.
  const score = (t: string) => {
    const stems = t.length >= 4 && /s$/.test(t) ? [t, t.replace(/e?s$/, '')] : [t];
    if (stems.some((x) => tokens.has(x) || (x.length >= 3 && list.some((w) => w.startsWith(x))))) return 1;
    return (fixes[t] ?? []).some((f) => tokens.has(f)) ? 0.75 : 0;
  };
  const matched = plan.terms.reduce((n, t) => n + score(t), 0);
  const concepts = plan.concepts.filter((c) => conceptIn(c, list));
  return { coverage: plan.terms.length ? matched / plan.terms.length : 0, concepts };
}

export async function searchKnowledge(
  db: DbOrTx,
  scope: SearchScope,
  q: string,
  opts: { limit?: number; embedder?: Embedder | null; region?: string; vectorDb?: DbOrTx } = {},
): Promise<{ hits: SearchHit[]; trace: SearchTrace }> {
  const limit = opts.limit ?? 5;
  const plan = planQuestion(q);
  const where = scopeSql(scope);
  const fixes = await corrections(db, scope.workspaceId, plan.terms);
  const lexemes = new Set<string>();
  for (const t of plan.terms) {
    lexemes.add(tsLexeme(t, t.length >= 3 && !/^\d+$/.test(t)));
    if (t.length >= 5 && /s$/.test(t)) lexemes.add(tsLexeme(t.replace(/e?s$/, ''), true)); // "implants" → implant:*
  }
  for (const fs of Object.values(fixes)) for (const f of fs) lexemes.add(tsLexeme(f, false));
  const conceptLexemes = new Set<string>();
  for (const w of conceptWords(plan.concepts)) for (const part of wordsOf(w)) conceptLexemes.add(tsLexeme(part, false));
  const keys = identifiersIn(q, opts.region ?? 'IN');

  let vector: SearchTrace['vector'] = opts.embedder ? 'on' : 'not_configured';
  if (opts.embedder && !(await vectorAvailable(opts.vectorDb ?? db))) vector = 'no_extension';
  const [ft, ids, vec] = await Promise.all([
    fullTextLeg(db, where, [...lexemes].join(' | '), [...conceptLexemes].join(' | ')),
    identifierLeg(db, where, keys),
    vector === 'on'
      ? vectorLeg(db, where, opts.embedder!, q).catch(() => {
          vector = 'failed';
          return null;
        })
      : Promise.resolve(null),
  ]);

  const fused = new Map<string, { score: number; legs: SearchHit['legs'] }>();
  const add = (list: string[] | null, leg: SearchHit['legs'][number]) =>
    list?.forEach((id, i) => {
      const f = fused.get(id) ?? { score: 0, legs: [] };
      f.score += 1 / (RRF_K + i + 1);
      f.legs.push(leg);
      fused.set(id, f);
    });
  add(ft, 'full_text');
  add(ids, 'identifier');
  add(vec, 'vector');
  const top = [...fused.entries()].sort((a, b) => b[1].score - a[1].score || a[0].localeCompare(b[0])).slice(0, limit);
  const trace: SearchTrace = {
    plan,
    corrections: fixes,
    legs: { full_text: ft.length, identifier: ids.length, vector: vec ? vec.length : null },
    vector,
  };
  if (!top.length) return { hits: [], trace };
  const rows = rowsOf<Row>(
    await db.execute(sql`select c.id, c.link_id, c.record, c.part, c.text, c.search_text, c.key_text,
      c.contact_keys is not null as per_contact, l.name, l.type, l.last_fetched_at
      from ${from} where c.id in (${sql.join(
        top.map(([id]) => sql`${id}::uuid`),
        sql`, `,
      )})`),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const hits = top.flatMap(([id, f]) => {
    const r = byId.get(id);
    if (!r) return [];
    const cov = coverageOf(plan, fixes, r);
    return [
      {
        id,
        linkId: r.link_id,
        linkName: r.name,
        linkType: r.type,
        record: r.record,
        part: Number(r.part),
        text: r.text,
        score: Math.round(f.score * 10000) / 10000,
        legs: f.legs,
        perContact: r.per_contact === true,
        coverage: Math.round(cov.coverage * 100) / 100,
        concepts: cov.concepts,
        fetchedAt: r.last_fetched_at ? new Date(r.last_fetched_at).toISOString() : null,
      },
    ];
  });
  return { hits, trace };
}
