// The only wiring: builds the database, logger and services from the config. No container, no
// globals; tests call createDeps with their own database.
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { defaultChannels, type ChannelRegistry } from './channels/registry.ts';
import { openDatabase, type Database, type Db } from './db/client.ts';
import { dbErrorForLog } from './db/errors.ts';
import { createInterpreter, type Interpreter } from './commands/interpret/index.ts';
import type { LlmOptions } from './bot/reply-llm.ts';
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
  /** The channels this deployment has (tests add their own). */
  channels: ChannelRegistry;
  secrets: SecretBox;
  /** Provider HTTP calls go through this (tests point providers at fakes by URL, not by mock). */
  fetch?: typeof fetch;
  rateLimit: (key: string) => Promise<void>;
  /** Team members' messages → commands (COMMANDS_MODE). */
  interpret: Interpreter;
  /** The customer bot's LLM (BOT_MODE=llm), or null for the rules responder. */
  botLlm: LlmOptions | null;
  close(): Promise<void>;
};

/** Fields that must never reach a log line. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
];

export const maskUrl = (url: string) => url.split('?')[0].replace(/\+?\d[\d\s%20-]{6,}\d/g, '***');

// Phone numbers (E.164-looking, or 10–15 bare digits as WhatsApp sends them) and message texts
// are personal data: masked in every log line unless LOG_PII=true.
const phoneLike = /(?<![\w+-])(?:\+\d(?:[ -]?\d){6,14}|\d{10,15})(?!\w)/g;
const maskPhones = (s: string) => s.replace(phoneLike, '***');
const textKeys = new Set(['text', 'body']);
export function maskPii(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhones(value);
  if (value instanceof Error) return maskError(value, depth);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (Array.isArray(value)) return value.map((v) => maskPii(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // requests, replies: their serializers decide
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, textKeys.has(k) && v != null ? '[masked]' : maskPii(v, depth + 1)]),
  );
}

/** A copy of the error (same class, so the log shows its type) with masked message, stack and fields. */
function maskError(err: Error, depth: number): Error {
  const copy = Object.create(Object.getPrototypeOf(err)) as Error & Record<string, unknown>;
  for (const [k, v] of Object.entries(err)) copy[k] = maskPii(v, depth + 1);
  const hidden = (v: unknown) => ({ value: v, writable: true, configurable: true, enumerable: false });
  Object.defineProperties(copy, {
    message: hidden(maskPhones(err.message)),
    stack: hidden(err.stack && maskPhones(err.stack)),
    ...(err.cause !== undefined ? { cause: hidden(maskPii(err.cause, depth + 1)) } : {}),
  });
  return copy;
}

export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'> & { LOG_PII?: boolean },
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: config.LOG_LEVEL,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      // Database errors: statement name and code, never the parameters (whatever LOG_PII says).
      err: (err: Error) => dbErrorForLog(err) ?? pino.stdSerializers.err(err),
      // Query strings (tokens) never; long digit runs (phone numbers in paths) unless LOG_PII.
      req: (req: { method: string; url: string }) => ({
        method: req.method,
        url: config.LOG_PII ? req.url.split('?')[0] : maskUrl(req.url),
      }),
    },
    ...(config.LOG_PII
      ? {}
      : {
          formatters: { log: (obj: Record<string, unknown>) => maskPii(obj) as Record<string, unknown> },
          hooks: {
            logMethod(args, method) {
              // log.error(err) takes its message from the error: mask that too.
              const all =
                args[0] instanceof Error && typeof args[1] !== 'string'
                  ? [args[0], args[0].message, ...args.slice(1)]
                  : args;
              method.apply(this, all.map((a) => (typeof a === 'string' ? maskPhones(a) : a)) as typeof args);
            },
          },
        }),
  };
  return destination ? pino(options, destination) : pino(options);
}

export async function createDeps(
  config: Config,
  opts: { database?: Database; log?: Logger; now?: () => Date; channels?: ChannelRegistry } = {},
): Promise<Deps> {
  const log = opts.log ?? createLogger(config);
  const database =
    opts.database ??
    (await openDatabase({
      url: config.DATABASE_URL,
      dataDir: config.PARLEY_DATA_DIR,
      poolSize: config.DATABASE_POOL_SIZE,
    }));
  const queue = createJobQueue(database, { log, listenUrl: config.DATABASE_LISTEN_URL });
  const secretKey =
    config.PARLEY_SECRET_KEY ?? (config.DATABASE_URL ? undefined : localSecretKey(config.PARLEY_DATA_DIR));
  if (!secretKey) log.warn('PARLEY_SECRET_KEY is not set: channels added through the API cannot store secrets');
  return {
    config,
    database,
    db: database.db,
    log,
    version,
    now: opts.now ?? (() => new Date()),
    queue,
    channels: opts.channels ?? defaultChannels,
    secrets: createSecretBox(secretKey),
    rateLimit: createRateLimiter(config.OUTBOUND_RATE_PER_SECOND),
    botLlm:
      config.BOT_MODE === 'llm' && config.LLM_BASE_URL && config.LLM_MODEL
        ? {
            baseURL: config.LLM_BASE_URL,
            apiKey: config.LLM_API_KEY,
            model: config.LLM_MODEL,
            timeoutMs: config.BOT_TIMEOUT_MS,
          }
        : null,
    interpret: createInterpreter(config, {
      onError: (err) => log.warn({ err }, 'LLM command interpreter failed; the rules answered'),
    }),
    close: async () => {
      await queue.stop();
      await database.close();
    },
  };
}
