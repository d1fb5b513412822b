// One message in the thread: text (any script), media, who sent it, and its delivery status.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AlertTriangle, Check, CheckCheck, Clock, FileText, MapPin, RotateCw } from 'lucide-react';
import { api } from '../../api/client.ts';
import type { Message, User } from '../../api/types.ts';
import { userName } from '../../api/queries.ts';
import { cx } from '../../components/ui.tsx';
import { time } from '../../lib/format.ts';

const failText: Record<string, string> = {
  window_closed: 'Not sent: the 24-hour window has closed and the channel has no template',
  opted_out: 'Not sent: the contact opted out',
  channel_inactive: 'Not sent: the channel is paused',
  provider_error: 'The provider refused it',
  delivery_unknown: 'Delivery unknown',
};

/** Failures a new attempt may cure (the server's RESENDABLE): the message can be sent again by hand. */
const resendable = new Set(['delivery_unknown', 'retries_exhausted', 'internal', 'channel_inactive']);

/** "Send again" for a message whose delivery is unknown: the server queues it once more (POST …/retry). */
function SendAgain({ m }: { m: Message }) {
  const qc = useQueryClient();
  const retry = useMutation({
    mutationFn: () => api<Message>(`/api/messages/${m.id}/retry`, { method: 'POST', body: {} }),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['messages', m.conversation_id] }),
  });
  return (
    <>
      <button
        type="button"
        className="inline-flex items-center gap-0.5 rounded bg-white px-1 text-slate-800 underline disabled:opacity-60"
        onClick={() => retry.mutate()}
        disabled={retry.isPending}
        aria-label="Send again"
      >
        <RotateCw size={12} aria-hidden /> Send again
      </button>
      {retry.error && (
        <span role="alert" className="rounded bg-white px-1 text-red-700">
          {retry.error.message}
        </span>
      )}
    </>
  );
}

export function DeliveryStatus({ m }: { m: Message }) {
  if (m.direction === 'in') return null;
  const label =
    m.status === 'failed'
      ? (m.error_title ?? failText[m.fail_reason ?? ''] ?? `Failed${m.fail_reason ? `: ${m.fail_reason}` : ''}`)
      : m.status === 'queued' || m.status === 'sending'
        ? 'Sending'
        : m.status[0].toUpperCase() + m.status.slice(1);
  const Icon =
    m.status === 'failed'
      ? AlertTriangle
      : m.status === 'sent'
        ? Check
        : m.status === 'delivered' || m.status === 'read'
          ? CheckCheck
          : Clock;
  return (
    <span
      className={cx(
        'inline-flex items-center gap-0.5',
        m.status === 'failed' && 'rounded bg-white px-1 text-red-700',
        m.status === 'read' && 'text-sky-200',
      )}
      data-status={m.status}
    >
      <Icon size={13} aria-hidden />
      {label}
    </span>
  );
}

type Media = { mimeType?: string; caption?: string; filename?: string; voice?: boolean };

function MediaView({ m }: { m: Message }) {
  const p = m.payload as {
    media?: Media;
    type?: string;
    mediaType?: string;
    url?: string;
    caption?: string;
    filename?: string;
    location?: { latitude: number; longitude: number; name?: string };
  };
  const kind = m.direction === 'in' ? m.type : p.type === 'media' ? p.mediaType : null;
  const src = m.direction === 'in' ? `/api/messages/${m.id}/media` : p.url;
  if (p.location)
    return (
      <a
        className="flex items-center gap-1 underline"
        href={`https://www.openstreetmap.org/?mlat=${p.location.latitude}&mlon=${p.location.longitude}`}
        target="_blank"
        rel="noreferrer"
      >
        <MapPin size={14} aria-hidden /> {p.location.name ?? 'Location'}
      </a>
    );
  if (!kind || !src || !['image', 'sticker', 'audio', 'video', 'document'].includes(kind)) return null;
  const name = p.media?.filename ?? p.filename ?? (kind === 'document' ? 'Document' : kind);
  if (kind === 'image' || kind === 'sticker')
    return (
      <img
        src={src}
        alt={p.media?.caption ?? p.caption ?? `${kind} from the conversation`}
        loading="lazy"
        className="max-h-60 max-w-full rounded"
      />
    );
  if (kind === 'audio')
    return <audio controls preload="none" src={src} aria-label={p.media?.voice ? 'Voice note' : 'Audio'} />;
  if (kind === 'video')
    return <video controls preload="none" src={src} className="max-h-60 max-w-full rounded" aria-label="Video" />;
  return (
    <a href={src} target="_blank" rel="noreferrer" className="flex items-center gap-1 underline">
      <FileText size={14} aria-hidden /> {name}
    </a>
  );
}

export function MessageBubble({ m, users }: { m: Message; users?: User[] }) {
  const out = m.direction === 'out';
  const who = !out ? null : m.author_id ? userName(users, m.author_id) : m.purpose === 'agent' ? 'Team' : 'Bot';
  const template = out && (m.payload as { type?: string }).type === 'template';
  return (
    <li
      className={cx('flex', out ? 'justify-end' : 'justify-start')}
      data-message-id={m.id}
      data-direction={m.direction}
    >
      <div
        className={cx(
          'max-w-[85%] rounded-lg px-3 py-2 text-sm shadow-sm md:max-w-[70%]',
          out ? (m.author_id ? 'bg-teal-700 text-white' : 'bg-slate-700 text-white') : 'bg-white text-slate-900',
          m.status === 'failed' && 'ring-2 ring-red-400',
        )}
      >
        {who && (
          <p className="mb-0.5 text-xs font-medium opacity-80">
            {who}
            {m.purpose && m.purpose !== 'agent' && m.purpose !== 'reply' ? ` · ${m.purpose}` : ''}
            {template ? ' · template' : ''}
          </p>
        )}
        <MediaView m={m} />
        {m.text && (
          <p className="break-words whitespace-pre-wrap" dir="auto">
            {m.text}
          </p>
        )}
        {out && m.answered_from.length > 0 && (
          <p className="mt-1 text-[11px] opacity-80" data-testid="answered-from">
            Answered from{' '}
            {[...new Map(m.answered_from.map((s) => [s.link_id, s])).values()].map((s, i) => (
              <span
                key={s.link_id}
                title={m.answered_from
                  .filter((x) => x.link_id === s.link_id)
                  .map((x) => x.record)
                  .join(', ')}
              >
                {i ? ', ' : ''}
                {s.link}
              </span>
            ))}
          </p>
        )}
        <p
          className={cx(
            'mt-1 flex items-center justify-end gap-2 text-[11px]',
            out ? 'text-white/80' : 'text-slate-500',
          )}
        >
          <time dateTime={m.created_at}>{time(m.created_at)}</time>
          {out && <DeliveryStatus m={m} />}
          {out && m.status === 'failed' && resendable.has(m.fail_reason ?? '') && <SendAgain m={m} />}
        </p>
      </div>
    </li>
  );
}
