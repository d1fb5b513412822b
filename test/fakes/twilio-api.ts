// A fake Twilio REST API on 127.0.0.1 for tests: records every request and answers like Twilio.
//   POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic auth AccountSid:AuthToken,
//   form fields From, To, Body | MediaUrl | ContentSid (+ ContentVariables)
//     → 201 with the Message resource (sid "SM…", status "queued")
//   bad credentials → 401 {code: 20003, message: "Authenticate", more_info, status}
//   missing fields  → 400 with Twilio's codes (21603, 21604, 21619)
//   GET /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{MediaSid}, basic auth
//     → 307 to a short-lived signed link on the fake CDN (/mms.twiliocdn.com/…), which serves the
//       bytes without auth; with `.json`, the Media resource. addMedia() registers a file.
// failNext() makes the next request(s) answer an error instead (Twilio's error body for the status
// unless given one, e.g. TWILIO_ERRORS.windowClosed); hangNext() never answers (timeouts).
// Point TwilioConfig.apiUrl at `url`.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The decoded form: a repeated name (MediaUrl) gives an array. */
  body: Record<string, string | string[]>;
};

export type FakeTwilioOptions = { accountSid?: string; authToken?: string };

export type FakeTwilio = {
  url: string;
  requests: RecordedRequest[];
  failNext(status: number, body?: unknown, times?: number): void;
  hangNext(times?: number): void;
  /** A file a customer sent (with the recorded fixture's sids unless given); returns its MediaUrl. */
  addMedia(file: { bytes: Buffer; contentType: string; messageSid?: string; mediaSid?: string }): {
    url: string;
    messageSid: string;
    mediaSid: string;
  };
  close(): Promise<void>;
};

type MediaFile = { bytes: Buffer; contentType: string; messageSid: string; mediaSid: string; created: string };

export const FAKE_TWILIO = { accountSid: 'ACa9125e94e4a3bf3736a231e5e29b0e01', authToken: 'twilio-test-auth-token' };

const restError = (code: number, message: string, status: number) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

/** Error bodies exactly as Twilio's REST API returns them. */
export const TWILIO_ERRORS = {
  authenticate: { ...restError(20003, 'Authenticate', 401), detail: 'Your AccountSid or AuthToken was incorrect.' },
  tooManyRequests: restError(20429, 'Too Many Requests', 429),
  internal: restError(20500, 'An internal server error has occurred', 500),
  unavailable: restError(20503, 'Service unavailable', 503),
  invalidTo: restError(21211, "Invalid 'To' Phone Number: whatsapp:+91XXXXXXXX", 400),
  windowClosed: restError(
    63016,
    'Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.',
    400,
  ),
};

