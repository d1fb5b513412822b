// Accounts: team members with passwords. Creation, registration, profile changes.
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { users, type Role } from '../db/schema/index.ts';
import { recordActivity } from '../crm/activities.ts';
import { isAdmin, type Actor } from '../crm/actor.ts';
import { memberName } from '../crm/members.ts';
import { createWorkspace, getWorkspace } from '../crm/workspaces.ts';
import { badRequest, conflict, forbidden, notFound } from '../lib/errors.ts';
import { normalizePhone } from '../lib/phone.ts';
import { hashPassword } from './passwords.ts';
import { endSessions } from './sessions.ts';

export type User = typeof users.$inferSelect;
export type PublicUser = Omit<User, 'passwordHash'>;

export const publicUser = ({ passwordHash: _omit, ...rest }: User): PublicUser => rest;

export type NewUser = {
  name: string;
  email: string;
  password?: string;
  role?: Role;
  phone?: string | null;
  username?: string;
};

const roleRank: Record<Role, number> = { owner: 4, admin: 3, manager: 2, agent: 1 };

async function uniqueUsername(db: DbOrTx, workspaceId: string, wanted: string): Promise<string> {
  const base =
    wanted
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '.')
      .replace(/^\.+|\.+$/g, '') || 'user';
  for (let i = 0; ; i++) {
    const candidate = i ? `${base}${i + 1}` : base;
    const [taken] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.workspaceId, workspaceId), sql`lower(${users.username}) = ${candidate}`));
    if (!taken) return candidate;
  }
}

/** Adds an account to a workspace. `actor` null means the system (first owner, CLI, seeding). */
export async function createUser(
  db: DbOrTx,
  workspaceId: string,
  input: NewUser,
  actor: Actor | null = null,
): Promise<User> {
  if (actor) {
    if (actor.workspaceId !== workspaceId || !isAdmin(actor))
      throw forbidden('Only owners and admins add team members');
    if (input.role === 'owner' && actor.role !== 'owner') throw forbidden('Only an owner can add another owner');
  }
  return db.transaction(async (tx) => {
    const ws = await getWorkspace(tx, workspaceId);
    const email = input.email.trim().toLowerCase();
    const [existing] = await tx
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`);
    if (existing) throw conflict('An account with this email already exists', { email: 'already registered' });
    let phone: string | null = null;
    if (input.phone) {
      phone = normalizePhone(input.phone, ws.phoneRegion);
      if (!phone) throw badRequest('Invalid phone number', { phone: `"${input.phone}" is not a valid phone number` });
      const [taken] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.workspaceId, workspaceId), eq(users.phone, phone)));
      if (taken)
        throw conflict('Another team member has this phone number', { phone: 'already used by a team member' });
    }
    let username: string;
    if (input.username) {
      username = input.username.trim().toLowerCase();
      const [taken] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.workspaceId, workspaceId), sql`lower(${users.username}) = ${username}`));
      if (taken) throw conflict('This username is taken', { username: 'already used in this workspace' });
    } else username = await uniqueUsername(tx, workspaceId, email.split('@')[0]);
    const [user] = await tx
      .insert(users)
      .values({
        workspaceId,
        name: input.name.trim(),
        email,
        username,
        phone,
        role: input.role ?? 'agent',
        passwordHash: input.password ? await hashPassword(input.password) : null,
      })
      .returning();
    const by = actor ? await memberName(tx, workspaceId, actor.userId) : 'the system';
    await recordActivity(tx, {
      workspaceId,
      actorId: actor?.userId ?? null,
      type: 'user.added',
      text: `${user.name} joined as ${user.role} (added by ${by})`,
      subjectType: 'user',
      subjectId: user.id,
    });
    return user;
  });
}

/**
 * May an anonymous caller create a workspace? PARLEY_SIGNUP decides; unset, only while no account
 * exists yet (the first start creates an empty default workspace, so "no workspace" never holds).
 */
export async function signupOpen(db: DbOrTx, mode: 'open' | 'invite' | undefined): Promise<boolean> {
  if (mode) return mode === 'open';
  const [any] = await db.select({ id: users.id }).from(users).limit(1);
  return !any;
}

/** Public sign-up: a new workspace whose first account is its owner. */
export async function registerWorkspace(
  db: DbOrTx,
  input: NewUser & { workspaceName?: string; timeZone?: string; phoneRegion?: string },
): Promise<User> {
  return db.transaction(async (tx) => {
    const ws = await createWorkspace(tx, {
      name: input.workspaceName?.trim() || `${input.name.trim()}'s workspace`,
      timeZone: input.timeZone,
      phoneRegion: input.phoneRegion,
    });
    return createUser(tx, ws.id, { ...input, role: 'owner' });
  });
}

