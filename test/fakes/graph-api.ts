// A fake Meta Graph API on 127.0.0.1 for WhatsApp Cloud API and Messenger sends. It records every
// request and answers in Meta's real formats:
//   POST /{version?}/{phone_number_id}/messages   (Bearer token, messaging_product "whatsapp")
//        → {messaging_product, contacts: [{input, wa_id}], messages: [{id: "wamid.…"}]}
//        → {success: true} for mark-as-read
//   POST /{version?}/{page_id|me}/messages?access_token=…  → {recipient_id, message_id: "m_…"}
//   POST /{version?}/{comment_id}/comments?access_token=…  → {id}
//   GET  /{version?}/{media-id}  (Bearer)  → {messaging_product, url, mime_type, sha256, file_size, id}
//   GET  /whatsapp_business/attachments/?mid=…&ext=…&hash=…  (the same Bearer) → the bytes, like
//        lookaside.fbsbx.com; addMedia() registers a file
//   GET  /v/{name}?oe=…  → a Messenger attachment without auth, like scontent.xx.fbcdn.net; addCdnFile()
// Errors use Meta's shape {error: {message, type, code, error_subcode?, error_data?, fbtrace_id}}.
// failNext() queues failures (passNext() puts normal answers before them); stallNext() accepts requests and never answers (timeouts).
// dropAnswerNext() accepts a message (it "reaches Meta", a wamid is issued) and then drops the
// connection instead of answering: the answer lost to a crash or a timeout. statusWebhook() builds
// the WhatsApp status webhook Meta would send for an accepted message, echoing the send's
// biz_opaque_callback_data as Meta does (statuses[].biz_opaque_callback_data).
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: unknown;
};

export type FakeGraphApi = {
  url: string;
  requests: RecordedRequest[];
  failNext(status: number, body?: unknown, times?: number): void;
  /** The next `times` requests are answered normally, before any failure queued after this. */
  passNext(times?: number): void;
  stallNext(times?: number): void;
  /** Templates of this name are refused as Meta refuses an unapproved one (404, code 132001). */
  rejectTemplate(name: string): void;
  dropAnswerNext(times?: number): void;
  /** For the next `ms`, every request answers `status` (Meta's error body), or hangs when status is 0. */
  failFor(status: number, ms: number): void;
  /** WhatsApp messages the fake accepted, in order: wamid, phone number id, recipient, callback data. */
  accepted: { wamid: string; phoneNumberId: string; to: string; callbackData?: string }[];
  /** The status webhook body (JSON) Meta sends for an accepted WhatsApp message. */
  statusWebhook(wamid: string, status: 'sent' | 'delivered' | 'read' | 'failed'): string;
  /** A file a WhatsApp customer sent, under its media id (a fresh one unless given); returns the id. */
  addMedia(file: { bytes: Buffer; mimeType: string; id?: string; fileSize?: number }): string;
  /** A Messenger attachment on the fake CDN; returns its URL. */
  addCdnFile(file: { bytes: Buffer; contentType: string; name?: string }): string;
  close(): Promise<void>;
};

type MediaFile = { bytes: Buffer; mimeType: string; id: string; fileSize?: number; hash: string };

const trace = () => randomBytes(8).toString('base64url');

