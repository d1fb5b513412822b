// Database errors, told apart and logged safely.
//   isDatabaseUnavailable: the database is away (connection lost, server restarting, pool closed):
//     answer 503 so callers and providers retry; not a bug.
//   isUnstorableValue: PostgreSQL refused a value (class 22, "data exception").
//   dbErrorForLog: what a log line may say about a database error: the statement's name (a
//     prepared statement's, or "verb table" from the SQL text), the SQLSTATE code and the message
//     with quoted values removed; never the parameters (Drizzle puts them in the message), never
//     `detail` (it quotes the row: "Key (email)=(…) already exists").
/** Any pino-like logger (pino's or Fastify's). */
type Logger = { error(obj: object, msg: string): void; info(obj: object, msg: string): void };

type DbLike = Error & {
  code?: string;
  severity?: string;
  table?: string;
  column?: string;
  constraint?: string;
  routine?: string;
  detail?: string;
  query?: string;
  params?: unknown;
  statement?: string;
};

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN']);
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01', '55P03', '57014']);
const unavailableMessages =
  /Connection terminated|connection (?:is )?(?:closed|ended)|timeout exceeded when trying to connect|not queryable|Cannot use a pool after calling end|PGlite is closed|terminating connection|the database system is (?:starting up|shutting down|in recovery)/i;

/** The error and its causes (Drizzle wraps the driver's error in DrizzleQueryError; routing a batch throws an AggregateError). */
function chain(err: unknown, depth = 0): DbLike[] {
  // pg-boss emits some errors as plain objects ({ message, stack, queue, worker }).
  if (!err || typeof err !== 'object' || typeof (err as Error).message !== 'string' || depth > 5) return [];
  const nested = err instanceof AggregateError ? err.errors.flatMap((e) => chain(e, depth + 1)) : [];
  return [err as DbLike, ...nested, ...chain((err as Error).cause, depth + 1)];
}

export function isDatabaseUnavailable(err: unknown): boolean {
  return chain(err).some(
    (e) =>
      (typeof e.code === 'string' &&
        (networkCodes.has(e.code) || unavailableStates.has(e.code) || e.code.startsWith('08'))) ||
      unavailableMessages.test(e.message ?? ''),
  );
}

/** SQLSTATE of the driver's error, if any. */
export function sqlState(err: unknown): string | undefined {
  return chain(err).find((e) => typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))?.code;
}

export const isUnstorableValue = (err: unknown) => sqlState(err)?.startsWith('22') ?? false;

/** `insert login_attempts`, `select users`: a name for a statement, from its text (no values). */
export function statementName(text: string): string {
  const s = text.replace(/\s+/g, ' ').trim().toLowerCase();
  if (s.startsWith('with ')) return 'with';
  const select = /^select\b.*?\bfrom "?([\w.]+)"?/.exec(s);
  if (select) return `select ${select[1]}`;
  const dml = /^(insert into|update|delete from) "?([\w.]+)"?/.exec(s);
  if (dml) return `${dml[1].split(' ')[0]} ${dml[2]}`;
  return s.split(' ')[0].slice(0, 40);
}

/** True when the error came from a database driver (or Drizzle wrapping one). */
function isDbError(err: unknown): boolean {
  return chain(err).some(
    (e) =>
      e.constructor?.name === 'DrizzleQueryError' ||
      e.constructor?.name === 'DatabaseError' ||
      'query' in e ||
      (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && 'severity' in e),
  );
}

// "invalid input syntax for type uuid: "abc"": the quoted part is the caller's value.
const withoutValues = (message: string) =>
  message.replace(/^Failed query:[\s\S]*$/, 'Failed query').replace(/(:\s*)"(?:[^"\\]|\\.)*"/g, '$1"…"');

export function dbErrorForLog(err: unknown): Record<string, unknown> | null {
  if (!isDbError(err)) return null;
  const all = chain(err);
  const driver = all.find((e) => typeof e.code === 'string') ?? all[all.length - 1];
  const named = all.find((e) => e.statement)?.statement;
  const query = all.find((e) => typeof e.query === 'string')?.query;
  const out: Record<string, unknown> = {
    type: 'DatabaseError',
    statement: named ?? (query ? statementName(query) : undefined),
    code: driver.code,
    message: withoutValues(driver.message ?? ''),
  };
  for (const k of ['severity', 'table', 'column', 'constraint', 'routine'] as const) if (driver[k]) out[k] = driver[k];
  return out;
}

/** Marks a driver error with the statement it came from (for dbErrorForLog). */
export function nameStatement(err: unknown, name: string): unknown {
  if (err instanceof Error && !(err as DbLike).statement)
    Object.defineProperty(err, 'statement', { value: name, enumerable: false, configurable: true });
  return err;
}

/**
 * One log line when the database goes away and one when it is back, however many callers fail
 * meanwhile (workers poll every half second; requests keep coming). A restart flaps (some
 * connections still work while others are cut): a new outage within a minute of the last one is
 * folded into it.
 */
export function createOutageLog(log: Logger, what: string, quietMs = 60_000) {
  let since: number | null = null;
  let logged: number | null = null;
  return {
    failed(err: unknown) {
      if (since !== null) return;
      since = Date.now();
      if (logged !== null && since - logged < quietMs) return;
      logged = since;
      log.error({ err }, `${what}: the database is unavailable; retrying quietly until it is back`);
    },
    ok() {
      if (since === null) return;
      if (logged === since) log.info({ downSeconds: Math.round((Date.now() - since) / 100) / 10 }, `${what} resumed`);
      since = null;
    },
    get down() {
      return since !== null;
    },
  };
}
