// "Try a question": the ranked chunks the bot would see (GET /api/knowledge/search), each with its
// source, record and score, and the spelling corrections the search made.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { SearchHit, SearchTrace } from '../../api/types.ts';
import { Button, Card, Empty, ErrorState, Field, Select, Spinner } from '../../components/ui.tsx';

export function AskBox({ pageId }: { pageId: string }) {
  const [draft, setDraft] = useState('');
  const [channel, setChannel] = useState('');
  const [asked, setAsked] = useState<{ q: string; channel: string } | null>(null);
  const result = useQuery({
    queryKey: ['knowledge-search', pageId, asked],
    enabled: !!asked,
    queryFn: ({ signal }) =>
      api<{ data: SearchHit[]; trace: SearchTrace }>('/api/knowledge/search', {
        query: { q: asked!.q, page_id: pageId, channel: asked!.channel || undefined, limit: 5 },
        signal,
      }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.trim()) setAsked({ q: draft.trim(), channel });
  };
  const corrections = Object.entries(result.data?.trace.corrections ?? {});
  return (
    <Card title="Try a question">
      <form role="search" aria-label="Try a question" onSubmit={submit} className="flex flex-wrap items-end gap-2">
        <Field
          label="Question"
          className="min-w-0 basis-full"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="How much is teeth whitening?"
          maxLength={1000}
        />
        <Select
          label="Channel"
          value={channel}
          onChange={setChannel}
          options={[
            { value: '', label: 'Any' },
            { value: 'whatsapp', label: 'WhatsApp' },
            { value: 'messenger', label: 'Messenger' },
            { value: 'facebook', label: 'Facebook comments' },
            { value: 'app', label: 'App' },
          ]}
        />
        <Button type="submit" variant="primary" disabled={!draft.trim()}>
          Ask
        </Button>
      </form>
      <div className="mt-3">
        {!asked ? (
          <p className="text-sm text-slate-500">
            Ask what a customer would; you see the chunks the bot would answer from.
          </p>
        ) : result.isPending ? (
          <Spinner label="Searching" />
        ) : result.isError ? (
          <ErrorState error={result.error} retry={() => result.refetch()} />
        ) : !result.data.data.length ? (
          <Empty title="Nothing found">The bot would not answer this from your knowledge sources.</Empty>
        ) : (
          <>
            {corrections.length > 0 && (
              <p className="mb-2 text-xs text-slate-500">
                Also searched: {corrections.map(([w, c]) => `${w} → ${c.join(', ')}`).join('; ')}
              </p>
            )}
            <ol aria-label="Answers" className="space-y-2">
              {result.data.data.map((h, i) => (
                <li key={`${h.link.id}-${h.record}-${h.part}`} className="rounded-md border border-slate-200 p-2.5">
                  <div className="flex flex-wrap items-center justify-between gap-2 text-xs">
                    <span className="font-medium text-slate-800">
                      {i + 1}. {h.citation}
                    </span>
                    <span className="text-slate-500">
                      score {h.score.toFixed(3)} · {h.legs.map((l) => l.replace('_', ' ')).join(', ')}
                      {h.per_contact && ' · per contact'}
                    </span>
                  </div>
                  <pre className="mt-1 text-xs whitespace-pre-wrap text-slate-700">{h.text}</pre>
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </Card>
  );
}
