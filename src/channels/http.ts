// The small request helpers every provider's sends share: one timeout, network failures and
// timeouts as retryable ProviderErrors, lenient JSON. Provider-specific error bodies stay in the
// provider's folder.
import { ProviderError } from './channel.ts';

/** A provider call that hangs this long is abandoned and reported as retryable. */
export const PROVIDER_TIMEOUT_MS = 15_000;

/**
 * Calls a provider; resolves with the answer and its body text, whatever the status. A request
 * that fails or times out may or may not have reached the provider: the error is retryable, and a
 * status webhook tells the truth later.
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
    const name = err instanceof Error ? err.name : '';
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    const reason = err instanceof Error ? err.message : String(err);
    throw new ProviderError(`${provider} API ${timedOut ? 'timed out' : 'unreachable'}: ${reason}`, {
      retryable: true,
      code: timedOut ? 'timeout' : 'network',
    });
  }
}

/** The JSON of a body, or undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export const trimSlash = (url: string) => url.replace(/\/+$/, '');
