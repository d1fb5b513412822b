// Settings → team members and roles, and API keys.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useRole, useUsers } from '../../api/queries.ts';
import type { ApiKey, Role } from '../../api/types.ts';
import { Badge, Button, Card, Field, InlineError, Select } from '../../components/ui.tsx';
import { dateTime, words } from '../../lib/format.ts';

const roles: Role[] = ['owner', 'admin', 'manager', 'agent'];

export function TeamSettings() {
  const users = useUsers();
  const { isAdmin, seesAll, userId } = useRole();
  const qc = useQueryClient();
  const [f, setF] = useState({ name: '', email: '', phone: '', password: '', role: 'agent' });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['users'] });
  const add = useMutation({
    mutationFn: () => api('/api/users', { body: { ...f, phone: f.phone || undefined } }),
    onSuccess: () => {
      setF({ name: '', email: '', phone: '', password: '', role: 'agent' });
      refresh();
    },
  });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Record<string, unknown> }) =>
      api(`/api/users/${id}`, { method: 'PATCH', body }),
    onSuccess: refresh,
  });
  return (
    <Card title="Team">
      <ul className="divide-y divide-slate-100">
        {users.data?.map((u) => (
          <li key={u.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
            <span>
              <span className="font-medium">{u.name}</span>{' '}
              <span className="text-slate-500">
                {u.email} · {u.phone ?? 'no phone'} · @{u.username}
              </span>{' '}
              {!u.active && <Badge>Inactive</Badge>}
              {(seesAll || u.id === userId) && <MemberNotices id={u.id} name={u.name} />}
            </span>
            {isAdmin && u.id !== userId ? (
              <span className="flex items-center gap-2">
                <Select
                  label={`Role of ${u.name}`}
                  hideLabel
                  value={u.role}
                  onChange={(role) => update.mutate({ id: u.id, body: { role } })}
                  options={roles.map((r) => ({ value: r, label: words(r) }))}
                />
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => update.mutate({ id: u.id, body: { active: !u.active } })}
                >
                  {u.active ? 'Deactivate' : 'Activate'}
                </Button>
              </span>
            ) : (
              <Badge tone="teal">{words(u.role)}</Badge>
            )}
          </li>
        ))}
      </ul>
      <InlineError error={update.error} />
      {isAdmin && (
        <form
          className="mt-4 grid gap-2 border-t border-slate-100 pt-4 sm:grid-cols-3"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
          aria-label="Add a team member"
        >
          <Field label="Name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} required />
          <Field
            label="Email"
            type="email"
            value={f.email}
            onChange={(e) => setF({ ...f, email: e.target.value })}
            required
          />
          <Field label="Phone (WhatsApp)" value={f.phone} onChange={(e) => setF({ ...f, phone: e.target.value })} />
          <Field
            label="Temporary password"
            type="password"
            minLength={8}
            value={f.password}
            onChange={(e) => setF({ ...f, password: e.target.value })}
            required
          />
          <Select
            label="Role"
            value={f.role}
            onChange={(role) => setF({ ...f, role })}
            options={roles.map((r) => ({ value: r, label: words(r) }))}
          />
          <div className="flex items-end">
            <Button type="submit" variant="primary" disabled={add.isPending}>
              Add member
            </Button>
          </div>
          <InlineError error={add.error} />
        </form>
      )}
    </Card>
  );
}

type Notice = {
  id: string;
  text: string | null;
  purpose: string | null;
  status: string;
  fail_reason: string | null;
  created_at: string;
};

/**
 * A member's latest notices (GET /api/users/{id}/notices): the ones held because their WhatsApp
 * window was closed are counted and marked; they go when the member next writes.
 */
function MemberNotices({ id, name }: { id: string; name: string }) {
  const notices = useQuery({
    queryKey: ['notices', id],
    queryFn: () => api<{ data: Notice[]; held: number }>(`/api/users/${id}/notices?limit=10`),
  });
  if (!notices.data?.data.length) return null;
  const { data, held } = notices.data;
  return (
    <details className="mt-1 text-xs text-slate-600">
      <summary className="cursor-pointer" aria-label={`Notices to ${name}`}>
        Notices {held > 0 && <Badge tone="amber">{held} not delivered yet</Badge>}
      </summary>
      <ul className="mt-1 space-y-1">
        {data.map((n) => (
          <li key={n.id}>
            <span className="text-slate-400">{dateTime(n.created_at)}</span> {n.text}{' '}
            {n.status === 'held' ? (
              <Badge tone="amber">waiting for {name.split(' ')[0]} to open the chat</Badge>
            ) : (
              <Badge>{words(n.status)}</Badge>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}

export function ApiKeySettings() {
  const { isAdmin } = useRole();
  const qc = useQueryClient();
  const keys = useQuery({
    queryKey: ['api-keys'],
    enabled: isAdmin,
    queryFn: () => api<{ data: ApiKey[] }>('/api/api-keys'),
  });
  const [name, setName] = useState('');
  const [role, setRole] = useState('manager');
  const [shown, setShown] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => api<ApiKey & { key: string }>('/api/api-keys', { body: { name, role } }),
    onSuccess: (k) => {
      setShown(k.key);
      setName('');
      void qc.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/api/api-keys/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  if (!isAdmin)
    return (
      <Card title="API keys">
        <p className="text-sm text-slate-600">Owners and admins manage API keys.</p>
      </Card>
    );
  return (
    <Card title="API keys">
      {shown && (
        <div role="status" className="mb-3 rounded-md border border-green-200 bg-green-50 p-3 text-sm">
          Copy this key now, it is shown only once: <code className="break-all">{shown}</code>
        </div>
      )}
      <ul className="divide-y divide-slate-100">
        {keys.data?.data.map((k) => (
          <li key={k.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
            <span>
              <span className="font-medium">{k.name}</span> <code className="text-slate-500">{k.prefix}…</code> ·{' '}
              {words(k.role)} · last used {k.last_used_at ? dateTime(k.last_used_at) : 'never'}
            </span>
            {k.revoked_at ? (
              <Badge>Revoked</Badge>
            ) : (
              <Button size="sm" variant="ghost" onClick={() => revoke.mutate(k.id)} aria-label={`Revoke ${k.name}`}>
                Revoke
              </Button>
            )}
          </li>
        ))}
        {keys.data && !keys.data.data.length && <li className="py-2 text-sm text-slate-500">No API keys.</li>}
      </ul>
      <form
        className="mt-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field label="Key name" value={name} onChange={(e) => setName(e.target.value)} />
        <Select
          label="Key role"
          value={role}
          onChange={setRole}
          options={roles.map((r) => ({ value: r, label: words(r) }))}
        />
        <Button type="submit" disabled={!name.trim() || create.isPending}>
          Create key
        </Button>
      </form>
      <InlineError error={create.error ?? revoke.error} />
    </Card>
  );
}
