// Accuracy of the rules interpreter on the command sets, per language: intent, full line (every
// field right), and the share of negatives acted on — lines that must NOT act (chit-chat, help
// questions: expected `unknown` or `help`) read as a command that changes something (goal ≤ 2%).
//   node bench/eval-commands.ts [--misses] [--set <file.jsonl>]...
// With --set, scores the given set(s) instead of dev and holdout (a path, or a name under
// test/fixtures/commands/ such as "independent").
import { interpretRules } from '../src/commands/interpret/rules.ts';
import { readEvalSet, scoreSet, type EvalLine, type EvalScore } from '../src/commands/interpret/eval-set.ts';

const ctx = { now: new Date('2026-03-10T10:00:00+05:30'), timeZone: 'Asia/Kolkata' };
const showMisses = process.argv.includes('--misses');
const sets = process.argv.flatMap((a, i, all) => (a === '--set' && all[i + 1] ? [all[i + 1]] : []));
const setUrl = (name: string) =>
  /[/.]/.test(name)
    ? new URL(name, `file://${process.cwd()}/`)
    : new URL(`../test/fixtures/commands/${name}.jsonl`, import.meta.url);
const pct = (n: number, d: number) => (d ? ((100 * n) / d).toFixed(1) + '%' : '-');
const NEGATIVE = new Set(['unknown', 'help']);
type Neg = { lines: number; acted: number };
const negOf = (lines: EvalLine[], got: Map<string, string>, lang?: string): Neg => {
  const neg = lines.filter((l) => NEGATIVE.has(l.expected.intent) && (!lang || l.lang === lang));
  return { lines: neg.length, acted: neg.filter((l) => !NEGATIVE.has(got.get(l.id) ?? 'unknown')).length };
};
const row = (name: string, s: EvalScore, n: Neg) =>
  `  ${name.padEnd(10)} ${String(s.lines).padStart(4)} lines   intent ${pct(s.intentRight, s.lines).padStart(6)}   full line ${pct(s.allRight, s.lines).padStart(6)}   negatives acted on ${`${n.acted}/${n.lines}`.padStart(6)} ${pct(n.acted, n.lines).padStart(6)}`;
const total: Neg = { lines: 0, acted: 0 };

for (const name of sets.length ? sets : ['dev', 'holdout']) {
  const url = setUrl(name);
  const lines = readEvalSet(url);
  const got = new Map<string, string>();
  const byText = new Map(lines.map((l) => [l.text, l.id]));
  const score = scoreSet(lines, (text) => {
    const command = interpretRules(text, ctx).command;
    got.set(byText.get(text)!, command.intent);
    return command;
  });
  const neg = negOf(lines, got);
  total.lines += neg.lines;
  total.acted += neg.acted;
  console.log(url.pathname.split('/').pop());
  console.log(row('all', score, neg));
  for (const [lang, s] of Object.entries(score.byLang).sort()) console.log(row(lang, s, negOf(lines, got, lang)));
  if (showMisses) {
    for (const m of score.misses) {
      console.log(
        `    ${m.line.id} [${m.wrongFields.join(', ')}] ${m.line.text}\n      expected ${JSON.stringify(m.line.expected)}\n      got      ${JSON.stringify(m.got)}`,
      );
    }
  }
}
console.log(
  `negatives acted on, all sets: ${total.acted}/${total.lines} = ${pct(total.acted, total.lines)} (goal ≤ 2%)${
    total.lines && total.acted / total.lines > 0.02 ? '  ✗ over the goal' : ''
  }`,
);
