import { z } from 'zod';
import { login, logout } from '../../auth/sessions.ts';
import { createUser, publicUser, registerWorkspace, signupOpen } from '../../auth/users.ts';
import { forbidden } from '../../lib/errors.ts';
import { getWorkspace } from '../../crm/workspaces.ts';
import type { Deps } from '../../deps.ts';
import type { App } from '../app-types.ts';
import { CSRF_COOKIE, csrfTokenFor, requireAuth, SESSION_COOKIE } from '../auth.ts';
import { ErrorSchema, LoginSchema, RegisterSchema, UserSchema, WorkspaceSchema } from '../schemas.ts';
import { toApi } from '../serialize.ts';

const LoginResponse = z.object({
  token: z.string(),
  expires_at: z.string(),
  user: UserSchema,
  csrf_token: z
    .string()
    .describe('Send as X-CSRF-Token on cookie-authenticated writes (also in the parley_csrf cookie)'),
});
const RegisterResponse = z.object({ user: UserSchema, workspace: WorkspaceSchema });

/** Registered twice: under /api and at the root (the routes of the original bot's frontend). */
export function authRoutes(app: App, deps: Deps, prefix: '/api' | '') {
  const tags = [prefix ? 'auth' : 'compat'];
  app.post(
    `${prefix}/register`,
    {
      schema: {
        tags,
        summary: 'Create an account',
        description:
          'Without credentials: a new workspace whose first account is its owner. With an owner or admin session or API key: adds a team member to that workspace.',
        body: RegisterSchema,
        response: { 201: RegisterResponse, 400: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (!req.principal && !(await signupOpen(deps.db, deps.config.PARLEY_SIGNUP)))
        throw forbidden('Sign-up is by invitation: ask an owner or admin of your workspace to add you');
      const input = { name: b.name, email: b.email, password: b.password, phone: b.phone, username: b.username };
      const user = req.principal
        ? await createUser(
            deps.db,
            req.principal.actor.workspaceId,
            { ...input, role: b.role ?? 'agent' },
            req.principal.actor,
          )
        : await registerWorkspace(deps.db, {
            ...input,
            workspaceName: b.workspace_name,
            timeZone: b.time_zone,
            phoneRegion: b.phone_region,
          });
      const workspace = await getWorkspace(deps.db, user.workspaceId);
      return reply.status(201).send({ user: toApi(publicUser(user)), workspace: toApi(workspace) });
    },
  );

  app.post(
    `${prefix}/login`,
    {
      schema: {
        tags,
        summary: 'Log in with email and password',
        body: LoginSchema,
        response: { 200: LoginResponse, 401: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req, reply) => {
      const { token, user, expiresAt } = await login(
        deps.db,
        { email: req.body.email, password: req.body.password, ip: req.ip },
        {
          limits: {
            maxFailures: deps.config.LOGIN_MAX_FAILURES,
            accountMaxFailures: deps.config.LOGIN_ACCOUNT_MAX_FAILURES,
            windowMinutes: deps.config.LOGIN_WINDOW_MINUTES,
          },
          sessionTtlHours: deps.config.SESSION_TTL_HOURS,
        },
      );
      const cookie = {
        path: '/',
        sameSite: 'strict',
        secure: deps.config.NODE_ENV === 'production',
        expires: expiresAt,
      } as const;
      const csrf = csrfTokenFor(token);
      reply.setCookie(SESSION_COOKIE, token, { ...cookie, httpOnly: true });
      // Readable by the dashboard's own scripts (not by other sites): it sends it back as X-CSRF-Token.
      reply.setCookie(CSRF_COOKIE, csrf, cookie);
      return { token, expires_at: expiresAt.toISOString(), user: toApi(publicUser(user)), csrf_token: csrf };
    },
  );

  if (!prefix) return;

  app.post(
    `${prefix}/logout`,
    { schema: { tags, summary: 'End this session', response: { 204: z.null() } } },
    async (req, reply) => {
      const bearer = req.headers.authorization?.replace(/^bearer /i, '');
      const token = bearer?.startsWith('ps_') ? bearer : req.cookies[SESSION_COOKIE];
      if (token) await logout(deps.db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    `${prefix}/me`,
    {
      schema: {
        tags,
        summary: 'Who am I',
        response: {
          200: z.object({ user: UserSchema.nullable(), role: z.string(), via: z.string(), workspace: WorkspaceSchema }),
          401: ErrorSchema,
        },
      },
    },
    async (req) => {
      const p = requireAuth(req);
      const workspace = await getWorkspace(deps.db, p.actor.workspaceId);
      return {
        user: p.user ? toApi(publicUser(p.user)) : null,
        role: p.actor.role,
        via: p.via,
        workspace: toApi(workspace),
      };
    },
  );
}
