// Analytics (loaded on demand with Recharts): conversation → lead conversion, messages per day,
// first response, channels, the pipeline by stage and value, and the customer bot's KPIs.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api } from '../api/client.ts';
import type { BotStatus, ConversationAnalytics, Pipeline } from '../api/types.ts';
import { Button, Card, ErrorState, Field, Loading, PageHeader } from '../components/ui.tsx';
import { money, percent, seconds, statusLabels, words } from '../lib/format.ts';

const iso = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => iso(new Date(Date.now() - n * 86400_000));

function Kpi({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4" role="group" aria-label={label}>
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</p>
      <p className="mt-1 text-2xl font-semibold text-slate-900">{value}</p>
      {hint && <p className="text-xs text-slate-500">{hint}</p>}
    </div>
  );
}

function Chart({ title, children, empty }: { title: string; children: React.ReactElement; empty?: boolean }) {
  return (
    <Card title={title}>
      <figure aria-label={title} className="h-64">
        {empty ? (
          <p className="grid h-full place-items-center text-sm text-slate-500">No data in this range.</p>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            {children}
          </ResponsiveContainer>
        )}
      </figure>
    </Card>
  );
}

export function AnalyticsPage() {
  const [range, setRange] = useState({ from: daysAgo(29), to: iso(new Date()) });
  const [draft, setDraft] = useState(range);
  const conv = useQuery({
    queryKey: ['analytics', range],
    queryFn: () => api<ConversationAnalytics>('/api/whatsapp/crm-integration/analytics', { query: range }),
  });
  const bot = useQuery({ queryKey: ['bot-status'], queryFn: () => api<BotStatus>('/api/bot/status-summary') });
  const pipeline = useQuery({ queryKey: ['pipeline', 'analytics'], queryFn: () => api<Pipeline>('/api/pipeline') });
  const preset = (n: number) => {
    const r = { from: daysAgo(n - 1), to: iso(new Date()) };
    setDraft(r);
    setRange(r);
  };
  const a = conv.data;
  const b = bot.data;
  const stages = (pipeline.data?.data ?? []).map((s) => ({
    stage: statusLabels[s.status],
    leads: s.count,
    value: s.values.reduce((x, v) => x + v.value, 0),
  }));
  const fallbacks = b ? Object.values(b.fallbacks).reduce((x, y) => x + y, 0) : 0;
  const knowledge = b?.knowledge;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <PageHeader title="Analytics">
        <form
          className="flex flex-wrap items-end gap-2"
          aria-label="Date range"
          onSubmit={(e) => {
            e.preventDefault();
            setRange(draft);
          }}
        >
          <Field
            label="From"
            type="date"
            value={draft.from}
            max={draft.to}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
          <Field
            label="To"
            type="date"
            value={draft.to}
            min={draft.from}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
          <Button type="submit">Apply</Button>
          {[7, 30, 90].map((n) => (
            <Button key={n} variant="ghost" size="sm" onClick={() => preset(n)}>
              Last {n} days
            </Button>
          ))}
        </form>
      </PageHeader>
      <div className="min-h-0 flex-1 space-y-4 overflow-auto p-4 md:p-6">
        {conv.isError && <ErrorState error={conv.error} retry={() => conv.refetch()} />}
        {conv.isPending ? (
          <Loading label="Loading analytics" />
        ) : (
          a && (
            <>
              <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
                <Kpi
                  label="Conversations"
                  value={String(a.conversations.total)}
                  hint={`${a.conversations.linked} linked · ${a.conversations.unlinked} not linked`}
                />
                <Kpi
                  label="Conversation → lead"
                  value={percent(a.conversations.conversion_rate)}
                  hint={`${a.conversations.leads_captured} leads captured`}
                />
                <Kpi
                  label="Median first response"
                  value={seconds(a.first_response.median_seconds)}
                  hint={`${a.first_response.responded} answered · ${a.first_response.unanswered} waiting`}
                />
                <Kpi
                  label="Messages"
                  value={String(a.messages_per_day.reduce((x, d) => x + d.inbound + d.outbound, 0))}
                  hint={`${a.time_zone}`}
                />
              </div>
              <div className="grid gap-4 xl:grid-cols-2">
                <Chart title="Messages per day" empty={!a.messages_per_day.some((d) => d.inbound || d.outbound)}>
                  <LineChart data={a.messages_per_day}>
                    <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                    <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} fontSize={11} />
                    <YAxis allowDecimals={false} fontSize={11} width={32} />
                    <Tooltip />
                    <Legend />
                    <Line type="monotone" dataKey="inbound" name="In" stroke="#0f766e" strokeWidth={2} dot={false} />
                    <Line type="monotone" dataKey="outbound" name="Out" stroke="#6366f1" strokeWidth={2} dot={false} />
                  </LineChart>
                </Chart>
                <Chart title="Conversations by channel" empty={!a.channels.length}>
                  <BarChart data={a.channels}>
                    <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                    <XAxis dataKey="channel" fontSize={11} />
                    <YAxis allowDecimals={false} fontSize={11} width={32} />
                    <Tooltip />
                    <Legend />
                    <Bar dataKey="conversations" name="Conversations" fill="#0f766e" />
                    <Bar dataKey="linked" name="Linked to a lead" fill="#94a3b8" />
                  </BarChart>
                </Chart>
              </div>
            </>
          )
        )}
        <Chart title="Pipeline by stage" empty={!stages.some((s) => s.leads)}>
          <BarChart data={stages}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="stage" fontSize={10} interval={0} angle={-20} textAnchor="end" height={50} />
            <YAxis yAxisId="n" allowDecimals={false} fontSize={11} width={32} />
            <YAxis yAxisId="v" orientation="right" fontSize={11} width={70} tickFormatter={(v: number) => money(v)} />
            <Tooltip formatter={(v, name) => (name === 'Deal value' ? money(Number(v)) : String(v))} />
            <Legend />
            <Bar yAxisId="n" dataKey="leads" name="Leads" fill="#0f766e" />
            <Bar yAxisId="v" dataKey="value" name="Deal value" fill="#f59e0b" />
          </BarChart>
        </Chart>
        <section aria-label="Customer bot today">
          <h2 className="mb-2 text-sm font-semibold text-slate-800">
            Customer bot today{' '}
            {b && (
              <span className="font-normal text-slate-500">
                (mode: {b.mode}
                {b.llm.configured ? `, LLM ${b.llm.reachable ? 'reachable' : 'unreachable'}` : ''})
              </span>
            )}
          </h2>
          {bot.isError ? (
            <ErrorState error={bot.error} retry={() => bot.refetch()} />
          ) : !b ? (
            <Loading label="Loading bot status" />
          ) : (
            <div className="grid grid-cols-2 gap-3 lg:grid-cols-6">
              <Kpi
                label="Context hit rate"
                value={percent(b.context_hit_rate)}
                hint={`${b.bot_replies_today} bot replies`}
              />
              <Kpi label="Personalization rate" value={percent(b.personalization_rate)} />
              <Kpi label="Could not answer" value={percent(b.fallback_rate ?? null)} />
              <Kpi label="Handoffs" value={String(b.handoffs_today)} />
              <Kpi
                label="Fallbacks"
                value={String(fallbacks)}
                hint={
                  Object.entries(b.fallbacks)
                    .map(([k, n]) => `${words(k)} ${n}`)
                    .join(' · ') || 'none'
                }
              />
              <Kpi
                label="Knowledge hit rate"
                value={knowledge?.sources ? percent(b.knowledge_hit_rate ?? null) : '—'}
                hint={
                  knowledge?.sources
                    ? `${knowledge.active_sources} active sources · ${knowledge.chunks} chunks${knowledge.failing_sources ? ` · ${knowledge.failing_sources} failing` : ''}`
                    : 'No knowledge sources yet'
                }
              />
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
