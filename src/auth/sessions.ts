// Login sessions and API keys. Tokens are random; only their SHA-256 is stored.
import { createHash } from 'node:crypto';
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { apiKeys, sessions, users, type Role } from '../db/schema/index.ts';
import { clearLoginAttempts, countLoginAttempt, type LoginLimits } from './login-limits.ts';
import { recordActivity } from '../crm/activities.ts';
import { isAdmin, type Actor } from '../crm/actor.ts';
import { memberName } from '../crm/members.ts';
import { AppError, forbidden, notFound } from '../lib/errors.ts';
import { randomToken } from '../lib/ids.ts';
import { verifyPassword } from './passwords.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

type User = typeof users.$inferSelect;

export type Principal = {
  actor: Actor;
  user: User | null;
  via: 'session' | 'api_key';
  /** The session's id when via is 'session' (a password change ends the others). */
  sessionId?: string;
};

/** Checks the password, rate limited per account+address, address and account (login-limits.ts). Returns a session token. */
export async function login(
  db: DbOrTx,
  input: { email: string; password: string; ip: string },
  opts: { limits: LoginLimits; sessionTtlHours: number; now?: Date },
): Promise<{ token: string; user: User; expiresAt: Date }> {
  const now = opts.now ?? new Date();
  const email = input.email.trim().toLowerCase();
  await countLoginAttempt(db, { email, ip: input.ip, now, limits: opts.limits });
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  const ok = await verifyPassword(input.password, user?.passwordHash);
  if (!user || !ok || !user.active) throw new AppError('unauthorized', 'Wrong email or password');
  await clearLoginAttempts(db, { email, ip: input.ip, now });
  const token = `ps_${randomToken()}`;
  const expiresAt = new Date(now.getTime() + opts.sessionTtlHours * 3600_000);
  await db
    .insert(sessions)
    .values({ workspaceId: user.workspaceId, userId: user.id, tokenHash: sha256(token), expiresAt });
  return { token, user, expiresAt };
}

export async function logout(db: DbOrTx, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, sha256(token)));
}

/** Ends a member's sessions (after a password change or deactivation), except `keep` if given. */
export async function endSessions(db: DbOrTx, userId: string, keep?: string): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.userId, userId), keep ? ne(sessions.id, keep) : undefined));
}

/** Resolves a bearer token (session or API key) to who is acting, or null. */
export async function authenticate(db: DbOrTx, token: string, now = new Date()): Promise<Principal | null> {
  if (token.startsWith('ps_')) {
    const [row] = await db
      .select({ user: users, sessionId: sessions.id })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, sha256(token)), gt(sessions.expiresAt, now)));
    if (!row || !row.user.active) return null;
    return {
      actor: { workspaceId: row.user.workspaceId, userId: row.user.id, role: row.user.role },
      user: row.user,
      via: 'session',
      sessionId: row.sessionId,
    };
  }
  if (token.startsWith('pk_')) {
    const [key] = await db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, sha256(token)), isNull(apiKeys.revokedAt)));
    if (!key) return null;
    // Touch at most once a minute: a busy integration must not write on every request.
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000)
      await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.id));
    return { actor: { workspaceId: key.workspaceId, userId: null, role: key.role }, user: null, via: 'api_key' };
  }
  return null;
}

export type ApiKey = Omit<typeof apiKeys.$inferSelect, 'keyHash'>;
const publicKey = ({ keyHash: _omit, ...rest }: typeof apiKeys.$inferSelect): ApiKey => rest;

export async function createApiKey(
  db: DbOrTx,
  actor: Actor,
  input: { name: string; role?: Role },
): Promise<{ key: string; apiKey: ApiKey }> {
  if (!isAdmin(actor)) throw forbidden('Only owners and admins manage API keys');
  if (input.role === 'owner' && actor.role !== 'owner') throw forbidden('Only an owner can create an owner key');
  const key = `pk_${randomToken()}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
        workspaceId: actor.workspaceId,
        name: input.name,
        role: input.role ?? 'admin',
        prefix: key.slice(0, 10),
        keyHash: sha256(key),
        createdById: actor.userId,
      })
      .returning();
    const by = await memberName(tx, actor.workspaceId, actor.userId);
    await recordActivity(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      type: 'api_key.created',
      text: `API key "${row.name}" created by ${by}`,
    });
    return { key, apiKey: publicKey(row) };
  });
}

export async function listApiKeys(db: DbOrTx, actor: Actor): Promise<ApiKey[]> {
  if (!isAdmin(actor)) throw forbidden('Only owners and admins manage API keys');
  return (
    await db.select().from(apiKeys).where(eq(apiKeys.workspaceId, actor.workspaceId)).orderBy(desc(apiKeys.createdAt))
  ).map(publicKey);
}

export async function revokeApiKey(db: DbOrTx, actor: Actor, id: string): Promise<void> {
  if (!isAdmin(actor)) throw forbidden('Only owners and admins manage API keys');
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.workspaceId, actor.workspaceId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) throw notFound('API key');
    const by = await memberName(tx, actor.workspaceId, actor.userId);
    await recordActivity(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      type: 'api_key.revoked',
      text: `API key "${row.name}" revoked by ${by}`,
    });
  });
}
