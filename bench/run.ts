// `npm run bench`: every benchmark in sequence, each in its own Node process, output passed
// through. Extra arguments go to the ingest benchmark (e.g. `npm run bench -- --seconds 3`).
// `npm run bench -- scale [flags]` runs only the scale benchmark (bench/scale.ts, docs/scale.md:
// 1M leads and 10M messages on PostgreSQL, 6–9 minutes to generate the first time, kept and reused
// afterwards), with its flags (`--leads 100000`, `--fresh`, `--explain`…); the full run does not
// include it (it needs ~6 GB and minutes; `npm run bench -- --with-scale` adds it at the end).
// Exits non-zero if any benchmark does (the ingest benchmark does when an acknowledged message is
// missing from the database; the pipeline, route, backlog and scale benchmarks when any of their
// checks fails). A missed speed goal is printed beside its figure, never an exit code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const argv = process.argv.slice(2);
const scaleOnly = argv[0] === 'scale';
const withScale = argv.includes('--with-scale');
const scale = {
  file: 'scale.ts',
  args: scaleOnly ? argv.slice(1) : [],
  what: 'scale: 1,000,000 leads, 10,000,000 messages, 2,000,000 activities, 500,000 tasks, 100,000 knowledge chunks; the dashboard and bot queries against their goals (PostgreSQL)',
};
const all: { file: string; args: string[]; what: string }[] = [
  {
    file: 'ingest.ts',
    args: argv.filter((a) => a !== '--with-scale'),
    what: 'WhatsApp webhook ingest vs the simplest durable webhook (verify, insert the raw body) (PostgreSQL)',
  },
  {
    file: 'route.ts',
    args: [],
    what: 'routing throughput: a backlog of customer messages routed by the workers (rules mode, PostgreSQL), CPU µs per message',
  },
  {
    file: 'backlog.ts',
    args: [],
    what: 'webhooks while a 1,000-message backlog drains: p50/p99 of one-message webhooks (PGlite and PostgreSQL)',
  },
  {
    file: 'idle.ts',
    args: [],
    what: 'idle cost of parley serve on PGlite with the demo data: CPU ticks over 60 s, RSS',
  },
  {
    file: 'pipeline.ts',
    args: [],
    what: 'the whole pipeline with workers on: webhooks → routing → replies sent to a fake Graph API, with its promises checked (PostgreSQL)',
  },
  {
    file: 'multi.ts',
    args: [],
    what: 'out of one process: 2 × parley serve (PARLEY_WORKERS=false) + 2 × parley worker on one PostgreSQL, the pipeline checks, throughput per stage',
  },
  {
    file: 'pipeline.ts',
    args: ['--steady', '100', '--seconds', '25', '--drain-timeout', '120'],
    what: 'the whole pipeline at a steady offered 100 messages/s for 25 s: end-to-end p50/p99, server RSS (PostgreSQL)',
  },
  {
    file: 'pipeline.ts',
    args: ['--steady', '100', '--seconds', '25', '--drain-timeout', '120', '--db', 'pglite'],
    what: 'the whole pipeline at a steady offered 100 messages/s for 25 s: end-to-end p50/p99, server RSS (PGlite)',
  },
  { file: 'customer-context.ts', args: [], what: 'customer context lookup with 100,000 leads (PostgreSQL)' },
  { file: 'parse-commands.ts', args: [], what: 'parse-commands throughput (rules)' },
  {
    file: 'eval-commands.ts',
    args: ['--set', 'dev', '--set', 'holdout', '--set', 'independent', '--set', 'blind-2'],
    what: 'command interpreter accuracy per language, and negatives acted on (dev, held-out, the independent set and blind set 2)',
  },
  { file: 'eval-datetime.ts', args: [], what: 'date/time parsing accuracy and speed (Hinglish-TOP dev set)' },
  { file: 'eval-profile.ts', args: [], what: 'profile-fact extraction precision/recall and throughput' },
  {
    file: 'knowledge.ts',
    args: [],
    what: 'knowledge retrieval: recall@3 on the EN/HI/Hinglish question set, search latency at 10k and 100k chunks (PostgreSQL)',
  },
  {
    file: 'dashboard.ts',
    args: [],
    what: 'the dashboard in Chromium on the demo data: inbox first load, first-screen JavaScript, interactions, 10,000-lead table (PGlite)',
  },
];
const benches = scaleOnly ? [scale] : withScale ? [...all, scale] : all;

function run(file: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [new URL(file, here).pathname, ...args], { stdio: 'inherit' });
    child.on('error', (err) => {
      console.error(err);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const failed: string[] = [];
for (const b of benches) {
  if (!existsSync(new URL(b.file, here))) {
    console.log(`\n# ${b.file}: not present, skipped`);
    continue;
  }
  console.log(`\n# ${b.file}: ${b.what}\n`);
  const started = performance.now();
  const code = await run(b.file, b.args);
  console.log(`\n(${b.file}: exit ${code}, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (code !== 0) failed.push(b.file);
}
if (failed.length) {
  console.log(`\nFailed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
