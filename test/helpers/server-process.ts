// `parley serve` as a real child process (for faults that kill things): its JSON log lines are
// collected with the time they arrived, and it reports when it exits.
import { spawn, type ChildProcess } from 'node:child_process';

const bin = new URL('../../bin/parley.js', import.meta.url).pathname;

export type LogLine = { at: number; level: number; msg: string; raw: string } & Record<string, unknown>;

export type ServerProcess = {
  url: string;
  child: ChildProcess;
  lines: LogLine[];
  /** Everything it printed that is not a JSON log line (the banner, refusals). */
  output: string[];
  exited: { code: number | null; signal: string | null } | null;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }>;
};

/** Starts `parley <command>` and resolves once it printed where it listens (or, a worker, that it runs). */
export function startServer(
  env: Record<string, string>,
  opts: { command?: string[]; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [bin, ...(opts.command ?? ['serve'])], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      CHANNEL_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server: ServerProcess = {
    url: '',
    child,
    lines: [],
    output: [],
    exited: null,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (server.exited) return resolve(server.exited);
        child.once('exit', (code, sig) => resolve({ code, signal: sig }));
        child.kill(signal);
      }),
  };
  const onText = (chunk: Buffer) => {
    for (const raw of chunk.toString('utf8').split('\n')) {
      if (!raw.trim()) continue;
      if (raw.startsWith('{')) {
        try {
          server.lines.push({ ...JSON.parse(raw), at: Date.now(), raw });
          continue;
        } catch {
          // not JSON after all
        }
      }
      server.output.push(raw);
    }
  };
  child.stdout!.on('data', onText);
  child.stderr!.on('data', onText);
  child.on('exit', (code, signal) => (server.exited = { code, signal }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(check);
      child.kill('SIGKILL'); // never leave a half-started server behind
      reject(new Error(`server did not start:\n${server.output.join('\n')}`));
    }, opts.timeoutMs ?? 60_000);
    const check = setInterval(() => {
      const m = server.output.map((l) => /running at (http:\/\/\S+)|worker running/.exec(l)).find(Boolean);
      if (m) {
        clearInterval(check);
        clearTimeout(timer);
        server.url = m[1] ?? ''; // `parley worker` listens nowhere
        resolve(server);
      } else if (server.exited) {
        clearInterval(check);
        clearTimeout(timer);
        reject(new Error(`server exited (${server.exited.code}):\n${server.output.join('\n')}`));
      }
    }, 50);
  });
}
