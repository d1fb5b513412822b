// A fake customer CRM on 127.0.0.1, speaking like the REST APIs spec 003 names: JSON collections
// behind `Authorization: Bearer …` and custom headers, paginated with a `next` link in the body
// (/v1/…) or an RFC 8288 `Link: <…>; rel="next"` header (/v2/…), HubSpot/Shopify style errors
// (401 with a JSON message, 429 with Retry-After, 5xx). Tests change `collections` between
// fetches and queue failures with failNext(); every request is recorded.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeCrm = {
  url: string;
  port: number;
  /** Collection name → records; `/v1/<name>` and `/v2/<name>` serve them, `pageSize` per page. */
  collections: Record<string, unknown[]>;
  /** Whole documents served as they are at `/doc/<name>` (an object, or text with its type). */
  documents: Record<string, { body: string; type: string }>;
  pageSize: number;
  requests: { path: string; headers: IncomingHttpHeaders }[];
  token: string;
  clientId: string;
  /** The next `times` requests (to paths starting with `path`, when given) fail with `status`. */
  failNext(status: number, o?: { retryAfter?: string; times?: number; path?: string }): void;
  close(): Promise<void>;
};

export async function startFakeCrm(opts: { token?: string; clientId?: string } = {}): Promise<FakeCrm> {
  const failures: { status: number; retryAfter?: string; path?: string }[] = [];
  const fake: FakeCrm = {
    url: '',
    port: 0,
    collections: {},
    documents: {},
    pageSize: 2,
    requests: [],
    token: opts.token ?? 'crm-token-123',
    clientId: opts.clientId ?? 'parley-bot',
    failNext: (status, o = {}) => {
      for (let i = 0; i < (o.times ?? 1); i++) failures.push({ status, retryAfter: o.retryAfter, path: o.path });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    fake.requests.push({ path: url.pathname + url.search, headers: req.headers });
    if (url.pathname === '/redirect') {
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/v1/customers' });
      return res.end();
    }
    const at = failures.findIndex((f) => !f.path || url.pathname.startsWith(f.path));
    const failure = at >= 0 ? failures.splice(at, 1)[0] : undefined;
    if (failure) {
      if (failure.status === 429)
        return json(
          res,
          429,
          { status: 'error', message: 'You have reached your secondly limit.', category: 'RATE_LIMITS' },
          failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
        );
      return json(res, failure.status, {
        status: 'error',
        message: failure.status >= 500 ? 'Internal Server Error' : 'Error',
      });
    }
    if (req.headers.authorization !== `Bearer ${fake.token}`)
      return json(res, 401, {
        status: 'error',
        message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication.',
        category: 'INVALID_AUTHENTICATION',
      });
    if (req.headers['x-client-id'] !== fake.clientId)
      return json(res, 403, { status: 'error', message: 'This client is not allowed', category: 'MISSING_SCOPES' });
    const doc = /^\/doc\/([\w-]+)$/.exec(url.pathname);
    if (doc && fake.documents[doc[1]]) {
      res.writeHead(200, { 'content-type': fake.documents[doc[1]].type });
      return res.end(fake.documents[doc[1]].body);
    }
    const m = /^\/(v1|v2)\/([\w-]+)$/.exec(url.pathname);
    const all = m ? fake.collections[m[2]] : undefined;
    if (!m || !all)
      return json(res, 404, { status: 'error', message: 'Resource not found', category: 'OBJECT_NOT_FOUND' });
    const page = Number(url.searchParams.get('page') ?? '1');
    const items = all.slice((page - 1) * fake.pageSize, page * fake.pageSize);
    const more = page * fake.pageSize < all.length;
    const nextPath = `/${m[1]}/${m[2]}?page=${page + 1}`;
    if (m[1] === 'v1') return json(res, 200, { [m[2]]: items, next: more ? nextPath : null });
    return json(res, 200, { [m[2]]: items }, more ? { link: `<${fake.url}${nextPath}>; rel="next"` } : {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.port = (server.address() as AddressInfo).port;
  fake.url = `http://127.0.0.1:${fake.port}`;
  return fake;
}
