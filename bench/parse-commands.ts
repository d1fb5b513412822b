// Throughput of `parse-commands` (rules only) on the command dev set, repeated.
//   node bench/parse-commands.ts [lines]
import { PassThrough, Writable } from 'node:stream';
import { runParseCommands } from '../src/commands/parse-commands.ts';
import { readEvalSet } from '../src/commands/interpret/eval-set.ts';

const wanted = Number(process.argv[2] ?? 20_000);
const texts = readEvalSet(new URL('../test/fixtures/commands/dev.jsonl', import.meta.url)).map((l) => l.text);
const lines: string[] = [];
for (let i = 0; lines.length < wanted; i++) lines.push(JSON.stringify({ id: `b${i}`, text: texts[i % texts.length] }));

const input = new PassThrough();
let out = 0;
const output = new Writable({
  write(chunk, _enc, done) {
    for (const b of chunk as Buffer) if (b === 10) out++;
    done();
  },
});
const started = performance.now();
const run = runParseCommands({ now: new Date('2026-03-10T10:00:00+05:30'), timeZone: 'Asia/Kolkata', input, output });
input.end(lines.join('\n') + '\n');
await run;
const seconds = (performance.now() - started) / 1000;
console.log(
  `parse-commands: ${out} lines in ${seconds.toFixed(2)} s = ${Math.round(out / seconds)} lines/s (rules, ${texts.length} distinct texts)`,
);
