// One error shape for every route: {error:{code, message, fields?}}. Typed AppError codes map to
// HTTP statuses here and only here; 5xx details go to the log, never to the client (except
// `provider_error`, 502: what a provider said when it refused, for the person who asked).
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../lib/errors.ts';
import { createOutageLog, isDatabaseUnavailable, isUnstorableValue } from '../db/errors.ts';

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  provider_error: 502,
  unavailable: 503,
  internal: 500,
};

export function registerErrorHandling(app: FastifyInstance) {
  // While the database is away every request fails the same way: one line when it goes, one when
  // it is back, and 503 with Retry-After meanwhile (providers re-send, the dashboard retries).
  const outage = createOutageLog(app.log, 'requests');
  app.addHook('onResponse', async (_req, reply) => {
    if (outage.down && reply.statusCode < 500) outage.ok();
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isDatabaseUnavailable(err)) {
      outage.failed(err);
      return reply
        .status(503)
        .header('retry-after', '5')
        .send({ error: { code: 'unavailable', message: 'The database is unavailable; retry in a few seconds' } });
    }
    // A value PostgreSQL refused (class 22) is the caller's input that slipped past validation.
    if (isUnstorableValue(err)) {
      req.log.warn({ err }, 'a value could not be stored');
      return reply
        .status(400)
        .send({ error: { code: 'bad_request', message: 'A value in the request cannot be stored' } });
    }
    if (err instanceof AppError) {
      return reply
        .status(statusOf[err.code])
        .send({ error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = (err as { validationContext?: string }).validationContext ?? 'body';
      const fields: Record<string, string> = {};
      for (const v of err.validation) {
        const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.') || where;
        fields[path] ??= v.message ?? 'invalid';
      }
      return reply.status(400).send({ error: { code: 'bad_request', message: `Invalid ${where}`, fields } });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err, issues: err.cause.issues }, 'response did not match its schema');
      return reply.status(500).send({ error: { code: 'internal', message: 'Internal error' } });
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.status(500).send({ error: { code: 'internal', message: 'Internal error' } });
    }
    // Fastify's own 4xx (bad JSON, body too large, unsupported media type).
    const code: ErrorCode =
      status === 404
        ? 'not_found'
        : status === 413 || status === 415 || status === 400
          ? 'bad_request'
          : status === 429
            ? 'rate_limited'
            : 'bad_request';
    return reply.status(status).send({ error: { code, message: err.message } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` } }),
  );
}
