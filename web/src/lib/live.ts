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

function refresh(qc: QueryClient, type: string, data: Record<string, unknown>) {
  if (type === 'message') {
    qc.invalidateQueries({ queryKey: ['messages', data.conversation_id] });
    qc.invalidateQueries({ queryKey: ['conversations'] });
    qc.invalidateQueries({ queryKey: ['conversation', data.conversation_id] });
    qc.invalidateQueries({ queryKey: ['simulator'] });
  } else if (type === 'conversation') {
    qc.invalidateQueries({ queryKey: ['conversations'] });
    qc.invalidateQueries({ queryKey: ['conversation', data.id] });
    qc.invalidateQueries({ queryKey: ['messages', data.id] });
  } else if (type === 'lead') {
    qc.invalidateQueries({ queryKey: ['lead', data.id] });
    qc.invalidateQueries({ queryKey: ['leads'] });
    qc.invalidateQueries({ queryKey: ['pipeline'] });
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
