// Settings → privacy: export everything held about a person, erase it, and the audit trail.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useRole, useUsers, userName } from '../../api/queries.ts';
import type { AuditEntry, Page } from '../../api/types.ts';
import { Button, Card, Field, InlineError, Modal } from '../../components/ui.tsx';
import { dateTime, words } from '../../lib/format.ts';

export function PrivacySettings() {
  const { isAdmin } = useRole();
  const users = useUsers();
  const qc = useQueryClient();
  const [phone, setPhone] = useState('');
  const [confirm, setConfirm] = useState(false);
  const audit = useQuery({
    queryKey: ['audit'],
    enabled: isAdmin,
    queryFn: () => api<Page<AuditEntry>>('/api/privacy/audit', { query: { limit: 50 } }),
  });
  const exp = useMutation({
    mutationFn: () => api<Record<string, unknown>>('/api/privacy/export', { query: { phone } }),
    onSuccess: (data) => {
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `parley-export-${phone.replace(/\D/g, '')}.json`;
      a.click();
      URL.revokeObjectURL(url);
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
  });
  const erase = useMutation({
    mutationFn: () => api<{ counts: Record<string, number> }>('/api/privacy/erase', { body: { phone } }),
    onSuccess: () => {
      setConfirm(false);
      void qc.invalidateQueries();
    },
  });
  if (!isAdmin)
    return (
      <Card title="Privacy">
        <p className="text-sm text-slate-600">Owners and admins export and erase personal data.</p>
      </Card>
    );
  return (
    <Card title="Privacy">
      <div className="flex flex-wrap items-end gap-2">
        <Field label="Person’s phone" value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="tel" />
        <Button onClick={() => exp.mutate()} disabled={phone.length < 3 || exp.isPending}>
          Export data
        </Button>
        <Button variant="danger" onClick={() => setConfirm(true)} disabled={phone.length < 3}>
          Erase data
        </Button>
      </div>
      {exp.isSuccess && (
        <p role="status" className="mt-2 text-sm text-green-700">
          Export downloaded.
        </p>
      )}
      {erase.data && (
        <p role="status" className="mt-2 text-sm text-green-700">
          Erased:{' '}
          {Object.entries(erase.data.counts)
            .filter(([, n]) => n)
            .map(([k, n]) => `${n} ${words(k)}`)
            .join(', ') || 'nothing was held'}
          .
        </p>
      )}
      <InlineError error={exp.error ?? erase.error} />
      <Modal
        open={confirm}
        onOpenChange={setConfirm}
        title="Erase this person?"
        description={`Everything held about ${phone} (leads, conversations, messages, profile) is deleted, and mentions elsewhere are redacted. This cannot be undone.`}
      >
        <div className="flex justify-end gap-2">
          <Button onClick={() => setConfirm(false)}>Keep</Button>
          <Button variant="danger" onClick={() => erase.mutate()} disabled={erase.isPending}>
            Erase permanently
          </Button>
        </div>
      </Modal>
      <h3 className="mt-5 mb-2 text-sm font-semibold text-slate-800">Audit trail</h3>
      <ul className="divide-y divide-slate-100 text-sm">
        {audit.data?.data.map((a) => (
          <li key={a.id} className="py-1.5">
            {words(a.action)} · {userName(users.data, a.actor_id)} · {dateTime(a.created_at)}{' '}
            <code className="text-xs text-slate-500">{a.subject_hash?.slice(0, 12)}</code>
          </li>
        ))}
        {audit.data && !audit.data.data.length && (
          <li className="py-1.5 text-slate-500">No exports or erasures yet.</li>
        )}
      </ul>
    </Card>
  );
}
