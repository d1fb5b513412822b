// Idle cost: `parley serve` on PGlite with the demo data and its workers on, nothing happening.
// Reads the server process's CPU ticks (utime + stime, /proc/<pid>/stat) over --seconds after it
// has settled, and its RSS. Goal: under 1% of a core. Never fails on the figure (exit 1 only when
// the server does not start).
//
//   node bench/idle.ts [--seconds 60] [--settle 15]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TICKS = 100;
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) =>
  args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback;
const seconds = Number(arg('seconds', '60'));
const settle = Number(arg('settle', '15'));

const dir = mkdtempSync(join(tmpdir(), 'parley-idle-'));
const port = 20_000 + (process.pid % 20_000);
// BENCH_IDLE_IMPORT: a module the server preloads (--import), e.g. to log its queries.
const preload = process.env.BENCH_IDLE_IMPORT ? ['--import', process.env.BENCH_IDLE_IMPORT] : [];
const child = spawn(process.execPath, [...preload, new URL('../bin/parley.js', import.meta.url).pathname, 'serve'], {
  env: {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL')),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PARLEY_DATA_DIR: join(dir, 'data'),
    PARLEY_DEMO: 'true',
    PARLEY_SECRET_KEY: 'bench-secret-key-0123456789',
    PORT: String(port),
    HOST: '127.0.0.1',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const stat = () => {
  const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const rssMb = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
let exitCode = 0;
try {
  const t0 = Date.now();
  for (;;) {
    if (Date.now() - t0 > 180_000) throw new Error('the server did not answer /health within 180 s');
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, settle * 1000));
  const a = stat();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const b = stat();
  const ticks = b - a;
  const share = (ticks / (seconds * TICKS)) * 100;
  console.log(
    `## Idle server: parley serve on PGlite, demo data, workers on, ${seconds} s after ${settle} s to settle\n`,
  );
  console.log('| figure | measured | goal | baseline (issue 15) |');
  console.log('|---|---:|---|---|');
  console.log(
    `| CPU ticks in ${seconds} s (of ${seconds * TICKS} for one core) | ${ticks} = ${share.toFixed(2)}% of a core | < 1% (${share < 1 ? 'met' : 'missed'}) | 425 of 6,000 in 60 s (7%) |`,
  );
  console.log(`| RSS | ${rssMb().toFixed(0)} MB | < 700 MB on PGlite | 586 MB |`);
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
