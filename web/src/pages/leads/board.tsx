// The pipeline board: a column per status with its count and deal value (GET /api/pipeline),
// cards loaded per column, drag a card to change its status (PATCH writes the activity), and
// won/lost drop zones. Each card also has a "Move to" menu for keyboards.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type DragEvent } from 'react';
import { api } from '../../api/client.ts';
import { useUsers } from '../../api/queries.ts';
import type { Lead, LeadStatus, Page, Pipeline } from '../../api/types.ts';
import { Button, ErrorState, InlineError, Spinner, cx } from '../../components/ui.tsx';
import { boardStatuses, initials, leadStatuses, money, statusLabels } from '../../lib/format.ts';
import type { LeadFilters } from '../../lib/saved-views.ts';

const query = (f: LeadFilters) => ({ assignee_id: f.assignee, source: f.source, search: f.q });

function useColumn(status: LeadStatus, f: LeadFilters) {
  return useInfiniteQuery({
    queryKey: ['leads', 'column', status, f],
    queryFn: ({ pageParam }) =>
      api<Page<Lead>>('/api/leads', { query: { status, limit: 30, cursor: pageParam ?? undefined, ...query(f) } }),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.next_cursor,
  });
}

const valueText = (values: { currency: string; value: number }[] | undefined) =>
  values?.length ? values.map((v) => money(v.value, v.currency)).join(' + ') : money(0);

function Card({ lead, onMove }: { lead: Lead; onMove: (l: Lead, s: LeadStatus) => void }) {
  const users = useUsers();
  const assignee = users.data?.find((u) => u.id === lead.assignee_id);
  const name = lead.company ?? lead.contact_name ?? 'Lead';
  return (
    <li
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData('application/x-parley-lead', JSON.stringify({ id: lead.id, status: lead.status }));
        e.dataTransfer.effectAllowed = 'move';
      }}
      data-lead-id={lead.id}
      aria-label={name}
      className="cursor-grab rounded-md border border-slate-200 bg-white p-2.5 shadow-sm active:cursor-grabbing"
    >
      <Link
        to="/leads/$leadId"
        params={{ leadId: lead.id }}
        className="block text-sm font-medium text-slate-900 hover:underline"
      >
        {name}
      </Link>
      <p className="truncate text-xs text-slate-600">{lead.contact_name}</p>
      <div className="mt-1.5 flex items-center justify-between gap-1">
        <span className="text-xs text-slate-500">Score {lead.score}</span>
        <span
          className="grid h-6 w-6 place-items-center rounded-full bg-slate-200 text-[10px] font-semibold"
          title={assignee?.name ?? 'Unassigned'}
        >
          <span aria-hidden>{initials(assignee?.name ?? '–')}</span>
          <span className="sr-only">{assignee?.name ?? 'Unassigned'}</span>
        </span>
      </div>
      <label className="sr-only" htmlFor={`move-${lead.id}`}>
        Move {name} to
      </label>
      <select
        id={`move-${lead.id}`}
        value={lead.status}
        onChange={(e) => onMove(lead, e.target.value as LeadStatus)}
        className="mt-1.5 w-full rounded border border-slate-200 bg-slate-50 px-1 py-0.5 text-xs text-slate-600"
      >
        {leadStatuses.map((s) => (
          <option key={s} value={s}>
            {statusLabels[s]}
          </option>
        ))}
      </select>
    </li>
  );
}

function useDrop(status: LeadStatus, onMove: (id: string, from: LeadStatus, to: LeadStatus) => void) {
  const [over, setOver] = useState(false);
  return {
    over,
    props: {
      onDragOver: (e: DragEvent) => {
        if (!e.dataTransfer.types.includes('application/x-parley-lead')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setOver(true);
      },
      onDragLeave: () => setOver(false),
      onDrop: (e: DragEvent) => {
        e.preventDefault();
        setOver(false);
        const raw = e.dataTransfer.getData('application/x-parley-lead');
        if (!raw) return;
        const { id, status: from } = JSON.parse(raw) as { id: string; status: LeadStatus };
        if (from !== status) onMove(id, from, status);
      },
    },
  };
}

function Column({
  status,
  filters,
  head,
  onMove,
}: {
  status: LeadStatus;
  filters: LeadFilters;
  head?: Pipeline['data'][number];
  onMove: (id: string, from: LeadStatus, to: LeadStatus) => void;
}) {
  const col = useColumn(status, filters);
  const drop = useDrop(status, onMove);
  const leads = col.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section
      aria-label={`${statusLabels[status]} column`}
      data-status={status}
      {...drop.props}
      className={cx('flex w-64 shrink-0 flex-col rounded-lg bg-slate-100', drop.over && 'ring-2 ring-teal-500')}
    >
      <header className="px-3 pt-2.5 pb-2">
        <h2 className="flex items-center justify-between text-sm font-semibold text-slate-800">
          {statusLabels[status]}
          <span
            className="rounded-full bg-white px-2 text-xs font-medium text-slate-600"
            aria-label={`${head?.count ?? 0} leads`}
            data-count
          >
            {head?.count ?? '…'}
          </span>
        </h2>
        <p className="text-xs text-slate-500" data-value>
          {valueText(head?.values)}
        </p>
      </header>
      <ul className="flex min-h-16 flex-1 flex-col gap-2 overflow-y-auto px-2 pb-2">
        {col.isPending && <Spinner />}
        {leads.map((l) => (
          <Card key={l.id} lead={l} onMove={(lead, to) => onMove(lead.id, lead.status, to)} />
        ))}
        {col.hasNextPage && (
          <Button size="sm" variant="ghost" onClick={() => col.fetchNextPage()} disabled={col.isFetchingNextPage}>
            More
          </Button>
        )}
      </ul>
    </section>
  );
}