export async function startTwilioApi(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const { accountSid, authToken } = { ...FAKE_TWILIO, ...options };
  const requests: RecordedRequest[] = [];
  const failures: { status: number; body: unknown }[] = [];
  const hanging = new Set<ServerResponse>();
  const media = new Map<string, MediaFile>();
  const cdn = new Map<string, MediaFile>();
  let base = '';
  let hangs = 0;

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: decodeForm(raw),
    };
    requests.push(recorded);

    if (hangs > 0) {
      hangs--;
      hanging.add(res);
      return;
    }
    const failure = failures.shift();
    if (failure) return json(res, failure.status, failure.body ?? defaultError(failure.status));

    const signed = cdn.get(url.pathname);
    if (url.pathname.startsWith('/mms.twiliocdn.com/')) {
      if (!signed || !url.searchParams.get('Signature'))
        return void res
          .writeHead(403, { 'content-type': 'application/xml' })
          .end('<Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>');
      res.writeHead(200, { 'content-type': signed.contentType, 'content-length': String(signed.bytes.length) });
      return void res.end(signed.bytes);
    }
    const mediaMatch = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\/([^/.]+)(\.json)?$/.exec(
      url.pathname,
    );
    if (mediaMatch && req.method === 'GET') {
      const credentials = basicAuth(req.headers.authorization);
      if (
        !credentials ||
        credentials.user !== accountSid ||
        credentials.password !== authToken ||
        mediaMatch[1] !== accountSid
      )
        return json(res, 401, TWILIO_ERRORS.authenticate);
      const file = media.get(`${mediaMatch[2]}/${mediaMatch[3]}`);
      if (!file) return json(res, 404, restError(20404, `The requested resource ${url.pathname} was not found`, 404));
      const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${file.messageSid}/Media/${file.mediaSid}.json`;
      if (mediaMatch[4]) {
        return json(res, 200, {
          account_sid: accountSid,
          content_type: file.contentType,
          date_created: file.created,
          date_updated: file.created,
          parent_sid: file.messageSid,
          sid: file.mediaSid,
          uri,
        });
      }
      const path = `/mms.twiliocdn.com/${accountSid}/${randomBytes(16).toString('hex')}`;
      cdn.set(path, file);
      res.writeHead(307, {
        location: `${base}${path}?Expires=${Math.floor(Date.now() / 1000) + 4 * 3600}&Signature=${randomBytes(32).toString('base64url')}&Key-Pair-Id=APKAFAKE0000`,
        'content-length': '0',
      });
      return void res.end();
    }

    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
    if (!match) return json(res, 404, restError(20404, `The requested resource ${url.pathname} was not found`, 404));
    const credentials = basicAuth(req.headers.authorization);
    if (
      !credentials ||
      credentials.user !== accountSid ||
      credentials.password !== authToken ||
      match[1] !== accountSid
    ) {
      return json(res, 401, TWILIO_ERRORS.authenticate);
    }
    if (req.method !== 'POST') return json(res, 405, restError(20004, 'Method not allowed', 405));

    const form = recorded.body;
    const first = (name: string) => (Array.isArray(form[name]) ? form[name][0] : form[name]);
    const to = first('To');
    const from = first('From');
    if (!to) return json(res, 400, restError(21604, "A 'To' phone number is required.", 400));
    if (!from) return json(res, 400, restError(21603, "A 'From' phone number is required.", 400));
    if (!first('Body') && !first('MediaUrl') && !first('ContentSid')) {
      return json(res, 400, restError(21619, 'A text message body or media urls must be specified.', 400));
    }
    if (from.startsWith('whatsapp:') !== to.startsWith('whatsapp:')) {
      return json(
        res,
        400,
        restError(21910, 'Invalid From and To pair. From and To should be of the same channel', 400),
      );
    }

    const sid = `${first('MediaUrl') ? 'MM' : 'SM'}${randomBytes(16).toString('hex')}`;
    const now = new Date().toUTCString().replace('GMT', '+0000');
    const mediaCount = Array.isArray(form.MediaUrl) ? form.MediaUrl.length : form.MediaUrl ? 1 : 0;
    return json(res, 201, {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: first('Body') ?? '',
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from,
      messaging_service_sid: null,
      num_media: String(mediaCount),
      num_segments: '1',
      price: null,
      price_unit: null,
      sid,
      status: 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    requests,
    failNext(status, body, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ status, body });
    },
    hangNext(times = 1) {
      hangs += times;
    },
    addMedia({
      bytes,
      contentType,
      messageSid = 'MM78805a221a988e79ef3f42d7c5bfd418',
      mediaSid = 'ME78805a221a988e79ef3f42d7c5bfd418',
    }) {
      media.set(`${messageSid}/${mediaSid}`, {
        bytes,
        contentType,
        messageSid,
        mediaSid,
        created: new Date().toUTCString().replace('GMT', '+0000'),
      });
      return {
        url: `${base}/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${mediaSid}`,
        messageSid,
        mediaSid,
      };
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function defaultError(status: number): unknown {
  if (status === 401) return TWILIO_ERRORS.authenticate;
  if (status === 429) return TWILIO_ERRORS.tooManyRequests;
  if (status === 503) return TWILIO_ERRORS.unavailable;
  if (status >= 500) return { ...TWILIO_ERRORS.internal, status };
  return restError(21211, "Invalid 'To' Phone Number", status);
}

function basicAuth(header: string | undefined): { user: string; password: string } | null {
  const m = header ? /^Basic\s+(.+)$/i.exec(header) : null;
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function decodeForm(raw: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const existing = form[key];
    form[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return form;
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
