// Shared by the benchmarks: a throwaway database on the BENCH_DATABASE_URL server, and signed
// WhatsApp Cloud API text webhooks as Meta sends them.
import { createHmac, randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A database name and URL on the server of BENCH_DATABASE_URL (default the local `test` one), and
 * `admin(sql)` to run statements (create database, drop database) on that server's own database.
 */
export function benchDatabase(prefix: string) {
  const base = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const name = `${prefix}_${process.pid}`;
  const url = new URL(base);
  url.pathname = `/${name}`;
  const admin = async (query: string) => {
    const c = new pg.Client({ connectionString: base.toString() });
    await c.connect();
    try {
      await c.query(query);
    } finally {
      await c.end();
    }
  };
  return { name, url, admin };
}

/** X-Hub-Signature-256 of the exact bytes. */
export const signature = (body: Buffer, secret: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A WhatsApp Cloud API webhook with one text message, as Meta sends it. */
export function waTextBody(phoneNumberId: string, from: string, name: string, id: string, text: string): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102938475610293',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name }, wa_id: from }],
              messages: [
                { from, id, timestamp: String(Math.floor(Date.now() / 1000)), text: { body: text }, type: 'text' },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
}

/** POST JSON to a running Parley at `base`: the answer of a 2xx, else an Error naming the path and status. */
export function apiPoster(base: string) {
  return async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, any>;
  };
}

/**
 * A workspace registered through the API of the Parley at `base`, signed in, with a WhatsApp
 * number connected whose Graph API is `graphUrl` (a fake, or a closed port when nothing is sent):
 * what a bench needs to post signed webhooks and further API calls.
 */
export async function benchWhatsApp(base: string, graphUrl: string, o: { runId?: string; workspace?: string } = {}) {
  const post = apiPoster(base);
  const runId = o.runId ?? randomBytes(4).toString('hex');
  const email = `bench-${runId}@example.com`;
  await post('/api/register', {
    name: 'Bench Owner',
    email,
    password: 'correct horse battery',
    workspace_name: o.workspace ?? 'Bench',
  });
  const { token } = await post('/api/login', { email, password: 'correct horse battery' });
  const phoneNumberId = `1${Date.now()}`;
  const secret = `bench-app-secret-${runId}`;
  await post(
    '/api/channels',
    {
      kind: 'whatsapp',
      name: 'WhatsApp',
      account_id: phoneNumberId,
      settings: { apiUrl: graphUrl },
      secrets: { accessToken: 'EAAG-bench', appSecret: secret, verifyToken: 'bench' },
    },
    token,
  );
  return { post, token: token as string, phoneNumberId, secret, runId };
}