function DropZone({
  status,
  head,
  onMove,
}: {
  status: 'won' | 'lost';
  head?: Pipeline['data'][number];
  onMove: (id: string, from: LeadStatus, to: LeadStatus) => void;
}) {
  const drop = useDrop(status, onMove);
  return (
    <div
      {...drop.props}
      data-status={status}
      aria-label={`${statusLabels[status]} drop zone`}
      className={cx(
        'flex flex-1 items-center justify-center gap-2 rounded-lg border-2 border-dashed py-3 text-sm font-medium',
        status === 'won' ? 'border-green-400 text-green-800' : 'border-red-300 text-red-800',
        drop.over && (status === 'won' ? 'bg-green-50' : 'bg-red-50'),
      )}
    >
      {statusLabels[status]} · <span data-count>{head?.count ?? 0}</span> · {valueText(head?.values)}
      <Link to="/leads" search={{ view: 'table', status }} className="text-xs underline">
        list
      </Link>
    </div>
  );
}

export function Board({ filters }: { filters: LeadFilters }) {
  const qc = useQueryClient();
  const pipeline = useQuery({
    queryKey: ['pipeline', filters.assignee, filters.source],
    queryFn: () => api<Pipeline>('/api/pipeline', { query: { assignee_id: filters.assignee, source: filters.source } }),
  });
  const heads = new Map(pipeline.data?.data.map((h) => [h.status, h]));
  const move = useMutation({
    mutationFn: ({ id, to }: { id: string; from: LeadStatus; to: LeadStatus }) =>
      api<Lead>(`/api/leads/${id}`, { method: 'PATCH', body: { status: to } }),
    onMutate: ({ id, from, to }) => {
      // Move the card at once; the server's answer (or an error) settles it.
      const key = ['leads', 'column', from, filters];
      const old = qc.getQueryData<InfiniteData<Page<Lead>>>(key);
      const lead = old?.pages.flatMap((p) => p.data).find((l) => l.id === id);
      if (old)
        qc.setQueryData(key, {
          ...old,
          pages: old.pages.map((p) => ({ ...p, data: p.data.filter((l) => l.id !== id) })),
        });
      const target = ['leads', 'column', to, filters];
      const dest = qc.getQueryData<InfiniteData<Page<Lead>>>(target);
      if (dest && lead)
        qc.setQueryData(target, {
          ...dest,
          pages: dest.pages.map((p, i) => (i === 0 ? { ...p, data: [{ ...lead, status: to }, ...p.data] } : p)),
        });
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['leads'] });
      void qc.invalidateQueries({ queryKey: ['pipeline'] });
    },
  });
  const onMove = (id: string, from: LeadStatus, to: LeadStatus) => move.mutate({ id, from, to });
  if (pipeline.isError) return <ErrorState error={pipeline.error} retry={() => pipeline.refetch()} />;
  return (
    <div className="flex h-full min-h-0 flex-col gap-3 p-3 md:p-4">
      <InlineError error={move.error} />
      <div className="flex min-h-0 flex-1 gap-3 overflow-x-auto pb-2" aria-label="Pipeline board">
        {boardStatuses.map((s) => (
          <Column key={s} status={s} filters={filters} head={heads.get(s)} onMove={onMove} />
        ))}
      </div>
      <div className="flex gap-3" aria-label="Won and lost">
        <DropZone status="won" head={heads.get('won')} onMove={onMove} />
        <DropZone status="lost" head={heads.get('lost')} onMove={onMove} />
      </div>
    </div>
  );
}
