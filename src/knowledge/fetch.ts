// Fetching an `api` source: GET with `Authorization: Bearer <api_key>` and/or custom headers,
// JSON or plain text, redirects followed at most 3 times (every hop checked by the url-guard;
// credentials never follow a redirect to another origin), pagination through a `next` link in the
// body or a `Link: <…>; rel="next"` header, on the same origin, up to a page cap. The byte cap
// counts every page. Failures come back typed, so the sync knows what to retry.
import { parseFetchUrl, UrlRefused, type GuardOptions } from '../lib/url-guard.ts';
import { guardedGet, TimedOut, TooLarge, type HttpAnswer } from './http.ts';
import { formatOf, type DocumentFormat } from './records.ts';

export type FetchLimits = { timeoutMs: number; maxBytes: number; maxPages: number };

export type FailureKind =
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'auth'
  | 'not_found'
  | 'client'
  | 'refused'
  | 'too_large'
  | 'bad_content';

/** What went wrong; `permanent` failures wait for the link to be edited. */
export class FetchError extends Error {
  readonly kind: FailureKind;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  readonly permanent: boolean;
  constructor(kind: FailureKind, message: string, o: { status?: number; retryAfterMs?: number | null } = {}) {
    super(message);
    this.kind = kind;
    this.status = o.status ?? null;
    this.retryAfterMs = o.retryAfterMs ?? null;
    this.permanent = ['auth', 'not_found', 'client', 'refused', 'too_large'].includes(kind);
  }
}

export type Fetched = { content: string; format: DocumentFormat; bytes: number; pages: number; note: string | null };

const MAX_REDIRECTS = 3;
const PAGING_KEYS = ['next', 'next_url', 'nextUrl', 'next_page_url', 'nextPageUrl', 'paging', 'pagination'];

/** `Retry-After`: seconds, or an HTTP date. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(header) ? header[0] : header;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const reasonOf = (body: Buffer) => {
  const text = body.toString('utf8', 0, 2000);
  if (/^\s*</.test(text)) return '';
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const e = j.error ?? j.message ?? j.detail;
    const msg =
      typeof e === 'string'
        ? e
        : typeof (e as { message?: unknown })?.message === 'string'
          ? (e as { message: string }).message
          : '';
    return msg.replace(/\s+/g, ' ').slice(0, 200);
  } catch {
    return text.trim().replace(/\s+/g, ' ').slice(0, 200);
  }
};

function failureOf(res: HttpAnswer): FetchError {
  const why = reasonOf(res.body);
  const said = `HTTP ${res.status}${why ? `: ${why}` : ''}`;
  if (res.status === 429)
    return new FetchError('rate_limited', `The CRM is rate limiting (${said})`, {
      status: 429,
      retryAfterMs: retryAfterMs(res.headers['retry-after']),
    });
  if (res.status === 401 || res.status === 403)
    return new FetchError('auth', `The CRM refused the credentials (${said}): check api_key and headers`, {
      status: res.status,
    });
  if (res.status === 404 || res.status === 410)
    return new FetchError('not_found', `The CRM has nothing at this URL (${said})`, { status: res.status });
  if (res.status >= 500 || res.status === 408)
    return new FetchError('server', `The CRM failed (${said})`, { status: res.status });
  return new FetchError('client', `The CRM did not accept the request (${said})`, { status: res.status });
}

/** GET with redirects, each hop checked; credentials only on the origin they were given for. */
async function getFollowing(
  start: URL,
  headers: Record<string, string>,
  limits: FetchLimits & { remainingBytes: number },
  guard: GuardOptions,
): Promise<{ res: HttpAnswer; url: URL }> {
  let url = start;
  let sent = headers;
  for (let hop = 0; ; hop++) {
    let res: HttpAnswer;
    try {
      res = await guardedGet(url, {
        headers: sent,
        timeoutMs: limits.timeoutMs,
        maxBytes: limits.remainingBytes,
        guard,
      });
    } catch (err) {
      if (err instanceof UrlRefused)
        throw new FetchError(
          'refused',
          hop ? `The CRM redirected to a URL Parley does not fetch: ${err.message}` : err.message,
        );
      if (err instanceof TooLarge)
        throw new FetchError('too_large', `The CRM sent more than ${Math.round(limits.maxBytes / 1024 / 1024)} MB`);
      if (err instanceof TimedOut)
        throw new FetchError('timeout', `The CRM did not answer in ${limits.timeoutMs / 1000} s`);
      const code = (err as NodeJS.ErrnoException).code;
      throw new FetchError('network', `The CRM could not be reached (${code ?? (err as Error).message})`);
    }
    const location = res.status >= 300 && res.status < 400 ? res.headers.location : undefined;
    if (!location) return { res, url };
    if (hop === MAX_REDIRECTS)
      throw new FetchError('client', `The CRM redirected more than ${MAX_REDIRECTS} times`, { status: res.status });
    let next: URL;
    try {
      next = parseFetchUrl(new URL(location, url), guard);
    } catch (err) {
      throw new FetchError('refused', `The CRM redirected to a URL Parley does not fetch: ${(err as Error).message}`);
    }
    if (next.origin !== url.origin)
      sent = Object.fromEntries(Object.entries(sent).filter(([k]) => k === 'accept' || k === 'user-agent'));
    url = next;
  }
}

