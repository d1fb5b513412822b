// Accuracy of the rules interpreter on the command dev and held-out sets, per language.
//   node bench/eval-commands.ts [--misses]
import { interpretRules } from '../src/commands/interpret/rules.ts';
import { readEvalSet, scoreSet, type EvalScore } from '../src/commands/interpret/eval-set.ts';

const ctx = { now: new Date('2026-03-10T10:00:00+05:30'), timeZone: 'Asia/Kolkata' };
const showMisses = process.argv.includes('--misses');
const pct = (n: number, d: number) => (d ? ((100 * n) / d).toFixed(1) + '%' : '-');
const row = (name: string, s: EvalScore) =>
  `  ${name.padEnd(10)} ${String(s.lines).padStart(4)} lines   intent ${pct(s.intentRight, s.lines).padStart(6)}   all fields ${pct(s.allRight, s.lines).padStart(6)}`;

for (const name of ['dev', 'holdout']) {
  const lines = readEvalSet(new URL(`../test/fixtures/commands/${name}.jsonl`, import.meta.url));
  const score = scoreSet(lines, (text) => interpretRules(text, ctx).command);
  console.log(`${name}.jsonl`);
  console.log(row('all', score));
  for (const [lang, s] of Object.entries(score.byLang).sort()) console.log(row(lang, s));
  if (showMisses) {
    for (const m of score.misses) {
      console.log(`    ${m.line.id} [${m.wrongFields.join(', ')}] ${m.line.text}\n      expected ${JSON.stringify(m.line.expected)}\n      got      ${JSON.stringify(m.got)}`);
    }
  }
}
