// Downloading a customer's file from a provider, shared by the adapters' fetchMedia: a timeout
// for the answer, redirects followed by hand (credentials never follow them off the origin that
// asked for them), the size limit, and the provider's content type and file name.
import { checkDestination as checkUrlDestination, resolveAll, UrlRefused, type Resolver } from '../lib/url-guard.ts';
import { pinnedFetch } from '../lib/url-guard-fetch.ts';
import { MEDIA_MAX_BYTES, ProviderError, type FetchedMedia } from './channel.ts';
import { refusedDestination } from './http.ts';

/** How long the provider may take to start answering; the bytes then stream as fast as they come. */
const ANSWER_TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 3;
// Meta's media host has been seen refusing clients that name no User-Agent; say who we are.
const USER_AGENT = 'Parley';

export type MediaDownload = {
  /** Named in errors: "WhatsApp", "Twilio"… */
  provider: string;
  fetchImpl: typeof fetch;
  url: string;
  /** Credentials for `url` (and, with `credentials: 'same-origin'`, for redirects on its origin). */
  headers?: Record<string, string>;
  /** 'never': a redirect is followed without the headers (Twilio's signed CDN links need none). */
  credentials?: 'same-origin' | 'never';
  /** The configured API base: plain http is accepted from its origin only (tests, local gateways). */
  apiUrl?: string;
  /** The content type the provider declared (metadata or webhook), used when the answer has none. */
  declaredType?: string;
  filename?: string;
  /** Resolves a host to its addresses: the system resolver with the global fetch; tests pass their own. */
  resolve?: (host: string) => Promise<string[]>;
  /** Turns a non-2xx answer into the provider's error; the default names the status and a short reason. */
  failure?: (status: number, text: string) => ProviderError;
};

export const tooLarge = (provider: string, size: number) =>
  new ProviderError(
    `The ${provider} file is ${megabytes(size)}; files up to ${megabytes(MEDIA_MAX_BYTES)} can be opened`,
    { retryable: false, code: 'too_large' },
  );

const megabytes = (bytes: number) => `${Math.ceil((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * A media URL we may fetch: https, or plain http on the configured API's own origin. URLs come from
 * provider webhooks and answers; this keeps a forged one from reaching plain-http services inside
 * the network (cloud metadata endpoints and the like).
 */
export function checkMediaUrl(provider: string, url: string, apiUrl?: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProviderError(`${provider} gave a media link that is not a URL`, {
      retryable: false,
      code: 'bad_media_url',
    });
  }
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && parsed.origin === originOf(apiUrl)))
    return parsed;
  throw new ProviderError(
    `${provider} gave a media link Parley will not fetch (${parsed.protocol}//${parsed.host}: only https)`,
    { retryable: false, code: 'bad_media_url' },
  );
}

/**
 * Media links come from webhooks (a Maytapi webhook without a token can be forged): one that leads
 * into the server's own network is refused, whatever its scheme (lib/url-guard.ts decides what
 * "inside" is). The configured API's origin is trusted (the operator chose it; tests and local
 * gateways live there). Checked before every hop.
 */
export async function checkDestination(
  provider: string,
  url: URL,
  apiUrl?: string,
  resolve: Resolver | null = resolveAll,
): Promise<void> {
  if (url.origin === originOf(apiUrl)) return;
  try {
    await checkUrlDestination(url, { resolve });
  } catch (err) {
    if (!(err instanceof UrlRefused)) throw err;
    if (err.code === 'unresolvable')
      throw new ProviderError(`${provider}'s media host ${url.host} could not be found`, {
        retryable: true,
        code: 'network',
      });
    throw new ProviderError(
      `${provider} gave a media link into a private network (${url.host}); Parley will not fetch it`,
      { retryable: false, code: 'bad_media_url' },
    );
  }
}

const mediaFetches = new Map<string, typeof fetch>();

/** The pinned fetch for media, the configured API's host allowed (checkDestination trusts it too). */
function mediaFetch(apiUrl: string | undefined): typeof fetch {
  let host = '';
  try {
    host = apiUrl ? new URL(apiUrl).host.toLowerCase() : '';
  } catch {
    // not a URL: nothing allowed
  }
  let f = mediaFetches.get(host);
  if (!f) mediaFetches.set(host, (f = pinnedFetch({ allow: host ? [host] : [] })));
  return f;
}

function originOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}

