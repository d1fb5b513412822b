// What WhatsApp Cloud API and Messenger share: both are Meta's Graph API. Webhooks are signed the
// same way (X-Hub-Signature-256), verified with the same GET handshake, and sends fail with the
// same error shape. Both adapters import this file rather than repeating it.
//
// Docs: https://developers.facebook.com/docs/graph-api/webhooks/getting-started
//       https://developers.facebook.com/docs/graph-api/guides/error-handling
//       https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { PayloadError, ProviderError, type WebhookRequest } from './channel.ts';
import { parseJson, providerFetch } from './http.ts';

/** Graph base URL including the version (v26.0 is current as of 2026-07-29). */
export const GRAPH_API_URL = 'https://graph.facebook.com/v26.0';

/**
 * Graph error codes worth retrying: throttling (4, 17, 32, 613, 80006 Messenger, 80007 WhatsApp
 * account, 130429 throughput, 131048 spam rate, 131056 pair rate) and temporary failures
 * (1 unknown, 2 service, 131000 something went wrong, 131016 service unavailable, 133004 server
 * temporarily unavailable). Everything else (invalid token 190, window closed 131047, bad
 * parameter 100, …) fails for good.
 */
const RETRYABLE_CODES = new Set([
  '1',
  '2',
  '4',
  '17',
  '32',
  '613',
  '80006',
  '80007',
  '130429',
  '131000',
  '131016',
  '131048',
  '131056',
  '133004',
]);

export const GraphErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.union([z.number(), z.string()]).optional(),
    error_subcode: z.union([z.number(), z.string()]).optional(),
    is_transient: z.boolean().optional(),
    error_data: z.union([z.looseObject({ details: z.string().optional() }), z.string()]).optional(),
    fbtrace_id: z.string().optional(),
  }),
});
export type GraphError = z.infer<typeof GraphErrorSchema>;

function headerValue(headers: WebhookRequest['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** X-Hub-Signature-256 is `sha256=` + hex HMAC-SHA256 of the raw body bytes, keyed with the app secret. */
export function verifyMetaSignature(req: WebhookRequest, appSecret: string): boolean {
  if (!appSecret) return false;
  const header = headerValue(req.headers, 'x-hub-signature-256');
  const match = header ? /^sha256=([0-9a-f]{64})$/i.exec(header.trim()) : null;
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(req.rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}

function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Meta's GET verification: hub.mode=subscribe and our verify token → echo hub.challenge. */
export function answerHandshake(query: Record<string, string | undefined>, verifyToken: string): string | null {
  const challenge = query['hub.challenge'];
  if (!verifyToken || query['hub.mode'] !== 'subscribe' || !challenge) return null;
  return sameSecret(query['hub.verify_token'] ?? '', verifyToken) ? challenge : null;
}

/** zod parse that throws a PayloadError naming the first few problems, never the whole body. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  body: unknown,
  what: string,
  at: (string | number)[] = [],
): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = [...at, ...issue.path.map(String)];
      return `${path.length ? path.join('.') : '(root)'}: ${issue.message}`;
    })
    .join('; ');
  throw new PayloadError(`Not a ${what}: ${problems}`);
}

/** Unix seconds as Meta sends them (a string for WhatsApp, a number for feed changes). */
export const UnixSeconds = z
  .union([z.string().regex(/^\d+$/), z.number().int().nonnegative()])
  .transform((v) => new Date(Number(v) * 1000));

/** Turns a Graph error answer into a ProviderError; never includes the URL (it may carry a token). */
export function graphError(provider: string, status: number, body: unknown): ProviderError {
  const parsed = GraphErrorSchema.safeParse(body);
  const error = parsed.success ? parsed.data.error : undefined;
  const code = error?.code !== undefined ? String(error.code) : undefined;
  const retryable =
    status === 429 ||
    status >= 500 ||
    (code !== undefined && RETRYABLE_CODES.has(code)) ||
    error?.is_transient === true;
  const details = typeof error?.error_data === 'object' ? error.error_data.details : error?.error_data;
  const codeText = code ? ` #${code}${error?.error_subcode !== undefined ? `/${error.error_subcode}` : ''}` : '';
  const parts = [`${provider} API error ${status}${codeText}: ${error?.message ?? 'no error body'}`];
  if (details) parts.push(details);
  if (error?.fbtrace_id) parts.push(`fbtrace_id ${error.fbtrace_id}`);
  return new ProviderError(parts.join(' — '), { retryable, status, code: code ?? `http_${status}` });
}

export type GraphPost = {
  provider: 'WhatsApp' | 'Messenger';
  fetchImpl: typeof fetch;
  url: string;
  headers?: Record<string, string>;
  body: unknown;
};

/** POSTs JSON to the Graph API; resolves to the parsed answer or throws a ProviderError. */
export function postToGraph({ body, ...rest }: GraphPost): Promise<unknown> {
  return requestGraph({ ...rest, method: 'POST', body });
}

/** GETs a Graph node (a media id's metadata); resolves to the parsed answer or throws a ProviderError. */
export function getFromGraph(request: Omit<GraphPost, 'body'>): Promise<unknown> {
  return requestGraph({ ...request, method: 'GET' });
}

async function requestGraph({
  provider,
  fetchImpl,
  url,
  headers,
  method,
  body,
}: Omit<GraphPost, 'body'> & { method: 'GET' | 'POST'; body?: unknown }): Promise<unknown> {
  const { response, text } = await providerFetch(provider, fetchImpl, url, {
    method,
    headers: method === 'POST' ? { 'content-type': 'application/json', ...headers } : { ...headers },
    ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
  });
  const json = parseJson(text);
  if (!response.ok) throw graphError(provider, response.status, json);
  if (json === undefined) {
    throw new ProviderError(`${provider} API answered ${response.status} without a JSON body`, {
      retryable: false,
      status: response.status,
      code: 'bad_response',
    });
  }
  return json;
}
