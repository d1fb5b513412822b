// One knowledge source: its state (last and next fetch, records, chunks, the last error with its
// status and reason), the sync history on demand, and the owner's actions.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, csrfHeader } from '../../api/client.ts';
import type { CrmLink, KnowledgeSync } from '../../api/types.ts';
import { Badge, Button, InlineError, Loading, Modal, ErrorState } from '../../components/ui.tsx';
import { ago, dateTime } from '../../lib/format.ts';
import { uploadType } from '../../lib/uploads.ts';
import { LinkForm } from './link-form.tsx';

const statusTone: Record<string, string> = {
  ok: 'green',
  pending: 'blue',
  syncing: 'blue',
  retrying: 'amber',
  error: 'red',
  failed: 'red',
};
export const typeLabels: Record<string, string> = { api: 'API', webhook: 'Webhook', file: 'File', faq: 'FAQ' };
const channelLabels: Record<string, string> = {
  facebook: 'Facebook comments',
  messenger: 'Messenger',
  whatsapp: 'WhatsApp',
  app: 'App',
};

export function LinkItem({
  link: l,
  canEdit,
  onDocuments,
}: {
  link: CrmLink;
  canEdit: boolean;
  onDocuments: () => void;
}) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [history, setHistory] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['crm-links'] });
    void qc.invalidateQueries({ queryKey: ['knowledge-link', l.id] });
    void qc.invalidateQueries({ queryKey: ['knowledge-docs'] });
  };
  const fetchNow = useMutation({
    mutationFn: () => api(`/api/knowledge/links/${l.id}/refresh`, { method: 'POST', body: {} }),
    onSuccess: refresh,
  });
  const toggle = useMutation({
    mutationFn: () => api(`/api/knowledge/links/${l.id}`, { method: 'PATCH', body: { is_active: !l.is_active } }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => api(`/api/knowledge/links/${l.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      setDeleting(false);
      refresh();
    },
  });
  const upload = useMutation({
    mutationFn: async (f: File) => {
      const res = await fetch(`/api/knowledge/links/${l.id}/file?filename=${encodeURIComponent(f.name)}`, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'content-type': uploadType(f.name), ...csrfHeader() },
        body: await f.text(),
      });
      if (!res.ok) {
        const e = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new Error(e.error?.message ?? `${res.status} ${res.statusText}`);
      }
    },
    onSuccess: refresh,
  });
  const s = l.state;
  const err = s.last_error;
  return (
    <li aria-label={l.name} data-link-id={l.id} className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="flex flex-wrap items-center gap-2 font-medium text-slate-900">
            {l.name}
            <Badge tone="violet">{typeLabels[l.type] ?? l.type}</Badge>
            <Badge tone={statusTone[s.status]}>{s.status}</Badge>
            {l.visibility === 'per_contact' && <Badge tone="amber">per contact</Badge>}
          </h3>
          {l.url && <p className="truncate font-mono text-xs text-slate-500">{l.url}</p>}
          {l.type === 'file' && l.file_name && <p className="text-xs text-slate-500">File: {l.file_name}</p>}
          {l.description && <p className="mt-1 text-sm text-slate-600">{l.description}</p>}
          <p className="mt-1 text-xs text-slate-500">
            {l.channels.map((c) => channelLabels[c] ?? c).join(', ')}
            {l.api_key && ' · API key ***'}
            {Object.keys(l.headers).length > 0 &&
              ` · headers ${Object.keys(l.headers)
                .map((h) => `${h}: ***`)
                .join(', ')}`}
          </p>
        </div>
        <label className="flex items-center gap-1.5 text-sm">
          <input
            type="checkbox"
            role="switch"
            checked={l.is_active}
            disabled={!canEdit || toggle.isPending}
            onChange={() => toggle.mutate()}
            aria-label={`${l.name} active`}
          />
          {l.is_active ? 'Active' : 'Off'}
        </label>
      </div>

      <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4" aria-label={`State of ${l.name}`}>
        <div>
          <dt className="text-xs text-slate-500">Last fetch</dt>
          <dd title={dateTime(s.last_fetched_at)}>{s.last_fetched_at ? ago(s.last_fetched_at) : 'never'}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Next fetch</dt>
          <dd>{l.type === 'api' ? (s.next_fetch_at ? dateTime(s.next_fetch_at) : '—') : 'on push or upload'}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Records</dt>
          <dd data-testid="records">{s.records}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Chunks</dt>
          <dd data-testid="chunks">{s.chunks}</dd>
        </div>
      </dl>
      {err && (
        <p className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          Last error{err.status ? ` (HTTP ${err.status})` : ''}: {err.reason}
          {err.at && <span className="text-red-600"> · {dateTime(err.at)}</span>}
        </p>
      )}
      {l.type === 'webhook' && (
        <p className="mt-2 text-xs text-slate-600">
          Push URL: <code className="font-mono">/api/knowledge/links/{l.id}/push</code> (with the secret shown when the
          link was added)
        </p>
      )}

      <div className="mt-3 flex flex-wrap gap-2">
        {canEdit && l.type === 'api' && (
          <Button
            size="sm"
            onClick={() => fetchNow.mutate()}
            disabled={fetchNow.isPending}
            aria-label={`Refresh ${l.name}`}
          >
            {fetchNow.isPending ? 'Queuing…' : 'Refresh now'}
          </Button>
        )}
        {canEdit && l.type === 'file' && (
          <>
            <Button size="sm" onClick={() => file.current?.click()} aria-label={`Upload a new file for ${l.name}`}>
              {upload.isPending ? 'Uploading…' : 'Upload file'}
            </Button>
            <input
              ref={file}
              type="file"
              className="hidden"
              accept=".json,.csv,.md,.markdown,.txt,application/json,text/csv,text/markdown,text/plain"
              aria-label={`New file for ${l.name}`}
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) upload.mutate(f);
                e.target.value = '';
              }}
            />
          </>
        )}
        <Button
          size="sm"
          variant="ghost"
          onClick={() => setHistory((h) => !h)}
          aria-expanded={history}
          aria-label={`Sync history of ${l.name}`}
        >
          History
        </Button>
        <Button size="sm" variant="ghost" onClick={onDocuments} aria-label={`Documents of ${l.name}`}>
          Documents
        </Button>
        {canEdit && (
          <>
            <Button size="sm" variant="ghost" onClick={() => setEditing(true)} aria-label={`Edit ${l.name}`}>
              Edit
            </Button>
            <Button
              size="sm"
              variant="ghost"
              className="text-red-700"
              onClick={() => setDeleting(true)}
              aria-label={`Delete ${l.name}`}
            >
              Delete
            </Button>
          </>
        )}
      </div>
      <InlineError error={fetchNow.error ?? toggle.error ?? upload.error} />
      {history && <SyncHistory id={l.id} name={l.name} />}
      {canEdit && editing && <LinkForm open={editing} onOpenChange={setEditing} pageId={l.page_id} link={l} />}
      <Modal
        open={deleting}
        onOpenChange={setDeleting}
        title={`Delete ${l.name}?`}
        description="Its indexed data goes too; the bots stop answering from it."
      >
        <div className="flex justify-end gap-2">
          <Button onClick={() => setDeleting(false)}>Cancel</Button>
          <Button variant="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
            Delete source
          </Button>
        </div>
        <InlineError error={remove.error} />
      </Modal>
    </li>
  );
}

function SyncHistory({ id, name }: { id: string; name: string }) {
  const q = useQuery({
    queryKey: ['knowledge-link', id],
    queryFn: () => api<{ history: KnowledgeSync[] }>(`/api/knowledge/links/${id}`),
  });
  if (q.isPending) return <Loading label="Loading sync history" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => q.refetch()} />;
  if (!q.data.history.length) return <p className="mt-2 text-sm text-slate-500">No syncs yet.</p>;
  return (
    <div className="mt-3 overflow-x-auto">
      <table className="w-full text-left text-xs" aria-label={`Sync history of ${name}`}>
        <thead className="text-slate-500">
          <tr>
            <th className="py-1 pr-3 font-medium">When</th>
            <th className="py-1 pr-3 font-medium">Trigger</th>
            <th className="py-1 pr-3 font-medium">Outcome</th>
            <th className="py-1 pr-3 font-medium">Records</th>
            <th className="py-1 pr-3 font-medium">Chunks (+/−)</th>
            <th className="py-1 pr-3 font-medium">Took</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {q.data.history.map((h) => (
            <tr key={h.id}>
              <td className="py-1 pr-3 whitespace-nowrap">{dateTime(h.started_at)}</td>
              <td className="py-1 pr-3">{h.trigger}</td>
              <td className="py-1 pr-3">
                {h.outcome}
                {h.http_status ? ` (HTTP ${h.http_status})` : ''}
                {h.reason && <span className="block text-red-700">{h.reason}</span>}
              </td>
              <td className="py-1 pr-3">{h.records ?? '—'}</td>
              <td className="py-1 pr-3">
                {h.chunks ?? '—'}
                {h.added !== null || h.removed !== null ? ` (+${h.added ?? 0}/−${h.removed ?? 0})` : ''}
              </td>
              <td className="py-1 pr-3">{h.duration_ms !== null ? `${h.duration_ms} ms` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
