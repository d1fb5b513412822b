// The inbox: conversation list, the thread, and the lead pane. Below 768 px one pane shows at a
// time (list → thread → lead); between 768 and 1024 px the lead pane opens on demand.
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { MessagesSquare } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button, Empty, cx } from '../../components/ui.tsx';
import { ConversationList, type InboxFilters } from './conversation-list.tsx';
import { LeadPanel } from './lead-panel.tsx';
import { Thread, useThread } from './thread.tsx';

function LeadPane({ id, onClose }: { id: string; onClose: () => void }) {
  const thread = useThread(id);
  return (
    <div className="h-full overflow-y-auto p-4">
      <div className="mb-3 flex items-center justify-between">
        <h2 className="text-sm font-semibold text-slate-800">Lead</h2>
        <Button size="sm" variant="ghost" className="lg:hidden" onClick={onClose}>
          Back to the conversation
        </Button>
      </div>
      {thread.data && (
        <LeadPanel conv={{ ...thread.data.conversation, lead: thread.data.lead }} lead={thread.data.lead} />
      )}
    </div>
  );
}

export function InboxPage() {
  const params = useParams({ strict: false }) as { conversationId?: string };
  const filters = useSearch({ strict: false }) as InboxFilters;
  const navigate = useNavigate();
  const id = params.conversationId;
  const [showLead, setShowLead] = useState(false);
  useEffect(() => setShowLead(false), [id]);
  const setFilters = (f: InboxFilters) =>
    void navigate({
      to: id ? '/inbox/$conversationId' : '/inbox',
      params: id ? { conversationId: id } : {},
      search: f,
      replace: true,
    });

  return (
    <div className="flex h-full min-h-0">
      <section
        aria-label="Conversation list"
        className={cx('w-full shrink-0 border-r border-slate-200 bg-white md:w-80', id ? 'hidden md:block' : 'block')}
      >
        <ConversationList filters={filters} selectedId={id} onFilters={setFilters} />
      </section>
      <section
        aria-label="Conversation"
        className={cx('min-w-0 flex-1', !id || showLead ? 'hidden md:block' : 'block', showLead && 'md:block')}
      >
        {id ? (
          <Thread id={id} filters={filters} onShowLead={() => setShowLead(true)} />
        ) : (
          <Empty title="Pick a conversation">
            <MessagesSquare className="mx-auto text-slate-400" aria-hidden />
            <span>Use j and k to move through the list, / to search.</span>
          </Empty>
        )}
      </section>
      {id && (
        <aside
          aria-label="Lead details"
          className={cx(
            'shrink-0 border-l border-slate-200 bg-white',
            showLead
              ? 'block w-full md:absolute md:inset-y-0 md:right-0 md:z-20 md:w-80 md:shadow-xl lg:static lg:shadow-none'
              : 'hidden lg:block',
            'lg:w-80',
          )}
        >
          <LeadPane id={id} onClose={() => setShowLead(false)} />
        </aside>
      )}
    </div>
  );
}
