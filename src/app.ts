// buildApp(deps): the Fastify instance with every route. It never listens; main.ts does, and
// tests use inject() or listen on 127.0.0.1 themselves.
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from './deps.ts';
import type { App } from './http/app-types.ts';
import { registerAuth } from './http/auth.ts';
import { registerErrorHandling } from './http/errors.ts';
import { validatorWithStringRule } from './http/input-rules.ts';
import { authRoutes } from './http/routes/auth.ts';
import { compatRoutes } from './http/routes/compat.ts';
import { dealRoutes } from './http/routes/deals.ts';
import { healthRoutes } from './http/routes/health.ts';
import { leadRoutes } from './http/routes/leads.ts';
import { mediaRoutes } from './http/routes/media.ts';
import { taskRoutes } from './http/routes/tasks.ts';
import { userRoutes } from './http/routes/users.ts';
import { messagingRoutes } from './http/routes/messaging.ts';
import { conversationRoutes } from './http/routes/conversations.ts';
import { customerContextRoutes } from './http/routes/customer-context.ts';
import { messageMasterRoutes } from './http/routes/message-master.ts';
import { privacyRoutes } from './http/routes/privacy.ts';
import { botStatusRoutes } from './http/routes/bot-status.ts';
import { crmLinkRoutes } from './http/routes/crm-links.ts';
import { knowledgeRoutes } from './http/routes/knowledge.ts';
import { metricsRoutes } from './http/metrics.ts';
import { registerRawBodyParsers, webhookRoutes } from './http/webhooks.ts';
import { dashboardRoutes } from './http/dashboard.ts';
import { eventRoutes } from './http/routes/events.ts';
import { pipelineRoutes } from './http/routes/pipeline.ts';
import { guardMetrics } from './http/metrics-guard.ts';
import { backupRoutes } from './http/routes/backup.ts';

declare module 'fastify' {
  interface FastifyInstance {
    routeList: { method: string; url: string }[];
  }
}

export async function buildApp(deps: Deps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: 5 * 1024 * 1024,
    // Off unless TRUST_PROXY names the proxies: otherwise X-Forwarded-For would pick the client address.
    trustProxy: deps.config.TRUST_PROXY ?? false,
  }).withTypeProvider<ZodTypeProvider>();
  // Every route, for the tenancy test that tries them all.
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
  });
  app.decorate('routeList', routes);
  app.setValidatorCompiler(validatorWithStringRule);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerRawBodyParsers(app);

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Parley API',
        version: deps.version,
        description:
          'Conversational CRM: leads, deals, tasks, activities and history. Authenticate with `Authorization: Bearer <token>` (from POST /api/login, or an API key).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  registerAuth(app, deps.db);

  guardMetrics(app, deps.config);
  metricsRoutes(app, deps);
  healthRoutes(app, deps);
  authRoutes(app, deps, '/api');
  authRoutes(app, deps, '');
  leadRoutes(app, deps);
  dealRoutes(app, deps);
  taskRoutes(app, deps);
  userRoutes(app, deps);
  compatRoutes(app, deps);
  messagingRoutes(app, deps);
  conversationRoutes(app, deps);
  mediaRoutes(app, deps);
  customerContextRoutes(app, deps);
  messageMasterRoutes(app, deps);
  privacyRoutes(app, deps);
  botStatusRoutes(app, deps);
  crmLinkRoutes(app, deps);
  knowledgeRoutes(app, deps);
  webhookRoutes(app, deps);
  eventRoutes(app, deps);
  pipelineRoutes(app, deps);
  await dashboardRoutes(app, deps);
  backupRoutes(app, deps);
  return app;
}
