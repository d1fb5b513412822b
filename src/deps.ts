// The only wiring: builds the database, logger and services from the config. No container, no
// globals; tests call createDeps with their own database.
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { openDatabase, type Database, type Db } from './db/client.ts';
import { createInterpreter, type Interpreter } from './commands/interpret/index.ts';
import { createJobQueue, type JobQueue } from './jobs/queue.ts';
import { createRateLimiter } from './lib/rate-limit.ts';
import { createSecretBox, localSecretKey, type SecretBox } from './lib/secrets.ts';
import { version } from './lib/version.ts';

export type Deps = {
  config: Config;
  database: Database;
  db: Db;
  log: Logger;
  version: string;
  now: () => Date;
  queue: JobQueue;
  secrets: SecretBox;
  /** Provider HTTP calls go through this (tests point providers at fakes by URL, not by mock). */
  fetch?: typeof fetch;
  rateLimit: (key: string) => Promise<void>;
  /** Team members' messages → commands (COMMANDS_MODE). */
  interpret: Interpreter;
  close(): Promise<void>;
};

/** Fields that must never reach a log line. */
export const redactPaths = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'password', '*.password', 'token', '*.token', 'accessToken', '*.accessToken'];

export const maskUrl = (url: string) => url.split('?')[0].replace(/\+?\d[\d\s%20-]{6,}\d/g, '***');

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      // Query strings and long digit runs (phone numbers in paths) are personal data: keep them out.
      req: (req: { method: string; url: string }) => ({ method: req.method, url: maskUrl(req.url) }),
    },
  });
}

export async function createDeps(config: Config, opts: { database?: Database; log?: Logger; now?: () => Date } = {}): Promise<Deps> {
  const log = opts.log ?? createLogger(config);
  const database = opts.database ?? (await openDatabase({ url: config.DATABASE_URL, dataDir: config.PARLEY_DATA_DIR, poolSize: config.DATABASE_POOL_SIZE }));
  const queue = createJobQueue(database, { log });
  const secretKey = config.PARLEY_SECRET_KEY ?? (config.DATABASE_URL ? undefined : localSecretKey(config.PARLEY_DATA_DIR));
  if (!secretKey) log.warn('PARLEY_SECRET_KEY is not set: channels added through the API cannot store secrets');
  return {
    config,
    database,
    db: database.db,
    log,
    version,
    now: opts.now ?? (() => new Date()),
    queue,
    secrets: createSecretBox(secretKey),
    rateLimit: createRateLimiter(config.OUTBOUND_RATE_PER_SECOND),
    interpret: createInterpreter(config, { onError: (err) => log.warn({ err }, 'LLM command interpreter failed; the rules answered') }),
    close: async () => {
      await queue.stop();
      await database.close();
    },
  };
}
