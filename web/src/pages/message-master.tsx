// The Message Master: follow-up sequences and their steps (delay, time of day, text with
// variables, attachments), switched on and off, with a preview filled from a real lead.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { useRole, useUsers, userName } from '../api/queries.ts';
import type { Attachment, Lead, Page, Sequence, Step } from '../api/types.ts';
import {
  Badge,
  Button,
  Card,
  Empty,
  ErrorState,
  Field,
  InlineError,
  Loading,
  PageHeader,
  Select,
  inputClass,
} from '../components/ui.tsx';
import { dateTime, words } from '../lib/format.ts';

const triggers = ['demo_done', 'lead_created', 'manual'] as const;

export function fillStep(text: string, lead: Lead | undefined, assignee: string, demoDate: string) {
  const v: Record<string, string> = {
    company: lead?.company ?? '{company}',
    contact_name: lead?.contact_name ?? '{contact_name}',
    assignee,
    demo_date: demoDate,
  };
  return text.replace(/\{(company|contact_name|assignee|demo_date)\}/g, (_, k: string) => v[k]);
}

function StepEditor({
  step,
  sequenceId,
  canEdit,
  onDone,
}: {
  step?: Step;
  sequenceId: string;
  canEdit: boolean;
  onDone: () => void;
}) {
  const qc = useQueryClient();
  const [f, setF] = useState({
    delay_days: String(step?.delay_days ?? 1),
    delay_hours: String(step?.delay_hours ?? 0),
    send_time: step?.send_time ?? '',
    title: step?.title ?? '',
    text: step?.text ?? '',
    attachments: (step?.attachments ?? []) as Attachment[],
  });
  const [url, setUrl] = useState('');
  const save = useMutation({
    mutationFn: () => {
      const body = {
        delay_days: Number(f.delay_days) || 0,
        delay_hours: Number(f.delay_hours) || 0,
        send_time: f.send_time || null,
        title: f.title || null,
        text: f.text,
        attachments: f.attachments.map(({ url: u, media_type, caption, filename }) => ({
          url: u,
          ...(media_type ? { media_type } : {}),
          ...(caption ? { caption } : {}),
          ...(filename ? { filename } : {}),
        })),
      };
      return step
        ? api(`/api/message-master/steps/${step.id}`, { method: 'PATCH', body })
        : api(`/api/message-master/${sequenceId}/steps`, { body });
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['message-master'] });
      onDone();
    },
  });
  return (
    <form
      className="grid gap-2 rounded-md border border-slate-200 bg-slate-50 p-3 sm:grid-cols-4"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Field
        label="Delay (days)"
        type="number"
        min={0}
        max={365}
        value={f.delay_days}
        onChange={(e) => setF({ ...f, delay_days: e.target.value })}
        disabled={!canEdit}
      />
      <Field
        label="Delay (hours)"
        type="number"
        min={0}
        value={f.delay_hours}
        onChange={(e) => setF({ ...f, delay_hours: e.target.value })}
        disabled={!canEdit}
      />
      <Field
        label="Time of day"
        type="time"
        value={f.send_time}
        onChange={(e) => setF({ ...f, send_time: e.target.value })}
        disabled={!canEdit}
        hint="For whole days; default 10:00"
      />
      <Field
        label="Title"
        value={f.title}
        onChange={(e) => setF({ ...f, title: e.target.value })}
        disabled={!canEdit}
        placeholder="Day 3 follow-up"
      />
      <div className="sm:col-span-4">
        <label className="mb-1 block text-sm font-medium text-slate-700" htmlFor={`text-${step?.id ?? 'new'}`}>
          Text
        </label>
        <textarea
          id={`text-${step?.id ?? 'new'}`}
          rows={3}
          dir="auto"
          className={inputClass}
          value={f.text}
          onChange={(e) => setF({ ...f, text: e.target.value })}
          disabled={!canEdit}
          required
        />
        <p className="mt-1 text-xs text-slate-500">Variables: {'{company} {contact_name} {assignee} {demo_date}'}</p>
      </div>
      <div className="space-y-1 sm:col-span-4">
        <p className="text-sm font-medium text-slate-700">Attachments</p>
        <ul className="space-y-1 text-sm">
          {f.attachments.map((a, i) => (
            <li key={i} className="flex items-center gap-2">
              <span className="truncate">{a.filename ?? a.url}</span>
              {canEdit && (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => setF({ ...f, attachments: f.attachments.filter((_, j) => j !== i) })}
                  aria-label={`Remove ${a.filename ?? a.url}`}
                >
                  Remove
                </Button>
              )}
            </li>
          ))}
        </ul>
        {canEdit && (
          <div className="flex items-end gap-2">
            <Field
              label="File link (https)"
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              className="flex-1"
              placeholder="https://…/brochure.pdf"
            />
            <Button
              disabled={!/^https?:\/\//.test(url)}
              onClick={() => {
                setF({
                  ...f,
                  attachments: [...f.attachments, { url, filename: url.split('/').pop() || undefined } as Attachment],
                });
                setUrl('');
              }}
            >
              Attach
            </Button>
          </div>
        )}
      </div>
      {canEdit && (
        <div className="flex gap-2 sm:col-span-4">
          <Button type="submit" variant="primary" disabled={save.isPending || !f.text.trim()}>
            Save step
          </Button>
          <Button onClick={onDone}>Cancel</Button>
        </div>
      )}
      <InlineError error={save.error} />
    </form>
  );
}

