// Live updates: one EventSource on /api/events while signed in. Each event refreshes the queries
// it touches; the REST API then returns the rows (and applies the role rules again).
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';

type Handler = (type: string, data: Record<string, unknown>) => void;
const handlers = new Set<Handler>();
let state: 'connecting' | 'live' | 'offline' = 'connecting';
const stateListeners = new Set<() => void>();
const setState = (s: typeof state) => {
  state = s;
  for (const l of stateListeners) l();
};

export const useLiveState = () =>
  useSyncExternalStore(
    (cb) => {
      stateListeners.add(cb);
      return () => stateListeners.delete(cb);
    },
    () => state,
  );

/** Subscribe a component to live events. */
export function useLiveEvent(fn: Handler) {
  useEffect(() => {
    handlers.add(fn);
    return () => {
      handlers.delete(fn);
    };
  }, [fn]);
}

// Refreshes are batched: a burst of events (a bulk import, a busy hour) refetches each query once
// per window instead of once per event. Messages feel live at 250 ms; leads settle at 2 s.
const pending = new Map<string, { key: unknown[]; timer: ReturnType<typeof setTimeout> }>();
function invalidate(qc: QueryClient, key: unknown[], ms = 250) {
  const id = JSON.stringify(key);
  if (pending.has(id)) return;
  pending.set(id, {
    key,
    timer: setTimeout(() => {
      pending.delete(id);
      void qc.invalidateQueries({ queryKey: key });
    }, ms),
  });
}

function refresh(qc: QueryClient, type: string, data: Record<string, unknown>) {
  if (type === 'message') {
    invalidate(qc, ['messages', data.conversation_id]);
    invalidate(qc, ['conversations']);
    invalidate(qc, ['conversation', data.conversation_id]);
    invalidate(qc, ['simulator']);
  } else if (type === 'conversation') {
    invalidate(qc, ['conversations']);
    invalidate(qc, ['conversation', data.id]);
    invalidate(qc, ['messages', data.id]);
  } else if (type === 'lead') {
    invalidate(qc, ['lead', data.id], 1000);
    invalidate(qc, ['leads'], 2000);
    invalidate(qc, ['pipeline'], 2000);
  }
}

/** Mounted once by the signed-in shell. */
export function useLiveConnection(enabled: boolean) {
  const qc = useQueryClient();
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const es = new EventSource('/api/events');
    setState('connecting');
    es.addEventListener('ready', () => setState('live'));
    es.onerror = () => setState(es.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    for (const type of ['message', 'conversation', 'lead'])
      es.addEventListener(type, (ev) => {
        const data = JSON.parse((ev as MessageEvent).data) as Record<string, unknown>;
        refresh(qc, type, data);
        for (const h of handlers) h(type, data);
      });
    return () => es.close();
  }, [enabled, qc]);
}

export const useOnline = () =>
  useSyncExternalStore(
    (cb) => {
      window.addEventListener('online', cb);
      window.addEventListener('offline', cb);
      return () => {
        window.removeEventListener('online', cb);
        window.removeEventListener('offline', cb);
      };
    },
    () => navigator.onLine,
  );
