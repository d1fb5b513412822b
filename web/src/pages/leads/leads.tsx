// Leads: the pipeline board or the table, with the API's filters and saved views in the URL.
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useRole, useUsers } from '../../api/queries.ts';
import { Button, PageHeader, Select, cx, inputClass } from '../../components/ui.tsx';
import { leadStatuses, statusLabels } from '../../lib/format.ts';
import { useSavedViews, type LeadFilters } from '../../lib/saved-views.ts';
import { useKey } from '../../lib/shortcuts.ts';
import type { LeadsSearch } from '../../routes.tsx';
import { Board } from './board.tsx';
import { LeadTable } from './table.tsx';
import { NewLead } from './new-lead.tsx';

export function LeadsPage() {
  const search = useSearch({ strict: false }) as LeadsSearch;
  const navigate = useNavigate();
  const users = useUsers();
  const { userId, seesAll } = useRole();
  const saved = useSavedViews(userId);
  const view = search.view ?? 'board';
  const filters: LeadFilters = { status: search.status, assignee: search.assignee, source: search.source, q: search.q };
  const set = (next: Partial<LeadsSearch>) =>
    void navigate({ to: '/leads', search: { ...search, ...next }, replace: true });
  const [q, setQ] = useState(search.q ?? '');
  useEffect(() => setQ(search.q ?? ''), [search.q]);
  const [viewName, setViewName] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  useKey(
    '/',
    useCallback(() => searchRef.current?.focus(), []),
  );

  return (
    <div className="flex h-full min-h-0 flex-col">
      <PageHeader title="Leads">
        <div role="group" aria-label="View" className="flex rounded-md border border-slate-300 p-0.5 text-sm">
          {(['board', 'table'] as const).map((v) => (
            <button
              key={v}
              aria-pressed={view === v}
              onClick={() => set({ view: v })}
              className={cx('rounded px-2.5 py-1', view === v ? 'bg-teal-700 text-white' : 'text-slate-700')}
            >
              {v === 'board' ? 'Board' : 'Table'}
            </button>
          ))}
        </div>
        <NewLead />
      </PageHeader>
      <div className="flex flex-wrap items-end gap-2 border-b border-slate-200 bg-white px-4 py-2 md:px-6">
        <form
          role="search"
          className="w-full sm:w-56"
          onSubmit={(e) => {
            e.preventDefault();
            set({ q: q.trim() || undefined });
          }}
        >
          <label className="mb-1 block text-sm font-medium text-slate-700" htmlFor="lead-search">
            Search
          </label>
          <input
            id="lead-search"
            ref={searchRef}
            type="search"
            placeholder="Company or contact ( / )"
            className={inputClass}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onBlur={() => q.trim() !== (search.q ?? '') && set({ q: q.trim() || undefined })}
          />
        </form>
        {view === 'table' && (
          <Select
            label="Status"
            value={search.status ?? ''}
            onChange={(v) => set({ status: v || undefined })}
            options={[
              { value: '', label: 'Any status' },
              ...leadStatuses.map((s) => ({ value: s, label: statusLabels[s] })),
            ]}
          />
        )}
        {seesAll && (
          <Select
            label="Assignee"
            value={search.assignee ?? ''}
            onChange={(v) => set({ assignee: v || undefined })}
            options={[
              { value: '', label: 'Anyone' },
              ...(users.data ?? []).map((u) => ({ value: u.id, label: u.name })),
            ]}
          />
        )}
        <div>
          <label className="mb-1 block text-sm font-medium text-slate-700" htmlFor="lead-source">
            Source
          </label>
          <input
            id="lead-source"
            className={inputClass}
            placeholder="e.g. Referral"
            defaultValue={search.source ?? ''}
            key={search.source ?? ''}
            onBlur={(e) =>
              e.target.value.trim() !== (search.source ?? '') && set({ source: e.target.value.trim() || undefined })
            }
            onKeyDown={(e) => e.key === 'Enter' && set({ source: e.currentTarget.value.trim() || undefined })}
          />
        </div>
        <div className="flex items-end gap-1.5">
          <div>
            <label className="mb-1 block text-sm font-medium text-slate-700" htmlFor="view-name">
              Save view as
            </label>
            <input
              id="view-name"
              className={cx(inputClass, 'w-36')}
              value={viewName}
              onChange={(e) => setViewName(e.target.value)}
              placeholder="Name"
            />
          </div>
          <Button
            disabled={!viewName.trim()}
            onClick={() => {
              saved.save(viewName.trim(), filters);
              setViewName('');
            }}
          >
            Save view
          </Button>
        </div>
        {saved.views.length > 0 && (
          <ul aria-label="Saved views" className="flex flex-wrap items-center gap-1.5 pb-1">
            {saved.views.map((v) => (
              <li key={v.name} className="flex items-center rounded-full border border-slate-300 bg-slate-50 text-sm">
                <button className="px-2.5 py-0.5" onClick={() => set({ ...v.filters, status: v.filters.status, view })}>
                  {v.name}
                </button>
                <button
                  className="px-1.5 text-slate-500"
                  aria-label={`Delete view ${v.name}`}
                  onClick={() => saved.remove(v.name)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="min-h-0 flex-1">
        {view === 'board' ? <Board filters={filters} /> : <LeadTable filters={filters} />}
      </div>
    </div>
  );
}
