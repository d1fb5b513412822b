// Login throttling, shared by every server process through the database. Each attempt is counted
// before the password is checked, in one statement (so 60 parallel guesses cannot all slip under
// the limit), under three keys:
//   account + address  LOGIN_MAX_FAILURES        a guesser at one address stops here
//   address            4 × LOGIN_MAX_FAILURES    one address trying many accounts
//   account            LOGIN_ACCOUNT_MAX_FAILURES many addresses guessing one account
// The account-wide ceiling does not apply at an address where the account logged in within the
// last 30 days: strangers, however many addresses they use, cannot lock the owner out of their
// usual places. A successful login takes its attempt back and clears the account+address count.
import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../db/client.ts';
import { AppError } from '../lib/errors.ts';

export type LoginLimits = { maxFailures: number; accountMaxFailures: number; windowMinutes: number };

const TRUST_DAYS = 30;

const keysOf = (email: string, ip: string) => ({
  accountAddress: `ai:${email}|${ip}`,
  account: `a:${email}`,
  address: `i:${ip}`,
  trusted: `ok:${email}|${ip}`,
});

/** Counts this attempt; throws rate_limited (before any password is checked) when a limit is passed. */
export async function countLoginAttempt(
  db: DbOrTx,
  input: { email: string; ip: string; now: Date; limits: LoginLimits },
): Promise<void> {
  const { email, ip, now, limits } = input;
  const k = keysOf(email, ip);
  const since = new Date(now.getTime() - limits.windowMinutes * 60_000);
  const trustedSince = new Date(now.getTime() - TRUST_DAYS * 86_400_000);
  // Keys in a fixed order, so that concurrent statements lock shared rows in the same order.
  const keys = [k.account, k.accountAddress, k.address];
  const rows = rowsOf<{ key: string; attempts: number; trusted: boolean }>(
    await db.execute(sql`
      insert into login_attempts as a (key, attempts, window_started_at)
      values ${sql.join(
        keys.map((key) => sql`(${key}, 1, ${now.toISOString()}::timestamptz)`),
        sql`, `,
      )}
      on conflict (key) do update set
        attempts = case when a.window_started_at <= ${since.toISOString()}::timestamptz then 1 else a.attempts + 1 end,
        window_started_at = case when a.window_started_at <= ${since.toISOString()}::timestamptz
          then excluded.window_started_at else a.window_started_at end
      returning key, attempts, exists (
        select 1 from login_attempts t where t.key = ${k.trusted} and t.window_started_at > ${trustedSince.toISOString()}::timestamptz
      ) as trusted`),
  );
  const count = (key: string) => rows.find((r) => r.key === key)?.attempts ?? 0;
  const trusted = rows.some((r) => r.trusted);
  if (
    count(k.accountAddress) > limits.maxFailures ||
    count(k.address) > limits.maxFailures * 4 ||
    (!trusted && count(k.account) > limits.accountMaxFailures)
  )
    throw new AppError('rate_limited', `Too many failed logins; try again in ${limits.windowMinutes} minutes`);
}

/** After a successful login: this attempt was no failure, and this address is now trusted for the account. */
export async function clearLoginAttempts(db: DbOrTx, input: { email: string; ip: string; now: Date }): Promise<void> {
  const k = keysOf(input.email, input.ip);
  const now = input.now.toISOString();
  await db.execute(sql`
    with cleared as (delete from login_attempts where key = ${k.accountAddress}),
    undone as (update login_attempts set attempts = greatest(attempts - 1, 0) where key in (${k.account}, ${k.address}))
    insert into login_attempts (key, attempts, window_started_at) values (${k.trusted}, 0, ${now}::timestamptz)
    on conflict (key) do update set window_started_at = excluded.window_started_at`);
  // Old keys are dead weight: now and then, drop those whose window (or trust) ended long ago.
  if (Math.random() < 0.02)
    await db.execute(
      sql`delete from login_attempts where window_started_at < ${new Date(input.now.getTime() - TRUST_DAYS * 86_400_000).toISOString()}::timestamptz`,
    );
}
