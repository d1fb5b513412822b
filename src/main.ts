// The `parley` command: serve | migrate | seed-demo | user add | parse-commands | extract-profile.
import { parseArgs } from 'node:util';
import { buildApp } from './app.ts';
import { createUser } from './auth/users.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createWorkspace, findDefaultWorkspace } from './crm/workspaces.ts';
import { openDatabase } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { roles, type Role } from './db/schema/index.ts';
import { createDeps } from './deps.ts';
import { DEMO_LOGIN, DEMO_PASSWORD, seedDemo } from './demo/seed.ts';
import { AppError } from './lib/errors.ts';
import { randomToken } from './lib/ids.ts';
import { prepareDatabase } from './setup.ts';
import { allJobs } from './jobs/index.ts';
import type { AddressInfo } from 'node:net';
import { backupToFile, restoreFromFile } from './ops/backup.ts';
import { DataDirLockedError, publishControl } from './ops/data-lock.ts';
import { checkPortFree, listenError, StartupError } from './ops/startup.ts';

const usage = `Usage: parley <command>

  serve                      run the server (default)
  worker                     run only the job workers (scale out beside serve)
  migrate                    apply database migrations and exit
  seed-demo                  add the demo workspace (team, leads, deals, tasks)
  user add --email E --name N [--role owner|admin|manager|agent] [--phone P] [--password X]
                             add a team member to the default workspace
  backup FILE                write a snapshot of the embedded database (also while serve runs)
  restore FILE               replace the embedded database with a snapshot (serve stopped)
  parse-commands --now ISO --tz ZONE
                             JSON lines {"id","text"} on stdin → parsed commands on stdout
  extract-profile            JSON lines {"id","text"} on stdin → profile facts on stdout

Configuration comes from environment variables; see README.md.`;

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
  const c = config();
  const database = await openDatabase({ url: c.DATABASE_URL, dataDir: c.PARLEY_DATA_DIR, poolSize: 2 });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

