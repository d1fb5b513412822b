// Accuracy of the rules interpreter on the command dev and held-out sets, per language.
//   node bench/eval-commands.ts [--misses] [--set <file.jsonl>]...
// With --set, scores the given set(s) instead of dev and holdout (a path, or a name under
// test/fixtures/commands/ such as "independent").
import { interpretRules } from '../src/commands/interpret/rules.ts';
import { readEvalSet, scoreSet, type EvalScore } from '../src/commands/interpret/eval-set.ts';

const ctx = { now: new Date('2026-03-10T10:00:00+05:30'), timeZone: 'Asia/Kolkata' };
const showMisses = process.argv.includes('--misses');
const sets = process.argv.flatMap((a, i, all) => (a === '--set' && all[i + 1] ? [all[i + 1]] : []));
const setUrl = (name: string) =>
  /[/.]/.test(name)
    ? new URL(name, `file://${process.cwd()}/`)
    : new URL(`../test/fixtures/commands/${name}.jsonl`, import.meta.url);
const pct = (n: number, d: number) => (d ? ((100 * n) / d).toFixed(1) + '%' : '-');
const row = (name: string, s: EvalScore) =>
  `  ${name.padEnd(10)} ${String(s.lines).padStart(4)} lines   intent ${pct(s.intentRight, s.lines).padStart(6)}   all fields ${pct(s.allRight, s.lines).padStart(6)}`;

for (const name of sets.length ? sets : ['dev', 'holdout']) {
  const url = setUrl(name);
  const lines = readEvalSet(url);
  const score = scoreSet(lines, (text) => interpretRules(text, ctx).command);
  console.log(url.pathname.split('/').pop());
  console.log(row('all', score));
  for (const [lang, s] of Object.entries(score.byLang).sort()) console.log(row(lang, s));
  if (showMisses) {
    for (const m of score.misses) {
      console.log(
        `    ${m.line.id} [${m.wrongFields.join(', ')}] ${m.line.text}\n      expected ${JSON.stringify(m.line.expected)}\n      got      ${JSON.stringify(m.got)}`,
      );
    }
  }
}
