// The small request helpers every provider's sends share: one timeout, network failures and
// timeouts as retryable ProviderErrors, lenient JSON. Provider-specific error bodies stay in the
// provider's folder.
import { UrlRefused } from '../lib/url-guard.ts';
import { ProviderError } from './channel.ts';

/** A provider call that hangs this long is abandoned and reported as retryable. */
export const PROVIDER_TIMEOUT_MS = 15_000;

/** Failures that prove the request never reached the provider: sending it again is safe. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
]);

/** The errno-style code of a fetch failure (undici puts it on the cause). */
function failureCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown; cause?: { code?: unknown } } })?.cause;
  const code = cause?.code ?? cause?.cause?.code ?? (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Calls a provider; resolves with the answer and its body text, whatever the status. A request
 * that could not connect never reached the provider (code `network`, safe to send again). One that
 * timed out or lost its connection may have (codes `timeout`, `connection_lost`): the sender must
 * not send it again blindly. The message names no address or internal detail (tenants see it).
 */
export async function providerFetch(
  provider: string,
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
): Promise<{ response: Response; text: string }> {
  try {
    const response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
    return { response, text: await response.text() };
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    if (err instanceof UrlRefused) throw refusedDestination(provider, url, err);
    const name = err instanceof Error ? err.name : '';
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    const code = failureCode(err);
    const cause = (err as { cause?: { message?: unknown } })?.cause?.message;
    // fetch refuses some requests before connecting ("bad port", an invalid URL).
    const refusedLocally = typeof cause === 'string' && /^(bad port|invalid url)/i.test(cause);
    const notSent = !timedOut && ((code !== undefined && NOT_SENT.has(code)) || refusedLocally);
    throw new ProviderError(
      timedOut
        ? `${provider} API timed out`
        : notSent
          ? `${provider} API unreachable`
          : `${provider} API connection lost before it answered`,
      { retryable: true, code: timedOut ? 'timeout' : notSent ? 'network' : 'connection_lost' },
    );
  }
}

/** A provider URL the destination guard refused: permanent, and said in the tenant's terms. */
export function refusedDestination(provider: string, url: string, err: UrlRefused): ProviderError {
  let host = '';
  try {
    host = new URL(url).host;
  } catch {
    // the guard said why
  }
  return new ProviderError(
    err.code === 'private_address'
      ? `${provider} API address ${host} leads into a private network; Parley does not call it (the operator may allow it with CHANNEL_ALLOW_PRIVATE_HOSTS)`
      : `${provider} API address refused: ${err.message.replace(/KNOWLEDGE_ALLOW_PRIVATE_HOSTS/g, 'CHANNEL_ALLOW_PRIVATE_HOSTS')}`,
    { retryable: false, code: 'destination_refused' },
  );
}

/** Codes of a failed call that may nevertheless have reached the provider. */
export const IN_DOUBT_CODES: readonly string[] = ['timeout', 'connection_lost'];

/** The JSON of a body, or undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export const trimSlash = (url: string) => url.replace(/\/+$/, '');
