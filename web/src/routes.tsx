// The dashboard's routes (code-based), under /dashboard. Sign-in and the inbox (the first screen) are
// in the first bundle; the other screens load on demand.
import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import { Shell } from './components/shell.tsx';
import { ErrorState, Loading } from './components/ui.tsx';
import { queryClient } from './api/query-client.ts';
import { prefetchInbox } from './pages/inbox/conversation-list.tsx';
import { InboxPage } from './pages/inbox/inbox.tsx';
import { LoginPage, RegisterPage } from './pages/login.tsx';

const root = createRootRoute({ component: Outlet });
const login = createRoute({
  getParentRoute: () => root,
  path: 'login',
  component: LoginPage,
  validateSearch: (s: Record<string, unknown>): { next?: string } => ({
    next: typeof s.next === 'string' ? s.next : undefined,
  }),
});
const register = createRoute({ getParentRoute: () => root, path: 'register', component: RegisterPage });
const app = createRoute({ getParentRoute: () => root, id: 'app', component: Shell });
const index = createRoute({
  getParentRoute: () => app,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/inbox' });
  },
});

type InboxSearch = {
  box?: 'mine' | 'unassigned' | 'all';
  channel?: string;
  linked?: 'yes' | 'no';
  handed?: boolean;
  q?: string;
};
const inboxSearch = (s: Record<string, unknown>): InboxSearch => ({
  box: s.box === 'mine' || s.box === 'unassigned' || s.box === 'all' ? s.box : undefined,
  channel: typeof s.channel === 'string' ? s.channel : undefined,
  linked: s.linked === 'yes' || s.linked === 'no' ? s.linked : undefined,
  handed: s.handed === true || s.handed === 'true' ? true : undefined,
  q: typeof s.q === 'string' ? s.q : undefined,
});
const inbox = createRoute({
  getParentRoute: () => app,
  path: 'inbox',
  validateSearch: inboxSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ deps }) => prefetchInbox(queryClient, deps),
  component: InboxPage,
});
const conversation = createRoute({
  getParentRoute: () => app,
  path: 'inbox/$conversationId',
  validateSearch: inboxSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ deps, params }) => prefetchInbox(queryClient, deps, params.conversationId),
  component: InboxPage,
});
export type LeadsSearch = { view?: 'board' | 'table'; status?: string; assignee?: string; source?: string; q?: string };
const leads = createRoute({
  getParentRoute: () => app,
  path: 'leads',
  validateSearch: (s: Record<string, unknown>): LeadsSearch => ({
    view: s.view === 'table' ? 'table' : s.view === 'board' ? 'board' : undefined,
    status: typeof s.status === 'string' ? s.status : undefined,
    assignee: typeof s.assignee === 'string' ? s.assignee : undefined,
    source: typeof s.source === 'string' ? s.source : undefined,
    q: typeof s.q === 'string' ? s.q : undefined,
  }),
  component: lazyRouteComponent(() => import('./pages/leads/leads.tsx'), 'LeadsPage'),
});
const lead = createRoute({
  getParentRoute: () => app,
  path: 'leads/$leadId',
  component: lazyRouteComponent(() => import('./pages/leads/lead-page.tsx'), 'LeadPage'),
});
const tasks = createRoute({
  getParentRoute: () => app,
  path: 'tasks',
  component: lazyRouteComponent(() => import('./pages/tasks.tsx'), 'TasksPage'),
});
const analytics = createRoute({
  getParentRoute: () => app,
  path: 'analytics',
  component: lazyRouteComponent(() => import('./pages/analytics.tsx'), 'AnalyticsPage'),
});
const messageMaster = createRoute({
  getParentRoute: () => app,
  path: 'message-master',
  component: lazyRouteComponent(() => import('./pages/message-master.tsx'), 'MessageMasterPage'),
});
const simulator = createRoute({
  getParentRoute: () => app,
  path: 'simulator',
  component: lazyRouteComponent(() => import('./pages/simulator.tsx'), 'SimulatorPage'),
});
const knowledge = createRoute({
  getParentRoute: () => app,
  path: 'knowledge',
  validateSearch: (s: Record<string, unknown>): { page?: string } => ({
    page: typeof s.page === 'string' ? s.page : undefined,
  }),
  component: lazyRouteComponent(() => import('./pages/knowledge/knowledge.tsx'), 'KnowledgePage'),
});
const settings = createRoute({
  getParentRoute: () => app,
  path: 'settings',
  validateSearch: (s: Record<string, unknown>): { tab?: string } => ({
    tab: typeof s.tab === 'string' ? s.tab : undefined,
  }),
  component: lazyRouteComponent(() => import('./pages/settings/settings.tsx'), 'SettingsPage'),
});

const routeTree = root.addChildren([
  login,
  register,
  app.addChildren([
    index,
    inbox,
    conversation,
    leads,
    lead,
    tasks,
    analytics,
    messageMaster,
    simulator,
    knowledge,
    settings,
  ]),
]);

export const router = createRouter({
  routeTree,
  basepath: '/dashboard',
  defaultPendingComponent: () => <Loading />,
  defaultErrorComponent: ({ error, reset }) => <ErrorState error={error} retry={reset} />,
  defaultNotFoundComponent: () => <p className="p-8 text-center text-sm text-slate-600">There is no such page.</p>,
  defaultPreload: 'intent',
  scrollRestoration: true,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