async function serve() {
  const started = Date.now();
  const c = config();
  await checkPortFree(c.PORT, c.HOST); // before opening and migrating the database
  const deps = await createDeps(c);
  const setup = await prepareDatabase(deps.db, deps.config);
  if (deps.config.PARLEY_WORKERS) await deps.queue.work(allJobs, deps);
  else await deps.queue.install(allJobs);
  await deps.queue.schedule(allJobs);
  const app = await buildApp(deps);
  const { PORT, HOST } = deps.config;
  await app.listen({ port: PORT, host: HOST }).catch((err: unknown) => {
    throw listenError(err, PORT, HOST);
  });
  if (deps.database.kind === 'pglite') publishControl(deps.config.PARLEY_DATA_DIR, localUrl(app.server.address()));
  const shown =
    deps.config.PUBLIC_URL ??
    `http://${HOST === '0.0.0.0' || HOST === '::' ? 'localhost' : HOST}:${(app.server.address() as { port: number }).port}`;
  const lines = [
    '',
    `  Parley ${deps.version} is running at ${shown}  (${deps.database.kind === 'pglite' ? `embedded database in ${deps.config.PARLEY_DATA_DIR}` : 'PostgreSQL'}, ready in ${Date.now() - started} ms)`,
    `  API docs: ${shown}/api/docs`,
  ];
  if (setup.demoSeeded) lines.push(`  Demo workspace created. Log in as ${DEMO_LOGIN} with password ${DEMO_PASSWORD}`);
  else if (setup.demoPresent)
    lines.push(`  Demo workspace: log in as ${DEMO_LOGIN} (password ${DEMO_PASSWORD} unless you changed it)`);
  else lines.push('  Log in with your account (POST /api/login); `parley user add` adds one.');
  if (setup.adminCreated) lines.push(`  Owner account ${deps.config.PARLEY_ADMIN_EMAIL} created.`);
  console.log(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.log.info({ signal }, 'shutting down');
    // In-flight requests finish (new ones are refused), then running jobs (up to 10 s), then the database closes.
    setTimeout(() => process.exit(1), 30_000).unref();
    // Keep-alive connections that go idle once their request is answered are closed as they do
    // (Fastify closes only those idle when closing starts; the others would hold it for 72 s).
    const sweep = setInterval(() => app.server.closeIdleConnections(), 200);
    await app.close();
    clearInterval(sweep);
    await deps.close();
    deps.log.info({ signal }, 'stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** Where this machine reaches the server (for `parley backup`), from the address it listens on. */
function localUrl(address: ReturnType<import('node:net').Server['address']>): string {
  const a = address as AddressInfo;
  const host = a.address === '0.0.0.0' ? '127.0.0.1' : a.address === '::' ? '::1' : a.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${a.port}`;
}

/** Job workers only (run several beside `parley serve` with PARLEY_WORKERS=false). */
async function worker() {
  const deps = await createDeps(config());
  await prepareDatabase(deps.db, deps.config);
  await deps.queue.work(allJobs, deps);
  await deps.queue.schedule(allJobs);
  console.log(`Parley ${deps.version} worker running (${allJobs.map((j) => j.id).join(', ')})`);
  const stop = async () => {
    await deps.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

async function userAdd(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'agent' },
      phone: { type: 'string' },
      password: { type: 'string' },
      username: { type: 'string' },
    },
  });
  if (!values.email || !values.name) throw new AppError('bad_request', '--email and --name are required');
  if (!roles.includes(values.role as Role))
    throw new AppError('bad_request', `--role must be one of ${roles.join(', ')}`);
  const password = values.password ?? randomToken(9);
  await withDb(async (db) => {
    await migrate(db);
    const c = config();
    const ws =
      (await findDefaultWorkspace(db)) ??
      (await createWorkspace(db, { name: c.PARLEY_WORKSPACE_NAME, isDefault: true }));
    const user = await createUser(db, ws.id, {
      email: values.email!,
      name: values.name!,
      role: values.role as Role,
      phone: values.phone,
      password,
      username: values.username,
    });
    console.log(
      `Added ${user.name} <${user.email}> as ${user.role} (username ${user.username})${values.password ? '' : `, password: ${password}`}`,
    );
  });
}

export async function main(argv: string[]) {
  const [command = 'serve', ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve();
      case 'worker':
        return await worker();
      case 'migrate':
        return await withDb(async (db) => {
          const applied = await migrate(db);
          console.log(applied.length ? `Applied ${applied.join(', ')}` : 'Database is up to date');
        });
      case 'seed-demo':
        return await withDb(async (db) => {
          await migrate(db);
          const isDefault = !(await findDefaultWorkspace(db));
          const ws = await seedDemo(db, { isDefault });
          console.log(`Demo workspace "${ws.name}" created. Log in as ${DEMO_LOGIN} with password ${DEMO_PASSWORD}`);
        });
      case 'user':
        if (rest[0] !== 'add') break;
        return await userAdd(rest.slice(1));
      case 'backup':
      case 'restore': {
        const file = rest[0];
        if (!file) throw new AppError('bad_request', `usage: parley ${command} FILE`);
        if (command === 'backup') {
          const { bytes, via } = await backupToFile(config(), file);
          console.log(`Backup written to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB, from ${via})`);
        } else {
          const { previous } = await restoreFromFile(config(), file);
          console.log(
            `Restored ${file} into ${config().PARLEY_DATA_DIR}${previous ? `; the folder it replaced is kept as ${previous}` : ''}`,
          );
        }
        return;
      }
      case 'parse-commands':
      case 'extract-profile':
        return await (await import('./cli-tools.ts')).runTool(command, rest);
      case 'help':
      case '--help':
      case '-h':
        console.log(usage);
        return;
    }
    console.error(usage);
    process.exit(2);
  } catch (err) {
    if (err instanceof StartupError) {
      console.error(`parley ${command}: ${err.message}`);
      process.exit(1);
    }
    if (err instanceof DataDirLockedError) {
      console.error(`parley ${command}: ${lockedMessage(command, rest[0], err)}`);
      process.exit(1);
    }
    if (err instanceof AppError) {
      console.error(
        `parley ${command}: ${err.message}${
          err.fields
            ? ' (' +
              Object.entries(err.fields)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ') +
              ')'
            : ''
        }`,
      );
      process.exit(1);
    }
    throw err;
  }
}

/** What to do when the folder is taken, by command. */
function lockedMessage(command: string, sub: string | undefined, err: DataDirLockedError): string {
  const by = `the running parley ${err.holder.command} (pid ${err.holder.pid})`;
  if (command === 'user' && sub === 'add')
    return `${err.dir} is in use by ${by}. Add the member through it (POST /api/users or the dashboard), or stop it first.`;
  if (command === 'migrate') return `${err.dir} is in use by ${by}, which applied the migrations when it started.`;
  if (command === 'seed-demo' || command === 'restore') return `${err.dir} is in use by ${by}: stop it first.`;
  return err.message;
}
