// The leads table: the API's filters, saved views, selection and bulk assign, and virtual rows
// (only the visible rows are in the page) loaded 200 at a time as you scroll.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import { useRole, useUsers, userName } from '../../api/queries.ts';
import type { Lead, Page } from '../../api/types.ts';
import { Button, Empty, ErrorState, InlineError, Loading, Select, cx } from '../../components/ui.tsx';
import { ago, statusLabels } from '../../lib/format.ts';
import type { LeadFilters } from '../../lib/saved-views.ts';

const ROW = 44;
const cols = 'grid grid-cols-[2rem_minmax(10rem,2fr)_minmax(8rem,1.4fr)_8rem_9rem_8rem_4rem_7rem] items-center gap-2';

export function LeadTable({ filters }: { filters: LeadFilters }) {
  const users = useUsers();
  const { seesAll } = useRole();
  const qc = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: ['leads', 'table', filters],
    queryFn: ({ pageParam, signal }) =>
      api<Page<Lead>>('/api/leads', {
        signal,
        query: {
          limit: 200,
          cursor: pageParam ?? undefined,
          status: filters.status,
          assignee_id: filters.assignee,
          source: filters.source,
          search: filters.q,
        },
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.next_cursor,
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 12,
  });
  const items = v.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (last >= rows.length - 40 && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
  }, [last, rows.length, list]);

  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [assignTo, setAssignTo] = useState('');
  useEffect(() => setPicked(new Set()), [filters]);
  const bulk = useMutation({
    mutationFn: async () => {
      const ids = [...picked];
      // Four at a time: each is the API's own assign (activity and notification included).
      for (let i = 0; i < ids.length; i += 4)
        await Promise.all(
          ids.slice(i, i + 4).map((id) => api(`/api/leads/${id}/assign`, { body: { assignee_id: assignTo } })),
        );
      return ids.length;
    },
    onSuccess: () => {
      setPicked(new Set());
      void qc.invalidateQueries({ queryKey: ['leads'] });
    },
  });

  if (list.isPending) return <Loading label="Loading leads" />;
  if (list.isError) return <ErrorState error={list.error} retry={() => list.refetch()} />;
  if (!rows.length) return <Empty title="No leads">Nothing matches these filters.</Empty>;
  const allPicked = rows.length > 0 && picked.size === rows.length;

  return (
    <div className="flex h-full min-h-0 flex-col">
      {seesAll && (
        <div
          className="flex flex-wrap items-end gap-2 border-b border-slate-200 bg-white px-4 py-2"
          aria-label="Bulk actions"
        >
          <span className="pb-2 text-sm text-slate-600">{picked.size} selected</span>
          <Select
            label="Assign to"
            value={assignTo}
            onChange={setAssignTo}
            options={[
              { value: '', label: 'Choose a member' },
              ...(users.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.name })),
            ]}
          />
          <Button onClick={() => bulk.mutate()} disabled={!picked.size || !assignTo || bulk.isPending}>
            {bulk.isPending ? 'Assigning…' : 'Assign selected'}
          </Button>
          {bulk.data !== undefined && (
            <span role="status" className="pb-2 text-sm text-green-700">
              {bulk.data} assigned
            </span>
          )}
          <InlineError error={bulk.error} />
        </div>
      )}
      <div
        ref={scroller}
        className="min-h-0 flex-1 overflow-auto bg-white"
        role="table"
        aria-label="Leads"
        aria-rowcount={rows.length + 1}
      >
        <div role="rowgroup" className="sticky top-0 z-10 min-w-[52rem] border-b border-slate-200 bg-slate-50">
          <div role="row" className={cx(cols, 'px-4 py-2 text-xs font-semibold text-slate-600 uppercase')}>
            <span role="columnheader">
              <input
                type="checkbox"
                aria-label="Select all loaded leads"
                checked={allPicked}
                onChange={(e) => setPicked(e.target.checked ? new Set(rows.map((r) => r.id)) : new Set())}
              />
            </span>
            <span role="columnheader">Company</span>
            <span role="columnheader">Contact</span>
            <span role="columnheader">Status</span>
            <span role="columnheader">Assignee</span>
            <span role="columnheader">Source</span>
            <span role="columnheader">Score</span>
            <span role="columnheader">Updated</span>
          </div>
        </div>
        <div role="rowgroup" className="relative min-w-[52rem]" style={{ height: v.getTotalSize() }}>
          {items.map((it) => {
            const l = rows[it.index];
            return (
              <div
                key={l.id}
                role="row"
                aria-rowindex={it.index + 2}
                className={cx(cols, 'absolute inset-x-0 border-b border-slate-100 px-4 text-sm hover:bg-slate-50')}
                style={{ height: ROW, transform: `translateY(${it.start}px)` }}
              >
                <span role="cell">
                  <input
                    type="checkbox"
                    aria-label={`Select ${l.company ?? l.contact_name}`}
                    checked={picked.has(l.id)}
                    onChange={(e) => {
                      const next = new Set(picked);
                      if (e.target.checked) next.add(l.id);
                      else next.delete(l.id);
                      setPicked(next);
                    }}
                  />
                </span>
                <span role="cell" className="truncate">
                  <Link
                    to="/leads/$leadId"
                    params={{ leadId: l.id }}
                    className="font-medium text-slate-900 hover:underline"
                  >
                    {l.company ?? '—'}
                  </Link>
                </span>
                <span role="cell" className="truncate text-slate-700">
                  {l.contact_name}
                </span>
                <span role="cell" className="truncate">
                  {statusLabels[l.status]}
                </span>
                <span role="cell" className="truncate text-slate-700">
                  {userName(users.data, l.assignee_id)}
                </span>
                <span role="cell" className="truncate text-slate-600">
                  {l.source}
                </span>
                <span role="cell">{l.score}</span>
                <span role="cell" className="text-slate-500">
                  {ago(l.updated_at)}
                </span>
              </div>
            );
          })}
        </div>
        {list.isFetchingNextPage && <Loading label="Loading more leads" />}
      </div>
      <p className="border-t border-slate-200 bg-white px-4 py-1 text-xs text-slate-500" role="status" data-lead-count>
        {rows.length}
        {list.hasNextPage ? '+' : ''} leads
      </p>
    </div>
  );
}
