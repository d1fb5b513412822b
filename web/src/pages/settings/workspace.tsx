// Settings → workspace (name, time zone, phone region, business hours) and canned replies.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { useRole, useWorkspace } from '../../api/queries.ts';
import { Button, Card, Field, InlineError, inputClass } from '../../components/ui.tsx';
import { cannedReplies, type CannedReply } from '../../lib/canned.ts';

const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
type Hours = { days: string[]; open: string; close: string };

export function WorkspaceSettings() {
  const ws = useWorkspace();
  const { isAdmin } = useRole();
  const qc = useQueryClient();
  const [f, setF] = useState({ name: '', time_zone: '', phone_region: '' });
  const [hours, setHours] = useState<Hours>({ days: days.slice(0, 5), open: '10:00', close: '19:00' });
  useEffect(() => {
    if (!ws.data) return;
    setF({ name: ws.data.name, time_zone: ws.data.time_zone, phone_region: ws.data.phone_region });
    const h = ws.data.settings.business_hours as Hours | undefined;
    if (h?.days) setHours(h);
  }, [ws.data]);
  const save = useMutation({
    mutationFn: () =>
      api('/api/workspace', {
        method: 'PATCH',
        body: { ...f, settings: { ...ws.data?.settings, business_hours: hours } },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['workspace'] }),
  });
  return (
    <Card title="Workspace">
      <form
        className="grid max-w-2xl gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Field
          label="Workspace name"
          value={f.name}
          onChange={(e) => setF({ ...f, name: e.target.value })}
          disabled={!isAdmin}
        />
        <Field
          label="Time zone"
          value={f.time_zone}
          onChange={(e) => setF({ ...f, time_zone: e.target.value })}
          disabled={!isAdmin}
          hint="IANA name, e.g. Asia/Kolkata"
        />
        <Field
          label="Phone region"
          value={f.phone_region}
          onChange={(e) => setF({ ...f, phone_region: e.target.value.toUpperCase() })}
          disabled={!isAdmin}
          hint="Two letters, e.g. IN: numbers without +country are read as this"
          maxLength={2}
        />
        <fieldset className="sm:col-span-2" disabled={!isAdmin}>
          <legend className="mb-1 text-sm font-medium text-slate-700">Business hours</legend>
          <div className="flex flex-wrap gap-2">
            {days.map((d) => (
              <label key={d} className="flex items-center gap-1 text-sm capitalize">
                <input
                  type="checkbox"
                  checked={hours.days.includes(d)}
                  onChange={(e) =>
                    setHours({
                      ...hours,
                      days: e.target.checked ? [...hours.days, d] : hours.days.filter((x) => x !== d),
                    })
                  }
                />
                {d}
              </label>
            ))}
          </div>
          <div className="mt-2 flex gap-3">
            <Field
              label="Opens"
              type="time"
              value={hours.open}
              onChange={(e) => setHours({ ...hours, open: e.target.value })}
            />
            <Field
              label="Closes"
              type="time"
              value={hours.close}
              onChange={(e) => setHours({ ...hours, close: e.target.value })}
            />
          </div>
        </fieldset>
        {isAdmin && (
          <div className="sm:col-span-2">
            <Button type="submit" variant="primary" disabled={save.isPending}>
              Save workspace
            </Button>
            {save.isSuccess && (
              <span role="status" className="ml-2 text-sm text-green-700">
                Saved
              </span>
            )}
          </div>
        )}
        <InlineError error={save.error} />
      </form>
    </Card>
  );
}

export function CannedSettings() {
  const ws = useWorkspace();
  const { isAdmin } = useRole();
  const qc = useQueryClient();
  const [list, setList] = useState<CannedReply[]>([]);
  useEffect(() => setList(cannedReplies(ws.data?.settings)), [ws.data]);
  const save = useMutation({
    mutationFn: () =>
      api('/api/workspace', {
        method: 'PATCH',
        body: { settings: { ...ws.data?.settings, canned_replies: list.filter((r) => r.shortcut && r.text) } },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['workspace'] }),
  });
  return (
    <Card title="Canned replies">
      <p className="mb-3 text-sm text-slate-600">
        Type / in the composer to use them. Variables: {'{contact_name} {company} {agent_name} {phone}'}.
      </p>
      <ul className="space-y-2">
        {list.map((r, i) => (
          <li key={i} className="flex flex-wrap items-start gap-2">
            <input
              aria-label={`Shortcut ${i + 1}`}
              className={`${inputClass} w-32`}
              value={r.shortcut}
              disabled={!isAdmin}
              onChange={(e) =>
                setList(list.map((x, j) => (j === i ? { ...x, shortcut: e.target.value.replace(/\s/g, '') } : x)))
              }
            />
            <textarea
              aria-label={`Text of /${r.shortcut}`}
              dir="auto"
              rows={2}
              className={`${inputClass} min-w-60 flex-1`}
              value={r.text}
              disabled={!isAdmin}
              onChange={(e) => setList(list.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)))}
            />
            {isAdmin && (
              <Button
                size="sm"
                variant="ghost"
                onClick={() => setList(list.filter((_, j) => j !== i))}
                aria-label={`Delete /${r.shortcut}`}
              >
                Delete
              </Button>
            )}
          </li>
        ))}
      </ul>
      {isAdmin && (
        <div className="mt-3 flex gap-2">
          <Button onClick={() => setList([...list, { shortcut: '', text: '' }])}>Add reply</Button>
          <Button variant="primary" onClick={() => save.mutate()} disabled={save.isPending}>
            Save replies
          </Button>
          {save.isSuccess && (
            <span role="status" className="text-sm text-green-700">
              Saved
            </span>
          )}
        </div>
      )}
      <InlineError error={save.error} />
    </Card>
  );
}
