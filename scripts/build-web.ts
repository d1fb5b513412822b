// Builds the dashboard (web/ → web/dist) with Vite, then writes gzip and brotli copies of the
// assets for @fastify/static. `--if-stale` builds only when web/dist is missing or older than a
// source file (npm start runs it, so a fresh clone needs no third command). Without Vite (a
// production install that left out devDependencies) it says so and leaves the dist as it is.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const dist = join(web, 'dist');
const stamp = join(dist, 'index.html');

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'dist' || name === 'node_modules') continue;
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

export function dashboardStale(): boolean {
  if (!existsSync(stamp)) return true;
  const sources = Math.max(newest(web), statSync(join(root, 'package-lock.json')).mtimeMs);
  return sources > statSync(stamp).mtimeMs;
}

function compressAssets(dir: string) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) compressAssets(p);
    else if (/\.(js|css|html|svg|json)$/.test(name)) {
      const body = readFileSync(p);
      writeFileSync(`${p}.gz`, gzipSync(body, { level: 9 }));
      writeFileSync(`${p}.br`, brotliCompressSync(body));
    }
  }
}

export async function buildDashboard(opts: { quiet?: boolean } = {}): Promise<boolean> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    console.warn('parley: Vite is not installed (devDependencies left out?), so the dashboard was not built.');
    return false;
  }
  const started = Date.now();
  // Always the production build: under vitest (NODE_ENV=test) Vite would bundle React's development
  // build (~50 % more JavaScript, slower), and that dist would then be served by `npm start`.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite.build({
      configFile: join(web, 'vite.config.ts'),
      mode: 'production',
      logLevel: opts.quiet ? 'warn' : 'info',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  compressAssets(dist);
  if (!opts.quiet) console.log(`parley: dashboard built in ${Date.now() - started} ms`);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !dashboardStale()) process.exit(0);
  if (ifStale) console.log('parley: building the dashboard (web/dist is missing or older than web/)…');
  await buildDashboard({ quiet: ifStale });
}
