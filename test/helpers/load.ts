// Load for fault tests: a few loops playing Meta (signed WhatsApp text webhooks from a few dozen
// numbers, each delivery remembered with whether it was acknowledged) and a few playing the
// dashboard and integrations (lead lists and creations). Every answer is recorded with its time;
// status 0 means the process did not answer (reset, refused or timed out).
import { metaSignature, waText } from './webhooks.ts';

export type Outcome = { status: number; kind: string; at: number };

export async function request(url: string, init: RequestInit = {}): Promise<number> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startLoad(opts: {
  base: string;
  auth: Record<string, string>;
  secret: string;
  phoneId: string;
  webhookLoops?: number;
  apiLoops?: number;
  /** Distinct customers per webhook loop. */
  numbers?: number;
  prefix?: string;
}) {
  const outcomes: Outcome[] = [];
  const deliveries = new Map<string, { body: string; acked: boolean }>();
  const prefix = opts.prefix ?? 'wamid.load';
  let n = 0;
  let running = true;
  const webhook = (body: string) =>
    request(`${opts.base}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, opts.secret) },
      body,
    });
  const loop = async (w: number, kind: 'webhook' | 'api') => {
    while (running) {
      const i = n++;
      let status: number;
      let what: string = kind;
      if (kind === 'webhook') {
        const id = `${prefix}.${i}`;
        const from = `9198700${String(w).padStart(2, '0')}${String(i % (opts.numbers ?? 7)).padStart(3, '0')}`;
        const body = waText(opts.phoneId, from, 'hi', { id });
        status = await webhook(body);
        deliveries.set(id, { body, acked: status === 200 });
      } else if (i % 2) {
        what = 'list';
        status = await request(`${opts.base}/api/leads?limit=5`, { headers: opts.auth });
      } else {
        what = 'create';
        status = await request(`${opts.base}/api/leads`, {
          method: 'POST',
          headers: { ...opts.auth, 'content-type': 'application/json' },
          body: JSON.stringify({ company: `Load Co ${i}` }),
        });
      }
      outcomes.push({ status, kind: what, at: Date.now() });
      await sleep(status === 503 || status === 0 ? 100 : kind === 'webhook' ? 50 : 0);
    }
  };
  const loops = [
    ...Array.from({ length: opts.webhookLoops ?? 2 }, (_, w) => loop(w, 'webhook' as const)),
    ...Array.from({ length: opts.apiLoops ?? 4 }, (_, w) => loop(w, 'api' as const)),
  ];
  return {
    outcomes,
    deliveries,
    webhook,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
    /** Re-sends every delivery that was not acknowledged, as Meta does, until each is. */
    async resendUnacked(timeoutMs = 60_000): Promise<number> {
      const deadline = Date.now() + timeoutMs;
      let resent = 0;
      for (const d of deliveries.values()) {
        while (!d.acked && Date.now() < deadline) {
          d.acked = (await webhook(d.body)) === 200;
          resent++;
          if (!d.acked) await sleep(200);
        }
      }
      return resent;
    },
  };
}

/** Counts of answers by status. */
export const byStatus = (list: Outcome[]) =>
  list.reduce<Record<number, number>>((m, o) => ((m[o.status] = (m[o.status] ?? 0) + 1), m), {});
