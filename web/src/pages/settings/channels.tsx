// Settings → channels: connect WhatsApp Cloud, Messenger, Maytapi or Twilio accounts. Secrets are
// write-only: they go to the server (encrypted at rest) and never come back.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useChannels, useRole } from '../../api/queries.ts';
import type { Channel } from '../../api/types.ts';
import { Badge, Button, Card, Field, InlineError, Select } from '../../components/ui.tsx';

type Kind = 'whatsapp' | 'messenger' | 'maytapi' | 'twilio';
const kinds: Record<
  Kind,
  { label: string; account: string; settings: [string, string][]; secrets: [string, string][] }
> = {
  whatsapp: {
    label: 'WhatsApp Cloud API',
    account: 'Phone number ID',
    settings: [['template', 'Template after 24 h (name:language)']],
    secrets: [
      ['accessToken', 'Access token'],
      ['appSecret', 'App secret'],
      ['verifyToken', 'Webhook verify token'],
    ],
  },
  messenger: {
    label: 'Facebook Messenger',
    account: 'Page ID',
    settings: [],
    secrets: [
      ['pageAccessToken', 'Page access token'],
      ['appSecret', 'App secret'],
      ['verifyToken', 'Webhook verify token'],
    ],
  },
  maytapi: {
    label: 'Maytapi (WhatsApp)',
    account: 'Phone ID',
    settings: [['productId', 'Product ID']],
    secrets: [
      ['apiToken', 'API token'],
      ['webhookToken', 'Webhook token'],
    ],
  },
  twilio: {
    label: 'Twilio (WhatsApp)',
    account: 'WhatsApp number (E.164)',
    settings: [
      ['accountSid', 'Account SID'],
      ['template', 'Content template after 24 h'],
    ],
    secrets: [['authToken', 'Auth token']],
  },
};

function ChannelRow({ c, canEdit }: { c: Channel; canEdit: boolean }) {
  const qc = useQueryClient();
  const [secret, setSecret] = useState<Record<string, string>>({});
  const [open, setOpen] = useState(false);
  const spec = kinds[c.kind as Kind];
  const patch = useMutation({
    mutationFn: (body: Record<string, unknown>) => api(`/api/channels/${c.id}`, { method: 'PATCH', body }),
    onSuccess: () => {
      setSecret({});
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['channels'] });
    },
  });
  return (
    <li className="py-2.5 text-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span>
          <span className="font-medium">{c.name}</span>{' '}
          <span className="text-slate-500">
            {c.kind} · {c.account_id}
          </span>{' '}
          <Badge tone={c.active ? 'green' : 'slate'}>{c.active ? 'Active' : 'Paused'}</Badge>{' '}
          {c.from_env && <Badge>From environment</Badge>}{' '}
          {spec && (
            <Badge tone={c.has_secrets ? 'teal' : 'amber'}>{c.has_secrets ? 'Secrets set' : 'No secrets'}</Badge>
          )}
        </span>
        {canEdit && !c.from_env && spec && (
          <span className="flex gap-1">
            <Button size="sm" onClick={() => patch.mutate({ active: !c.active })}>
              {c.active ? 'Pause' : 'Resume'}
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setOpen(!open)} aria-expanded={open}>
              Replace secrets
            </Button>
          </span>
        )}
      </div>
      {open && spec && (
        <form
          className="mt-2 grid gap-2 sm:grid-cols-3"
          onSubmit={(e) => {
            e.preventDefault();
            patch.mutate({ secrets: Object.fromEntries(Object.entries(secret).filter(([, v]) => v)) });
          }}
        >
          {spec.secrets.map(([k, label]) => (
            <Field
              key={k}
              label={label}
              type="password"
              autoComplete="off"
              value={secret[k] ?? ''}
              onChange={(e) => setSecret({ ...secret, [k]: e.target.value })}
            />
          ))}
          <div className="flex items-end">
            <Button type="submit" variant="primary" disabled={patch.isPending}>
              Save secrets
            </Button>
          </div>
        </form>
      )}
      <InlineError error={patch.error} />
    </li>
  );
}

export function ChannelSettings() {
  const channels = useChannels();
  const { isAdmin } = useRole();
  const qc = useQueryClient();
  const [kind, setKind] = useState<Kind>('whatsapp');
  const [f, setF] = useState<Record<string, string>>({ name: '', account_id: '' });
  const spec = kinds[kind];
  const create = useMutation({
    mutationFn: () =>
      api('/api/channels', {
        body: {
          kind,
          name: f.name || spec.label,
          account_id: f.account_id,
          settings: Object.fromEntries(spec.settings.map(([k]) => [k, f[`s.${k}`]]).filter(([, v]) => v)),
          secrets: Object.fromEntries(spec.secrets.map(([k]) => [k, f[`x.${k}`]]).filter(([, v]) => v)),
        },
      }),
    onSuccess: () => {
      setF({ name: '', account_id: '' });
      void qc.invalidateQueries({ queryKey: ['channels'] });
    },
  });
  return (
    <Card title="Channels">
      <ul className="divide-y divide-slate-100">
        {channels.data?.map((c) => (
          <ChannelRow key={c.id} c={c} canEdit={isAdmin} />
        ))}
      </ul>
      {isAdmin ? (
        <form
          aria-label="Connect a channel"
          className="mt-4 grid gap-2 border-t border-slate-100 pt-4 sm:grid-cols-3"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Select
            label="Channel type"
            value={kind}
            onChange={(v) => setKind(v as Kind)}
            options={Object.entries(kinds).map(([k, v]) => ({ value: k, label: v.label }))}
          />
          <Field
            label="Channel name"
            value={f.name}
            placeholder={spec.label}
            onChange={(e) => setF({ ...f, name: e.target.value })}
          />
          <Field
            label={spec.account}
            value={f.account_id}
            required
            onChange={(e) => setF({ ...f, account_id: e.target.value })}
          />
          {spec.settings.map(([k, label]) => (
            <Field
              key={k}
              label={label}
              value={f[`s.${k}`] ?? ''}
              onChange={(e) => setF({ ...f, [`s.${k}`]: e.target.value })}
            />
          ))}
          {spec.secrets.map(([k, label]) => (
            <Field
              key={k}
              label={label}
              type="password"
              autoComplete="off"
              hint="Write-only: never shown again"
              value={f[`x.${k}`] ?? ''}
              onChange={(e) => setF({ ...f, [`x.${k}`]: e.target.value })}
            />
          ))}
          <div className="flex items-end">
            <Button type="submit" variant="primary" disabled={create.isPending || !f.account_id}>
              Connect channel
            </Button>
          </div>
          <InlineError error={create.error} />
        </form>
      ) : (
        <p className="mt-3 text-sm text-slate-600">Owners and admins connect channels.</p>
      )}
    </Card>
  );
}
