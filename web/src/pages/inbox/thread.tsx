// The open conversation: header with handoff and release, the messages (newest at the bottom,
// live), the composer, and on small screens a switch to the lead pane.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { ArrowLeft, Hand, Bot } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { api } from '../../api/client.ts';
import { useUsers } from '../../api/queries.ts';
import { threadQuery } from '../../api/thread.ts';
import type { ConversationItem } from '../../api/types.ts';
import { Badge, Button, Empty, ErrorState, InlineError, Loading } from '../../components/ui.tsx';
import { Composer } from './composer.tsx';
import { conversationTitle, type InboxFilters } from './conversation-list.tsx';
import { MessageBubble } from './message-bubble.tsx';

export const useThread = (id: string) => useQuery(threadQuery(id));

export function Thread({ id, filters, onShowLead }: { id: string; filters: InboxFilters; onShowLead: () => void }) {
  const thread = useThread(id);
  const users = useUsers();
  const qc = useQueryClient();
  const end = useRef<HTMLDivElement>(null);
  const count = thread.data?.messages.length ?? 0;
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [count, id]);

  const toggle = useMutation({
    mutationFn: (on: boolean) =>
      api(`/api/conversations/${id}/${on ? 'handoff' : 'release'}`, { method: 'POST', body: {} }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['messages', id] });
      void qc.invalidateQueries({ queryKey: ['conversations'] });
    },
  });

  if (thread.isPending) return <Loading label="Loading conversation" />;
  if (thread.isError) return <ErrorState error={thread.error} retry={() => thread.refetch()} />;
  const { conversation, lead, messages } = thread.data;
  const conv: ConversationItem = { ...conversation, lead };
  const handed = !!conversation.handed_off_at;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-white px-3 py-2">
        <Link
          to="/inbox"
          search={filters}
          className="rounded p-1 text-slate-600 hover:bg-slate-100 md:hidden"
          aria-label="Back to conversations"
        >
          <ArrowLeft size={18} aria-hidden />
        </Link>
        <div className="min-w-0 flex-1">
          <h2 className="truncate text-sm font-semibold text-slate-900">{conversationTitle(conv)}</h2>
          <p className="truncate text-xs text-slate-500">
            {conversation.channel} · {conversation.contact_phone ?? conversation.external_id}
            {lead?.company ? ` · ${lead.company}` : ''}
          </p>
        </div>
        {handed ? (
          <Badge tone="amber">
            <Hand size={12} aria-hidden /> Waiting for a person
          </Badge>
        ) : (
          !conversation.member_id && (
            <Badge tone="slate" className="hidden sm:inline-flex">
              <Bot size={12} aria-hidden /> Bot answering
            </Badge>
          )
        )}
        {!conversation.member_id &&
          (handed ? (
            <Button size="sm" onClick={() => toggle.mutate(false)} disabled={toggle.isPending}>
              Hand back to the bot
            </Button>
          ) : (
            <Button size="sm" onClick={() => toggle.mutate(true)} disabled={toggle.isPending}>
              Take over
            </Button>
          ))}
        <Button size="sm" variant="ghost" className="lg:hidden" onClick={onShowLead}>
          Lead
        </Button>
      </header>
      <InlineError error={toggle.error} />
      {handed && (
        <p className="bg-amber-50 px-4 py-1.5 text-xs text-amber-900">
          The bot is silent in this conversation{conversation.handoff_reason ? ` (${conversation.handoff_reason})` : ''}
          : the customer is waiting for a reply from the team.
        </p>
      )}
      <div className="min-h-0 flex-1 overflow-y-auto bg-slate-100 px-3 py-3">
        {thread.data.more_messages && (
          <p className="pb-2 text-center text-xs text-slate-500">Older messages are on the lead’s history.</p>
        )}
        {messages.length ? (
          <ol aria-label="Messages" className="flex flex-col gap-2" aria-live="polite">
            {messages.map((m) => (
              <MessageBubble key={m.id} m={m} users={users.data} />
            ))}
          </ol>
        ) : (
          <Empty title="No messages yet" />
        )}
        <div ref={end} />
      </div>
      <Composer conv={conv} lead={lead} />
    </div>
  );
}
