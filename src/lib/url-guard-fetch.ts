// A fetch whose connections are pinned to the addresses the url-guard checked: node:http(s) with a
// `lookup` that validates every address a name resolves to, at connect time, so there is no second
// lookup for a rebinding name server to answer differently (public for a check, loopback for the
// connection). Address literals never reach a lookup: they are checked before the request.
// Node's built-in fetch cannot take a connect-time lookup without undici's Agent (not a dependency),
// hence node:http(s) behind a fetch-shaped function: Request in, Response out, bodies streamed,
// gzip/deflate/br decoded as fetch does, redirects never followed (the caller checks each hop),
// connection failures as fetch reports them (TypeError "fetch failed", the errno error as cause)
// and aborts with the signal's reason, so callers classify failures the same way.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import {
  checkDestination,
  isAllowedHost,
  parseFetchUrl,
  pinnedLookup,
  UrlRefused,
  type GuardOptions,
  type LookupFunction,
} from './url-guard.ts';

export type PinnedFetchOptions = GuardOptions & {
  /** The lookup under the pinned one (tests give a resolver of their own). */
  lookup?: LookupFunction;
};

const NULL_BODY = new Set([101, 103, 204, 205, 304]);
/** undici's headers and body timeouts. */
const IDLE_TIMEOUT_MS = 300_000;

/**
 * A fetch that connects only to checked addresses (see the file's note). The URL passes
 * parseFetchUrl and, for an address literal, checkDestination; a name is checked at connect.
 * Allowed hosts (opts.allow) are not guarded. Redirects come back to the caller as they are.
 */
export function pinnedFetch(opts: PinnedFetchOptions = {}): typeof fetch {
  const lookup = pinnedLookup(opts.lookup);
  const agents = {
    'http:': new http.Agent({ keepAlive: true, lookup: lookup as never }),
    'https:': new https.Agent({ keepAlive: true, lookup: lookup as never }),
  };
  const open = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };
  return async (input, init) => {
    const request = new Request(input, { ...init, redirect: 'manual' });
    const url = parseFetchUrl(request.url, opts);
    await checkDestination(url, { ...opts, resolve: null }); // literals here; names at connect
    const protocol = url.protocol as 'http:' | 'https:';
    const agent = isAllowedHost(url, opts.allow) ? open[protocol] : agents[protocol];
    const signal = request.signal;
    if (signal.aborted) throw signal.reason;
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : null;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => (headers[key] = value));
    if (!headers['accept-encoding']) headers['accept-encoding'] = 'gzip, deflate, br';
    if (body) headers['content-length'] = String(body.length);
    const lib = protocol === 'https:' ? https : http;

    return new Promise<Response>((resolve, reject) => {
      let answered = false;
      const onAbort = () => {
        req.destroy(signal.reason);
        if (!answered) reject(signal.reason);
      };
      let answer: IncomingMessage | null = null;
      const req = lib.request(url, { method: request.method, headers, agent }, (res) => {
        answered = true;
        answer = res;
        try {
          resolve(toResponse(res, request.method, signal, onAbort));
        } catch (err) {
          res.destroy();
          reject(err);
        }
      });
      // As undici: a connection silent this long (headers or body) is ended.
      req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(Object.assign(new Error('idle'), { code: 'ETIMEDOUT' })));
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => {
        signal.removeEventListener('abort', onAbort);
        // After the answer began (an abort, a lost connection, the idle timeout) the body ends with it.
        if (answered) return answer?.destroy(err);
        if (signal.aborted) return reject(signal.reason);
        reject(err instanceof UrlRefused ? err : new TypeError('fetch failed', { cause: err }));
      });
      req.end(body ?? undefined);
    });
  };
}

function toResponse(res: IncomingMessage, method: string, signal: AbortSignal, onAbort: () => void): Response {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 599) throw new TypeError('fetch failed', { cause: new Error(`HTTP status ${status}`) });
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    try {
      headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
    } catch {
      // a header fetch would not show either
    }
  }
  const done = () => signal.removeEventListener('abort', onAbort);
  res.once('close', done);
  if (method === 'HEAD' || NULL_BODY.has(status)) {
    res.resume();
    return new Response(null, { status, statusText: res.statusMessage, headers });
  }
  const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : null;
  const source: Readable = decoder ? pipeline(res, decoder, () => {}) : res;
  return new Response(Readable.toWeb(source) as ReadableStream<Uint8Array>, {
    status,
    statusText: res.statusMessage,
    headers,
  });
}

const shared = new Map<string, typeof fetch>();

/**
 * The fetch for provider APIs whose base URL a tenant may set (a channel's `settings.apiUrl`):
 * nothing goes into the server's own network. Every request (so every hop of a redirect the caller
 * follows) passes parseFetchUrl and the destination check; redirects are never followed for the
 * caller; allowed hosts pass. Over the platform's fetch, connections are pinned to the checked
 * addresses (pinnedFetch: the name is resolved once, at connect, and every address checked). A fetch
 * of the caller's own (a test's fake, which answers for its names) is checked just before the call.
 */
export function guardedFetch(base: typeof fetch, opts: PinnedFetchOptions): typeof fetch {
  let pinned: typeof fetch | null = null;
  if (base === globalThis.fetch) {
    // One pinned fetch (and its connection pools) per guard setting, not one per send.
    const key = opts.lookup ? null : JSON.stringify([opts.allow ?? [], !!opts.httpsOnly]);
    pinned = (key && shared.get(key)) || pinnedFetch(opts);
    if (key && !shared.has(key)) shared.set(key, pinned);
  }
  return async (input, init) => {
    const raw = input instanceof Request ? input.url : input;
    const url = parseFetchUrl(raw, opts);
    if (pinned && !isAllowedHost(url, opts.allow)) return pinned(input, init);
    await checkDestination(url, opts);
    return base(url, { ...init, redirect: 'manual' });
  };
}
