// The documents view: the indexed chunks of a channel account's sources
// (GET /api/dashboard/rag/documents/details), per source, a page at a time.
import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { CrmLink, KnowledgeDocument } from '../../api/types.ts';
import { Button, Card, Empty, ErrorState, Loading, Select } from '../../components/ui.tsx';

const PAGE = 50;

export function DocumentsCard({
  pageId,
  links,
  linkId,
  onLinkId,
}: {
  pageId: string;
  links: CrmLink[];
  linkId: string;
  onLinkId: (id: string) => void;
}) {
  const docs = useInfiniteQuery({
    queryKey: ['knowledge-docs', pageId, linkId],
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) =>
      api<{ total_documents: number; documents: KnowledgeDocument[] }>('/api/dashboard/rag/documents/details', {
        query: { page_id: pageId, source: 'crm', link_id: linkId || undefined, limit: PAGE, offset: pageParam },
        signal,
      }),
    getNextPageParam: (last, all) => {
      const seen = all.reduce((n, p) => n + p.documents.length, 0);
      return seen < last.total_documents ? seen : undefined;
    },
  });
  const items = docs.data?.pages.flatMap((p) => p.documents) ?? [];
  const total = docs.data?.pages[0]?.total_documents ?? 0;
  return (
    <Card
      title="Documents"
      actions={
        <Select
          label="Source"
          hideLabel
          value={links.some((l) => l.id === linkId) ? linkId : ''}
          onChange={onLinkId}
          options={[{ value: '', label: 'All sources' }, ...links.map((l) => ({ value: l.id, label: l.name }))]}
        />
      }
    >
      {docs.isPending ? (
        <Loading label="Loading documents" />
      ) : docs.isError ? (
        <ErrorState error={docs.error} retry={() => docs.refetch()} />
      ) : !items.length ? (
        <Empty title="No documents indexed yet" />
      ) : (
        <>
          <p className="mb-2 text-xs text-slate-500">
            {total} chunk{total === 1 ? '' : 's'}
          </p>
          <ul aria-label="Indexed documents" className="max-h-[32rem] space-y-2 overflow-auto">
            {items.map((d) => (
              <li key={d.id} className="rounded-md border border-slate-200 p-2">
                <p className="text-xs font-medium text-slate-800">
                  {d.citation}
                  {d.part > 0 && ` (part ${d.part + 1})`}
                  {d.per_contact && <span className="ml-1 text-amber-700">· per contact {d.keys.join(', ')}</span>}
                </p>
                <pre className="mt-1 text-xs whitespace-pre-wrap text-slate-700">{d.text}</pre>
              </li>
            ))}
          </ul>
          {docs.hasNextPage && (
            <Button size="sm" className="mt-2" onClick={() => docs.fetchNextPage()} disabled={docs.isFetchingNextPage}>
              Show more documents
            </Button>
          )}
        </>
      )}
    </Card>
  );
}