/** Meta error bodies, for failNext() and for the fake's own validation. */
export const graphErrors = {
  rateLimited: () => ({
    error: {
      message: '(#130429) Rate limit hit',
      type: 'OAuthException',
      code: 130429,
      error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
      fbtrace_id: trace(),
    },
  }),
  windowClosed: () => ({
    error: {
      message: '(#131047) Re-engagement message',
      type: 'OAuthException',
      code: 131047,
      error_data: {
        messaging_product: 'whatsapp',
        details:
          'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
      fbtrace_id: trace(),
    },
  }),
  invalidToken: () => ({
    error: {
      message: 'Invalid OAuth access token - Cannot parse access token',
      type: 'OAuthException',
      code: 190,
      fbtrace_id: trace(),
    },
  }),
  expiredToken: () => ({
    error: {
      message:
        'Error validating access token: Session has expired on Tuesday, 28-Jul-26 10:00:00 PDT. The current time is Wednesday, 29-Jul-26 03:12:45 PDT.',
      type: 'OAuthException',
      code: 190,
      error_subcode: 463,
      fbtrace_id: trace(),
    },
  }),
  unknownObject: (id: string) => ({
    error: {
      message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
      fbtrace_id: trace(),
    },
  }),
  missingToken: () => ({
    error: {
      message: 'An active access token must be used to query information about the current user.',
      type: 'OAuthException',
      code: 2500,
      fbtrace_id: trace(),
    },
  }),
  invalidParameter: (details: string) => ({
    error: {
      message: '(#100) Invalid parameter',
      type: 'OAuthException',
      code: 100,
      error_data: { messaging_product: 'whatsapp', details },
      fbtrace_id: trace(),
    },
  }),
  serverError: () => ({
    error: {
      message: 'An unknown error has occurred.',
      type: 'OAuthException',
      code: 1,
      is_transient: true,
      fbtrace_id: trace(),
    },
  }),
  messengerOutsideWindow: () => ({
    error: {
      message: '(#10) This message is sent outside of allowed window.',
      type: 'OAuthException',
      code: 10,
      error_subcode: 2018278,
      fbtrace_id: trace(),
    },
  }),
};

function defaultErrorBody(status: number) {
  if (status === 429) return graphErrors.rateLimited();
  if (status === 401) return graphErrors.invalidToken();
  if (status >= 500) return graphErrors.serverError();
  return graphErrors.invalidParameter('Failure requested by the test');
}

type Answer = { status: number; body: unknown };

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text) return resolve(undefined);
      if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded'))
        return resolve(Object.fromEntries(new URLSearchParams(text)));
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(text);
      }
    });
  });
}

const WA_TYPES = [
  'text',
  'template',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'reaction',
];

const rejectedTemplates = new Set<string>();

function whatsapp(body: any): Answer {
  if (body?.messaging_product !== 'whatsapp')
    return { status: 400, body: graphErrors.invalidParameter('The parameter messaging_product is required.') };
  if (body.status === 'read') {
    return typeof body.message_id === 'string'
      ? { status: 200, body: { success: true } }
      : { status: 400, body: graphErrors.invalidParameter('The parameter message_id is required.') };
  }
  const input = body.to ?? body.recipient;
  if (typeof input !== 'string' || !input)
    return { status: 400, body: graphErrors.invalidParameter('The parameter to is required.') };
  if (!WA_TYPES.includes(body.type) || typeof body[body.type] !== 'object')
    return {
      status: 400,
      body: graphErrors.invalidParameter(`Invalid or missing content for type ${String(body.type)}`),
    };
  if (body.type === 'template' && rejectedTemplates.has(body.template?.name))
    return {
      status: 404,
      body: {
        error: {
          message: '(#132001) Template name does not exist in the translation',
          type: 'OAuthException',
          code: 132001,
          error_data: {
            messaging_product: 'whatsapp',
            details: `template name (${body.template.name}) does not exist in ${body.template.language?.code}`,
          },
          fbtrace_id: trace(),
        },
      },
    };
  const contact = body.to ? { input, wa_id: input.replace(/\D/g, '') } : { input, wa_id: '', user_id: input };
  const message: Record<string, string> = { id: `wamid.${randomBytes(24).toString('base64')}` };
  if (body.type === 'template') message.message_status = 'accepted';
  return { status: 200, body: { messaging_product: 'whatsapp', contacts: [contact], messages: [message] } };
}

function messenger(body: any): Answer {
  const recipient = body?.recipient;
  if (!recipient || (typeof recipient.id !== 'string' && typeof recipient.comment_id !== 'string')) {
    return {
      status: 400,
      body: {
        error: {
          message: '(#100) The parameter recipient is required',
          type: 'OAuthException',
          code: 100,
          fbtrace_id: trace(),
        },
      },
    };
  }
  const recipientId = recipient.id ?? String(7_000_000_000_000_000 + Math.floor(Math.random() * 1e15));
  if (body.sender_action) return { status: 200, body: { recipient_id: recipientId } };
  if (!body.message || (typeof body.message.text !== 'string' && typeof body.message.attachment !== 'object')) {
    return {
      status: 400,
      body: {
        error: {
          message: '(#100) Must send either message or state',
          type: 'OAuthException',
          code: 100,
          fbtrace_id: trace(),
        },
      },
    };
  }
  return { status: 200, body: { recipient_id: recipientId, message_id: `m_${randomBytes(48).toString('base64url')}` } };
}

