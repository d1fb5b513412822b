// Configuration: every environment variable Parley reads, parsed once at boot with zod.
// Each entry has a one-line description (the README table is generated from it) and secrets are
// marked so they are never printed.
import { isIP } from 'node:net';
import { z } from 'zod';
import { channelEnv } from './channels/registry.ts';
import { envBool as bool, type EnvEntry as Entry } from './lib/env.ts';

export const configEntries = {
  NODE_ENV: {
    schema: z.enum(['development', 'production', 'test']).default('development'),
    description: 'Run mode; `production` turns on secure cookies and requires PARLEY_SECRET_KEY.',
  },
  PORT: { schema: z.coerce.number().int().min(0).max(65535).default(3000), description: 'HTTP port.' },
  HOST: { schema: z.string().min(1).default('localhost'), description: 'Interface to listen on (`0.0.0.0` for all).' },
  TRUST_PROXY: {
    schema: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z
            .string()
            .refine(
              (a) => ['loopback', 'linklocal', 'uniquelocal'].includes(a) || isIP(a.split('/')[0]) !== 0,
              'each entry must be an IP address, a CIDR range (10.0.0.0/8), loopback, linklocal or uniquelocal',
            ),
        ),
      )
      .optional(),
    description:
      'Reverse proxies whose X-Forwarded-For is believed, comma-separated (`127.0.0.1`, `10.0.0.0/8`, `loopback`). Unset: the client address is the socket peer and forwarding headers are ignored.',
  },
  PUBLIC_URL: {
    schema: z.url().optional(),
    description: 'Public base URL of this server, used in links and printed at start-up.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    description: 'pino log level.',
  },
  LOG_PII: {
    schema: bool.default(false),
    description: 'Show phone numbers and message texts in logs (masked by default).',
  },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    description: 'PostgreSQL server URL. When unset, the embedded PGlite database is used.',
    secret: true,
  },
  DATABASE_POOL_SIZE: {
    schema: z.coerce.number().int().min(1).max(200).default(10),
    description: 'Connections in the `pg` pool (PostgreSQL only).',
  },
  DATABASE_LISTEN_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    description:
      'URL of the one connection that LISTENs for new jobs (processes running workers), when it must differ from DATABASE_URL: the server directly or a session-mode pool, while DATABASE_URL goes through a transaction-mode pooler. Unset: DATABASE_URL.',
    secret: true,
  },
  PARLEY_DATA_DIR: {
    schema: z.string().min(1).default('./data'),
    description: 'Folder of the embedded PGlite database.',
  },
  PARLEY_DEMO: {
    schema: bool.default(true),
    description: 'Seed the demo workspace on the first start of an empty database.',
  },
  PARLEY_WORKSPACE_NAME: {
    schema: z.string().min(1).default('My Workspace'),
    description: 'Name of the default workspace created at first start when the demo is off.',
  },
  PARLEY_SIGNUP: {
    schema: z.enum(['open', 'invite']).optional(),
    description:
      'Who may create a workspace with `POST /api/register`: `open` (anyone) or `invite` (nobody; owners and admins add members). Unset: open until the first account exists, then `invite`.',
  },
  PARLEY_ADMIN_EMAIL: {
    schema: z.email().optional(),
    description: 'With PARLEY_ADMIN_PASSWORD: create (once) an owner account in the default workspace.',
  },
  PARLEY_ADMIN_PASSWORD: {
    schema: z.string().min(8, 'must be at least 8 characters').optional(),
    description: 'Password of that owner account.',
    secret: true,
  },
  PARLEY_ADMIN_NAME: { schema: z.string().min(1).default('Admin'), description: 'Display name of that owner account.' },
  PARLEY_SECRET_KEY: {
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    description: 'Key that encrypts channel secrets at rest. Required in production.',
    secret: true,
  },
  SESSION_TTL_HOURS: {
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .default(24 * 30),
    description: 'Lifetime of a login session.',
  },
  LOGIN_MAX_FAILURES: {
    schema: z.coerce.number().int().min(1).default(5),
    description:
      'Failed logins per account and client address (and 4x per address) allowed in LOGIN_WINDOW_MINUTES before 429.',
  },
  LOGIN_ACCOUNT_MAX_FAILURES: {
    schema: z.coerce.number().int().min(1).default(50),
    description:
      'Failed logins per account from all addresses in LOGIN_WINDOW_MINUTES before 429; not applied at an address where the account logged in within 30 days.',
  },
  LOGIN_WINDOW_MINUTES: {
    schema: z.coerce.number().int().min(1).default(15),
    description: 'Window of the failed-login limit.',
  },
  METRICS_TOKEN: {
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    description:
      '`GET /metrics` answers only with this as a bearer token; unset, only to requests from this machine (loopback, not through a proxy).',
    secret: true,
  },
  // Channels of the default workspace: each channel folder lists its own (channels/<name>/env.ts).
  ...channelEnv,
  OUTBOUND_RATE_PER_SECOND: {
    schema: z.coerce.number().positive().default(80),
    description: 'Messages per second per sending number.',
  },
  REMINDER_LEAD_MINUTES: {
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
    description:
      'Minutes before a meeting or demo its assignee is reminded (workspace setting `reminders.meeting_lead_minutes` overrides).',
  },
  DIGEST_TIME: {
    schema: z
      .string()
      .regex(/^(([01]\d|2[0-3]):[0-5]\d|off)$/, 'must be HH:MM or off')
      .default('09:00'),
    description:
      'Local time (HH:MM) of the daily digest to each team member, or `off` (workspace setting `reminders.digest_time` overrides).',
  },
  // The sales-team command interpreter.
  COMMANDS_MODE: {
    schema: z.enum(['rules', 'llm', 'hybrid']).default('rules'),
    description:
      'How team commands are read: `rules` (offline), `llm`, or `hybrid` (rules first, the LLM when they are unsure); the rules answer whenever the LLM fails.',
  },
  LLM_BASE_URL: {
    schema: z.url().optional(),
    description:
      'Base URL of an OpenAI-compatible API (e.g. `https://api.openai.com/v1`); required for COMMANDS_MODE `llm` and `hybrid`.',
  },
  LLM_API_KEY: {
    schema: z.string().min(1).optional(),
    description: 'API key of that server (sent as a Bearer token).',
    secret: true,
  },
  LLM_MODEL: {
    schema: z.string().min(1).optional(),
    description: 'Model name on that server (e.g. `gpt-4o-mini`); required for COMMANDS_MODE `llm` and `hybrid`.',
  },
  BOT_MODE: {
    schema: z.enum(['rules', 'llm']).default('rules'),
    description:
      'How the customer bot replies: `rules` (offline) or `llm` (needs LLM_BASE_URL and LLM_MODEL); a failure or timeout falls back to the rules.',
  },
  BOT_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(100).max(120_000).default(15_000),
    description: 'Time the LLM gets for one customer reply before the rules answer instead.',
  },
  LLM_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(100).max(120_000).default(15_000),
    description: 'Time the LLM gets for one command before the rules answer instead.',
  },
  // Knowledge: CRM links, files and FAQs the bots answer from.
  CHANNEL_ALLOW_PRIVATE_HOSTS: {
    schema: z.string().optional(),
    description:
      "Comma-separated `host[:port]` that a connected channel's provider API (`settings.apiUrl`: sends, media) may reach although private (a local gateway), over plain http too. Hosts of the `*_API_URL` variables are allowed already.",
  },
  KNOWLEDGE_ALLOW_PRIVATE_HOSTS: {
    schema: z.string().optional(),
    description:
      'Comma-separated `host[:port]` that CRM links may reach although private (an internal CRM), over plain http too.',
  },
  KNOWLEDGE_FETCH_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(500).max(120_000).default(10_000),
    description: 'Time one CRM page may take to arrive, body included.',
  },
  KNOWLEDGE_MAX_BYTES: {
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    description: 'Bytes one fetch of a CRM link may bring (all pages), and the largest upload or push.',
  },
  KNOWLEDGE_MAX_RECORDS: {
    schema: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
    description: 'Records indexed per knowledge source; the rest are left out (the sync history says so).',
  },
  KNOWLEDGE_MAX_PAGES: {
    schema: z.coerce.number().int().min(1).max(1000).default(20),
    description: 'Pages followed (`next` link or `Link` header) in one fetch of a CRM link.',
  },
  EMBEDDINGS_BASE_URL: {
    schema: z.url().optional(),
    description:
      'OpenAI-compatible embeddings API (e.g. `https://api.openai.com/v1`): with EMBEDDINGS_MODEL, adds a vector leg to knowledge search where pgvector exists.',
  },
  EMBEDDINGS_MODEL: {
    schema: z.string().min(1).optional(),
    description: 'Embedding model on that server (e.g. `text-embedding-3-small`).',
  },
  EMBEDDINGS_API_KEY: {
    schema: z.string().min(1).optional(),
    description: 'API key of the embeddings server (sent as a Bearer token).',
    secret: true,
  },
  PARLEY_WORKERS: {
    schema: bool.default(true),
    description: 'Run the job workers in the server process (`false` when separate `parley worker` processes do).',
  },
} satisfies Record<string, Entry>;

