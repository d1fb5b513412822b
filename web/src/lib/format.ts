// Display helpers: dates in the workspace's way, money, statuses as words.
import type { LeadStatus } from '../api/types.ts';

export const statusLabels: Record<LeadStatus, string> = {
  new: 'New',
  contacted: 'Contacted',
  qualified: 'Qualified',
  meeting_scheduled: 'Meeting scheduled',
  demo_scheduled: 'Demo scheduled',
  demo_done: 'Demo done',
  proposal: 'Proposal',
  negotiation: 'Negotiation',
  won: 'Won',
  lost: 'Lost',
  customer: 'Customer',
};
export const leadStatuses = Object.keys(statusLabels) as LeadStatus[];
/** Columns of the board; won and lost are drop zones at the bottom. */
export const boardStatuses = leadStatuses.filter((s) => s !== 'won' && s !== 'lost');

export const words = (s: string) => s.replace(/[_.]/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

export function money(value: number, currency = 'INR') {
  try {
    return new Intl.NumberFormat('en-IN', { style: 'currency', currency, maximumFractionDigits: 0 }).format(value);
  } catch {
    return `${currency} ${Math.round(value).toLocaleString('en-IN')}`;
  }
}

export function dateTime(iso: string | null | undefined) {
  if (!iso) return '';
  return new Date(iso).toLocaleString('en-IN', { dateStyle: 'medium', timeStyle: 'short' });
}

export function time(iso: string) {
  return new Date(iso).toLocaleTimeString('en-IN', { hour: '2-digit', minute: '2-digit' });
}

/** "3 min ago", "yesterday", or the date. */
export function ago(iso: string | null | undefined, now = Date.now()) {
  if (!iso) return '';
  const s = (now - new Date(iso).getTime()) / 1000;
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 2 * 86400) return 'yesterday';
  return new Date(iso).toLocaleDateString('en-IN', { day: 'numeric', month: 'short' });
}

/** Time left in WhatsApp's 24-hour window after the contact's last message, or null when closed. */
export function windowLeft(lastInbound: string | null, now = Date.now()): number | null {
  if (!lastInbound) return null;
  const left = new Date(lastInbound).getTime() + 24 * 3600_000 - now;
  return left > 0 ? left : null;
}

export const duration = (ms: number) => {
  const m = Math.round(ms / 60_000);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
};

export const seconds = (s: number | null) =>
  s === null
    ? '—'
    : s < 90
      ? `${Math.round(s)} s`
      : s < 5400
        ? `${Math.round(s / 60)} min`
        : `${(s / 3600).toFixed(1)} h`;

export const percent = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);

export const initials = (name: string | null | undefined) =>
  (name ?? '?')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
