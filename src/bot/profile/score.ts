// Precision/recall of extracted profile facts against labelled messages (test/fixtures/profile).
// Facts are compared as items (see the fixture README): scalars as one normalized string,
// preferred_times and communication_preferences field by field, special_notes by category,
// preferred_services by containment ("massage" matches "deep tissue massage").
import { readFileSync } from 'node:fs';
import { PROFILE_FACT_KEYS, ProfileFactsSchema, type ProfileFactKey, type ProfileFacts } from './facts.ts';

export type FixtureRow = { id: string; text: string; expected: ProfileFacts };
export type Counts = { tp: number; fp: number; fn: number };
export type KeyScore = Counts & { precision: number; recall: number; f1: number };
export type Score = {
  perKey: Record<ProfileFactKey, KeyScore>;
  micro: KeyScore;
  /** Messages labelled with no facts, and how many of them yielded none. */
  noFacts: { messages: number; yieldedNone: number; rate: number };
  exactMessages: number;
  messages: number;
};

export function loadFixture(path: string | URL): FixtureRow[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const row = JSON.parse(l) as FixtureRow;
      const parsed = ProfileFactsSchema.safeParse(row.expected);
      if (!parsed.success) throw new Error(`${String(path)}:${i + 1} (${row.id}): ${parsed.error.message}`);
      return { id: row.id, text: row.text, expected: parsed.data };
    });
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\b(?:mr|mrs|ms|miss|frau|herr|herrn|ma'?am|madam|sir|ji)\b\.?/g, ' ')
    .replace(/\bdoctor\b/g, 'dr')
    .replace(/[^a-z0-9@]+/g, ' ')
    .trim();
const stem = (s: string) =>
  norm(s)
    .split(' ')
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w))
    .join(' ');

/** The comparable items of one key. */
export function factItems(facts: ProfileFacts, key: ProfileFactKey): string[] {
  switch (key) {
    case 'name':
    case 'preferred_staff':
      return facts[key] ? [norm(facts[key])] : [];
    case 'email':
      return facts.email ? [facts.email.toLowerCase()] : [];
    case 'declined':
      return facts.declined ? [facts.declined] : [];
    case 'preferred_times': {
      const t = facts.preferred_times;
      if (!t) return [];
      return [
        t.part_of_day && `part_of_day=${t.part_of_day}`,
        t.before && `before=${t.before}`,
        t.after && `after=${t.after}`,
        ...(t.days ?? []).map((d) => `day=${d}`),
      ].filter((x): x is string => Boolean(x));
    }
    case 'communication_preferences': {
      const c = facts.communication_preferences;
      if (!c) return [];
      return [
        c.channel && `channel=${c.channel}`,
        c.no_calls && 'no_calls',
        c.language && `language=${c.language}`,
      ].filter((x): x is string => Boolean(x));
    }
    case 'special_notes':
      return (facts.special_notes ?? []).map((n) => n.category);
    case 'preferred_services':
      return (facts.preferred_services ?? []).map(stem);
  }
}

const matches = (key: ProfileFactKey, expected: string, actual: string) =>
  key === 'preferred_services' ? expected.includes(actual) || actual.includes(expected) : expected === actual;

export function compareKey(key: ProfileFactKey, expected: ProfileFacts, actual: ProfileFacts): Counts {
  const want = factItems(expected, key);
  const got = factItems(actual, key);
  const used = new Set<number>();
  let tp = 0;
  for (const g of got) {
    const i = want.findIndex((w, j) => !used.has(j) && matches(key, w, g));
    if (i >= 0) {
      used.add(i);
      tp++;
    }
  }
  return { tp, fp: got.length - tp, fn: want.length - tp };
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
function finish(c: Counts): KeyScore {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  return { ...c, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

export function scoreRows(rows: { expected: ProfileFacts; actual: ProfileFacts }[]): Score {
  const totals = Object.fromEntries(PROFILE_FACT_KEYS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }])) as Record<
    ProfileFactKey,
    Counts
  >;
  let noFactMessages = 0;
  let yieldedNone = 0;
  let exact = 0;
  for (const { expected, actual } of rows) {
    let allRight = true;
    for (const key of PROFILE_FACT_KEYS) {
      const c = compareKey(key, expected, actual);
      totals[key].tp += c.tp;
      totals[key].fp += c.fp;
      totals[key].fn += c.fn;
      if (c.fp || c.fn) allRight = false;
    }
    if (allRight) exact++;
    if (Object.keys(expected).length === 0) {
      noFactMessages++;
      if (Object.keys(actual).length === 0) yieldedNone++;
    }
  }
  const micro = Object.values(totals).reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), {
    tp: 0,
    fp: 0,
    fn: 0,
  });
  return {
    perKey: Object.fromEntries(PROFILE_FACT_KEYS.map((k) => [k, finish(totals[k])])) as Record<
      ProfileFactKey,
      KeyScore
    >,
    micro: finish(micro),
    noFacts: { messages: noFactMessages, yieldedNone, rate: ratio(yieldedNone, noFactMessages) },
    exactMessages: exact,
    messages: rows.length,
  };
}

/** A fixed-width table for the console. */
export function formatScore(label: string, s: Score): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const lines = [
    `${label}: ${s.messages} messages, ${s.exactMessages} exactly right`,
    `${'key'.padEnd(27)} ${'prec'.padStart(6)} ${'recall'.padStart(6)} ${'f1'.padStart(6)}   tp  fp  fn`,
  ];
  for (const [k, v] of Object.entries(s.perKey)) {
    lines.push(
      `${k.padEnd(27)} ${pct(v.precision)} ${pct(v.recall)} ${pct(v.f1)} ${String(v.tp).padStart(4)}${String(v.fp).padStart(4)}${String(v.fn).padStart(4)}`,
    );
  }
  lines.push(
    `${'micro'.padEnd(27)} ${pct(s.micro.precision)} ${pct(s.micro.recall)} ${pct(s.micro.f1)} ${String(s.micro.tp).padStart(4)}${String(s.micro.fp).padStart(4)}${String(s.micro.fn).padStart(4)}`,
  );
  lines.push(
    `no-fact messages yielding none: ${s.noFacts.yieldedNone}/${s.noFacts.messages} (${pct(s.noFacts.rate).trim()})`,
  );
  return lines.join('\n');
}
