// The conversation list: Mine / Unassigned / All, channel, linked, handed-off and search filters,
// selection for bulk actions, and j/k to move through it.
import {
  infiniteQueryOptions,
  useInfiniteQuery,
  useMutation,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { Hand } from 'lucide-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorText } from '../../api/client.ts';
import { signedInHint, useRole } from '../../api/queries.ts';
import { threadQuery } from '../../api/thread.ts';
import type { ConversationItem, Page } from '../../api/types.ts';
import { Badge, Button, Empty, ErrorState, Loading, Select, cx, inputClass } from '../../components/ui.tsx';
import { ago, initials } from '../../lib/format.ts';
import { useKey } from '../../lib/shortcuts.ts';

export type InboxFilters = {
  box?: 'mine' | 'unassigned' | 'all';
  channel?: string;
  linked?: 'yes' | 'no';
  handed?: boolean;
  q?: string;
};

export const conversationTitle = (c: ConversationItem) =>
  c.contact_name || c.lead?.contact_name || c.lead?.company || c.contact_phone || c.external_id;

/** The list's query; the user id is part of it only for "Mine". */
export const conversationsQuery = (f: InboxFilters, userId: string | null) =>
  infiniteQueryOptions({
    queryKey: ['conversations', f, f.box === 'mine' ? userId : null],
    queryFn: ({ pageParam, signal }) =>
      api<Page<ConversationItem>>('/api/conversations', {
        signal,
        query: {
          limit: 50,
          cursor: pageParam ?? undefined,
          assignee_id: f.box === 'mine' ? (userId ?? undefined) : undefined,
          unassigned: f.box === 'unassigned' ? true : undefined,
          channel: f.channel,
          linked: f.linked === 'yes' ? true : f.linked === 'no' ? false : undefined,
          handed_off: f.handed ? true : undefined,
          search: f.q,
        },
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });

export const useConversations = (f: InboxFilters, userId: string | null) =>
  useInfiniteQuery(conversationsQuery(f, userId));

/**
 * Started by the inbox routes' loader, before the page renders and while /api/me is on its way:
 * the list (for the role this browser signed in with last) and the open conversation.
 */
export function prefetchInbox(qc: QueryClient, filters: InboxFilters, conversationId?: string) {
  const hint = signedInHint();
  if (!hint) return;
  const box = filters.box ?? (hint.role !== 'agent' ? 'all' : 'mine');
  void qc.prefetchInfiniteQuery(conversationsQuery({ ...filters, box }, hint.userId));
  if (conversationId) void qc.prefetchQuery(threadQuery(conversationId));
}

export function ConversationList({
  filters,
  selectedId,
  onFilters,
}: {
  filters: InboxFilters;
  selectedId?: string;
  onFilters: (f: InboxFilters) => void;
}) {
  const { userId, seesAll } = useRole();
  const box = filters.box ?? (seesAll ? 'all' : 'mine');
  const list = useConversations({ ...filters, box }, userId);
  const items = list.data?.pages.flatMap((p) => p.data) ?? [];
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [q, setQ] = useState(filters.q ?? '');
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => setQ(filters.q ?? ''), [filters.q]);
  useKey(
    '/',
    useCallback(() => searchRef.current?.focus(), []),
  );
  const move = useCallback(
    (step: number) => {
      if (!items.length) return;
      const i = items.findIndex((c) => c.id === selectedId);
      const next = items[Math.min(items.length - 1, Math.max(0, i < 0 ? 0 : i + step))];
      void navigate({ to: '/inbox/$conversationId', params: { conversationId: next.id }, search: filters });
    },
    [items, selectedId, navigate, filters],
  );
  useKey(
    'j',
    useCallback(() => move(1), [move]),
  );
  useKey(
    'k',
    useCallback(() => move(-1), [move]),
  );
  useEffect(() => {
    document.getElementById(`conv-${selectedId}`)?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);
  const prefetch = useCallback((id: string) => void qc.prefetchQuery(threadQuery(id)), [qc]);
  // The conversations j and k lead to are fetched ahead, so moving through the list is instant.
  useEffect(() => {
    const i = items.findIndex((c) => c.id === selectedId);
    for (const c of [items[i - 1], items[i + 1]]) if (c) prefetch(c.id);
  }, [items, selectedId, prefetch]);

  const bulk = useMutation({
    mutationFn: async (action: 'handoff' | 'release') => {
      for (const id of picked) await api(`/api/conversations/${id}/${action}`, { method: 'POST', body: {} });
    },
    onSettled: () => {
      setPicked(new Set());
      void qc.invalidateQueries({ queryKey: ['conversations'] });
    },
  });
  const autoLink = useMutation({
    mutationFn: () => api<{ linked: number }>('/api/whatsapp/crm-integration/auto-link', { method: 'POST' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['conversations'] }),
  });

  const tabs = [
    { id: 'mine', label: 'Mine' },
    { id: 'unassigned', label: 'Unassigned' },
    { id: 'all', label: 'All' },
  ] as const;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="space-y-2 border-b border-slate-200 p-3">
        <div role="tablist" aria-label="Which conversations" className="flex rounded-md bg-slate-100 p-0.5 text-sm">
          {tabs.map((t) => (
            <button
              key={t.id}
              role="tab"
              aria-selected={box === t.id}
              onClick={() => onFilters({ ...filters, box: t.id })}
              className={cx(
                'flex-1 rounded px-2 py-1',
                box === t.id ? 'bg-white font-medium shadow-sm' : 'text-slate-600',
              )}
            >
              {t.label}
            </button>
          ))}
        </div>
        <form
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            onFilters({ ...filters, q: q.trim() || undefined });
          }}
        >
          <input
            ref={searchRef}
            type="search"
            aria-label="Search conversations"
            placeholder="Search name, phone, company  ( / )"
            className={inputClass}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onBlur={() => q !== (filters.q ?? '') && onFilters({ ...filters, q: q.trim() || undefined })}
          />
        </form>
        <div className="grid grid-cols-2 gap-2">
          <Select
            label="Channel"
            hideLabel
            value={filters.channel ?? ''}
            onChange={(v) => onFilters({ ...filters, channel: v || undefined })}
            options={[
              { value: '', label: 'Any channel' },
              ...['whatsapp', 'messenger', 'facebook_comment', 'maytapi', 'twilio', 'simulator', 'app'].map((c) => ({
                value: c,
                label: c === 'facebook_comment' ? 'Facebook comments' : c[0].toUpperCase() + c.slice(1),
              })),
            ]}
          />
          <Select
            label="Linked to a lead"
            hideLabel
            value={filters.linked ?? ''}
            onChange={(v) => onFilters({ ...filters, linked: (v || undefined) as InboxFilters['linked'] })}
            options={[
              { value: '', label: 'Linked: any' },
              { value: 'yes', label: 'Linked' },
              { value: 'no', label: 'Not linked' },
            ]}
          />
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            checked={!!filters.handed}
            onChange={(e) => onFilters({ ...filters, handed: e.target.checked || undefined })}
          />
          Waiting for a person only
        </label>
        {picked.size > 0 && (
          <div
            className="flex flex-wrap items-center gap-2 rounded-md bg-teal-50 p-2 text-sm"
            aria-label="Bulk actions"
          >
            <span>{picked.size} selected</span>
            <Button size="sm" onClick={() => bulk.mutate('handoff')} disabled={bulk.isPending}>
              Hand to a person
            </Button>
            <Button size="sm" onClick={() => bulk.mutate('release')} disabled={bulk.isPending}>
              Back to the bot
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setPicked(new Set())}>
              Clear
            </Button>
          </div>
        )}
        {seesAll && (
          <div className="flex items-center gap-2 text-xs text-slate-600">
            <Button size="sm" variant="ghost" onClick={() => autoLink.mutate()} disabled={autoLink.isPending}>
              Auto-link by phone
            </Button>
            <span role="status">
              {autoLink.data ? `${autoLink.data.linked} linked` : autoLink.error ? errorText(autoLink.error) : ''}
            </span>
          </div>
        )}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto" aria-live="polite">
        {list.isPending ? (
          <Loading label="Loading conversations" />
        ) : list.isError ? (
          <ErrorState error={list.error} retry={() => list.refetch()} />
        ) : !items.length ? (
          <Empty title="No conversations">
            {filters.q || filters.channel || filters.linked || filters.handed
              ? 'Nothing matches these filters.'
              : 'Messages from customers appear here.'}
          </Empty>
        ) : (
          <ul aria-label="Conversations">
            {items.map((c) => (
              <li
                key={c.id}
                id={`conv-${c.id}`}
                className={cx(
                  'flex items-start gap-2 border-b border-slate-100 px-3 py-2.5',
                  c.id === selectedId ? 'bg-teal-50' : 'hover:bg-slate-50',
                )}
              >
                <input
                  type="checkbox"
                  className="mt-2"
                  aria-label={`Select ${conversationTitle(c)}`}
                  checked={picked.has(c.id)}
                  onChange={(e) => {
                    const next = new Set(picked);
                    if (e.target.checked) next.add(c.id);
                    else next.delete(c.id);
                    setPicked(next);
                  }}
                />
                <Link
                  to="/inbox/$conversationId"
                  params={{ conversationId: c.id }}
                  search={filters}
                  aria-current={c.id === selectedId ? 'true' : undefined}
                  onMouseEnter={() => prefetch(c.id)}
                  onFocus={() => prefetch(c.id)}
                  className="flex min-w-0 flex-1 gap-2.5"
                >
                  <span
                    className="grid h-9 w-9 shrink-0 place-items-center rounded-full bg-slate-200 text-xs font-semibold text-slate-700"
                    aria-hidden
                  >
                    {initials(conversationTitle(c))}
                  </span>
                  <span className="min-w-0 flex-1">
                    <span className="flex items-baseline justify-between gap-2">
                      <span className="truncate text-sm font-medium text-slate-900">{conversationTitle(c)}</span>
                      <span className="shrink-0 text-xs text-slate-500">{ago(c.last_message_at ?? c.created_at)}</span>
                    </span>
                    <span className="flex flex-wrap items-center gap-1 pt-0.5 text-xs text-slate-600">
                      <span>{c.channel}</span>
                      {c.lead?.company && <span className="truncate">· {c.lead.company}</span>}
                      {!c.lead_id && <Badge tone="blue">Not linked</Badge>}
                      {c.member_id && <Badge tone="violet">Team</Badge>}
                      {c.handed_off_at && (
                        <Badge tone="amber">
                          <Hand size={11} aria-hidden /> Waiting for a person
                        </Badge>
                      )}
                      {c.opted_out_at && <Badge tone="red">Opted out</Badge>}
                    </span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {list.hasNextPage && (
          <div className="p-3 text-center">
            <Button size="sm" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}