/** The next page: `Link: <…>; rel="next"`, else a `next` link in the JSON body. */
function nextPage(res: HttpAnswer, body: unknown, base: URL): URL | null {
  const link = res.headers.link;
  const header = Array.isArray(link) ? link.join(',') : link;
  const m = header && /<([^>]+)>\s*;[^,]*rel="?next"?/i.exec(header);
  const candidates: unknown[] = m ? [m[1]] : [];
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const paging = b.paging as Record<string, unknown> | undefined;
    const links = b.links as Record<string, unknown> | undefined;
    candidates.push(b.next, b.next_url, b.nextUrl, b.next_page_url, b.nextPageUrl, links?.next, paging?.next);
    const pn = paging?.next as Record<string, unknown> | undefined;
    if (pn && typeof pn === 'object') candidates.push(pn.link, pn.url);
  }
  const found = candidates.find((c) => typeof c === 'string' && c.trim());
  if (!found) return null;
  try {
    return new URL(found as string, base);
  } catch {
    return null;
  }
}

function withoutPaging(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (PAGING_KEYS.includes(k)) continue;
    if (k === 'links' && v && typeof v === 'object' && 'next' in v) continue;
    out[k] = v;
  }
  return out;
}

/** Appends a page's arrays to the first page's. */
function merge(into: unknown, page: unknown): unknown {
  if (Array.isArray(into) && Array.isArray(page)) return [...into, ...page];
  if (into && page && typeof into === 'object' && typeof page === 'object' && !Array.isArray(into)) {
    const out = { ...(into as Record<string, unknown>) };
    for (const [k, v] of Object.entries(page as Record<string, unknown>))
      if (Array.isArray(v) && Array.isArray(out[k])) out[k] = [...(out[k] as unknown[]), ...v];
    return out;
  }
  return into;
}

export async function fetchApiSource(
  source: { url: string; apiKey?: string | null; headers?: Record<string, string> | null },
  limits: FetchLimits,
  guard: GuardOptions,
): Promise<Fetched> {
  let url: URL;
  try {
    url = parseFetchUrl(source.url, guard);
  } catch (err) {
    throw new FetchError('refused', (err as Error).message);
  }
  const origin = url.origin;
  const headers: Record<string, string> = {
    accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
    'user-agent': 'Parley',
    ...Object.fromEntries(Object.entries(source.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    ...(source.apiKey ? { authorization: `Bearer ${source.apiKey}` } : {}),
  };
  let data: unknown = undefined;
  let text = '';
  let format: DocumentFormat = 'json';
  let bytes = 0;
  let pages = 0;
  let note: string | null = null;
  const seen = new Set<string>();
  for (let next: URL | null = url; next;) {
    if (pages === limits.maxPages) {
      note = `stopped after ${limits.maxPages} pages`;
      break;
    }
    if (seen.has(next.href)) break;
    seen.add(next.href);
    const { res, url: at } = await getFollowing(
      next,
      headers,
      { ...limits, remainingBytes: limits.maxBytes - bytes },
      guard,
    );
    if (res.status < 200 || res.status >= 300) throw failureOf(res);
    pages++;
    bytes += res.body.length;
    const bodyText = res.body.toString('utf8');
    const pageFormat = formatOf(res.headers['content-type'], bodyText);
    if (pageFormat !== 'json') {
      if (pages === 1) {
        format = pageFormat === 'csv' || pageFormat === 'markdown' ? pageFormat : 'text';
        text = bodyText;
      }
      break;
    }
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      throw new FetchError('bad_content', 'The CRM sent JSON that does not parse', { status: res.status });
    }
    data = pages === 1 ? withoutPaging(body) : merge(data, withoutPaging(body));
    next = nextPage(res, body, at);
    if (next && next.origin !== origin) {
      note = `pagination left ${origin}; stopped there`;
      next = null;
    }
  }
  const content = format === 'json' ? JSON.stringify(data ?? null) : text;
  if (!content.trim() || content === 'null') throw new FetchError('bad_content', 'The CRM sent nothing to index');
  return { content, format, bytes, pages, note };
}
