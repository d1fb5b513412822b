// The customer's profile (spec 004): preferences and special-needs alerts. The API sends the
// text of special notes to owners and admins only; others see that an alert exists.
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { CustomerContext, SpecialNote } from '../api/types.ts';
import { Spinner } from './ui.tsx';

const categoryWords: Record<string, string> = {
  fear: 'Fear or anxiety',
  physical: 'Physical limitation',
  allergy: 'Allergy',
  medical: 'Medical',
  request: 'Special request',
  cultural: 'Cultural or religious',
};

const show = (v: unknown): string => {
  if (v == null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(show).join(', ');
  if (typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x != null && x !== '' && !(Array.isArray(x) && !x.length))
      .map(([k, x]) => `${k.replace(/_/g, ' ')}: ${show(x)}`)
      .join('; ');
  return String(v);
};

export const useCustomerContext = (phone: string | null | undefined) =>
  useQuery({
    queryKey: ['context', phone],
    enabled: !!phone,
    queryFn: () => api<CustomerContext>(`/api/customer-context/${encodeURIComponent(phone!)}`),
    retry: false,
  });

export function Alerts({ notes }: { notes: SpecialNote[] | undefined }) {
  if (!notes?.length) return null;
  return (
    <ul aria-label="Special-needs alerts" className="space-y-1">
      {notes.map((n, i) => (
        <li
          key={i}
          role="note"
          className="rounded-md border border-amber-300 bg-amber-50 px-2.5 py-1.5 text-sm text-amber-900"
        >
          ⚠️ {n.text ? n.text : `${categoryWords[n.category] ?? n.category} — details visible to owners and admins`}
        </li>
      ))}
    </ul>
  );
}

export function CustomerProfile({ phone }: { phone: string | null | undefined }) {
  const ctx = useCustomerContext(phone);
  if (!phone) return <p className="text-sm text-slate-500">No phone number, so no profile yet.</p>;
  if (ctx.isPending) return <Spinner label="Loading profile" />;
  if (ctx.isError) return <p className="text-sm text-slate-500">The profile is not available to you.</p>;
  const p = ctx.data.data.profile;
  const rows: [string, unknown][] = [
    ['Preferred staff', p.preferred_staff],
    ['Preferred times', p.preferred_times],
    ['Communication', p.communication_preferences],
    ['Services', p.preferred_services],
    ['Declined to share', p.declined],
  ];
  const filled = rows.filter(([, v]) => show(v));
  return (
    <div className="space-y-2">
      <Alerts notes={p.special_notes} />
      {filled.length ? (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          {filled.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-slate-500">{k}</dt>
              <dd className="text-slate-800">{show(v)}</dd>
            </div>
          ))}
        </dl>
      ) : (
        !p.special_notes?.length && <p className="text-sm text-slate-500">Nothing learnt about this customer yet.</p>
      )}
    </div>
  );
}