function commentReply(commentId: string, body: any): Answer {
  if (typeof body?.message !== 'string' && typeof body?.attachment_url !== 'string') {
    return {
      status: 400,
      body: {
        error: {
          message: '(#100) Missing message or attachment',
          type: 'OAuthException',
          code: 100,
          fbtrace_id: trace(),
        },
      },
    };
  }
  const objectId = commentId.split('_')[0];
  return { status: 200, body: { id: `${objectId}_${BigInt('0x' + randomBytes(7).toString('hex'))}` } };
}

function route(
  method: string,
  path: string,
  query: Record<string, string>,
  headers: IncomingMessage['headers'],
  body: unknown,
): Answer {
  // Accept an optional Graph version prefix: /v26.0/123/messages or /123/messages.
  const parts = path.split('/').filter(Boolean);
  if (parts[0] && /^v\d+\.\d+$/.test(parts[0])) parts.shift();
  if (method !== 'POST' || parts.length !== 2)
    return {
      status: 400,
      body: {
        error: {
          message: `Unsupported ${method} request. Object with ID '${parts[0] ?? ''}' does not exist`,
          type: 'GraphMethodException',
          code: 100,
          error_subcode: 33,
          fbtrace_id: trace(),
        },
      },
    };
  const [node, edge] = parts;
  const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
  const token = bearer ?? query.access_token;
  if (!token) return { status: 400, body: graphErrors.missingToken() };
  if (edge === 'messages') return (body as any)?.messaging_product ? whatsapp(body) : messenger(body);
  if (edge === 'comments') return commentReply(node, body);
  return {
    status: 400,
    body: { error: { message: `(#100) Unknown edge ${edge}`, type: 'OAuthException', code: 100, fbtrace_id: trace() } },
  };
}

type FileAnswer = { status: number; headers: Record<string, string>; bytes: Buffer };

/** GETs: WhatsApp media metadata and downloads, Messenger CDN files; null when not a media request. */
function mediaRoute(
  path: string,
  query: Record<string, string>,
  headers: IncomingMessage['headers'],
  base: string,
  media: Map<string, MediaFile>,
  cdn: Map<string, { bytes: Buffer; contentType: string }>,
): Answer | FileAnswer | null {
  const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
  if (path === '/whatsapp_business/attachments/') {
    const file = media.get(query.mid ?? '');
    if (!bearer) return { status: 401, body: graphErrors.missingToken() };
    if (!file || query.hash !== file.hash) return { status: 404, body: graphErrors.unknownObject(query.mid ?? '') };
    return {
      status: 200,
      headers: { 'content-type': file.mimeType, 'content-length': String(file.bytes.length) },
      bytes: file.bytes,
    };
  }
  if (path.startsWith('/v/')) {
    const file = cdn.get(path);
    if (!file) return { status: 404, headers: { 'content-type': 'text/plain' }, bytes: Buffer.from('Not Found') };
    return {
      status: 200,
      headers: { 'content-type': file.contentType, 'content-length': String(file.bytes.length) },
      bytes: file.bytes,
    };
  }
  const parts = path.split('/').filter(Boolean);
  if (parts[0] && /^v\d+\.\d+$/.test(parts[0])) parts.shift();
  if (parts.length !== 1) return null;
  if (!bearer && !query.access_token) return { status: 400, body: graphErrors.missingToken() };
  const file = media.get(parts[0]);
  if (!file) return { status: 400, body: graphErrors.unknownObject(parts[0]) };
  const expiry = Math.floor(Date.now() / 1000) + 300;
  return {
    status: 200,
    body: {
      messaging_product: 'whatsapp',
      url: `${base}/whatsapp_business/attachments/?mid=${file.id}&ext=${expiry}&hash=${file.hash}`,
      mime_type: file.mimeType,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      file_size: file.fileSize ?? file.bytes.length,
      id: file.id,
    },
  };
}