export async function getUser(db: DbOrTx, actor: Actor, id: string): Promise<User> {
  const [u] = await db
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, actor.workspaceId), eq(users.id, id)));
  if (!u) throw notFound('User');
  return u;
}

export async function findUserByUsername(db: DbOrTx, actor: Actor, username: string): Promise<User> {
  const [u] = await db
    .select()
    .from(users)
    .where(and(eq(users.workspaceId, actor.workspaceId), sql`lower(${users.username}) = ${username.toLowerCase()}`));
  if (!u) throw notFound('User');
  return u;
}

export async function listUsers(db: DbOrTx, actor: Actor): Promise<User[]> {
  return db.select().from(users).where(eq(users.workspaceId, actor.workspaceId)).orderBy(users.name);
}

export type UserPatch = { name?: string; phone?: string | null; role?: Role; active?: boolean; password?: string };

/**
 * Owners and admins change anyone below them; everyone changes their own name, phone and password.
 * A new password ends the member's other sessions (`keepSessionId`: the one that changed it);
 * deactivation ends all of them.
 */
export async function updateUser(
  db: DbOrTx,
  actor: Actor,
  id: string,
  patch: UserPatch,
  opts: { keepSessionId?: string } = {},
): Promise<User> {
  return db.transaction(async (tx) => {
    const target = await getUser(tx, actor, id);
    const self = actor.userId === id;
    if (!self && !isAdmin(actor)) throw forbidden('Only owners and admins change other team members');
    if (!self && roleRank[target.role] > roleRank[actor.role])
      throw forbidden('You cannot change a member with a higher role');
    if ((patch.role !== undefined || patch.active !== undefined) && (self || !isAdmin(actor)))
      throw forbidden('You cannot change your own role or active flag');
    if (patch.role === 'owner' && actor.role !== 'owner') throw forbidden('Only an owner can make an owner');
    const values: Partial<User> = {};
    if (patch.name !== undefined) values.name = patch.name.trim();
    if (patch.role !== undefined) values.role = patch.role;
    if (patch.active !== undefined) values.active = patch.active;
    if (patch.password !== undefined) values.passwordHash = await hashPassword(patch.password);
    if (patch.phone !== undefined) {
      const ws = await getWorkspace(tx, actor.workspaceId);
      const phone = patch.phone ? normalizePhone(patch.phone, ws.phoneRegion) : null;
      if (patch.phone && !phone)
        throw badRequest('Invalid phone number', { phone: `"${patch.phone}" is not a valid phone number` });
      if (phone) {
        const [taken] = await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.workspaceId, actor.workspaceId), eq(users.phone, phone)));
        if (taken && taken.id !== id)
          throw conflict('Another team member has this phone number', { phone: 'already used by a team member' });
      }
      values.phone = phone;
    }
    if (!Object.keys(values).length) return target; // an empty patch changes nothing
    const [u] = await tx
      .update(users)
      .set(values)
      .where(and(eq(users.workspaceId, actor.workspaceId), eq(users.id, id)))
      .returning();
    if (values.passwordHash) await endSessions(tx, id, actor.userId === id ? opts.keepSessionId : undefined);
    if (values.active === false) await endSessions(tx, id);
    const changed = Object.keys(values).filter((k) => k !== 'passwordHash');
    if (changed.length || values.passwordHash) {
      const by = await memberName(tx, actor.workspaceId, actor.userId);
      const what = [...changed, ...(values.passwordHash ? ['password'] : [])].join(', ');
      await recordActivity(tx, {
        workspaceId: actor.workspaceId,
        actorId: actor.userId,
        type: 'user.updated',
        text: `${u.name}'s ${what} updated by ${by}`,
        subjectType: 'user',
        subjectId: u.id,
      });
    }
    return u;
  });
}
