import type { Role } from '../db/schema/index.ts';

/**
 * Who is acting and in which workspace. Every crm/ function takes one: the workspace scopes every
 * query (tenancy) and the role decides visibility (agents see their own leads and tasks).
 */
export type Actor = {
  workspaceId: string;
  /** null for API keys and the system (jobs, channels). */
  userId: string | null;
  role: Role;
};

export const seesAll = (actor: Actor) => actor.role !== 'agent';
export const isAdmin = (actor: Actor) => actor.role === 'owner' || actor.role === 'admin';
export const systemActor = (workspaceId: string): Actor => ({ workspaceId, userId: null, role: 'owner' });
