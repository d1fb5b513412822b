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
import { identifiersIn, withoutIdentifiers } from './chunk.ts';
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

/** The links in scope (active, on the page and channel): a small lookup that keeps the chunk queries on one table. */
async function linksInScope(db: DbOrTx, s: SearchScope): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`select id from knowledge_links where workspace_id = ${s.workspaceId} and cardinality(active_channels) > 0
      ${s.pageId ? sql`and page_id = ${s.pageId}` : sql``} ${s.channel ? sql`and ${s.channel} = any(active_channels)` : sql``}`),
  );
  return rows.map((r) => r.id);
}

/**
 * Who may see what, as branches searched apart and merged: a customer's public chunks (their own
 * partial index, without the many per-contact records) and their own records (by contact key).
 */
type Branch = { where: SQL; boost: number };

function audienceBranches(s: SearchScope, personal: boolean): Branch[] {
  // "my appointment": the customer's own record comes before anything public.
  const own = (keys: string[]) => ({ where: sql`c.contact_keys && ${textArray(keys)}`, boost: personal ? 10 : 0 });
  const pub = { where: sql`c.contact_keys is null`, boost: 0 };
  if (s.perContactOnly) {
    if (s.audience.kind === 'contact') return s.audience.keys.length ? [own(s.audience.keys)] : [];
    return [{ where: sql`c.contact_keys is not null`, boost: 0 }];
  }
  if (s.audience.kind === 'contact') return s.audience.keys.length ? [pub, own(s.audience.keys)] : [pub];
  return [s.audience.perContact ? { where: sql`true`, boost: 0 } : pub];
}

const tsLexeme = (w: string, prefix: boolean) => `'${w.replace(/'/g, "''")}'${prefix ? ':*' : ''}`;

type TermInfo = { fixes: Record<string, string[]>; common: Set<string> };

/**
 * Spelling corrections of the question's words from the workspace's vocabulary (pg_trgm), and the
 * words so common (in more than a fifth of the chunks) that they only count when all words match.
 */
async function termInfo(db: DbOrTx, workspaceId: string, terms: string[]): Promise<TermInfo> {
  const out: TermInfo = { fixes: {}, common: new Set() };
  if (!terms.length) return out;
  const rows = rowsOf<{ q: string; df: number | null; total: number; fixes: string[] | null }>(
    await db.execute(sql`select t.q,
        (select ndoc from knowledge_terms where workspace_id = ${workspaceId} and word = t.q) as df,
        (select coalesce(sum(chunks), 0)::int from knowledge_links where workspace_id = ${workspaceId}) as total,
        case when length(t.q) >= 3 and t.q !~ '[0-9]' then array(select word from knowledge_terms
          where workspace_id = ${workspaceId} and word % t.q and word <> t.q order by similarity(word, t.q) desc limit 3) end as fixes
      from unnest(${textArray(terms)}) as t(q)`),
  );
  for (const r of rows) {
    if (r.fixes?.length) out.fixes[r.q] = r.fixes;
    if (r.df !== null && Number(r.total) > 50 && Number(r.df) / Number(r.total) > 0.2) out.common.add(r.q);
  }
  return out;
}

/** Candidates ranked per branch, at most this many each: GIN finds them, only these are ranked. */
const RANK_CAP = 300;

async function rankedMatches(
  db: DbOrTx,
  base: SQL,
  branches: Branch[],
  query: string,
  extra: string,
): Promise<string[]> {
  const rank = extra
    ? sql`ts_rank_cd(c.tsv, q.q) + 0.2 * ts_rank_cd(c.tsv, to_tsquery('kb_simple', ${extra}))`
    : sql`ts_rank_cd(c.tsv, q.q)`;
  const parts = branches.map(
    (
      b,
    ) => sql`(select c.id, ${rank} + ${b.boost} as r from (select c.id, c.tsv from knowledge_chunks c, to_tsquery('kb_simple', ${query}) as q(q)
      where ${base} and ${b.where} and c.tsv @@ q.q limit ${RANK_CAP}) c, to_tsquery('kb_simple', ${query}) as q(q))`,
  );
  const rows = rowsOf<{ id: string }>(
    await db.execute(
      sql`select id from (${sql.join(parts, sql` union all `)}) x order by r desc, id limit ${LEG_LIMIT}`,
    ),
  );
  return rows.map((r) => r.id);
}

/**
 * Full text in two steps: chunks with every word of the question (each word as a prefix or one of
 * its corrections), then — when those are few — chunks with some of them, leaving out words most
 * chunks have. The concept words (price, hours…) only break ties, so "teeth whitening price"
 * does not rank every priced record alike; alone (a Hindi question about English data) they match.
 */