export async function startFakeGraphApi(): Promise<FakeGraphApi> {
  const requests: RecordedRequest[] = [];
  const failures: (Answer | null)[] = [];
  const media = new Map<string, MediaFile>();
  const cdn = new Map<string, { bytes: Buffer; contentType: string }>();
  let base = '';
  let stalls = 0;
  let drops = 0;
  let failUntil = 0;
  let failStatus = 0;
  const accepted: FakeGraphApi['accepted'] = [];

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const body = await readBody(req);
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query, headers, body });
    if (stalls > 0 || (failUntil > Date.now() && failStatus === 0)) {
      if (stalls > 0) stalls--;
      return; // never answer; close() drops the connection
    }
    if (failUntil > Date.now()) {
      res.writeHead(failStatus, { 'content-type': 'application/json; charset=UTF-8' });
      return res.end(JSON.stringify(defaultErrorBody(failStatus)));
    }
    const answer =
      (failures.length ? failures.shift() : null) ??
      (req.method === 'GET' ? mediaRoute(url.pathname, query, req.headers, base, media, cdn) : null) ??
      route(req.method ?? 'GET', url.pathname, query, req.headers, body);
    const sentId = (answer as { body?: { messages?: { id: string }[] } }).body?.messages?.[0]?.id;
    if (answer.status === 200 && sentId) {
      const b = body as { to?: string; recipient?: string; biz_opaque_callback_data?: string };
      accepted.push({
        wamid: sentId,
        phoneNumberId: url.pathname.split('/').at(-2) ?? '',
        to: b.to ?? b.recipient ?? '',
        ...(b.biz_opaque_callback_data ? { callbackData: b.biz_opaque_callback_data } : {}),
      });
    }
    if (drops > 0 && sentId) {
      drops--;
      return res.destroy(); // accepted, but the answer never arrives
    }
    if ('bytes' in answer) {
      res.writeHead(answer.status, answer.headers);
      return res.end(answer.bytes);
    }
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', 'x-fb-trace-id': trace() });
    res.end(JSON.stringify(answer.body));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    dropAnswerNext(times = 1) {
      drops += times;
    },
    failFor(status, ms) {
      failStatus = status;
      failUntil = Date.now() + ms;
    },
    statusWebhook(wamid, status) {
      const sent = accepted.find((a) => a.wamid === wamid);
      if (!sent) throw new Error(`the fake never accepted ${wamid}`);
      return JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102938475610293',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550001111', phone_number_id: sent.phoneNumberId },
                  statuses: [
                    {
                      id: wamid,
                      status,
                      timestamp: String(Math.floor(Date.now() / 1000)),
                      recipient_id: sent.to,
                      ...(sent.callbackData ? { biz_opaque_callback_data: sent.callbackData } : {}),
                      ...(status === 'failed'
                        ? { errors: [{ code: 131026, title: 'Message undeliverable' }] }
                        : {
                            pricing: {
                              billable: true,
                              pricing_model: 'PMP',
                              category: 'service',
                              type: 'free_customer_service',
                            },
                          }),
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
    },
    failNext(status, body, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ status, body: body ?? defaultErrorBody(status) });
    },
    passNext(times = 1) {
      for (let i = 0; i < times; i++) failures.push(null);
    },
    stallNext(times = 1) {
      stalls += times;
    },
    rejectTemplate(name) {
      rejectedTemplates.add(name);
    },
    addMedia({ bytes, mimeType, id, fileSize }) {
      const mediaId = id ?? String(1_000_000_000_000_000n + BigInt('0x' + randomBytes(6).toString('hex')));
      media.set(mediaId, { bytes, mimeType, id: mediaId, fileSize, hash: randomBytes(6).toString('base64url') });
      return mediaId;
    },
    addCdnFile({ bytes, contentType, name }) {
      const path = `/v/t1.15752-9/${name ?? `${randomBytes(6).toString('hex')}_n.jpg`}`;
      cdn.set(path, { bytes, contentType });
      return `${base}${path}?_nc_cat=1&ccb=1-7&oh=00_${randomBytes(6).toString('hex')}&oe=${Math.floor(
        Date.now() / 1000 + 86400,
      )
        .toString(16)
        .toUpperCase()}`;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
