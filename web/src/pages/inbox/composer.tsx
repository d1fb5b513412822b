// The reply box: Enter sends, Shift+Enter breaks the line, `/` opens the canned replies. It shows
// the channel's 24-hour window (and that a template goes instead once it has closed), and refuses
// to write to a contact who opted out.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Send } from 'lucide-react';
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { api } from '../../api/client.ts';
import { useChannels, useRole, useWorkspace } from '../../api/queries.ts';
import type { ConversationItem, Lead, Message } from '../../api/types.ts';
import { Button, InlineError, cx } from '../../components/ui.tsx';
import { cannedReplies, fillVariables, matchCanned } from '../../lib/canned.ts';
import { duration } from '../../lib/format.ts';
import { windowState } from '../../lib/window.ts';

export function Composer({ conv, lead }: { conv: ConversationItem; lead: Lead | null }) {
  const [text, setText] = useState('');
  const [pick, setPick] = useState(0);
  const ref = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const qc = useQueryClient();
  const { me } = useRole();
  const channels = useChannels();
  const ws = useWorkspace();
  const channel = channels.data?.find((c) => c.id === conv.channel_id);
  const template =
    typeof channel?.settings.template === 'string' && channel.settings.template ? channel.settings.template : null;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  const state = windowState(conv, channel?.kind, template, now);

  useEffect(() => setText(''), [conv.id]);

  const slash = /^\/(\S*)$/.exec(text);
  const canned = useMemo(
    () => (slash ? matchCanned(cannedReplies(ws.data?.settings), slash[1]).slice(0, 6) : []),
    [slash?.[1], ws.data],
  );
  useEffect(() => setPick(0), [slash?.[1]]);

  const send = useMutation({
    mutationFn: (body: string) => api<Message>(`/api/conversations/${conv.id}/messages`, { body: { text: body } }),
    onSuccess: (m) => {
      qc.setQueryData(['messages', conv.id], (old: { messages: Message[] } | undefined) =>
        old ? { ...old, messages: [...old.messages.filter((x) => x.id !== m.id), m] } : old,
      );
      void qc.invalidateQueries({ queryKey: ['messages', conv.id] });
      void qc.invalidateQueries({ queryKey: ['conversations'] });
    },
  });

  const choose = (i: number) => {
    const r = canned[i];
    if (!r) return;
    setText(
      fillVariables(r.text, {
        contact_name: conv.contact_name ?? lead?.contact_name ?? null,
        company: lead?.company ?? null,
        agent_name: me?.user?.name ?? null,
        phone: conv.contact_phone,
      }),
    );
    ref.current?.focus();
  };

  const optedOut = !!conv.opted_out_at;
  const appChat = conv.channel === 'app';
  const blocked = optedOut || appChat || state.kind === 'closed';

  const submit = () => {
    const body = text.trim();
    if (!body || blocked || send.isPending) return;
    // The box empties at once; a refused message comes back into it with the API's reason.
    setText('');
    send.mutate(body, { onError: () => setText((t) => t || body) });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (canned.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setPick((p) => (p + (e.key === 'ArrowDown' ? 1 : canned.length - 1)) % canned.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        choose(pick);
        return;
      }
      if (e.key === 'Escape') {
        setText('');
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <div className="border-t border-slate-200 bg-white p-3">
      <p role="status" className="mb-2 text-xs" data-window={optedOut ? 'opted_out' : state.kind}>
        {optedOut ? (
          <span className="font-medium text-red-700">
            This contact opted out of messages. Parley will not write to them until they message you again and opt back
            in (START).
          </span>
        ) : appChat ? (
          <span className="text-slate-600">A team member’s in-app commands: the bot answers them.</span>
        ) : state.kind === 'open' ? (
          <span className="text-green-700">24-hour window open: {duration(state.leftMs)} left to reply freely.</span>
        ) : state.kind === 'template' ? (
          <span className="font-medium text-amber-800">
            The 24-hour window has closed: your message goes as the approved template “{state.template}” (your text
            fills it in).
          </span>
        ) : state.kind === 'human_agent' ? (
          <span className="text-amber-800">
            Outside the 24-hour window: a person may still answer for {duration(state.leftMs)} (human agent tag).
          </span>
        ) : state.kind === 'closed' ? (
          <span className="font-medium text-red-700">
            The 24-hour window has closed and this channel has no approved template: wait for the customer to write
            again.
          </span>
        ) : (
          <span className="text-slate-500">Enter sends · Shift+Enter new line · / canned replies</span>
        )}
      </p>
      <div className="relative flex items-end gap-2">
        {canned.length > 0 && (
          <ul
            id={listId}
            role="listbox"
            aria-label="Canned replies"
            className="absolute bottom-full left-0 z-10 mb-1 max-h-56 w-full overflow-auto rounded-md border border-slate-200 bg-white shadow-lg"
          >
            {canned.map((r, i) => (
              <li
                key={r.shortcut}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === pick}
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(i);
                }}
                className={cx('cursor-pointer px-3 py-2 text-sm', i === pick ? 'bg-teal-50' : '')}
              >
                <span className="font-mono text-xs text-teal-800">/{r.shortcut}</span>
                <span className="block truncate text-slate-700" dir="auto">
                  {r.text}
                </span>
              </li>
            ))}
          </ul>
        )}
        <label htmlFor={`${listId}-msg`} className="sr-only">
          Message
        </label>
        <textarea
          ref={ref}
          id={`${listId}-msg`}
          rows={2}
          dir="auto"
          value={text}
          disabled={blocked}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          aria-autocomplete="list"
          aria-controls={canned.length ? listId : undefined}
          aria-activedescendant={canned.length ? `${listId}-${pick}` : undefined}
          placeholder={blocked ? 'Replies are not possible here' : 'Type a reply, or / for canned replies'}
          className="min-h-[2.5rem] flex-1 resize-y rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-teal-600 focus:ring-2 focus:ring-teal-600/20 focus:outline-none disabled:bg-slate-100"
        />
        <Button variant="primary" onClick={submit} disabled={blocked || !text.trim() || send.isPending}>
          <Send size={15} aria-hidden /> Send
        </Button>
      </div>
      <InlineError error={send.error} />
    </div>
  );
}
