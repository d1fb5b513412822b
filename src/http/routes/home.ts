import type { Deps } from '../../deps.ts';
import type { App } from '../app-types.ts';

// Until the dashboard lands, `/` tells people where things are.
export function homeRoutes(app: App, deps: Deps) {
  app.get('/', { schema: { hide: true } }, async (_req, reply) => {
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parley</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2933}code{background:#f0f4f8;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>Parley</h1><p>The conversational CRM is running (version ${deps.version}).</p>
<ul><li>API documentation: <a href="/api/docs">/api/docs</a></li><li>Log in: <code>POST /api/login {"email","password"}</code></li><li>Health: <a href="/health">/health</a></li></ul></body></html>`;
  });
}
