// Parley's V8 flags for a long-running process (`parley serve`, `parley worker`, and the benchmarks
// that embed the server). V8 sizes the young generation from the machine's memory: 64 MB
// semi-spaces on a large machine, so a server that has only booted holds ~190 MB of heap for
// ~60 MB used and is at ~320 MB RSS. With 8 MB semi-spaces it boots at ~180 MB, for more, shorter
// scavenges (the throughput cost is measured in docs/benchmarks.md).
//
// The process replaces itself with one started with the flags (process.execve, Node 23.11+: the
// same pid, so signals and supervisors see one process). Not when the flag is given already, on an
// older Node, or with PARLEY_NODE_FLAGS set: `none` keeps Node's defaults, anything else is used
// as the flags instead.
export const DEFAULT_NODE_FLAGS = '--max-semi-space-size=8';

export function applyNodeFlags() {
  const flags = process.env.PARLEY_NODE_FLAGS ?? DEFAULT_NODE_FLAGS;
  if (
    flags === 'none' ||
    typeof process.execve !== 'function' ||
    process.env.PARLEY_NODE_FLAGS_APPLIED ||
    process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))
  )
    return;
  process.execve(
    process.execPath,
    [process.execPath, ...flags.split(/\s+/).filter(Boolean), ...process.execArgv, ...process.argv.slice(1)],
    { ...process.env, PARLEY_NODE_FLAGS_APPLIED: '1' },
  );
}
