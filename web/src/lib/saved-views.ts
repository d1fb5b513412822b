// Saved views of the leads table: named filter sets, kept in this browser per member.
import { useCallback, useEffect, useState } from 'react';

export type LeadFilters = { status?: string; assignee?: string; source?: string; q?: string };
export type SavedView = { name: string; filters: LeadFilters };

const keyOf = (userId: string | null) => `parley.views.${userId ?? 'anon'}`;

export function loadViews(userId: string | null): SavedView[] {
  try {
    const v = JSON.parse(localStorage.getItem(keyOf(userId)) ?? '[]');
    return Array.isArray(v) ? v.filter((x) => typeof x?.name === 'string' && typeof x?.filters === 'object') : [];
  } catch {
    return [];
  }
}

export function useSavedViews(userId: string | null) {
  const [views, setViews] = useState<SavedView[]>(() => loadViews(userId));
  useEffect(() => setViews(loadViews(userId)), [userId]);
  const persist = useCallback(
    (next: SavedView[]) => {
      setViews(next);
      localStorage.setItem(keyOf(userId), JSON.stringify(next));
    },
    [userId],
  );
  return {
    views,
    save: (name: string, filters: LeadFilters) => persist([...views.filter((v) => v.name !== name), { name, filters }]),
    remove: (name: string) => persist(views.filter((v) => v.name !== name)),
  };
}
