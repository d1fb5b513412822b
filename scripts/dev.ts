// npm run dev: the Parley server (restarts on change) and the Vite dev server with hot reload,
// which proxies the API to it. Open http://localhost:5173/dashboard/. Ctrl+C stops both.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = process.env.PORT ?? '3000';
const webPort = process.env.WEB_PORT ?? '5173';
const children: ChildProcess[] = [];

function run(name: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`parley dev: ${name} stopped (${signal ?? code}); stopping the rest`);
    stop(1);
  });
  children.push(child);
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());

run('server', ['--watch', 'bin/parley.js', 'serve'], { PORT: port });
// Vite itself, not through npx (killing npx would leave Vite holding the port).
run('vite', ['node_modules/vite/bin/vite.js', '--config', 'web/vite.config.ts'], {
  PARLEY_API: `http://127.0.0.1:${port}`,
  WEB_PORT: webPort,
});
console.log(`\n  Dashboard with hot reload: http://localhost:${webPort}/dashboard/  (API on :${port})\n`);
