// X-Twilio-Signature: base64(HMAC-SHA1(auth token, URL + every POST param name and value, sorted by
// name)). The URL is the one configured at Twilio, with the query string Twilio actually called.
// JSON webhooks instead carry bodySHA256 in the URL and the signature covers the URL alone.
// https://www.twilio.com/docs/usage/webhooks/webhooks-security
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest } from '../channel.ts';

export function verifyTwilioSignature(req: WebhookRequest, config: { authToken: string; webhookUrl: string }): boolean {
  const signature = header(req.headers, 'x-twilio-signature');
  if (!signature || !config.authToken || !config.webhookUrl) return false;
  const url = signedUrl(config.webhookUrl, req.url);
  if (!url) return false;

  let data: string;
  const bodyHash = new URL(url).searchParams.get('bodySHA256');
  if (bodyHash !== null) {
    // JSON webhooks: the URL carries the body's SHA-256 and the signature covers the URL alone.
    const actual = createHash('sha256').update(req.rawBody).digest('hex');
    if (!sameBytes(Buffer.from(actual), Buffer.from(bodyHash.toLowerCase()))) return false;
    data = '';
  } else {
    data = sortedParams(req.rawBody);
  }
  const given = Buffer.from(signature.trim(), 'base64');
  // Twilio may sign the URL with or without the default port; accept either, as its SDKs do.
  return urlVariants(url).some((u) =>
    sameBytes(
      createHmac('sha1', config.authToken)
        .update(u + data, 'utf8')
        .digest(),
      given,
    ),
  );
}

/**
 * Names sorted, each followed by its value. A repeated name appears once per distinct value, values
 * sorted (as Twilio's SDKs do; their published vector covers it).
 */
function sortedParams(rawBody: Buffer): string {
  const params = new Map<string, Set<string>>();
  for (const [key, value] of new URLSearchParams(rawBody.toString('utf8'))) {
    const values = params.get(key) ?? new Set<string>();
    values.add(value);
    params.set(key, values);
  }
  let data = '';
  for (const key of [...params.keys()].sort()) {
    for (const value of [...params.get(key)!].sort()) data += key + value;
  }
  return data;
}

/** The configured public URL, with the query string of the request as Twilio made it (if any). */
function signedUrl(webhookUrl: string, requestUrl: string): string | null {
  if (!URL.canParse(webhookUrl)) return null;
  const q = requestUrl.indexOf('?');
  if (q < 0) return webhookUrl;
  // String surgery, not URL round-trips: the signature covers the URL exactly as configured.
  const path = webhookUrl.split(/[?#]/, 1)[0];
  return path + requestUrl.slice(q).split('#', 1)[0];
}

function urlVariants(url: string): string[] {
  const u = new URL(url);
  const defaultPort = u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '';
  const authority = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (!authority || !defaultPort) return [url];
  const [, scheme, host, rest] = authority;
  const hostNoPort = host.replace(/:\d+$/, '');
  const withPort = /:\d+$/.test(host) ? host : `${host}:${defaultPort}`;
  return [...new Set([url, scheme + hostNoPort + rest, scheme + withPort + rest])];
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
