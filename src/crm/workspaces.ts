import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { workspaces } from '../db/schema/index.ts';
import { badRequest, notFound } from '../lib/errors.ts';
import { isValidRegion } from '../lib/phone.ts';
import { isValidTimeZone } from '../lib/time.ts';

export type Workspace = typeof workspaces.$inferSelect;

export type WorkspaceInput = {
  name: string;
  timeZone?: string;
  phoneRegion?: string;
  isDefault?: boolean;
  settings?: Record<string, unknown>;
};

function check(input: Partial<WorkspaceInput>) {
  if (input.timeZone !== undefined && !isValidTimeZone(input.timeZone))
    throw badRequest('Unknown time zone', { time_zone: 'not an IANA time zone such as Asia/Kolkata' });
  if (input.phoneRegion !== undefined && !isValidRegion(input.phoneRegion))
    throw badRequest('Unknown phone region', { phone_region: 'not a two-letter country code such as IN' });
}

export async function createWorkspace(db: DbOrTx, input: WorkspaceInput): Promise<Workspace> {
  check(input);
  const [row] = await db.insert(workspaces).values(input).returning();
  return row;
}

export async function getWorkspace(db: DbOrTx, id: string): Promise<Workspace> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id));
  if (!row) throw notFound('Workspace');
  return row;
}

export async function updateWorkspace(
  db: DbOrTx,
  id: string,
  patch: Partial<Omit<WorkspaceInput, 'isDefault'>>,
): Promise<Workspace> {
  check(patch);
  // An empty patch (PATCH {}) changes nothing: answer the workspace as it is.
  if (Object.values(patch).every((v) => v === undefined)) return getWorkspace(db, id);
  const [row] = await db.update(workspaces).set(patch).where(eq(workspaces.id, id)).returning();
  if (!row) throw notFound('Workspace');
  return row;
}

export async function findDefaultWorkspace(db: DbOrTx): Promise<Workspace | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.isDefault, true)).limit(1);
  return row;
}
