// Shared queries: who is signed in, the team, the workspace, channels. Query keys are arrays
// whose first item names the resource, so live events can refresh a whole family at once.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, api } from './client.ts';
import type { Channel, Me, User, Workspace } from './types.ts';

// Whether this browser has signed in: without it the first screen asks for a login at once
// instead of asking the API (whose 401 the browser would log as an error).
const FLAG = 'parley.signed-in';
const HINT = 'parley.me-hint';
export const rememberSignIn = (on: boolean) => {
  // Answers index.html fetched early belong to the session the page opened with.
  (window as { __parleyBoot?: unknown }).__parleyBoot = undefined;
  if (on) localStorage.setItem(FLAG, '1');
  else {
    localStorage.removeItem(FLAG);
    localStorage.removeItem(HINT);
  }
};

/**
 * Who signed in last in this browser (user id and role), so the first screen can ask for its data
 * while /api/me is still on its way. Only a guess for prefetching: what is shown waits for /api/me.
 */
export function signedInHint(): { userId: string | null; role: string } | null {
  if (localStorage.getItem(FLAG) !== '1') return null;
  try {
    const h = JSON.parse(localStorage.getItem(HINT) ?? 'null') as { userId: string | null; role: string } | null;
    return h && typeof h.role === 'string' ? h : null;
  } catch {
    return null;
  }
}

export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: async () => {
    if (localStorage.getItem(FLAG) !== '1') return null;
    try {
      const me = await api<Me>('/api/me');
      localStorage.setItem(HINT, JSON.stringify({ userId: me.user?.id ?? null, role: me.role }));
      return me;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        rememberSignIn(false);
        return null;
      }
      throw err;
    }
  },
  staleTime: 60_000,
  retry: (n, err) => !(err instanceof ApiError && err.status < 500) && n < 2,
});

export const useMe = () => useQuery(meQuery);

export const useUsers = () =>
  useQuery({
    queryKey: ['users'],
    queryFn: async () => (await api<{ data: User[] }>('/api/users')).data,
    staleTime: 60_000,
  });

export const useWorkspace = () =>
  useQuery({ queryKey: ['workspace'], queryFn: () => api<Workspace>('/api/workspace'), staleTime: 60_000 });

export const useChannels = () =>
  useQuery({
    queryKey: ['channels'],
    queryFn: async () => (await api<{ data: Channel[] }>('/api/channels')).data,
    staleTime: 60_000,
  });

/** The signed-in member's role helpers. */
export function useRole() {
  const me = useMe().data;
  const role = me?.role ?? 'agent';
  return {
    me,
    role,
    userId: me?.user?.id ?? null,
    isAdmin: role === 'owner' || role === 'admin',
    seesAll: role !== 'agent',
  };
}

export const userName = (users: User[] | undefined, id: string | null | undefined) =>
  (id && users?.find((u) => u.id === id)?.name) || (id ? 'Someone' : 'Unassigned');
