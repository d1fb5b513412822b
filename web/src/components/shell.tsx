// The signed-in frame: navigation, the member's menu, offline and live states, the shortcuts
// list, and the page. Below 768 px the navigation folds into a menu and pages show one pane.
import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import {
  BarChart3,
  BookOpen,
  Bot,
  CheckSquare,
  Inbox,
  KanbanSquare,
  LogOut,
  Menu,
  MessagesSquare,
  Repeat,
  Settings,
} from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { rememberSignIn, useMe } from '../api/queries.ts';
import { useLiveConnection, useLiveState, useOnline } from '../lib/live.ts';
import { shortcutList, useKey } from '../lib/shortcuts.ts';
import { initials, words } from '../lib/format.ts';
import { Button, Loading, Modal } from './ui.tsx';

const nav = [
  { to: '/inbox', label: 'Inbox', icon: Inbox },
  { to: '/leads', label: 'Leads', icon: KanbanSquare },
  { to: '/tasks', label: 'Tasks', icon: CheckSquare },
  { to: '/analytics', label: 'Analytics', icon: BarChart3 },
  { to: '/message-master', label: 'Message Master', icon: Repeat },
  { to: '/simulator', label: 'Try the bot', icon: Bot },
  { to: '/knowledge', label: 'Knowledge', icon: BookOpen },
  { to: '/settings', label: 'Settings', icon: Settings },
] as const;

function NavLinks({ onPick }: { onPick?: () => void }) {
  return (
    <ul className="flex flex-col gap-0.5">
      {nav.map(({ to, label, icon: Icon }) => (
        <li key={to}>
          <Link
            to={to}
            onClick={onPick}
            className="flex items-center gap-2.5 rounded-md px-2.5 py-2 text-sm text-slate-300 hover:bg-slate-800 hover:text-white"
            activeProps={{ className: 'bg-slate-800 text-white', 'aria-current': 'page' }}
          >
            <Icon size={17} aria-hidden />
            {label}
          </Link>
        </li>
      ))}
    </ul>
  );
}

export function Shell() {
  const me = useMe();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const path = useRouterState({ select: (s) => s.location.pathname });
  const [menu, setMenu] = useState(false);
  const [help, setHelp] = useState(false);
  const online = useOnline();
  const live = useLiveState();
  const signedIn = !!me.data;
  useLiveConnection(signedIn);
  useKey(
    '?',
    useCallback(() => setHelp(true), []),
  );

  useEffect(() => {
    if (me.isSuccess && !me.data)
      void navigate({ to: '/login', search: { next: path === '/login' ? undefined : path } });
  }, [me.isSuccess, me.data, navigate, path]);

  if (me.isPending) return <Loading label="Loading Parley" />;
  if (!me.data)
    return me.isError ? (
      <div role="alert" className="p-8 text-center text-sm text-red-700">
        Parley’s server did not answer. {online ? 'Try again in a moment.' : 'You are offline.'}
      </div>
    ) : null;
  const user = me.data.user;

  const signOut = async () => {
    await api('/api/logout', { method: 'POST' }).catch(() => undefined);
    rememberSignIn(false);
    qc.setQueryData(['me'], null);
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    void navigate({ to: '/login' });
  };

  const userBox = (
    <div className="flex items-center gap-2 px-2 py-2 text-sm text-slate-300">
      <span
        className="grid h-8 w-8 shrink-0 place-items-center rounded-full bg-teal-700 text-xs font-semibold text-white"
        aria-hidden
      >
        {initials(user?.name)}
      </span>
      <span className="min-w-0 flex-1">
        <span className="block truncate text-white">{user?.name ?? 'API key'}</span>
        <span className="block truncate text-xs">
          {words(me.data.role)} · {me.data.workspace.name}
        </span>
      </span>
      <Button
        variant="ghost"
        size="sm"
        className="text-slate-300 hover:bg-slate-800 hover:text-white"
        onClick={signOut}
        aria-label="Sign out"
      >
        <LogOut size={16} aria-hidden />
      </Button>
    </div>
  );

  return (
    <div className="flex h-full flex-col md:flex-row">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:z-50 focus:bg-white focus:p-2">
        Skip to content
      </a>
      {/* Phone: a bar with the menu. */}
      <header className="flex items-center justify-between bg-slate-900 px-3 py-2 md:hidden">
        <span className="flex items-center gap-2 font-semibold text-white">
          <MessagesSquare size={18} aria-hidden /> Parley
        </span>
        <Button
          variant="ghost"
          size="sm"
          className="text-white hover:bg-slate-800"
          aria-expanded={menu}
          aria-controls="mobile-nav"
          onClick={() => setMenu((m) => !m)}
        >
          <Menu size={18} aria-hidden /> Menu
        </Button>
      </header>
      {menu && (
        <nav id="mobile-nav" aria-label="Main" className="bg-slate-900 px-2 pb-2 md:hidden">
          <NavLinks onPick={() => setMenu(false)} />
          {userBox}
        </nav>
      )}
      <aside className="hidden w-56 shrink-0 flex-col justify-between bg-slate-900 p-2 md:flex">
        <div>
          <div className="flex items-center gap-2 px-2.5 py-3 font-semibold text-white">
            <MessagesSquare size={18} aria-hidden /> Parley
          </div>
          <nav aria-label="Main">
            <NavLinks />
          </nav>
        </div>
        <div>
          <button
            type="button"
            onClick={() => setHelp(true)}
            className="mb-1 w-full rounded-md px-2.5 py-1.5 text-left text-xs text-slate-400 hover:bg-slate-800"
          >
            Keyboard shortcuts <kbd className="ml-1 rounded bg-slate-800 px-1">?</kbd>
          </button>
          {userBox}
        </div>
      </aside>
      <div className="flex min-h-0 min-w-0 flex-1 flex-col">
        {(!online || live === 'offline') && (
          <div role="status" className="bg-amber-100 px-4 py-1.5 text-center text-sm text-amber-900">
            {online
              ? 'Live updates paused: reconnecting to the server…'
              : 'You are offline. Changes will fail until you are back online.'}
          </div>
        )}
        <main id="main" className="min-h-0 flex-1 overflow-auto">
          <Outlet />
        </main>
      </div>
      <Modal open={help} onOpenChange={setHelp} title="Keyboard shortcuts">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          {shortcutList.map((s) => (
            <div key={s.keys} className="contents">
              <dt>
                <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs">
                  {s.keys}
                </kbd>
              </dt>
              <dd className="text-slate-700">{s.what}</dd>
            </div>
          ))}
        </dl>
      </Modal>
    </div>
  );
}
