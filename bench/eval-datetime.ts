// Scores parseWhen on the Hinglish-TOP development set (/work/shared/eval/hinglish-top/datetime.tsv,
// see the README beside it) and measures its speed.
//   node bench/eval-datetime.ts [--show-misses] [--file path/to/datetime.tsv]
// Value accuracy: rows with an expected value; datetime rows must match `at` to the minute, date
// rows must match `date`. Blank rows are ambiguous by the set's conventions; we report how often
// we still give a point in time (`at`) and how often any value. Our product rules differ from the
// set's in places (a bare "7 . 30" is 19:30 for us; a past time means tomorrow), so blank-row
// points are expected, not all errors.
import { readFileSync } from 'node:fs';
import { parseWhen, type ParsedWhen } from '../src/commands/interpret/dates.ts';

const args = process.argv.slice(2);
const fileArg = args.indexOf('--file');
const file = fileArg >= 0 ? args[fileArg + 1] : '/work/shared/eval/hinglish-top/datetime.tsv';
const showMisses = args.includes('--show-misses');

type Row = { id: string; utterance: string; span: string; expected: string; granularity: string; note: string };
const lines = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim());
const header = lines[0].split('\t');
const col = (name: string) => header.indexOf(name);
const rows: Row[] = lines.slice(1).map((line) => {
  const c = line.split('\t');
  return {
    id: c[col('id')],
    utterance: c[col('utterance')],
    span: c[col('gold_datetime_spans')],
    expected: c[col('expected_value')] ?? '',
    granularity: c[col('value_granularity')] ?? '',
    note: c[col('value_note')] ?? '',
  };
});

// Reference time of the set: Tuesday 2026-03-10 10:00 IST.
const ctx = { now: new Date('2026-03-10T10:00:00+05:30'), timeZone: 'Asia/Kolkata' };
const minuteOf = (iso: string) => Math.floor(Date.parse(iso) / 60_000);

function isCorrect(row: Row, got: ParsedWhen | null): boolean {
  if (!got) return false;
  if (row.granularity === 'datetime') return got.at !== undefined && minuteOf(got.at) === minuteOf(row.expected);
  return got.date === row.expected.slice(0, 10);
}

let valued = 0;
let correct = 0;
let blank = 0;
let blankWithAt = 0;
let blankWithValue = 0;
const byNote = new Map<string, { n: number; ok: number }>();
const blankByNote = new Map<string, { n: number; at: number }>();
const misses: string[] = [];
for (const row of rows) {
  const got = parseWhen(row.utterance, ctx);
  const shown = got ? `${got.at ?? got.date} «${got.text}»` : 'null';
  if (row.expected) {
    valued++;
    const ok = isCorrect(row, got);
    if (ok) correct++;
    const stat = byNote.get(row.note) ?? { n: 0, ok: 0 };
    stat.n++;
    if (ok) stat.ok++;
    byNote.set(row.note, stat);
    if (!ok) misses.push(`MISS  ${row.id}  ${row.utterance}\n      want ${row.expected} «${row.span}»  got ${shown}`);
  } else {
    blank++;
    if (got?.at) blankWithAt++;
    const stat = blankByNote.get(row.note) ?? { n: 0, at: 0 };
    stat.n++;
    if (got?.at) stat.at++;
    blankByNote.set(row.note, stat);
    if (got) blankWithValue++;
    if (got) misses.push(`POINT ${row.id}  ${row.utterance}\n      blank («${row.span}», ${row.note})  got ${shown}`);
  }
}

// Throughput: every utterance, many rounds, after a warm-up.
const texts = rows.map((r) => r.utterance);
for (let i = 0; i < 3; i++) for (const t of texts) parseWhen(t, ctx);
const rounds = 20;
const started = performance.now();
for (let i = 0; i < rounds; i++) for (const t of texts) parseWhen(t, ctx);
const elapsedMs = performance.now() - started;
const calls = rounds * texts.length;

const pct = (a: number, b: number) => `${((100 * a) / Math.max(b, 1)).toFixed(1)}%`;
if (showMisses) console.log(misses.join('\n') + '\n');
console.log(`rows: ${rows.length} (${valued} with a value, ${blank} blank)`);
console.log(`value accuracy: ${correct}/${valued} = ${pct(correct, valued)}`);
for (const [note, s] of [...byNote].sort((a, b) => b[1].n - a[1].n))
  console.log(`  ${pct(s.ok, s.n).padStart(6)}  ${s.ok}/${s.n}  ${note}`);
console.log(`blank rows given a point in time (at): ${blankWithAt}/${blank} = ${pct(blankWithAt, blank)}`);
for (const [note, s] of [...blankByNote].sort((a, b) => b[1].n - a[1].n))
  console.log(`  ${s.at}/${s.n} given at  ${note}`);
console.log(`blank rows given any value (at or date): ${blankWithValue}/${blank} = ${pct(blankWithValue, blank)}`);
console.log(
  `throughput: ${((1000 * elapsedMs) / calls).toFixed(1)} µs/call, ${Math.round(calls / (elapsedMs / 1000))} calls/s (${calls} calls)`,
);
