// One guarded GET: node:http(s) with the url-guard's lookup, so the address checked is the address
// connected to (a name that resolves to a public address for the check and a private one for the
// connection is caught). A deadline for the whole answer, and a byte cap that stops reading.
import http from 'node:http';
import https from 'node:https';
import { checkDestination, guardedLookup, isAllowedHost, type GuardOptions } from '../lib/url-guard.ts';

export type HttpAnswer = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

export class TooLarge extends Error {
  readonly bytes: number;
  constructor(bytes: number) {
    super(`more than ${bytes} bytes`);
    this.bytes = bytes;
  }
}

export class TimedOut extends Error {}

export type GetOptions = {
  headers: Record<string, string>;
  /** Time for the whole answer, body included. */
  timeoutMs: number;
  maxBytes: number;
  guard: GuardOptions;
};

/** GETs one URL (no redirects followed: the caller checks each hop). */
export async function guardedGet(url: URL, o: GetOptions): Promise<HttpAnswer> {
  await checkDestination(url, { ...o.guard, resolve: null }); // address literals; names are checked at connect
  const allowed = isAllowedHost(url, o.guard.allow);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const req = lib.request(
      url,
      {
        method: 'GET',
        headers: { 'accept-encoding': 'identity', ...o.headers },
        ...(allowed ? {} : { lookup: guardedLookup as never }),
      },
      (res) => {
        const length = Number(res.headers['content-length']);
        if (Number.isFinite(length) && length > o.maxBytes) return fail(new TooLarge(o.maxBytes));
        const chunks: Buffer[] = [];
        let seen = 0;
        res.on('data', (c: Buffer) => {
          seen += c.length;
          if (seen > o.maxBytes) fail(new TooLarge(o.maxBytes));
          else chunks.push(c);
        });
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      },
    );
    const timer = setTimeout(() => fail(new TimedOut(`no complete answer within ${o.timeoutMs} ms`)), o.timeoutMs);
    req.on('error', fail);
    req.end();
  });
}
