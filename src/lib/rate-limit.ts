/** A token bucket per key: `take(key)` resolves when a token is free (rate per second, burst = rate). */
export function createRateLimiter(ratePerSecond: number, now: () => number = () => Date.now()) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async function take(key: string): Promise<void> {
    for (;;) {
      const t = now();
      const b = buckets.get(key) ?? { tokens: ratePerSecond, at: t };
      b.tokens = Math.min(ratePerSecond, b.tokens + ((t - b.at) / 1000) * ratePerSecond);
      b.at = t;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - b.tokens) / ratePerSecond) * 1000)));
    }
  };
}
