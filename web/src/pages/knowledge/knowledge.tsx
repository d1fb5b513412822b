// Knowledge: the CRM links, webhooks, files and FAQs the bots answer from (issue 13, spec 003).
// Per channel account: each link with its state and sync history, add/edit/refresh/switch/delete
// (owners and admins), the indexed documents, and "try a question" over /api/knowledge/search.
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { api } from '../../api/client.ts';
import { useChannels, useRole } from '../../api/queries.ts';
import type { CrmLink } from '../../api/types.ts';
import { Button, Empty, ErrorState, Loading, PageHeader, Select } from '../../components/ui.tsx';
import { useState } from 'react';
import { AskBox } from './ask.tsx';
import { DocumentsCard } from './documents.tsx';
import { LinkForm, PushSecret } from './link-form.tsx';
import { LinkItem } from './link-item.tsx';

export type LinksResponse = {
  crm_links: CrmLink[];
  page_id: string;
  total: number;
  active_count: number;
  inactive_count: number;
};

/** Links still being fetched are polled until they settle. */
const busy = (links: CrmLink[] | undefined) =>
  !!links?.some((l) => l.state.status === 'pending' || l.state.status === 'syncing');

export function KnowledgePage() {
  const channels = useChannels();
  const { isAdmin } = useRole();
  const search = useSearch({ strict: false }) as { page?: string };
  const navigate = useNavigate();
  // Real accounts first: the simulator's is for trying things out.
  const accounts = [...(channels.data ?? [])].sort(
    (a, b) => Number(a.kind === 'simulator') - Number(b.kind === 'simulator'),
  );
  const pageId =
    search.page && accounts.some((c) => c.account_id === search.page) ? search.page : accounts[0]?.account_id;
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<{ secret: string; url: string; name: string } | null>(null);
  const [docsFor, setDocsFor] = useState<string>('');

  const links = useQuery({
    queryKey: ['crm-links', pageId],
    enabled: !!pageId,
    queryFn: () => api<LinksResponse>('/api/dashboard/crm-links', { query: { page_id: pageId } }),
    refetchInterval: (q) => (busy(q.state.data?.crm_links) ? 1500 : false),
  });

  const header = (
    <PageHeader title="Knowledge">
      {accounts.length > 1 && (
        <Select
          label="Channel account"
          hideLabel
          value={pageId ?? ''}
          onChange={(v) => void navigate({ to: '/knowledge', search: { page: v } })}
          options={accounts.map((c) => ({ value: c.account_id, label: `${c.name} (${c.account_id})` }))}
        />
      )}
      {isAdmin && pageId && (
        <Button variant="primary" onClick={() => setAdding(true)}>
          Add a link
        </Button>
      )}
    </PageHeader>
  );

  let body;
  if (channels.isPending) body = <Loading label="Loading channel accounts" />;
  else if (channels.isError) body = <ErrorState error={channels.error} retry={() => channels.refetch()} />;
  else if (!pageId)
    body = (
      <Empty title="Connect a channel first">
        Knowledge is kept per channel account (a WhatsApp number or a Facebook page).{' '}
        <Link to="/settings" search={{ tab: 'channels' }} className="text-teal-700 underline">
          Connect one in Settings
        </Link>
        .
      </Empty>
    );
  else if (links.isPending) body = <Loading label="Loading knowledge sources" />;
  else if (links.isError) body = <ErrorState error={links.error} retry={() => links.refetch()} />;
  else {
    const list = links.data.crm_links;
    body = (
      <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section aria-label="Knowledge sources" className="min-w-0 space-y-3">
          <p className="text-sm text-slate-600">
            {links.data.total} source{links.data.total === 1 ? '' : 's'} · {links.data.active_count} active ·{' '}
            {links.data.inactive_count} off
            {!isAdmin && ' · Only owners and admins change knowledge sources.'}
          </p>
          {list.length ? (
            <ul className="space-y-3">
              {list.map((l) => (
                <LinkItem key={l.id} link={l} canEdit={isAdmin} onDocuments={() => setDocsFor(l.id)} />
              ))}
            </ul>
          ) : (
            <Empty title="No knowledge sources yet">
              Add your CRM’s API, a webhook it pushes to, a file (JSON, CSV, Markdown or text) or questions and answers;
              the bots answer from them.
            </Empty>
          )}
        </section>
        <div className="min-w-0 space-y-4">
          <AskBox pageId={pageId} />
          <DocumentsCard pageId={pageId} links={list} linkId={docsFor} onLinkId={setDocsFor} />
        </div>
      </div>
    );
  }

  return (
    <div className="flex h-full min-h-0 flex-col">
      {header}
      <div className="min-h-0 flex-1 overflow-auto p-4 md:p-6">{body}</div>
      {pageId && adding && (
        <LinkForm
          open={adding}
          onOpenChange={setAdding}
          pageId={pageId}
          onCreated={(r) => {
            if (r.push_secret) setSecret({ secret: r.push_secret, url: r.push_url ?? '', name: r.crm_link.name });
          }}
        />
      )}
      <PushSecret value={secret} onClose={() => setSecret(null)} />
    </div>
  );
}
