// Configuration: every environment variable Parley reads, parsed once at boot with zod.
// Each entry has a one-line description (the README table is generated from it) and secrets are
// marked so they are never printed.
import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

type Entry = { schema: z.ZodType; description: string; secret?: boolean };

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
  // Channels of the default workspace (more can be added per workspace through /api/channels).
  WHATSAPP_VERIFY_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'WhatsApp Cloud API: the verify token of the webhook handshake.',
    secret: true,
  },
  WHATSAPP_APP_SECRET: {
    schema: z.string().min(1).optional(),
    description: 'WhatsApp Cloud API: the Meta app secret that signs webhooks (X-Hub-Signature-256).',
    secret: true,
  },
  WHATSAPP_ACCESS_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'WhatsApp Cloud API: access token for sending.',
    secret: true,
  },
  WHATSAPP_PHONE_NUMBER_ID: {
    schema: z.string().min(1).optional(),
    description: 'WhatsApp Cloud API: the phone number id that sends and receives.',
  },
  WHATSAPP_API_URL: {
    schema: z.url().default('https://graph.facebook.com/v26.0'),
    description: 'Graph API base URL including the version.',
  },
  WHATSAPP_TEMPLATE: {
    schema: z.string().min(1).optional(),
    description: 'Template (name:language, e.g. `followup:en`) sent instead of text outside the 24-hour window.',
  },
  MESSENGER_PAGE_ID: {
    schema: z.string().min(1).optional(),
    description: 'Facebook page id (Messenger and page comments).',
  },
  MESSENGER_PAGE_ACCESS_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'Page access token for the Send API and comment replies.',
    secret: true,
  },
  MESSENGER_APP_SECRET: {
    schema: z.string().min(1).optional(),
    description: 'Meta app secret that signs Messenger webhooks.',
    secret: true,
  },
  MESSENGER_VERIFY_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'Verify token of the Messenger webhook handshake.',
    secret: true,
  },
  MESSENGER_API_URL: {
    schema: z.url().default('https://graph.facebook.com/v26.0'),
    description: 'Graph API base URL for Messenger, including the version.',
  },
  MAYTAPI_PRODUCT_ID: { schema: z.string().min(1).optional(), description: 'Maytapi product id.' },
  MAYTAPI_PHONE_ID: { schema: z.string().min(1).optional(), description: 'Maytapi phone id.' },
  MAYTAPI_API_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'Maytapi API token (x-maytapi-key).',
    secret: true,
  },
  MAYTAPI_API_URL: { schema: z.url().default('https://api.maytapi.com/api'), description: 'Maytapi API base URL.' },
  MAYTAPI_WEBHOOK_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'When set, Maytapi webhooks must carry it as `?token=`.',
    secret: true,
  },
  TWILIO_ACCOUNT_SID: { schema: z.string().min(1).optional(), description: 'Twilio account SID.' },
  TWILIO_AUTH_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'Twilio auth token (signs webhooks, authenticates sends).',
    secret: true,
  },
  TWILIO_WHATSAPP_FROM: {
    schema: z.string().min(1).optional(),
    description: 'Twilio WhatsApp sender, e.g. `whatsapp:+14155238886`.',
  },
  TWILIO_API_URL: { schema: z.url().default('https://api.twilio.com'), description: 'Twilio API base URL.' },
  TWILIO_WEBHOOK_URL: {
    schema: z.url().optional(),
    description: 'The public URL Twilio calls (its signature covers it).',
  },
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
