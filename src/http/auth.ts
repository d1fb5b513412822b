// Who is calling: a bearer token (session or API key), an X-API-Key header, or the dashboard's
// session cookie. Routes ask for the principal with requireAuth(req).
//
// API routes need a principal (see needsAuth), and that is checked before the body is parsed or
// validated: an anonymous caller gets 401, never 400 with the fields of a schema. A route can opt
// out with `config: { public: true }`.
//
// Cookie-authenticated writes (the dashboard) need, on top of a same-origin Origin header, the
// header X-CSRF-Token with the value of the `parley_csrf` cookie that login sets beside the session
// cookie (also returned as `csrf_token`): a per-session token another site cannot read. Bearer
// tokens and API keys do not ride along on cross-site requests and need neither.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate, type Principal } from '../auth/sessions.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../lib/errors.ts';

export const SESSION_COOKIE = 'parley_session';
export const CSRF_COOKIE = 'parley_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Set on a route that anyone may call (no principal needed). */
    public?: boolean;
  }
}

// Who needs a principal: the API (but logging in, signing up, logging out and its documentation)
// and the original bot's routes. Pages, /health, /metrics (its own guard) and webhooks (signed) do not.
const openApiRoutes = new Set(['/api/login', '/api/register', '/api/logout']);
const compatRoutes = new Set([
  '/app',
  '/leads/:user_id',
  '/tasks/:username',
  '/activities/:lead_id',
  '/history/:lead_id',
]);
const needsAuth = (url: string) =>
  (url.startsWith('/api/') && !openApiRoutes.has(url) && !url.startsWith('/api/docs')) || compatRoutes.has(url);

/** The CSRF token of a session: derived from its secret token, so nothing more is stored. */
export const csrfTokenFor = (sessionToken: string) =>
  createHash('sha256').update(`parley-csrf:${sessionToken}`).digest('base64url').slice(0, 32);

const sameText = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function tokenOf(req: FastifyRequest): { token: string; viaCookie: boolean } | null {
  const auth = req.headers.authorization;
  if (auth?.toLowerCase().startsWith('bearer ')) return { token: auth.slice(7).trim(), viaCookie: false };
  const key = req.headers['x-api-key'];
  if (typeof key === 'string' && key) return { token: key.trim(), viaCookie: false };
  const cookie = req.cookies?.[SESSION_COOKIE];
  if (cookie) return { token: cookie, viaCookie: true };
  return null;
}

/** A cookie rides along on cross-site requests: an unsafe one must come from our own origin. */
function checkOrigin(req: FastifyRequest) {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  // "null" (sandboxed frames, file:, some redirects) and other junk do not parse: refused too.
  const host = URL.canParse(origin) ? new URL(origin).host : null;
  if (!host || host !== req.headers.host) throw new AppError('forbidden', 'Cross-site request refused');
}

export function registerAuth(app: FastifyInstance, db: Db) {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const found = tokenOf(req);
    if (!found) return;
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    if (found.viaCookie && unsafe) checkOrigin(req);
    req.principal = await authenticate(db, found.token);
    // Logging out needs no token: a forged logout harms nobody, and an old session must be able to end.
    if (req.principal && found.viaCookie && unsafe && req.routeOptions.url !== '/api/logout') {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameText(sent, csrfTokenFor(found.token)))
        throw new AppError('forbidden', `Send the ${CSRF_COOKIE} cookie's value in the X-CSRF-Token header`);
    }
  });
  // Before parsing: an anonymous body is neither read nor validated.
  app.addHook('onRoute', (route) => {
    if (route.config?.public || !needsAuth(route.url)) return;
    route.preParsing = [
      async (req: FastifyRequest, _reply: unknown, payload: unknown) => {
        requireAuth(req);
        return payload;
      },
      ...[route.preParsing ?? []].flat(),
    ] as typeof route.preParsing;
  });
}

export function requireAuth(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('unauthorized', 'Log in or send an API key (Authorization: Bearer …)');
  return req.principal;
}
