// fetch for the Parley API: same origin, the session cookie, JSON in and out, and the API's
// error shape ({error:{code,message,fields}}) as an ApiError.
export class ApiError extends Error {
  status: number;
  code: string;
  fields?: Record<string, string>;
  constructor(status: number, code: string, message: string, fields?: Record<string, string>) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

const listeners = new Set<() => void>();
/** Called when the API says the session is gone (401). */
export const onUnauthorized = (fn: () => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};

/** The session's CSRF token (the readable `parley_csrf` cookie login sets), for unsafe requests. */
export function csrfHeader(): Record<string, string> {
  const m = /(?:^|;\s*)parley_csrf=([^;]*)/.exec(document.cookie);
  return m ? { 'x-csrf-token': decodeURIComponent(m[1]) } : {};
}

/** A GET that index.html's boot script already sent (the first screen's first requests), taken once. */
function bootResponse(url: string): Promise<Response> | undefined {
  const boot = (window as { __parleyBoot?: Record<string, Promise<Response>> }).__parleyBoot;
  const res = boot?.[url];
  if (res) delete boot[url];
  return res;
}

export async function api<T>(
  path: string,
  opts: { method?: string; body?: unknown; query?: Query; signal?: AbortSignal } = {},
): Promise<T> {
  let res: Response;
  try {
    const method = opts.method ?? (opts.body === undefined ? 'GET' : 'POST');
    const url = withQuery(path, opts.query);
    const early = method === 'GET' ? bootResponse(url) : undefined;
    res = await (early ??
      fetch(url, {
        method,
        credentials: 'same-origin',
        headers: {
          ...(opts.body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' }),
          ...(method === 'GET' || method === 'HEAD' ? {} : csrfHeader()),
        },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal,
      }));
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'offline', navigator.onLine ? 'The server did not answer' : 'You are offline');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const body = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; fields?: Record<string, string> } })?.error;
    if (res.status === 401 && !path.endsWith('/login')) for (const fn of listeners) fn();
    throw new ApiError(res.status, e?.code ?? 'error', e?.message ?? `${res.status} ${res.statusText}`, e?.fields);
  }
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The message to show for an error, with the fields the API named. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = err.fields ? Object.entries(err.fields).map(([k, v]) => `${k}: ${v}`) : [];
    return fields.length ? `${err.message} (${fields.join('; ')})` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** All pages of a list (for small lists: users, channels). */
export async function allPages<T>(path: string, query: Query = {}, max = 2000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { data: T[]; next_cursor: string | null } = await api(path, {
      query: { ...query, limit: 200, cursor: cursor ?? undefined },
    });
    out.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor && out.length < max);
  return out;
}
