// One destination guard for every URL Parley fetches on someone else's say-so: media links from
// provider webhooks, CRM links a workspace configures. A URL may not lead into the server's own
// network — loopback, private, link-local (cloud metadata lives at 169.254.169.254), carrier-grade
// NAT, benchmarking, documentation, multicast, reserved or unspecified space — in any notation:
// the WHATWG URL parser turns decimal and hex IPv4 (`2130706433`, `0x7f.1`) into dotted form, and
// IPv6 forms that carry an IPv4 address (mapped `::ffff:7f00:1`, compatible `::a.b.c.d`, NAT64,
// 6to4) are checked by the address they carry. Names are checked on the addresses they resolve to.
import { lookup } from 'node:dns/promises';
import { lookup as lookupCallback, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';

export type Resolver = (host: string) => Promise<string[]>;

export type RefusalCode = 'bad_url' | 'scheme' | 'private_address' | 'unresolvable';

/** Why a URL may not be fetched; the message says it in words a person can act on. */
export class UrlRefused extends Error {
  readonly code: RefusalCode;
  constructor(code: RefusalCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'UrlRefused';
  }
}

export type GuardOptions = {
  /** `host` or `host:port` entries reached whatever their address or scheme (a self-hosted CRM, tests). */
  allow?: string[];
  /** Plain http is refused (production), except for allowed hosts. */
  httpsOnly?: boolean;
  /** Resolves a name to its addresses; null: names are not resolved here (the caller's fetch answers for them). */
  resolve?: Resolver | null;
};

type Range = { bytes: number[]; bits: number };
const range = (address: string, bits: number): Range => ({ bytes: addressBytes(address)!, bits });

const blockedV4: Range[] = [
  range('0.0.0.0', 8), // "this network", unspecified
  range('10.0.0.0', 8),
  range('100.64.0.0', 10), // carrier-grade NAT
  range('127.0.0.0', 8),
  range('169.254.0.0', 16), // link-local, cloud metadata
  range('172.16.0.0', 12),
  range('192.0.0.0', 24), // IETF protocol assignments
  range('192.0.2.0', 24), // documentation
  range('192.88.99.0', 24), // 6to4 relays
  range('192.168.0.0', 16),
  range('198.18.0.0', 15), // benchmarking
  range('198.51.100.0', 24),
  range('203.0.113.0', 24),
  range('224.0.0.0', 4), // multicast
  range('240.0.0.0', 4), // reserved, broadcast
];

const blockedV6: Range[] = [
  range('::', 96), // unspecified, loopback and the deprecated IPv4-compatible ::a.b.c.d
  range('100::', 64), // discard
  range('2001::', 32), // Teredo
  range('2001:db8::', 32), // documentation
  range('fc00::', 7), // unique local
  range('fe80::', 10), // link-local
  range('fec0::', 10), // site-local (deprecated)
  range('ff00::', 8), // multicast
];

/** IPv6 ranges that carry an IPv4 address: [prefix, where the IPv4 bytes start]. */
const embeddedV4: [Range, number][] = [
  [range('::ffff:0:0', 96), 12], // IPv4-mapped
  [range('::ffff:0:0:0', 96), 12], // IPv4-translated
  [range('64:ff9b::', 96), 12], // NAT64
  [range('64:ff9b:1::', 48), 12], // local NAT64
  [range('2002::', 16), 2], // 6to4
];

const inRange = (bytes: number[], r: Range) => {
  if (bytes.length !== r.bytes.length) return false;
  for (let bit = 0; bit < r.bits; bit += 8) {
    const n = Math.min(8, r.bits - bit);
    const mask = (0xff << (8 - n)) & 0xff;
    if ((bytes[bit / 8] & mask) !== (r.bytes[bit / 8] & mask)) return false;
  }
  return true;
};

function ipv4Bytes(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

function ipv6Bytes(input: string): number[] | null {
  let s = input.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  let tail: number[] = [];
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (v4) {
    const b = ipv4Bytes(v4[1]);
    if (!b) return null;
    tail = b;
    s = s.slice(0, -v4[1].length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h ? h.split(':') : []);
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const total = 8 - tail.length / 2;
  const missing = total - head.length - rest.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const all = [...head, ...Array.from({ length: missing }, () => '0'), ...rest].map((g) => parseInt(g, 16));
  return [...all.flatMap((g) => [g >> 8, g & 0xff]), ...tail];
}

/** An IP address as bytes (4 or 16), or null when it is not one. */
export function addressBytes(address: string): number[] | null {
  const bare = address.replace(/^\[|\]$/g, '');
  return isIP(bare.replace(/%.*$/, '')) === 4
    ? ipv4Bytes(bare)
    : isIP(bare.replace(/%.*$/, '')) === 6
      ? ipv6Bytes(bare)
      : null;
}

/** True for an address Parley must not connect to on a stranger's say-so (and for anything that is not an address). */
export function isInternalAddress(address: string): boolean {
  const bytes = addressBytes(address);
  if (!bytes) return true;
  if (bytes.length === 4) return blockedV4.some((r) => inRange(bytes, r));
  for (const [r, at] of embeddedV4) if (inRange(bytes, r)) return isInternalAddress(bytes.slice(at, at + 4).join('.'));
  return blockedV6.some((r) => inRange(bytes, r));
}

/** `KNOWLEDGE_ALLOW_PRIVATE_HOSTS`-style lists: "crm.internal, 127.0.0.1:4010" → entries in lower case. */
export const parseAllowList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

const defaultPort = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');

/** The URL's host is on the allow-list: `host` allows every port, `host:port` that one. */
export function isAllowedHost(url: URL, allow: string[] | undefined): boolean {
  if (!allow?.length) return false;
  const host = url.hostname.toLowerCase();
  const port = defaultPort(url);
  return allow.some((entry) => {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m) return false;
    return m[1] === host && (!m[2] || m[2] === port);
  });
}

export const resolveAll: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Parses and checks the scheme: http(s) only, https only when `httpsOnly` (allowed hosts excepted). */
export function parseFetchUrl(raw: string | URL, opts: GuardOptions = {}): URL {
  let url: URL;
  try {
    url = raw instanceof URL ? raw : new URL(raw);
  } catch {
    throw new UrlRefused('bad_url', `"${String(raw).slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UrlRefused('scheme', `${url.protocol}// links are not fetched: only https (and http outside production)`);
  if (url.username || url.password)
    throw new UrlRefused('bad_url', 'Put credentials in api_key or headers, not in the URL');
  if (url.protocol === 'http:' && opts.httpsOnly && !isAllowedHost(url, opts.allow))
    throw new UrlRefused('scheme', `Only https links are fetched in production (${url.host} is plain http)`);
  return url;
}

/**
 * Refuses a destination inside the server's network: an address literal is checked as it is, a
 * name by every address it resolves to. Allowed hosts pass. Call it before every hop.
 */
export async function checkDestination(url: URL, opts: GuardOptions = {}): Promise<void> {
  if (isAllowedHost(url, opts.allow)) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host.replace(/%.*$/, '')) !== 0;
  const resolve = opts.resolve === undefined ? resolveAll : opts.resolve;
  if (!literal && !resolve) return;
  let addresses: string[];
  try {
    addresses = literal ? [host] : await resolve!(host);
  } catch {
    throw new UrlRefused('unresolvable', `The host ${url.host} could not be found`);
  }
  if (!addresses.length) throw new UrlRefused('unresolvable', `The host ${url.host} could not be found`);
  const inside = addresses.find(isInternalAddress);
  if (inside !== undefined)
    throw new UrlRefused(
      'private_address',
      `${url.host} leads into a private or reserved network${inside !== host ? ` (${inside})` : ''}; Parley does not fetch it (allow it with KNOWLEDGE_ALLOW_PRIVATE_HOSTS if it is your own server)`,
    );
}

/** Both checks at once: the URL to fetch, or UrlRefused. */
export async function checkUrl(raw: string | URL, opts: GuardOptions = {}): Promise<URL> {
  const url = parseFetchUrl(raw, opts);
  await checkDestination(url, opts);
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** node:dns `lookup`'s shape (the function net calls to resolve a name before it connects). */
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * A `lookup` for net/http(s) that answers only addresses outside the server's network: every address
 * the name resolves to is checked (one internal address refuses the name), and what was checked is
 * what the socket connects to, so a name that resolves differently between a check and the
 * connection (DNS rebinding) is caught. `resolve` is the lookup underneath (node:dns unless a test
 * gives its own). Address literals never reach a lookup: check them with checkDestination.
 */
export function pinnedLookup(resolve: LookupFunction = lookupCallback as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = (Array.isArray(addresses) ? addresses : [{ address: addresses, family: 0 }]) as LookupAddress[];
      const inside = list.find((a) => isInternalAddress(a.address));
      if (inside || !list.length) {
        const refusal = new UrlRefused(
          'private_address',
          `${hostname} leads into a private or reserved network; Parley does not fetch it`,
        ) as Error as NodeJS.ErrnoException;
        return callback(refusal, []);
      }
      if (options.all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/** pinnedLookup over node:dns, for node:http(s) requests (knowledge/http.ts). */
export const guardedLookup: LookupFunction = pinnedLookup();
