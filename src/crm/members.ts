// Team members as the CRM sees them: names for activity texts, lookups for assignment.
// (Accounts, passwords and sessions live in auth/.)
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { users } from '../db/schema/index.ts';
import { badRequest } from '../lib/errors.ts';

export type Member = Pick<
  typeof users.$inferSelect,
  'id' | 'workspaceId' | 'name' | 'username' | 'email' | 'phone' | 'role' | 'active'
>;

const memberColumns = {
  id: users.id,
  workspaceId: users.workspaceId,
  name: users.name,
  username: users.username,
  email: users.email,
  phone: users.phone,
  role: users.role,
  active: users.active,
};

export async function getMember(db: DbOrTx, workspaceId: string, id: string): Promise<Member | undefined> {
  const [row] = await db
    .select(memberColumns)
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.id, id)));
  return row;
}

/** An active member of the workspace, or a 400 naming the field. */
export async function requireAssignee(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  field = 'assignee_id',
): Promise<Member> {
  const m = await getMember(db, workspaceId, id);
  if (!m || !m.active)
    throw badRequest('Assignee is not an active member of this workspace', {
      [field]: 'unknown or inactive team member',
    });
  return m;
}

export async function memberNames(
  db: DbOrTx,
  workspaceId: string,
  ids: (string | null | undefined)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (!wanted.length) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), inArray(users.id, wanted)));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function memberName(db: DbOrTx, workspaceId: string, id: string | null | undefined): Promise<string> {
  if (!id) return 'the system';
  return (await memberNames(db, workspaceId, [id])).get(id) ?? 'a former member';
}

export async function listMembers(db: DbOrTx, workspaceId: string): Promise<Member[]> {
  return db.select(memberColumns).from(users).where(eq(users.workspaceId, workspaceId)).orderBy(users.name);
}

/** Finds an active member by username, first name or full name ("Amit", "amit.k", "Amit Kumar"). */
export async function findMemberByName(db: DbOrTx, workspaceId: string, name: string): Promise<Member | undefined> {
  const q = name.trim().toLowerCase().replace(/^@/, '');
  if (!q) return undefined;
  const rows = await db
    .select(memberColumns)
    .from(users)
    .where(
      and(
        eq(users.workspaceId, workspaceId),
        eq(users.active, true),
        sql`(lower(${users.username}) = ${q} or lower(${users.name}) = ${q} or split_part(lower(${users.name}), ' ', 1) = ${q} or lower(${users.email}) = ${q})`,
      ),
    );
  return rows.length === 1 ? rows[0] : rows.find((r) => r.name.toLowerCase() === q || r.username.toLowerCase() === q);
}
