// Try the bot: talk to the customer bot as any phone number, or to the team bot as a team member,
// through the simulator (the same pipeline as WhatsApp). Replies arrive live.
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { useUsers } from '../api/queries.ts';
import type { Conversation, Message } from '../api/types.ts';
import { Button, Empty, Field, InlineError, PageHeader, Select, cx } from '../components/ui.tsx';
import { MessageBubble } from './inbox/message-bubble.tsx';

const samples = {
  customer: [
    'Hi, what does BrightBooks cost for 10 users?',
    'नमस्ते, क्या आप डेमो दिखा सकते हैं?',
    'Kal subah demo ho sakta hai kya?',
    'STOP',
  ],
  team: [
    'New lead: Apex Traders, Rohit 98765 11111, source Website, assign to Rekha',
    'Schedule demo for Apex Traders tomorrow 4pm',
    'Kal 11 baje Orbit Textiles ke saath meeting',
    'my tasks',
  ],
};

export function SimulatorPage() {
  const users = useUsers();
  const [as, setAs] = useState<'customer' | 'team'>('customer');
  const [phone, setPhone] = useState('+91 98765 43210');
  const [name, setName] = useState('Test Customer');
  const [memberId, setMemberId] = useState('');
  const [text, setText] = useState('');
  const members = (users.data ?? []).filter((u) => u.phone && u.active);
  const member = members.find((m) => m.id === memberId) ?? members[0];
  const from = as === 'customer' ? phone : (member?.phone ?? '');
  const chat = useQuery({
    queryKey: ['simulator', from],
    enabled: from.replace(/\D/g, '').length >= 6,
    queryFn: () =>
      api<{ conversation: Conversation | null; data: Message[] }>('/api/simulator/messages', {
        query: { phone: from },
      }),
    refetchInterval: (q) =>
      q.state.data?.data.some((m) => m.status === 'queued' || m.status === 'sending') ? 1500 : false,
  });
  const send = useMutation({
    mutationFn: (t: string) =>
      api('/api/simulator/messages', { body: { from, text: t, name: as === 'customer' ? name : member?.name } }),
    onSuccess: () => {
      setText('');
      void chat.refetch();
    },
  });
  const submit = (t = text) => t.trim() && send.mutate(t.trim());
  return (
    <div className="flex h-full min-h-0 flex-col">
      <PageHeader title="Try the bot" />
      <div className="grid min-h-0 flex-1 gap-4 overflow-auto p-4 md:grid-cols-[18rem_1fr] md:p-6">
        <div className="space-y-3">
          <div role="radiogroup" aria-label="Talk as" className="flex rounded-md bg-slate-100 p-0.5 text-sm">
            {(['customer', 'team'] as const).map((k) => (
              <button
                key={k}
                role="radio"
                aria-checked={as === k}
                onClick={() => setAs(k)}
                className={cx(
                  'flex-1 rounded px-2 py-1',
                  as === k ? 'bg-white font-medium shadow-sm' : 'text-slate-600',
                )}
              >
                {k === 'customer' ? 'A customer' : 'A team member'}
              </button>
            ))}
          </div>
          {as === 'customer' ? (
            <>
              <Field label="Customer phone" value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="tel" />
              <Field label="Customer name" value={name} onChange={(e) => setName(e.target.value)} />
            </>
          ) : members.length ? (
            <Select
              label="Team member"
              value={member?.id ?? ''}
              onChange={setMemberId}
              options={members.map((m) => ({ value: m.id, label: `${m.name} (${m.phone})` }))}
            />
          ) : (
            <p className="text-sm text-slate-600">
              Add a phone number to a team member in Settings to talk to the team bot as them.
            </p>
          )}
          <div>
            <p className="mb-1 text-sm font-medium text-slate-700">Try saying</p>
            <ul className="space-y-1">
              {samples[as].map((s) => (
                <li key={s}>
                  <button
                    className="w-full rounded border border-slate-200 bg-white px-2 py-1 text-left text-sm hover:bg-slate-50"
                    dir="auto"
                    onClick={() => submit(s)}
                    disabled={!from}
                  >
                    {s}
                  </button>
                </li>
              ))}
            </ul>
          </div>
          {chat.data?.conversation && (
            <Link
              to="/inbox/$conversationId"
              params={{ conversationId: chat.data.conversation.id }}
              className="block text-sm text-teal-700 underline"
            >
              Open this conversation in the inbox
            </Link>
          )}
        </div>
        <section
          aria-label="Simulator chat"
          className="flex min-h-[24rem] flex-col rounded-lg border border-slate-200 bg-slate-100"
        >
          <ol aria-label="Chat with the bot" className="flex flex-1 flex-col gap-2 overflow-y-auto p-3">
            {chat.data?.data.length ? (
              chat.data.data.map((m) => <MessageBubble key={m.id} m={m} users={users.data} />)
            ) : (
              <Empty title="Say hello to the bot" />
            )}
          </ol>
          <form
            className="flex gap-2 border-t border-slate-200 bg-white p-3"
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <label htmlFor="sim-text" className="sr-only">
              Simulator message
            </label>
            <input
              id="sim-text"
              dir="auto"
              className="flex-1 rounded-md border border-slate-300 px-3 py-2 text-sm"
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={as === 'customer' ? 'Write as the customer' : 'Write a command as the team member'}
            />
            <Button type="submit" variant="primary" disabled={!text.trim() || !from || send.isPending}>
              Send as {as === 'customer' ? 'customer' : 'member'}
            </Button>
          </form>
          <InlineError error={send.error} />
        </section>
      </div>
    </div>
  );
}
