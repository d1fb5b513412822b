// "New lead": the same POST /api/leads as the API (phone validated by the server).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useRole, useUsers } from '../../api/queries.ts';
import type { Lead } from '../../api/types.ts';
import { Button, Field, InlineError, Modal, Select } from '../../components/ui.tsx';

export function NewLead() {
  const [open, setOpen] = useState(false);
  const users = useUsers();
  const { userId, seesAll } = useRole();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [f, setF] = useState({ company: '', contact_name: '', phone: '', email: '', source: '', assignee_id: '' });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const create = useMutation({
    mutationFn: () =>
      api<Lead>('/api/leads', {
        body: Object.fromEntries(
          Object.entries({ ...f, assignee_id: f.assignee_id || (seesAll ? '' : userId) }).filter(([, v]) => v),
        ),
      }),
    onSuccess: (lead) => {
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['leads'] });
      void qc.invalidateQueries({ queryKey: ['pipeline'] });
      void navigate({ to: '/leads/$leadId', params: { leadId: lead.id } });
    },
  });
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>
        New lead
      </Button>
      <Modal open={open} onOpenChange={setOpen} title="New lead">
        <form
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Field label="Company" value={f.company} onChange={set('company')} autoFocus />
          <Field label="Contact name" value={f.contact_name} onChange={set('contact_name')} />
          <Field
            label="Phone"
            value={f.phone}
            onChange={set('phone')}
            inputMode="tel"
            hint="Any format; checked for the workspace’s region"
            error={
              create.error && 'fields' in create.error
                ? (create.error as { fields?: Record<string, string> }).fields?.phone
                : undefined
            }
          />
          <Field label="Email" type="email" value={f.email} onChange={set('email')} />
          <Field label="Source" value={f.source} onChange={set('source')} />
          {seesAll && (
            <Select
              label="Assign to"
              value={f.assignee_id}
              onChange={(v) => setF({ ...f, assignee_id: v })}
              options={[
                { value: '', label: 'Nobody yet' },
                ...(users.data ?? []).map((u) => ({ value: u.id, label: u.name })),
              ]}
            />
          )}
          <InlineError error={create.error} />
          <Button type="submit" variant="primary" disabled={create.isPending || (!f.company && !f.contact_name)}>
            Create lead
          </Button>
        </form>
      </Modal>
    </>
  );
}