/** GETs a provider's file; resolves once the answer has started, with the bytes as a stream. */
export async function downloadMedia(d: MediaDownload): Promise<FetchedMedia> {
  let url = checkMediaUrl(d.provider, d.url, d.apiUrl);
  let headers = d.headers ?? {};
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ANSWER_TIMEOUT_MS);
  let res: Response;
  // Over the platform's fetch the connection is pinned to the checked addresses (no second lookup
  // for a rebinding name server); a fetch of the caller's own (a test's fake) answers for its names.
  const fetchImpl = d.fetchImpl === globalThis.fetch && !d.resolve ? mediaFetch(d.apiUrl) : d.fetchImpl;
  try {
    for (let hop = 0; ; hop++) {
      // A fetch of the caller's own (a test's fake) answers for its names: only addresses are checked.
      await checkDestination(
        d.provider,
        url,
        d.apiUrl,
        d.resolve ?? (d.fetchImpl === globalThis.fetch ? resolveAll : null),
      );
      res = await fetchImpl(url, {
        headers: { 'user-agent': USER_AGENT, ...headers },
        redirect: 'manual',
        signal: controller.signal,
      });
      const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
      if (!location) break;
      await res.body?.cancel();
      if (hop === MAX_REDIRECTS)
        throw new ProviderError(`${d.provider} redirected the file more than ${MAX_REDIRECTS} times`, {
          retryable: false,
          code: 'too_many_redirects',
        });
      const next = checkMediaUrl(d.provider, new URL(location, url).href, d.apiUrl);
      if (d.credentials === 'never' || next.origin !== url.origin) headers = {};
      url = next;
    }
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    if (err instanceof UrlRefused) throw refusedDestination(d.provider, url.href, err);
    const timedOut = controller.signal.aborted;
    const reason = err instanceof Error ? err.message : String(err);
    throw new ProviderError(
      `${d.provider} ${timedOut ? 'did not answer in time' : `could not be reached: ${reason}`}`,
      { retryable: true, code: timedOut ? 'timeout' : 'network' },
    );
  } finally {
    // The bytes may take longer than the answer; undici's idle timeout ends a stalled body.
    clearTimeout(timer);
  }

  if (!res.ok) {
    const text = await res.text().catch(() => '');
    throw (d.failure ?? plainFailure(d.provider))(res.status, text);
  }
  const size = contentLength(res);
  if (size !== undefined && size > MEDIA_MAX_BYTES) {
    await res.body?.cancel();
    throw tooLarge(d.provider, size);
  }
  const served = res.headers.get('content-type') ?? undefined;
  const servedBase = baseType(served);
  if (servedBase === 'text/html' && baseType(d.declaredType) !== 'text/html') {
    await res.body?.cancel();
    throw new ProviderError(`${d.provider} answered with a web page instead of the file`, {
      retryable: false,
      status: res.status,
      code: 'not_media',
    });
  }
  const contentType =
    (servedBase && servedBase !== 'application/octet-stream' ? served : undefined) ??
    d.declaredType ??
    served ??
    'application/octet-stream';
  const filename = d.filename ?? dispositionFilename(res.headers.get('content-disposition'));
  return {
    body: capped(res.body, d.provider),
    contentType,
    ...(size !== undefined ? { size } : {}),
    ...(filename ? { filename } : {}),
  };
}

/** "HTTP 403: URL signature expired" from a CDN's short text or JSON answer; never the URL. */
const plainFailure = (provider: string) => (status: number, text: string) => {
  const reason = /^\s*</.test(text) ? '' : text.trim().replace(/\s+/g, ' ').slice(0, 200);
  return new ProviderError(`${provider} could not serve the file (HTTP ${status})${reason ? `: ${reason}` : ''}`, {
    retryable: status === 429 || status >= 500,
    status,
    code: `http_${status}`,
  });
};

/** The length of the bytes as they will reach us: none when the answer is compressed (fetch inflates it). */
function contentLength(res: Response): number | undefined {
  const encoding = res.headers.get('content-encoding');
  if (encoding && encoding !== 'identity') return undefined;
  const value = res.headers.get('content-length');
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
}

const baseType = (type: string | undefined) => type?.split(';')[0].trim().toLowerCase() || undefined;

/** The filename of `Content-Disposition: inline; filename="a.pdf"` (or filename*=UTF-8''…). */
export function dispositionFilename(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/.exec(header);
  const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2];
  return name || undefined;
}

/** The last segment of a CDN link when it looks like a file name ("brochure.pdf"). */
export function filenameFromUrl(url: string): string | undefined {
  try {
    const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    return /^[^/\\]{1,200}\.[A-Za-z0-9]{1,8}$/.test(last) ? last : undefined;
  } catch {
    return undefined;
  }
}

/** The body, erroring rather than pass the limit (a provider that sent no length, or the wrong one). */
function capped(body: ReadableStream<Uint8Array> | null, provider: string): ReadableStream<Uint8Array> | Uint8Array {
  if (!body) return new Uint8Array();
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > MEDIA_MAX_BYTES) controller.error(tooLarge(provider, seen));
        else controller.enqueue(chunk);
      },
    }),
  );
}
