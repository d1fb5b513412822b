// The right-hand pane: the linked lead's CRM context, or linking and capturing a lead.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useRole, useUsers, userName } from '../../api/queries.ts';
import type { ConversationItem, Lead, Page, Task } from '../../api/types.ts';
import { CustomerProfile } from '../../components/profile.tsx';
import { Badge, Button, Field, InlineError, Select, Spinner, inputClass } from '../../components/ui.tsx';
import { dateTime, leadStatuses, statusLabels } from '../../lib/format.ts';

function LinkedLead({ lead }: { lead: Lead }) {
  const users = useUsers();
  const qc = useQueryClient();
  const tasks = useQuery({
    queryKey: ['tasks', { lead_id: lead.id, status: 'pending' }],
    queryFn: () => api<Page<Task>>('/api/tasks', { query: { lead_id: lead.id, status: 'pending', limit: 5 } }),
  });
  const setStatus = useMutation({
    mutationFn: (status: string) => api<Lead>(`/api/leads/${lead.id}`, { method: 'PATCH', body: { status } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['messages'] });
      void qc.invalidateQueries({ queryKey: ['lead', lead.id] });
    },
  });
  return (
    <div className="space-y-4">
      <div>
        <p className="text-base font-semibold text-slate-900">{lead.company ?? lead.contact_name}</p>
        <p className="text-sm text-slate-600">
          {lead.contact_name}
          {lead.position ? `, ${lead.position}` : ''}
        </p>
        <p className="text-sm text-slate-600">{lead.phone}</p>
        <p className="mt-1 flex flex-wrap gap-1">
          <Badge tone="teal">Score {lead.score}</Badge>
          <Badge>{userName(users.data, lead.assignee_id)}</Badge>
        </p>
      </div>
      <Select
        label="Status"
        value={lead.status}
        onChange={(v) => setStatus.mutate(v)}
        options={leadStatuses.map((s) => ({ value: s, label: statusLabels[s] }))}
      />
      <InlineError error={setStatus.error} />
      <section aria-label="Customer profile">
        <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Profile</h3>
        <CustomerProfile phone={lead.phone} />
      </section>
      <section aria-label="Open tasks">
        <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Open tasks</h3>
        {tasks.data?.data.length ? (
          <ul className="space-y-1 text-sm">
            {tasks.data.data.map((t) => (
              <li key={t.id}>
                {t.title} <span className="text-slate-500">· {dateTime(t.due_at)}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-500">{tasks.isPending ? 'Loading…' : 'No open tasks.'}</p>
        )}
      </section>
      <Link
        to="/leads/$leadId"
        params={{ leadId: lead.id }}
        className="inline-block text-sm font-medium text-teal-700 underline"
      >
        Open lead page
      </Link>
    </div>
  );
}

function Unlinked({ conv }: { conv: ConversationItem }) {
  const qc = useQueryClient();
  const users = useUsers();
  const { seesAll, userId } = useRole();
  const [company, setCompany] = useState('');
  const [contact, setContact] = useState(conv.contact_name ?? '');
  const [assignee, setAssignee] = useState(seesAll ? '' : (userId ?? ''));
  const [search, setSearch] = useState('');
  const found = useQuery({
    queryKey: ['leads', 'search', search],
    enabled: search.trim().length >= 2,
    queryFn: () => api<Page<Lead>>('/api/leads', { query: { search: search.trim(), limit: 8 } }),
  });
  const done = () => {
    void qc.invalidateQueries({ queryKey: ['messages', conv.id] });
    void qc.invalidateQueries({ queryKey: ['conversations'] });
    void qc.invalidateQueries({ queryKey: ['conversation', conv.id] });
  };
  const capture = useMutation({
    mutationFn: () =>
      api<{ lead: Lead; created: boolean }>('/api/whatsapp/crm-integration/capture-lead', {
        body: {
          conversation_id: conv.id,
          company: company.trim() || undefined,
          contact_name: contact.trim() || undefined,
          assignee_id: assignee || undefined,
        },
      }),
    onSuccess: done,
  });
  const link = useMutation({
    mutationFn: (leadId: string) =>
      api('/api/whatsapp/crm-integration/link-conversation', { body: { conversation_id: conv.id, lead_id: leadId } }),
    onSuccess: done,
  });
  return (
    <div className="space-y-5">
      <p className="text-sm text-slate-600">This conversation is not linked to a lead yet.</p>
      <form
        aria-label="Capture lead"
        className="space-y-2"
        onSubmit={(e) => {
          e.preventDefault();
          capture.mutate();
        }}
      >
        <h3 className="text-sm font-semibold text-slate-800">Capture a lead</h3>
        <Field
          label="Phone"
          value={conv.contact_phone ?? ''}
          readOnly
          hint={conv.contact_phone ? 'From the conversation' : 'No phone: the lead cannot be captured'}
        />
        <Field label="Contact name" value={contact} onChange={(e) => setContact(e.target.value)} />
        <Field label="Company" value={company} onChange={(e) => setCompany(e.target.value)} />
        <Select
          label="Assign to"
          value={assignee}
          onChange={setAssignee}
          options={[
            { value: '', label: 'Nobody yet' },
            ...(users.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.name })),
          ]}
        />
        <InlineError error={capture.error} />
        <Button type="submit" variant="primary" disabled={capture.isPending}>
          Capture lead
        </Button>
      </form>
      <div className="space-y-2">
        <h3 className="text-sm font-semibold text-slate-800">Link to an existing lead</h3>
        <input
          type="search"
          aria-label="Find a lead to link"
          placeholder="Company or contact name"
          className={inputClass}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        {found.isFetching && <Spinner label="Searching" />}
        <ul className="space-y-1">
          {found.data?.data.map((l) => (
            <li key={l.id} className="flex items-center justify-between gap-2 text-sm">
              <span className="min-w-0 truncate">
                {l.company ?? l.contact_name} <span className="text-slate-500">{l.phone}</span>
              </span>
              <Button
                size="sm"
                onClick={() => link.mutate(l.id)}
                disabled={link.isPending}
                aria-label={`Link to ${l.company ?? l.contact_name}`}
              >
                Link
              </Button>
            </li>
          ))}
          {found.data && !found.data.data.length && <li className="text-sm text-slate-500">No lead matches.</li>}
        </ul>
        <InlineError error={link.error} />
      </div>
    </div>
  );
}

export function LeadPanel({ conv, lead }: { conv: ConversationItem; lead: Lead | null }) {
  if (conv.member_id && !conv.lead_id)
    return <p className="text-sm text-slate-600">A team member talking to the team bot: no lead here.</p>;
  return lead ? <LinkedLead lead={lead} /> : <Unlinked conv={conv} />;
}
