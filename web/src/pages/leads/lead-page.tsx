// One lead: contact and company, status and score, assignee, qualification details (missing ones
// marked), the customer's profile and alerts, deals, tasks, notes, reminders, and the history.
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { ArrowLeft } from 'lucide-react';
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { useRole, useUsers } from '../../api/queries.ts';
import type { Lead } from '../../api/types.ts';
import { CustomerProfile } from '../../components/profile.tsx';
import { Badge, Button, Card, ErrorState, Field, InlineError, Loading, Select } from '../../components/ui.tsx';
import { dateTime, leadStatuses, statusLabels } from '../../lib/format.ts';
import { Deals, History, Notes, Reminders, Tasks, useLeadRefresh } from './lead-parts.tsx';

const details = [
  ['address', 'Address'],
  ['turnover', 'Turnover'],
  ['current_system', 'Current system'],
  ['challenges', 'Challenges'],
  ['requirements', 'Requirements'],
] as const;
const contactFields = [
  ['company', 'Company'],
  ['contact_name', 'Contact name'],
  ['phone', 'Phone'],
  ['email', 'Email'],
  ['position', 'Position'],
  ['source', 'Source'],
] as const;
type Editable = (typeof details)[number][0] | (typeof contactFields)[number][0];

function Edit({ lead, onDone }: { lead: Lead; onDone: () => void }) {
  const [f, setF] = useState<Record<Editable, string>>(
    () =>
      Object.fromEntries([...contactFields, ...details].map(([k]) => [k, lead[k] ?? ''])) as Record<Editable, string>,
  );
  const refresh = useLeadRefresh(lead.id);
  const save = useMutation({
    mutationFn: () => {
      const changed = Object.fromEntries(
        Object.entries(f)
          .filter(([k, v]) => (lead[k as Editable] ?? '') !== v)
          .map(([k, v]) => [k, v.trim() || null]),
      );
      return api<Lead>(`/api/leads/${lead.id}`, { method: 'PATCH', body: changed });
    },
    onSuccess: () => {
      refresh();
      onDone();
    },
  });
  return (
    <form
      className="grid gap-3 sm:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      {[...contactFields, ...details].map(([k, label]) => (
        <Field
          key={k}
          label={label}
          value={f[k]}
          onChange={(e) => setF({ ...f, [k]: e.target.value })}
          error={(save.error as { fields?: Record<string, string> } | null)?.fields?.[k]}
        />
      ))}
      <div className="flex gap-2 sm:col-span-2">
        <Button type="submit" variant="primary" disabled={save.isPending}>
          Save
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
      <InlineError error={save.error} />
    </form>
  );
}

export function LeadPage() {
  const { leadId } = useParams({ strict: false }) as { leadId: string };
  const lead = useQuery({ queryKey: ['lead', leadId], queryFn: () => api<Lead>(`/api/leads/${leadId}`) });
  const users = useUsers();
  const { seesAll } = useRole();
  const refresh = useLeadRefresh(leadId);
  const [editing, setEditing] = useState(false);
  useEffect(() => setEditing(false), [leadId]);
  const patch = useMutation({
    mutationFn: (body: Record<string, unknown>) => api(`/api/leads/${leadId}`, { method: 'PATCH', body }),
    onSuccess: refresh,
  });
  const assign = useMutation({
    mutationFn: (id: string) => api(`/api/leads/${leadId}/assign`, { body: { assignee_id: id } }),
    onSuccess: refresh,
  });

  if (lead.isPending) return <Loading label="Loading lead" />;
  if (lead.isError) return <ErrorState error={lead.error} retry={() => lead.refetch()} />;
  const l = lead.data;
  const missing = details.filter(([k]) => !l[k]);

  return (
    <div className="mx-auto max-w-6xl space-y-4 p-4 md:p-6">
      <Link to="/leads" className="inline-flex items-center gap-1 text-sm text-slate-600 hover:underline">
        <ArrowLeft size={14} aria-hidden /> Leads
      </Link>
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">{l.company ?? l.contact_name ?? 'Lead'}</h1>
          <p className="text-sm text-slate-600">
            {[l.contact_name, l.position, l.phone, l.email].filter(Boolean).join(' · ')}
          </p>
          <p className="mt-1 flex flex-wrap gap-1.5">
            <Badge tone="teal">{statusLabels[l.status]}</Badge>
            <Badge>Score {l.score}</Badge>
            {l.source && <Badge>Source: {l.source}</Badge>}
            {l.next_follow_up_at && <Badge tone="blue">Follow up {dateTime(l.next_follow_up_at)}</Badge>}
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <Select
            label="Status"
            value={l.status}
            onChange={(v) => patch.mutate({ status: v })}
            options={leadStatuses.map((s) => ({ value: s, label: statusLabels[s] }))}
          />
          <Field
            label="Score"
            type="number"
            min={0}
            max={100}
            defaultValue={l.score}
            key={l.score}
            className="w-20"
            onBlur={(e) => Number(e.target.value) !== l.score && patch.mutate({ score: Number(e.target.value) })}
          />
          {seesAll ? (
            <Select
              label="Assignee"
              value={l.assignee_id ?? ''}
              onChange={(v) => v && assign.mutate(v)}
              options={[
                { value: '', label: 'Unassigned' },
                ...(users.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.name })),
              ]}
            />
          ) : null}
        </div>
      </header>
      <InlineError error={patch.error ?? assign.error} />
      <div className="grid gap-4 lg:grid-cols-[1fr_22rem]">
        <div className="space-y-4">
          <Card
            title="Contact and qualification"
            actions={
              !editing && (
                <Button size="sm" onClick={() => setEditing(true)}>
                  Edit details
                </Button>
              )
            }
          >
            {editing ? (
              <Edit lead={l} onDone={() => setEditing(false)} />
            ) : (
              <>
                {missing.length > 0 && (
                  <p className="mb-2 text-sm text-amber-800" role="note">
                    Missing for qualification: {missing.map(([, label]) => label).join(', ')}
                  </p>
                )}
                <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
                  {details.map(([k, label]) => (
                    <div key={k} className="contents">
                      <dt className="text-slate-500">{label}</dt>
                      <dd
                        className={l[k] ? 'text-slate-800' : 'rounded bg-amber-50 px-1.5 text-amber-800'}
                        data-missing={l[k] ? undefined : true}
                      >
                        {l[k] ?? 'Missing'}
                      </dd>
                    </div>
                  ))}
                </dl>
              </>
            )}
          </Card>
          <History leadId={leadId} />
        </div>
        <div className="space-y-4">
          <Card title="Customer profile">
            <CustomerProfile phone={l.phone} />
          </Card>
          <Deals leadId={leadId} />
          <Tasks leadId={leadId} />
          <Reminders leadId={leadId} />
          <Notes leadId={leadId} />
        </div>
      </div>
    </div>
  );
}