async function fullTextLeg(
  db: DbOrTx,
  base: SQL,
  branches: Branch[],
  groups: { term: string; alternatives: string[] }[],
  info: TermInfo,
  concepts: string,
): Promise<string[]> {
  if (!branches.length) return [];
  if (!groups.length) return concepts ? rankedMatches(db, base, branches, concepts, '') : [];
  const group = (g: { alternatives: string[] }) => `(${g.alternatives.join(' | ')})`;
  const all = await rankedMatches(db, base, branches, groups.map(group).join(' & '), concepts);
  if (all.length >= 5 || groups.length === 1) {
    if (all.length || !concepts) return all;
    return rankedMatches(db, base, branches, concepts, '');
  }
  const rare = groups.filter((g) => !info.common.has(g.term));
  const some = rare.length ? await rankedMatches(db, base, branches, rare.map(group).join(' | '), concepts) : [];
  const merged = [...new Set([...all, ...some])].slice(0, LEG_LIMIT);
  if (merged.length || !concepts) return merged;
  return rankedMatches(db, base, branches, concepts, '');
}

async function identifierLeg(db: DbOrTx, base: SQL, branches: Branch[], keys: string[]): Promise<string[]> {
  if (!keys.length || !branches.length) return [];
  const k = textArray(keys);
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`select c.id from knowledge_chunks c where ${base} and (${sql.join(
      branches.map((b) => b.where),
      sql` or `,
    )}) and c.keys && ${k}
      order by cardinality(array(select unnest(c.keys) intersect select unnest(${k}))) desc, c.id limit ${LEG_LIMIT}`),
  );
  return rows.map((r) => r.id);
}

async function vectorLeg(db: DbOrTx, base: SQL, branches: Branch[], embedder: Embedder, q: string): Promise<string[]> {
  if (!branches.length) return [];
  const [v] = await embedder.embed([q], 5000);
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`select c.id from knowledge_embeddings e join knowledge_chunks c on c.id = e.chunk_id
      where ${base} and (${sql.join(
        branches.map((b) => b.where),
        sql` or `,
      )}) and e.model = ${embedder.model}
      order by e.embedding <=> ${vectorLiteral(v)}::vector limit ${LEG_LIMIT}`),
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
  const region = opts.region ?? 'IN';
  const keys = identifiersIn(q, region);
  // Phones, emails and ids are the identifier leg's: as words they would match every record.
  const plan = { ...planQuestion(withoutIdentifiers(q)), personal: planQuestion(q).personal };
  const emptyTrace = (): SearchTrace => ({
    plan,
    corrections: {},
    legs: { full_text: 0, identifier: 0, vector: null },
    vector: opts.embedder ? 'on' : 'not_configured',
  });
  const links = await linksInScope(db, scope);
  if (!links.length) return { hits: [], trace: emptyTrace() };
  const base = sql`c.workspace_id = ${scope.workspaceId} and c.link_id in (${sql.join(
    links.map((l) => sql`${l}::uuid`),
    sql`, `,
  )})`;
  const branches = audienceBranches(scope, plan.personal);
  const info = await termInfo(db, scope.workspaceId, plan.terms);
  const fixes = info.fixes;
  const groups = plan.terms.map((t) => {
    const alternatives = new Set([tsLexeme(t, t.length >= 3 && !/^\d+$/.test(t))]);
    if (t.length >= 5 && /s$/.test(t)) alternatives.add(tsLexeme(t.replace(/e?s$/, ''), true)); // "implants" → implant:*
    for (const f of fixes[t] ?? []) alternatives.add(tsLexeme(f, false));
    return { term: t, alternatives: [...alternatives] };
  });
  const conceptLexemes = new Set<string>();
  for (const w of conceptWords(plan.concepts)) for (const part of wordsOf(w)) conceptLexemes.add(tsLexeme(part, false));

  let vector: SearchTrace['vector'] = opts.embedder ? 'on' : 'not_configured';
  if (opts.embedder && !(await vectorAvailable(opts.vectorDb ?? db))) vector = 'no_extension';
  const [ft, ids, vec] = await Promise.all([
    fullTextLeg(db, base, branches, groups, info, [...conceptLexemes].join(' | ')),
    identifierLeg(db, base, branches, keys),
    vector === 'on'
      ? vectorLeg(db, base, branches, opts.embedder!, q).catch(() => {
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
      from knowledge_chunks c join knowledge_links l on l.id = c.link_id where c.id in (${sql.join(
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
