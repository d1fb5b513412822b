// Profile-fact extraction (rules): per-key precision/recall on the dev and held-out fixtures, and
// throughput. Usage: node bench/eval-profile.ts [--errors] [--set dev|holdout]
import { extractProfileFacts } from '../src/bot/profile/extract-rules.ts';
import { compareKey, formatScore, loadFixture, scoreRows, type FixtureRow } from '../src/bot/profile/score.ts';
import { PROFILE_FACT_KEYS } from '../src/bot/profile/facts.ts';

const args = process.argv.slice(2);
const showErrors = args.includes('--errors');
const only = args.includes('--set') ? args[args.indexOf('--set') + 1] : undefined;
const sets = (['dev', 'holdout'] as const).filter((s) => !only || s === only);

const allRows: FixtureRow[] = [];
for (const set of sets) {
  const rows = loadFixture(new URL(`../test/fixtures/profile/${set}.jsonl`, import.meta.url));
  allRows.push(...rows);
  const results = rows.map((r) => ({ row: r, expected: r.expected, actual: extractProfileFacts(r.text).facts }));
  console.log(formatScore(set, scoreRows(results)));
  if (showErrors) {
    for (const { row, actual } of results) {
      const diffs = PROFILE_FACT_KEYS.filter((k) => {
        const c = compareKey(k, row.expected, actual);
        return c.fp > 0 || c.fn > 0;
      });
      if (diffs.length)
        console.log(
          `  ${row.id} ${JSON.stringify(row.text)}\n     want ${JSON.stringify(row.expected)}\n     got  ${JSON.stringify(actual)}`,
        );
    }
  }
  console.log();
}

// Throughput: every fixture message, repeated until about a second has passed.
const texts = allRows.map((r) => r.text);
for (const t of texts) extractProfileFacts(t); // warm-up
let n = 0;
const started = process.hrtime.bigint();
let elapsedMs = 0;
while (elapsedMs < 1000) {
  for (const t of texts) extractProfileFacts(t);
  n += texts.length;
  elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
}
const avgChars = texts.reduce((a, t) => a + t.length, 0) / texts.length;
console.log(
  `throughput: ${Math.round((n / elapsedMs) * 1000).toLocaleString('en')} messages/s (${n} messages, ${avgChars.toFixed(0)} chars on average, ${((elapsedMs * 1000) / n).toFixed(1)} µs each)`,
);
