// The web dashboard: the built files of web/ (web/dist) under /dashboard/, index.html for the
// client-side routes below it, and `/` sending a browser there. API routes stay where they are:
// a request that does not accept HTML gets JSON, as before.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { App } from './app-types.ts';

export const DASHBOARD_PATH = '/dashboard/';
export const dashboardDist = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const wantsHtml = (req: FastifyRequest) => /text\/html/i.test(req.headers.accept ?? '');

const notBuilt = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parley</title><link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2933}code{background:#f0f4f8;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>Parley</h1><p>The dashboard is not built yet. Run <code>npm start</code> (it builds it) or <code>npm run web:build</code>, then reload.</p>
<p>API documentation: <a href="/api/docs">/api/docs</a></p></body></html>`;

export async function dashboardRoutes(app: App, deps: Deps, opts: { dist?: string } = {}) {
  const dist = opts.dist ?? dashboardDist;
  const built = existsSync(`${dist}/index.html`);

  app.get('/', { schema: { hide: true } }, async (req, reply) => {
    if (wantsHtml(req)) return reply.redirect(DASHBOARD_PATH, 302);
    return { name: 'Parley', version: deps.version, dashboard: DASHBOARD_PATH, api_docs: '/api/docs' };
  });
  app.get('/dashboard', { schema: { hide: true } }, async (_req, reply) => reply.redirect(DASHBOARD_PATH, 301));

  await app.register(
    async (scope) => {
      const sendIndex = (reply: FastifyReply) =>
        built
          ? reply.header('cache-control', 'no-cache').sendFile('index.html', dist)
          : reply.type('text/html; charset=utf-8').send(notBuilt);
      if (built) {
        await scope.register(fastifyStatic, {
          root: dist,
          prefix: '/',
          // Files added by a rebuild are served without a restart (wildcard), compressed when the
          // build wrote .br/.gz copies.
          wildcard: true,
          index: false,
          preCompressed: true,
          cacheControl: false,
          schemaHide: true,
          setHeaders: (reply: FastifyReply, path: string) => {
            reply.header(
              'cache-control',
              /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
            );
          },
        });
      }
      scope.get('/', { schema: { hide: true }, prefixTrailingSlash: 'slash' }, async (_req, reply) => sendIndex(reply));
      // A client-side route (/dashboard/leads/…) is the app; a missing file is a 404.
      scope.setNotFoundHandler(async (req, reply) => {
        const path = req.url.split('?')[0];
        if (req.method === 'GET' && wantsHtml(req) && !/\.[a-z0-9]+$/i.test(path)) return sendIndex(reply);
        return reply.status(404).send({ error: { code: 'not_found', message: `No file ${path}` } });
      });
    },
    { prefix: '/dashboard' },
  );
}