function SequenceCard({
  seq,
  preview,
  canEdit,
}: {
  seq: Sequence;
  preview: { lead?: Lead; assignee: string; demoDate: string };
  canEdit: boolean;
}) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: ['message-master'] });
  const toggle = useMutation({
    mutationFn: () => api(`/api/message-master/${seq.id}`, { method: 'PATCH', body: { active: !seq.active } }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/message-master/steps/${id}`, { method: 'DELETE' }),
    onSuccess: refresh,
  });
  return (
    <Card
      title={seq.name}
      actions={
        <span className="flex items-center gap-2">
          <Badge>{words(seq.trigger)}</Badge>
          <label className="flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              role="switch"
              checked={seq.active}
              disabled={!canEdit || toggle.isPending}
              onChange={() => toggle.mutate()}
              aria-label={`${seq.name} on`}
            />
            {seq.active ? 'On' : 'Off'}
          </label>
        </span>
      }
    >
      <ol className="space-y-3">
        {seq.steps.map((s) => (
          <li key={s.id} className="rounded-md border border-slate-200 p-3">
            {editing === s.id ? (
              <StepEditor step={s} sequenceId={seq.id} canEdit={canEdit} onDone={() => setEditing(null)} />
            ) : (
              <>
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <p className="text-sm font-medium">
                    {s.title ?? `Day ${s.delay_days}`}{' '}
                    <span className="font-normal text-slate-500">
                      · after {s.delay_days} d {s.delay_hours ? `${s.delay_hours} h` : ''}
                      {s.send_time ? ` at ${s.send_time}` : ''}
                    </span>
                  </p>
                  {canEdit && (
                    <span className="flex gap-1">
                      <Button
                        size="sm"
                        onClick={() => setEditing(s.id)}
                        aria-label={`Edit ${s.title ?? `day ${s.delay_days}`}`}
                      >
                        Edit
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => remove.mutate(s.id)}
                        aria-label={`Delete ${s.title ?? `day ${s.delay_days}`}`}
                      >
                        Delete
                      </Button>
                    </span>
                  )}
                </div>
                <p
                  className="mt-1.5 rounded-md bg-teal-50 p-2 text-sm whitespace-pre-wrap text-slate-800"
                  dir="auto"
                  aria-label="Preview"
                >
                  {fillStep(s.text, preview.lead, preview.assignee, preview.demoDate)}
                </p>
                {s.attachments.length > 0 && (
                  <p className="mt-1 text-xs text-slate-500">
                    📎 {s.attachments.map((a) => a.filename ?? a.url).join(', ')}
                  </p>
                )}
              </>
            )}
          </li>
        ))}
      </ol>
      {seq.steps.length === 0 && <p className="text-sm text-slate-500">No steps yet.</p>}
      {canEdit &&
        (editing === 'new' ? (
          <div className="mt-3">
            <StepEditor sequenceId={seq.id} canEdit onDone={() => setEditing(null)} />
          </div>
        ) : (
          <Button size="sm" className="mt-3" onClick={() => setEditing('new')}>
            Add step
          </Button>
        ))}
      <InlineError error={toggle.error ?? remove.error} />
    </Card>
  );
}

export function MessageMasterPage() {
  const { isAdmin } = useRole();
  const qc = useQueryClient();
  const users = useUsers();
  const seqs = useQuery({
    queryKey: ['message-master'],
    queryFn: () => api<{ data: Sequence[] }>('/api/message-master'),
  });
  const leads = useQuery({
    queryKey: ['leads', 'preview'],
    queryFn: () => api<Page<Lead>>('/api/leads', { query: { limit: 50 } }),
  });
  const [leadId, setLeadId] = useState('');
  const lead = leads.data?.data.find((l) => l.id === leadId) ?? leads.data?.data[0];
  const [name, setName] = useState('');
  const [trigger, setTrigger] = useState<string>('demo_done');
  const create = useMutation({
    mutationFn: () => api('/api/message-master', { body: { name, trigger } }),
    onSuccess: () => {
      setName('');
      void qc.invalidateQueries({ queryKey: ['message-master'] });
    },
  });
  const preview = {
    lead,
    assignee: userName(users.data, lead?.assignee_id) ?? '',
    demoDate: dateTime(new Date(Date.now() - 86400_000).toISOString()).split(',')[0],
  };
  return (
    <div className="flex h-full min-h-0 flex-col">
      <PageHeader title="Message Master">
        <Select
          label="Preview with lead"
          value={lead?.id ?? ''}
          onChange={setLeadId}
          options={(leads.data?.data ?? []).map((l) => ({ value: l.id, label: l.company ?? l.contact_name ?? l.id }))}
        />
      </PageHeader>
      <div className="min-h-0 flex-1 space-y-4 overflow-auto p-4 md:p-6">
        <p className="max-w-3xl text-sm text-slate-600">
          After a trigger (a demo marked done, a new lead, or by hand) the lead’s assignee gets each step’s text on
          WhatsApp at its time, ready to forward to the customer.
          {!isAdmin && ' Owners and admins edit the sequences.'}
        </p>
        {seqs.isPending ? (
          <Loading label="Loading sequences" />
        ) : seqs.isError ? (
          <ErrorState error={seqs.error} retry={() => seqs.refetch()} />
        ) : seqs.data.data.length ? (
          seqs.data.data.map((s) => <SequenceCard key={s.id} seq={s} preview={preview} canEdit={isAdmin} />)
        ) : (
          <Empty title="No sequences yet" />
        )}
        {isAdmin && (
          <Card title="New sequence">
            <form
              className="flex flex-wrap items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                create.mutate();
              }}
            >
              <Field label="Sequence name" value={name} onChange={(e) => setName(e.target.value)} />
              <Select
                label="Trigger"
                value={trigger}
                onChange={setTrigger}
                options={triggers.map((t) => ({ value: t, label: words(t) }))}
              />
              <Button type="submit" variant="primary" disabled={!name.trim() || create.isPending}>
                Create sequence
              </Button>
            </form>
            <InlineError error={create.error} />
          </Card>
        )}
      </div>
    </div>
  );
}