type Entries = typeof configEntries;
export type Config = { [K in keyof Entries]: z.output<Entries[K]['schema']> };

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError naming every wrong variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(configEntries) as [string, Entry][]) {
    const raw = env[name];
    const result = entry.schema.safeParse(raw === '' ? undefined : raw);
    if (result.success) out[name] = result.data;
    else problems.push(`${name}: ${result.error.issues.map((i) => i.message).join('; ')}`);
  }
  const config = out as Config;
  if (config.PARLEY_ADMIN_EMAIL && !config.PARLEY_ADMIN_PASSWORD)
    problems.push('PARLEY_ADMIN_PASSWORD: required when PARLEY_ADMIN_EMAIL is set');
  if (config.PARLEY_ADMIN_PASSWORD && !config.PARLEY_ADMIN_EMAIL)
    problems.push('PARLEY_ADMIN_EMAIL: required when PARLEY_ADMIN_PASSWORD is set');
  if (config.DATABASE_LISTEN_URL && !config.DATABASE_URL)
    problems.push('DATABASE_LISTEN_URL: only with DATABASE_URL (the embedded database listens in-process)');
  if (config.NODE_ENV === 'production' && !config.PARLEY_SECRET_KEY)
    problems.push('PARLEY_SECRET_KEY: required when NODE_ENV=production');
  if (config.BOT_MODE === 'llm') {
    if (!config.LLM_BASE_URL) problems.push('LLM_BASE_URL: required when BOT_MODE=llm');
    if (!config.LLM_MODEL) problems.push('LLM_MODEL: required when BOT_MODE=llm');
  }
  if (config.COMMANDS_MODE && config.COMMANDS_MODE !== 'rules') {
    if (!config.LLM_BASE_URL) problems.push(`LLM_BASE_URL: required when COMMANDS_MODE=${config.COMMANDS_MODE}`);
    if (!config.LLM_MODEL) problems.push(`LLM_MODEL: required when COMMANDS_MODE=${config.COMMANDS_MODE}`);
  }
  if (!!config.EMBEDDINGS_BASE_URL !== !!config.EMBEDDINGS_MODEL)
    problems.push('EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL: set both, or neither');
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

/** Markdown table of the variables, for the README. */
export function configTable(): string {
  const rows = Object.entries(configEntries as Record<string, Entry>).map(([name, e]) => {
    const def = e.schema.safeParse(undefined);
    const shown = def.success && def.data !== undefined ? `\`${String(def.data)}\`` : '';
    return `| \`${name}\` | ${shown} | ${e.description}${e.secret ? ' (secret)' : ''} |`;
  });
  return ['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}
