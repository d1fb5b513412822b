// Who is calling: a bearer token (session or API key), an X-API-Key header, or the dashboard's
// session cookie. Routes ask for the principal with requireAuth(req).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate, type Principal } from '../auth/sessions.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../lib/errors.ts';

export const SESSION_COOKIE = 'parley_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

function tokenOf(req: FastifyRequest): { token: string; viaCookie: boolean } | null {
  const auth = req.headers.authorization;
  if (auth?.toLowerCase().startsWith('bearer ')) return { token: auth.slice(7).trim(), viaCookie: false };
  const key = req.headers['x-api-key'];
  if (typeof key === 'string' && key) return { token: key.trim(), viaCookie: false };
  const cookie = req.cookies?.[SESSION_COOKIE];
  if (cookie) return { token: cookie, viaCookie: true };
  return null;
}

export function registerAuth(app: FastifyInstance, db: Db) {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const found = tokenOf(req);
    if (!found) return;
    // A cookie rides along on cross-site requests: refuse unsafe ones from another origin.
    if (found.viaCookie && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      const origin = req.headers.origin;
      if (origin && new URL(origin).host !== req.headers.host)
        throw new AppError('forbidden', 'Cross-site request refused');
    }
    req.principal = await authenticate(db, found.token);
  });
}

export function requireAuth(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('unauthorized', 'Log in or send an API key (Authorization: Bearer …)');
  return req.principal;
}
