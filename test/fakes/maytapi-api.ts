// A fake Maytapi API on 127.0.0.1 for tests: records every request and answers like Maytapi.
//   POST /api/{product_id}/{phone_id}/sendMessage with `x-maytapi-key`
//     → 200 {success: true, data: {chatId, msgId}}
//   wrong or missing key → 401 {success: false, message}; unknown product/phone → 404 likewise.
//   GET /wh/{name}  → a file a customer sent, without the key, like Maytapi's CDN (cdnydm.com);
//   addFile() registers one and returns the URL the webhook would carry.
// failNext() makes the next request(s) answer an error instead; hangNext() never answers them
// (for timeouts). Point MaytapiConfig.apiUrl at `url`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when it parses, else the raw text. */
  body: unknown;
};

export type FakeMaytapiOptions = { productId?: string; phoneId?: string; apiToken?: string };

export type FakeMaytapi = {
  url: string;
  requests: RecordedRequest[];
  failNext(status: number, body?: unknown, times?: number): void;
  hangNext(times?: number): void;
  addFile(file: { bytes: Buffer; contentType: string; name: string }): string;
  close(): Promise<void>;
};

export const FAKE_MAYTAPI = { productId: 'prod-0f9e4d8c', phoneId: '40123', apiToken: 'maytapi-test-token' };

export async function startMaytapiApi(options: FakeMaytapiOptions = {}): Promise<FakeMaytapi> {
  const { productId, phoneId, apiToken } = { ...FAKE_MAYTAPI, ...options };
  const requests: RecordedRequest[] = [];
  const failures: { status: number; body: unknown }[] = [];
  let hangs = 0;
  let counter = 0;
  const hanging = new Set<ServerResponse>();
  const files = new Map<string, { bytes: Buffer; contentType: string }>();

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: parseJson(raw),
    };
    requests.push(recorded);

    if (hangs > 0) {
      hangs--;
      hanging.add(res);
      return;
    }
    const failure = failures.shift();
    if (failure) return json(res, failure.status, failure.body ?? defaultError(failure.status));

    if (url.pathname.startsWith('/wh/') && req.method === 'GET') {
      const file = files.get(decodeURIComponent(url.pathname));
      if (!file) return json(res, 404, { success: false, message: 'File not found' });
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.bytes.length) });
      return void res.end(file.bytes);
    }
    if (req.headers['x-maytapi-key'] !== apiToken) {
      return json(res, 401, {
        success: false,
        message: 'Token is not valid. Please check your token from the console.',
      });
    }
    const match = /^\/api\/([^/]+)\/([^/]+)\/sendMessage$/.exec(url.pathname);
    if (!match || req.method !== 'POST')
      return json(res, 404, { success: false, message: `Cannot ${req.method} ${url.pathname}` });
    if (match[1] !== productId) return json(res, 404, { success: false, message: `Product ${match[1]} not found` });
    if (match[2] !== phoneId)
      return json(res, 400, {
        success: false,
        message: `[${match[2]}] is not a valid phone instance id. You can find your phones from /api/${productId}/listPhones`,
      });

    const body = recorded.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || typeof body.to_number !== 'string' || !body.to_number) {
      return json(res, 400, { success: false, message: 'to_number is required' });
    }
    if (
      !['text', 'media', 'sticker', 'location', 'link', 'vcard', 'forward', 'reaction', 'poll'].includes(
        String(body.type),
      )
    ) {
      return json(res, 400, { success: false, message: `Unknown message type: ${String(body.type)}` });
    }
    if (typeof body.message !== 'string' || !body.message)
      return json(res, 400, { success: false, message: 'message is required' });

    counter++;
    const chatId = `${body.to_number.replace(/\D/g, '')}@c.us`;
    const rxid = `3EB0${counter.toString(16).toUpperCase().padStart(16, '0')}`;
    return json(res, 200, { success: true, data: { chatId, msgId: `true_${chatId}_${rxid}` } });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api`,
    addFile({ bytes, contentType, name }) {
      files.set(`/wh/${name}`, { bytes, contentType });
      return `http://127.0.0.1:${port}/wh/${encodeURIComponent(name)}`;
    },
    requests,
    failNext(status, body, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ status, body });
    },
    hangNext(times = 1) {
      hangs += times;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function defaultError(status: number): unknown {
  if (status === 429) return { success: false, message: 'Too many requests. Please slow down.' };
  if (status >= 500) return { success: false, message: 'Internal server error' };
  return { success: false, message: `Request failed with status ${status}` };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
