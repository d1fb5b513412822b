// Pieces of the lead page: deals, tasks, notes, reminders and the unified history.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useUsers, userName } from '../../api/queries.ts';
import type { Deal, HistoryItem, Note, Page, Reminder, Task } from '../../api/types.ts';
import {
  Badge,
  Button,
  Card,
  Empty,
  Field,
  InlineError,
  Select,
  Spinner,
  cx,
  inputClass,
} from '../../components/ui.tsx';
import { dateTime, money, words } from '../../lib/format.ts';

const stages = ['qualification', 'proposal', 'negotiation', 'won', 'lost'] as const;

export function useLeadRefresh(leadId: string) {
  const qc = useQueryClient();
  return () => {
    for (const k of ['lead', 'history', 'deals', 'tasks', 'notes', 'reminders'])
      void qc.invalidateQueries({ queryKey: [k, leadId] });
    void qc.invalidateQueries({ queryKey: ['pipeline'] });
  };
}

export function Deals({ leadId }: { leadId: string }) {
  const deals = useQuery({ queryKey: ['deals', leadId], queryFn: () => api<Page<Deal>>(`/api/leads/${leadId}/deals`) });
  const refresh = useLeadRefresh(leadId);
  const [title, setTitle] = useState('');
  const [value, setValue] = useState('');
  const add = useMutation({
    mutationFn: () => api(`/api/leads/${leadId}/deals`, { body: { title, value: Number(value) || 0 } }),
    onSuccess: () => {
      setTitle('');
      setValue('');
      refresh();
    },
  });
  const stage = useMutation({
    mutationFn: ({ id, s }: { id: string; s: string }) =>
      api(`/api/deals/${id}`, { method: 'PATCH', body: { stage: s } }),
    onSuccess: refresh,
  });
  return (
    <Card title="Deals">
      {deals.isPending ? (
        <Spinner />
      ) : deals.data?.data.length ? (
        <ul className="space-y-2">
          {deals.data.data.map((d) => (
            <li key={d.id} className="flex flex-wrap items-center justify-between gap-2 text-sm">
              <span>
                <span className="font-medium">{d.title}</span> · {money(d.value, d.currency)} · {d.probability}%
              </span>
              <Select
                label={`Stage of ${d.title}`}
                hideLabel
                value={d.stage}
                onChange={(s) => stage.mutate({ id: d.id, s })}
                options={stages.map((s) => ({ value: s, label: words(s) }))}
              />
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-500">No deals yet.</p>
      )}
      <form
        className="mt-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <Field
          label="Deal title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          className="min-w-40 flex-1"
        />
        <Field
          label="Value"
          inputMode="decimal"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          className="w-28"
        />
        <Button type="submit" disabled={!title.trim() || add.isPending}>
          Add deal
        </Button>
      </form>
      <InlineError error={add.error ?? stage.error} />
    </Card>
  );
}

export function Tasks({ leadId }: { leadId: string }) {
  const tasks = useQuery({
    queryKey: ['tasks', leadId],
    queryFn: () => api<Page<Task>>('/api/tasks', { query: { lead_id: leadId, limit: 50 } }),
  });
  const users = useUsers();
  const refresh = useLeadRefresh(leadId);
  const [type, setType] = useState('follow_up');
  const [due, setDue] = useState('');
  const add = useMutation({
    mutationFn: () =>
      api('/api/tasks', { body: { lead_id: leadId, type, due_at: due ? new Date(due).toISOString() : undefined } }),
    onSuccess: () => {
      setDue('');
      refresh();
    },
  });
  const done = useMutation({
    mutationFn: (id: string) => api(`/api/tasks/${id}`, { method: 'PATCH', body: { status: 'done' } }),
    onSuccess: refresh,
  });
  return (
    <Card title="Tasks">
      {tasks.data?.data.length ? (
        <ul className="space-y-2">
          {tasks.data.data.map((t) => (
            <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 text-sm">
              <span className={cx(t.status !== 'pending' && 'text-slate-500 line-through')}>
                {t.title}{' '}
                <span className="text-slate-500">
                  · {dateTime(t.due_at)} · {userName(users.data, t.assignee_id)}
                </span>
              </span>
              {t.status === 'pending' && (
                <Button size="sm" onClick={() => done.mutate(t.id)} aria-label={`Complete ${t.title}`}>
                  Done
                </Button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-500">{tasks.isPending ? 'Loading…' : 'No tasks.'}</p>
      )}
      <form
        className="mt-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <Select
          label="Task type"
          value={type}
          onChange={setType}
          options={['follow_up', 'call', 'meeting', 'demo', 'other'].map((t) => ({ value: t, label: words(t) }))}
        />
        <Field label="Due" type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} />
        <Button type="submit" disabled={add.isPending}>
          Add task
        </Button>
      </form>
      <InlineError error={add.error ?? done.error} />
    </Card>
  );
}

export function Notes({ leadId }: { leadId: string }) {
  const notes = useQuery({
    queryKey: ['notes', leadId],
    queryFn: () => api<{ data: Note[] }>(`/api/leads/${leadId}/notes`),
  });
  const users = useUsers();
  const refresh = useLeadRefresh(leadId);
  const [body, setBody] = useState('');
  const add = useMutation({
    mutationFn: () => api(`/api/leads/${leadId}/notes`, { body: { body } }),
    onSuccess: () => {
      setBody('');
      refresh();
    },
  });
  return (
    <Card title="Notes">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
        className="space-y-2"
      >
        <label htmlFor="note-body" className="sr-only">
          New note
        </label>
        <textarea
          id="note-body"
          rows={2}
          dir="auto"
          className={inputClass}
          placeholder="Add a note"
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        <Button type="submit" size="sm" disabled={!body.trim() || add.isPending}>
          Add note
        </Button>
        <InlineError error={add.error} />
      </form>
      <ul className="mt-3 space-y-2">
        {notes.data?.data.map((n) => (
          <li key={n.id} className="rounded-md bg-amber-50/60 p-2 text-sm">
            <p className="whitespace-pre-wrap" dir="auto">
              {n.body}
            </p>
            <p className="mt-1 text-xs text-slate-500">
              {userName(users.data, n.author_id)} · {dateTime(n.created_at)}
            </p>
          </li>
        ))}
      </ul>
    </Card>
  );
}

export function Reminders({ leadId }: { leadId: string }) {
  const reminders = useQuery({
    queryKey: ['reminders', leadId],
    queryFn: () => api<{ data: Reminder[] }>(`/api/leads/${leadId}/reminders`),
  });
  const refresh = useLeadRefresh(leadId);
  const cancel = useMutation({
    mutationFn: (id: string) => api(`/api/reminders/${id}/cancel`, { method: 'POST' }),
    onSuccess: refresh,
  });
  const stop = useMutation({
    mutationFn: (enrollment_id?: string) =>
      api<{ cancelled: number }>(`/api/leads/${leadId}/followups/stop`, {
        body: enrollment_id ? { enrollment_id } : {},
      }),
    onSuccess: refresh,
  });
  const list = reminders.data?.data ?? [];
  const pending = list.filter((r) => r.status === 'scheduled');
  return (
    <Card
      title="Reminders"
      actions={
        pending.some((r) => r.enrollment_id) ? (
          <Button size="sm" onClick={() => stop.mutate(undefined)} disabled={stop.isPending}>
            Stop sequence
          </Button>
        ) : undefined
      }
    >
      {list.length ? (
        <ul className="space-y-2">
          {list.map((r) => (
            <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 text-sm">
              <span>
                {r.label}
                {r.sequence_name && <span className="text-slate-500"> · {r.sequence_name}</span>}
                <span className="text-slate-500"> · {dateTime(r.due_at)}</span>{' '}
                <Badge tone={r.status === 'scheduled' ? 'teal' : r.status === 'sent' ? 'green' : 'slate'}>
                  {words(r.status)}
                  {r.reason ? ` (${words(r.reason)})` : ''}
                </Badge>
              </span>
              {r.status === 'scheduled' && (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => cancel.mutate(r.id)}
                  aria-label={`Cancel reminder ${r.label}`}
                >
                  Cancel
                </Button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-500">{reminders.isPending ? 'Loading…' : 'No reminders.'}</p>
      )}
      <InlineError error={cancel.error ?? stop.error} />
    </Card>
  );
}

const kindTone: Record<HistoryItem['kind'], string> = {
  activity: 'slate',
  task: 'blue',
  deal: 'green',
  note: 'amber',
  message: 'teal',
};

export function History({ leadId }: { leadId: string }) {
  // Pages of 50, newest first: a lead with 10,000 entries loads one page, then more on demand.
  const history = useInfiniteQuery({
    queryKey: ['history', leadId],
    queryFn: ({ pageParam }) =>
      api<Page<HistoryItem>>(`/api/leads/${leadId}/history`, { query: { limit: 50, cursor: pageParam ?? undefined } }),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.next_cursor,
  });
  const items = history.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <Card title="History">
      {history.isPending ? (
        <Spinner label="Loading history" />
      ) : !items.length ? (
        <Empty title="Nothing yet" />
      ) : (
        <ol aria-label="History, newest first" className="relative space-y-3 border-l border-slate-200 pl-4">
          {items.map((i) => (
            <li key={`${i.kind}-${i.id}`} className="text-sm" data-kind={i.kind}>
              <span
                className="absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full border-2 border-white bg-slate-300"
                aria-hidden
              />
              <p className="flex flex-wrap items-center gap-1.5">
                <Badge tone={kindTone[i.kind]}>
                  {words(i.kind === 'message' ? (i.data.direction === 'in' ? 'message in' : 'message out') : i.kind)}
                </Badge>
                <time className="text-xs text-slate-500" dateTime={i.at}>
                  {dateTime(i.at)}
                </time>
                {i.actor_name && <span className="text-xs text-slate-500">· {i.actor_name}</span>}
              </p>
              <p className="mt-0.5 whitespace-pre-wrap text-slate-800" dir="auto">
                {i.text}
              </p>
            </li>
          ))}
        </ol>
      )}
      {history.hasNextPage && (
        <Button
          variant="secondary"
          className="mt-3"
          disabled={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          {history.isFetchingNextPage ? 'Loading…' : 'Show older'}
        </Button>
      )}
    </Card>
  );
}
