// Knowledge: the CRM links the bot learns from (spec 003). Shows /api/dashboard/crm-links when the
// server has it; until the knowledge feature lands, says so.
import { useQuery } from '@tanstack/react-query';
import { ApiError, api } from '../api/client.ts';
import { Badge, Card, Empty, ErrorState, Loading, PageHeader } from '../components/ui.tsx';
import { dateTime } from '../lib/format.ts';

type CrmLink = {
  id: string;
  name?: string;
  url?: string;
  active?: boolean;
  status?: string;
  last_fetched_at?: string | null;
};

export function KnowledgePage() {
  const links = useQuery({
    queryKey: ['crm-links'],
    retry: false,
    queryFn: async () => {
      // Ask the API's own description first: a missing route would be a 404 in the console.
      const doc = await api<{ paths?: Record<string, unknown> }>('/api/docs/json').catch(() => ({ paths: undefined }));
      if (doc.paths && !doc.paths['/api/dashboard/crm-links']) return { available: false as const, links: [] };
      try {
        const r = await api<{ data?: CrmLink[] } | CrmLink[]>('/api/dashboard/crm-links');
        return { available: true as const, links: Array.isArray(r) ? r : (r.data ?? []) };
      } catch (err) {
        if (err instanceof ApiError && err.status === 404 && err.code === 'not_found' && /No route/.test(err.message))
          return { available: false as const, links: [] };
        throw err;
      }
    },
  });
  return (
    <div className="flex h-full min-h-0 flex-col">
      <PageHeader title="Knowledge" />
      <div className="min-h-0 flex-1 overflow-auto p-4 md:p-6">
        {links.isPending ? (
          <Loading label="Loading knowledge" />
        ) : links.isError ? (
          <ErrorState error={links.error} retry={() => links.refetch()} />
        ) : !links.data.available ? (
          <Empty title="Knowledge is not available yet">
            This server does not have CRM links and document search yet. Once it does, links, their state and a “try a
            question” box appear here.
          </Empty>
        ) : !links.data.links.length ? (
          <Empty title="No CRM links yet" />
        ) : (
          <Card title="CRM links">
            <ul className="divide-y divide-slate-100">
              {links.data.links.map((l) => (
                <li key={l.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                  <span>
                    <span className="font-medium">{l.name ?? l.url}</span>{' '}
                    <span className="text-slate-500">{l.url}</span>
                  </span>
                  <span className="flex items-center gap-2">
                    {l.status && <Badge>{l.status}</Badge>}
                    <Badge tone={l.active === false ? 'slate' : 'green'}>{l.active === false ? 'Off' : 'On'}</Badge>
                    {l.last_fetched_at && (
                      <span className="text-xs text-slate-500">fetched {dateTime(l.last_fetched_at)}</span>
                    )}
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        )}
      </div>
    </div>
  );
}
