// Tasks: overdue, today and upcoming as an agenda by day; complete and reschedule in place.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { allPages, api } from '../api/client.ts';
import { useRole, useUsers, userName } from '../api/queries.ts';
import type { Task } from '../api/types.ts';
import { Badge, Button, Empty, ErrorState, InlineError, Loading, PageHeader, Select, cx } from '../components/ui.tsx';
import { time, words } from '../lib/format.ts';

const dayKey = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const localInput = (iso: string | null) => {
  if (!iso) return '';
  const d = new Date(iso);
  return `${dayKey(d)}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

function TaskRow({ t }: { t: Task }) {
  const users = useUsers();
  const qc = useQueryClient();
  const [when, setWhen] = useState<string | null>(null);
  const update = useMutation({
    mutationFn: (body: Record<string, unknown>) => api(`/api/tasks/${t.id}`, { method: 'PATCH', body }),
    onSuccess: () => {
      setWhen(null);
      void qc.invalidateQueries({ queryKey: ['tasks'] });
    },
  });
  const overdue = t.due_at && new Date(t.due_at).getTime() < Date.now();
  return (
    <li className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-4 py-2.5 text-sm" data-task-id={t.id}>
      <span className={cx('w-16 shrink-0 tabular-nums', overdue ? 'font-medium text-red-700' : 'text-slate-600')}>
        {t.due_at
          ? overdue
            ? new Date(t.due_at).toLocaleString('en-IN', {
                day: 'numeric',
                month: 'short',
                hour: '2-digit',
                minute: '2-digit',
              })
            : time(t.due_at)
          : '—'}
      </span>
      <span className="min-w-0 flex-1">
        <span className="font-medium text-slate-900">{t.title}</span>{' '}
        {t.lead_id && (
          <Link to="/leads/$leadId" params={{ leadId: t.lead_id }} className="text-teal-700 hover:underline">
            {t.company ?? t.contact_name ?? 'lead'}
          </Link>
        )}
        <span className="block text-xs text-slate-500">
          {words(t.type)} · {userName(users.data, t.assignee_id)}
          {t.description ? ` · ${t.description}` : ''}
        </span>
      </span>
      {t.priority === 'high' && <Badge tone="red">High</Badge>}
      {when === null ? (
        <>
          <Button size="sm" onClick={() => setWhen(localInput(t.due_at))} aria-label={`Reschedule ${t.title}`}>
            Reschedule
          </Button>
          <Button
            size="sm"
            variant="primary"
            onClick={() => update.mutate({ status: 'done' })}
            disabled={update.isPending}
            aria-label={`Complete ${t.title}`}
          >
            Complete
          </Button>
        </>
      ) : (
        <form
          className="flex items-center gap-1.5"
          onSubmit={(e) => {
            e.preventDefault();
            if (when) update.mutate({ due_at: new Date(when).toISOString() });
          }}
        >
          <label className="sr-only" htmlFor={`due-${t.id}`}>
            New time for {t.title}
          </label>
          <input
            id={`due-${t.id}`}
            type="datetime-local"
            value={when}
            onChange={(e) => setWhen(e.target.value)}
            className="rounded border border-slate-300 px-2 py-1 text-sm"
          />
          <Button size="sm" type="submit" variant="primary" disabled={!when || update.isPending}>
            Save
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setWhen(null)}>
            Cancel
          </Button>
        </form>
      )}
      <InlineError error={update.error} />
    </li>
  );
}

export function TasksPage() {
  const { seesAll, userId } = useRole();
  const [who, setWho] = useState<'mine' | 'all'>(seesAll ? 'all' : 'mine');
  const tasks = useQuery({
    queryKey: ['tasks', 'agenda', who],
    queryFn: () =>
      allPages<Task>(
        '/api/tasks',
        { status: 'pending', assignee_id: who === 'mine' ? (userId ?? undefined) : undefined },
        1000,
      ),
  });
  const now = new Date();
  const today = dayKey(now);
  const groups = new Map<string, Task[]>();
  for (const t of tasks.data ?? []) {
    const k = !t.due_at ? 'none' : new Date(t.due_at) < now ? 'overdue' : dayKey(new Date(t.due_at));
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  const order = ['overdue', ...[...groups.keys()].filter((k) => k !== 'overdue' && k !== 'none').sort(), 'none'].filter(
    (k) => groups.has(k),
  );
  const title = (k: string) => {
    if (k === 'overdue') return 'Overdue';
    if (k === 'none') return 'No due date';
    if (k === today) return 'Today';
    const d = new Date(`${k}T00:00:00`);
    const tomorrow = new Date(now);
    tomorrow.setDate(now.getDate() + 1);
    if (k === dayKey(tomorrow)) return 'Tomorrow';
    return d.toLocaleDateString('en-IN', { weekday: 'long', day: 'numeric', month: 'long' });
  };
  return (
    <div className="flex h-full min-h-0 flex-col">
      <PageHeader title="Tasks">
        {seesAll && (
          <Select
            label="Whose tasks"
            hideLabel
            value={who}
            onChange={(v) => setWho(v as 'mine' | 'all')}
            options={[
              { value: 'all', label: 'Everyone' },
              { value: 'mine', label: 'Mine' },
            ]}
          />
        )}
      </PageHeader>
      <div className="min-h-0 flex-1 overflow-auto p-4 md:p-6">
        {tasks.isPending ? (
          <Loading label="Loading tasks" />
        ) : tasks.isError ? (
          <ErrorState error={tasks.error} retry={() => tasks.refetch()} />
        ) : !order.length ? (
          <Empty title="Nothing to do">No open tasks. New meetings, demos and follow-ups appear here.</Empty>
        ) : (
          <div className="mx-auto max-w-4xl space-y-4">
            {!groups.has(today) && (
              <section aria-label="Today" className="rounded-lg border border-slate-200 bg-white">
                <h2 className="border-b border-slate-100 px-4 py-2 text-sm font-semibold">Today</h2>
                <p className="px-4 py-3 text-sm text-slate-500">Nothing due today.</p>
              </section>
            )}
            {order.map((k) => (
              <section
                key={k}
                aria-label={title(k)}
                className={cx('rounded-lg border bg-white', k === 'overdue' ? 'border-red-200' : 'border-slate-200')}
              >
                <h2
                  className={cx(
                    'border-b px-4 py-2 text-sm font-semibold',
                    k === 'overdue' ? 'border-red-100 text-red-800' : 'border-slate-100 text-slate-800',
                  )}
                >
                  {title(k)} <span className="font-normal text-slate-500">({groups.get(k)!.length})</span>
                </h2>
                <ul>
                  {groups.get(k)!.map((t) => (
                    <TaskRow key={t.id} t={t} />
                  ))}
                </ul>
              </section>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
