// Add or edit a knowledge source: an API (bearer key and custom headers, write-only), a webhook
// (its push secret is shown once), a file (JSON, CSV, Markdown, text) or question/answer pairs.
// `database` is offered because the spec names it; the server answers that it is not supported yet.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { CrmLink } from '../../api/types.ts';
import { Button, Field, InlineError, Modal, Select, inputClass } from '../../components/ui.tsx';
import { formatOf } from '../../lib/uploads.ts';

type Created = { crm_link: CrmLink; push_secret?: string; push_url?: string };
type Pair = { question: string; answer: string };
type Header = { name: string; value: string };
const allChannels = [
  ['whatsapp', 'WhatsApp'],
  ['messenger', 'Messenger'],
  ['facebook', 'Facebook comments'],
  ['app', 'App'],
] as const;

export function LinkForm({
  open,
  onOpenChange,
  pageId,
  link,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  pageId: string;
  link?: CrmLink;
  onCreated?: (r: Created) => void;
}) {
  const qc = useQueryClient();
  const [type, setType] = useState<string>(link?.type ?? 'api');
  const [name, setName] = useState(link?.name ?? '');
  const [url, setUrl] = useState(link?.url ?? '');
  const [apiKey, setApiKey] = useState('');
  const [headers, setHeaders] = useState<Header[]>(
    Object.keys(link?.headers ?? {}).map((n) => ({ name: n, value: '' })),
  );
  const [headersTouched, setHeadersTouched] = useState(false);
  const [description, setDescription] = useState(link?.description ?? '');
  const [channels, setChannels] = useState<string[]>(link?.channels ?? ['whatsapp']);
  const [visibility, setVisibility] = useState<string>(link?.visibility ?? 'public');
  const [keyFields, setKeyFields] = useState((link?.key_fields ?? []).join(', '));
  const [minutes, setMinutes] = useState(String(link?.refresh_minutes ?? 30));
  const [active, setActive] = useState(true);
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [faq, setFaq] = useState<Pair[]>([{ question: '', answer: '' }]);
  const [localError, setLocalError] = useState<string | null>(null);
  const descId = useId();

  useEffect(() => {
    if (!open) setLocalError(null);
  }, [open]);

  const save = useMutation({
    mutationFn: async () => {
      const hs = headers.filter((h) => h.name.trim());
      if (headersTouched && hs.some((h) => !h.value))
        throw new Error('Type the value of every header (values are write-only)');
      const common = {
        name: name.trim(),
        channels,
        description: description.trim() || null,
        visibility,
        key_fields:
          visibility === 'per_contact' && keyFields.trim()
            ? keyFields
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : null,
        ...(type === 'api' || type === 'database' ? { url: url.trim() } : {}),
        ...(type === 'api' && minutes ? { refresh_minutes: Number(minutes) } : {}),
        ...(apiKey ? { api_key: apiKey } : {}),
        ...(headersTouched || !link
          ? { headers: hs.length ? Object.fromEntries(hs.map((h) => [h.name.trim(), h.value])) : null }
          : {}),
      };
      const pairs = faq.filter((p) => p.question.trim() && p.answer.trim());
      if (type === 'faq' && (pairs.length || !link)) Object.assign(common, { faq: pairs });
      if (link) {
        // Only what changed: a new visibility re-indexes, a new URL clears a failure.
        if (visibility === link.visibility) delete (common as Partial<typeof common>).visibility;
        if (common.key_fields === null && !link.key_fields) delete (common as Partial<typeof common>).key_fields;
        if ((common as { url?: string }).url === link.url) delete (common as { url?: string }).url;
      }
      if (link)
        return { crm_link: await api<CrmLink>(`/api/knowledge/links/${link.id}`, { method: 'PATCH', body: common }) };
      if (type === 'file' && !file) throw new Error('Choose a file to upload');
      return api<Created>('/api/dashboard/crm-links', {
        body: {
          page_id: pageId,
          type,
          is_active: active,
          ...common,
          ...(type === 'file' && file ? { content: file.text, format: formatOf(file.name), file_name: file.name } : {}),
        },
      });
    },
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['crm-links'] });
      void qc.invalidateQueries({ queryKey: ['knowledge-docs'] });
      onOpenChange(false);
      onCreated?.(r);
      if (!link) {
        setName('');
        setUrl('');
        setApiKey('');
        setHeaders([]);
        setFile(null);
        setFaq([{ question: '', answer: '' }]);
      }
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setLocalError(null);
    if (!channels.length) return setLocalError('Pick at least one channel');
    save.mutate();
  };
  const title = link ? `Edit ${link.name}` : 'Add a knowledge source';

  return (
    <Modal open={open} onOpenChange={onOpenChange} title={title} wide>
      <form aria-label={title} onSubmit={submit} className="space-y-3">
        {!link && (
          <Select
            label="Type"
            value={type}
            onChange={setType}
            options={[
              { value: 'api', label: 'API (your CRM fetched on a schedule)' },
              { value: 'webhook', label: 'Webhook (your system pushes JSON)' },
              { value: 'file', label: 'File (JSON, CSV, Markdown, text)' },
              { value: 'faq', label: 'Questions and answers' },
              { value: 'database', label: 'Database' },
            ]}
          />
        )}
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        {(type === 'api' || type === 'database') && (
          <Field
            label="URL"
            type={type === 'api' ? 'url' : 'text'}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            required
            placeholder="https://crm.example.com/api/v1/services"
          />
        )}
        {type === 'api' && (
          <>
            <Field
              label="API key"
              type="password"
              autoComplete="off"
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
              placeholder={
                link?.api_key ? '*** (stored; type a new one to replace it)' : 'Sent as Authorization: Bearer …'
              }
              hint="Write-only: it is encrypted and never shown again."
            />
            <fieldset className="space-y-2">
              <legend className="mb-1 text-sm font-medium text-slate-700">Custom headers</legend>
              {link && Object.keys(link.headers).length > 0 && (
                <p className="text-xs text-slate-500">
                  Values are write-only: to change the headers, type every value again.
                </p>
              )}
              {headers.map((h, i) => (
                <div key={i} className="flex gap-2">
                  <input
                    aria-label={`Header ${i + 1} name`}
                    className={inputClass}
                    value={h.name}
                    onChange={(e) => {
                      setHeadersTouched(true);
                      setHeaders(headers.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)));
                    }}
                  />
                  <input
                    aria-label={`Header ${i + 1} value`}
                    type="password"
                    autoComplete="off"
                    placeholder="***"
                    className={inputClass}
                    value={h.value}
                    onChange={(e) => {
                      setHeadersTouched(true);
                      setHeaders(headers.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)));
                    }}
                  />
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Remove header ${i + 1}`}
                    onClick={() => {
                      setHeadersTouched(true);
                      setHeaders(headers.filter((_, j) => j !== i));
                    }}
                  >
                    ✕
                  </Button>
                </div>
              ))}
              <Button size="sm" onClick={() => setHeaders([...headers, { name: '', value: '' }])}>
                Add header
              </Button>
            </fieldset>
            <Field
              label="Refresh every (minutes)"
              type="number"
              min={5}
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
            />
          </>
        )}
        {type === 'file' && !link && (
          <div>
            <label className="mb-1 block text-sm font-medium text-slate-700" htmlFor={`${descId}-file`}>
              File
            </label>
            <input
              id={`${descId}-file`}
              type="file"
              accept=".json,.csv,.md,.markdown,.txt,application/json,text/csv,text/markdown,text/plain"
              className="text-sm"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                setFile(f ? { name: f.name, text: await f.text() } : null);
              }}
            />
          </div>
        )}
        {type === 'faq' && (
          <fieldset className="space-y-2">
            <legend className="mb-1 text-sm font-medium text-slate-700">Questions and answers</legend>
            {link && (
              <p className="text-xs text-slate-500">
                Leave empty to keep the stored pairs; pairs typed here replace them.
              </p>
            )}
            {faq.map((p, i) => (
              <div key={i} className="grid gap-2 rounded-md border border-slate-200 p-2 sm:grid-cols-2">
                <textarea
                  aria-label={`Question ${i + 1}`}
                  className={inputClass}
                  rows={2}
                  value={p.question}
                  onChange={(e) => setFaq(faq.map((x, j) => (j === i ? { ...x, question: e.target.value } : x)))}
                />
                <textarea
                  aria-label={`Answer ${i + 1}`}
                  className={inputClass}
                  rows={2}
                  value={p.answer}
                  onChange={(e) => setFaq(faq.map((x, j) => (j === i ? { ...x, answer: e.target.value } : x)))}
                />
              </div>
            ))}
            <Button size="sm" onClick={() => setFaq([...faq, { question: '', answer: '' }])}>
              Add a question
            </Button>
          </fieldset>
        )}
        <div>
          <label htmlFor={descId} className="mb-1 block text-sm font-medium text-slate-700">
            Description
          </label>
          <textarea
            id={descId}
            className={inputClass}
            rows={2}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-slate-700">Channels</legend>
          <div className="flex flex-wrap gap-3 text-sm">
            {allChannels.map(([v, label]) => (
              <label key={v} className="flex items-center gap-1.5">
                <input
                  type="checkbox"
                  checked={channels.includes(v)}
                  onChange={(e) => setChannels(e.target.checked ? [...channels, v] : channels.filter((c) => c !== v))}
                />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        <Select
          label="Visibility"
          value={visibility}
          onChange={setVisibility}
          options={[
            { value: 'public', label: 'Public (catalogue, prices, policies)' },
            { value: 'per_contact', label: 'Per contact (each customer sees only their own record)' },
          ]}
        />
        {visibility === 'per_contact' && (
          <Field
            label="Key fields"
            value={keyFields}
            onChange={(e) => setKeyFields(e.target.value)}
            hint="Comma-separated fields holding the customer’s phone or email (empty: found in the record)"
          />
        )}
        {!link && (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
            Active
          </label>
        )}
        {localError && (
          <p role="alert" className="text-sm text-red-700">
            {localError}
          </p>
        )}
        <InlineError error={save.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : link ? 'Save' : 'Add source'}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

/** A webhook's push secret, shown this once. */
export function PushSecret({
  value,
  onClose,
}: {
  value: { secret: string; url: string; name: string } | null;
  onClose: () => void;
}) {
  return (
    <Modal
      open={!!value}
      onOpenChange={(o) => !o && onClose()}
      title={`Push secret for ${value?.name ?? ''}`}
      description="Shown only once: copy it now. Your system sends JSON to the push URL with Authorization: Bearer <secret>."
    >
      {value && (
        <div className="space-y-2 text-sm" role="status">
          <p>
            Push URL: <code className="font-mono break-all">{location.origin + value.url}</code>
          </p>
          <p>
            Secret:{' '}
            <code className="font-mono break-all" aria-label="Push secret">
              {value.secret}
            </code>
          </p>
          <Button onClick={() => void navigator.clipboard?.writeText(value.secret)}>Copy secret</Button>
        </div>
      )}
    </Modal>
  );
}
