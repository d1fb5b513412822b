// Sign in, and the first-run registration of a workspace (its first account is the owner).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { MessagesSquare } from 'lucide-react';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api/client.ts';
import { meQuery, rememberSignIn } from '../api/queries.ts';
import { Button, Field, InlineError } from '../components/ui.tsx';

function Frame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="flex min-h-full items-center justify-center bg-slate-100 p-4">
      <main className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <p className="mb-4 flex items-center gap-2 text-lg font-semibold text-teal-800">
          <MessagesSquare size={22} aria-hidden /> Parley
        </p>
        <h1 className="mb-4 text-xl font-semibold text-slate-900">{title}</h1>
        {children}
      </main>
    </div>
  );
}

function useSignedIn() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const search = useSearch({ strict: false }) as { next?: string };
  return async () => {
    qc.clear();
    rememberSignIn(true);
    await qc.fetchQuery(meQuery);
    const next =
      search.next && search.next.startsWith('/') && !search.next.startsWith('/login') ? search.next : '/inbox';
    await navigate({ to: next });
  };
}

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const done = useSignedIn();
  const login = useMutation({
    mutationFn: () => api('/api/login', { body: { email, password } }),
    onSuccess: done,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  return (
    <Frame title="Log in">
      <form onSubmit={submit} className="flex flex-col gap-3">
        <Field
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoFocus
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <InlineError error={login.error} />
        <Button type="submit" variant="primary" disabled={login.isPending}>
          {login.isPending ? 'Logging in…' : 'Log in'}
        </Button>
      </form>
      <p className="mt-4 text-sm text-slate-600">
        New to Parley?{' '}
        <Link to="/register" className="font-medium text-teal-700 underline">
          Create a workspace
        </Link>
      </p>
      <p className="mt-2 text-xs text-slate-500">Demo: priya@demo.parley.local / parley-demo</p>
    </Frame>
  );
}

export function RegisterPage() {
  const [form, setForm] = useState({ workspace_name: '', name: '', email: '', password: '' });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const done = useSignedIn();
  const register = useMutation({
    mutationFn: async () => {
      const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
      await api('/api/register', { body: { ...form, time_zone: tz } });
      await api('/api/login', { body: { email: form.email, password: form.password } });
    },
    onSuccess: done,
  });
  return (
    <Frame title="Create a workspace">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          register.mutate();
        }}
        className="flex flex-col gap-3"
      >
        <Field label="Business name" required value={form.workspace_name} onChange={set('workspace_name')} autoFocus />
        <Field label="Your name" required value={form.name} onChange={set('name')} />
        <Field label="Email" type="email" required autoComplete="username" value={form.email} onChange={set('email')} />
        <Field
          label="Password"
          type="password"
          required
          minLength={8}
          autoComplete="new-password"
          hint="At least 8 characters"
          value={form.password}
          onChange={set('password')}
        />
        <InlineError error={register.error} />
        <Button type="submit" variant="primary" disabled={register.isPending}>
          {register.isPending ? 'Creating…' : 'Create workspace'}
        </Button>
      </form>
      <p className="mt-4 text-sm text-slate-600">
        Already have an account?{' '}
        <Link to="/login" className="font-medium text-teal-700 underline">
          Log in
        </Link>
      </p>
    </Frame>
  );
}
