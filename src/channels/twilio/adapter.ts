// Twilio WhatsApp (https://www.twilio.com/docs/whatsapp/api).
//
// Webhooks are form-encoded, not JSON. parse() takes the body already decoded into a
// Record<string, string> (decodeTwilioForm in payload.ts does it from the raw bytes; a raw string
// or Buffer is decoded here too). verify() works on the raw bytes: X-Twilio-Signature is
// base64(HMAC-SHA1(auth token, URL + every POST param name and value, sorted by name)), where the
// URL is the one configured at Twilio (`webhookUrl`) with the query string Twilio actually called.
// https://www.twilio.com/docs/usage/webhooks/webhooks-security
//
// Twilio's webhooks carry no event time, so the time of receipt stands in for it.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  PayloadError,
  ProviderError,
  type ChannelAdapter,
  type InboundEvent,
  type InboundMessage,
  type InboundStatus,
  type MessageType,
  type OutboundPayload,
  type Recipient,
  type Sender,
  type SendResult,
  type WebhookRequest,
} from '../channel.ts';
import {
  decodeTwilioForm,
  TwilioInboundMessageSchema,
  TwilioMessageResourceSchema,
  TwilioRestErrorSchema,
  TwilioStatusCallbackSchema,
  type TwilioForm,
  type TwilioInboundMessage,
  type TwilioStatusCallback,
} from './payload.ts';

export type TwilioConfig = {
  accountSid: string;
  /** Secret: signs webhooks and authenticates sends. */
  authToken: string;
  /** Our WhatsApp sender, "whatsapp:+14155238886" or "+14155238886". */
  whatsappFrom: string;
  /** Default 'https://api.twilio.com'. */
  apiUrl: string;
  /** The public URL Twilio calls; its signature covers it. */
  webhookUrl: string;
};

export const TWILIO_DEFAULT_API_URL = 'https://api.twilio.com';
const SEND_TIMEOUT_MS = 15_000;

export const twilioAdapter: ChannelAdapter<TwilioConfig> = {
  kind: 'twilio',
  verify: verifyTwilio,
  parse: parseTwilio,
  send: sendTwilio,
};

// ---------------------------------------------------------------------------------------------
// verify

function verifyTwilio(req: WebhookRequest, config: TwilioConfig): boolean {
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
  return urlVariants(url).some((u) => sameBytes(createHmac('sha1', config.authToken).update(u + data, 'utf8').digest(), given));
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

// ---------------------------------------------------------------------------------------------
// parse

function parseTwilio(body: unknown): InboundEvent[] {
  const form = toForm(body);
  if (form.MessageStatus && form.MessageStatus !== 'received') {
    return parseStatus(check(TwilioStatusCallbackSchema, form, 'status callback'));
  }
  return [parseMessage(check(TwilioInboundMessageSchema, form, 'incoming message'))];
}

function toForm(body: unknown): TwilioForm {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return decodeTwilioForm(body);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new PayloadError('Not a Twilio webhook: expected form fields');
  const form: TwilioForm = {};
  for (const [key, value] of Object.entries(body)) {
    // Fastify's form parser may give arrays for repeated names; Twilio never repeats the ones we read.
    const v = Array.isArray(value) ? value[0] : value;
    if (typeof v === 'string') form[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') form[key] = String(v);
  }
  return form;
}

function check<T>(schema: z.ZodType<T>, form: TwilioForm, what: string): T {
  const r = schema.safeParse(form);
  if (r.success) return r.data;
  const problems = r.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  throw new PayloadError(`Not a Twilio ${what}: ${problems}`);
}

const statusMap: Record<string, InboundStatus['status'] | undefined> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  undelivered: 'failed',
  canceled: 'failed',
};

function parseStatus(s: TwilioStatusCallback): InboundEvent[] {
  // queued, accepted, scheduled, sending: not a delivery state yet.
  const status = statusMap[s.MessageStatus.toLowerCase()];
  if (!status) return [];
  const recipient = sender(s.To);
  const errorCode = s.ErrorCode && s.ErrorCode !== '0' ? s.ErrorCode : status === 'failed' ? s.MessageStatus : undefined;
  return [
    {
      kind: 'status',
      channel: 'twilio',
      accountId: address(s.From) ?? s.AccountSid,
      providerMessageId: s.MessageSid,
      status,
      timestamp: new Date(),
      ...(recipient ? { recipient } : {}),
      ...(errorCode ? { errors: [{ code: errorCode, ...(s.ErrorMessage ? { message: s.ErrorMessage } : {}) }] } : {}),
    },
  ];
}

function parseMessage(m: TwilioInboundMessage): InboundMessage {
  const from = sender(m.From, m.WaId) ?? {};
  if (m.ProfileName) from.name = m.ProfileName;
  if (!from.phone && !from.userId) throw new PayloadError(`Twilio message ${m.MessageSid} names no sender`);
  const body = m.Body ?? '';
  const referral = m.ReferralSourceType || m.ReferralSourceId || m.ReferralSourceUrl
    ? clean({ sourceType: m.ReferralSourceType, sourceId: m.ReferralSourceId, sourceUrl: m.ReferralSourceUrl, headline: m.ReferralHeadline, body: m.ReferralBody, clickId: m.ReferralCtwaClid })
    : undefined;
  return {
    kind: 'message',
    channel: 'twilio',
    accountId: address(m.To) ?? m.To,
    providerMessageId: m.MessageSid,
    from,
    timestamp: new Date(),
    ...content(m, body),
    ...(m.OriginalRepliedMessageSid ? { contextMessageId: m.OriginalRepliedMessageSid } : {}),
    ...(referral ? { referral } : {}),
  };
}

type Content = Pick<InboundMessage, 'type' | 'text' | 'media' | 'location' | 'reply'>;

function content(m: TwilioInboundMessage, body: string): Content {
  const declared = m.MessageType?.toLowerCase();
  const numMedia = Number(m.NumMedia ?? '0');
  const mediaUrl = numMedia > 0 ? m[`MediaUrl0`] : undefined;
  const mimeType = numMedia > 0 ? m[`MediaContentType0`] : undefined;
  const text = body ? { text: body } : {};

  if (declared === 'location' || (!declared && m.Latitude && m.Longitude)) {
    const latitude = Number(m.Latitude);
    const longitude = Number(m.Longitude);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return { type: 'unsupported', ...text };
    return { type: 'location', ...text, location: clean({ latitude, longitude, name: m.Label, address: m.Address }) };
  }

  if (declared === 'button' || declared === 'interactive' || (!declared && (m.ButtonPayload || m.ButtonText))) {
    const id = m.ButtonPayload ?? m.ListId;
    const title = m.ButtonText ?? m.ListTitle ?? (body || undefined);
    return {
      type: declared === 'interactive' ? 'interactive' : 'button',
      ...(title ? { text: title } : text),
      reply: clean({ id, title, payload: m.ButtonPayload }),
    };
  }

  if (typeof mediaUrl === 'string' && mediaUrl) {
    const type = mediaType(declared, typeof mimeType === 'string' ? mimeType : undefined);
    return {
      type,
      ...text,
      media: clean({ id: mediaSid(mediaUrl), url: mediaUrl, mimeType: typeof mimeType === 'string' ? mimeType : undefined, caption: body || undefined }),
    };
  }

  if (!declared || declared === 'text') return { type: 'text', text: body };
  return { type: 'unsupported', ...text };
}

const declaredMedia: Record<string, MessageType> = { image: 'image', video: 'video', audio: 'audio', document: 'document', sticker: 'sticker' };

function mediaType(declared: string | undefined, mimeType: string | undefined): MessageType {
  if (declared && declaredMedia[declared]) return declaredMedia[declared];
  if (mimeType?.startsWith('image/')) return mimeType === 'image/webp' ? 'sticker' : 'image';
  if (mimeType?.startsWith('video/')) return 'video';
  if (mimeType?.startsWith('audio/')) return 'audio';
  return 'document';
}

/** ".../Messages/MM…/Media/ME…" → "ME…". */
function mediaSid(url: string): string | undefined {
  return /\/Media\/(ME[0-9a-zA-Z]{32})/.exec(url)?.[1];
}

/** "whatsapp:+919876543210" → "+919876543210"; keeps non-phone addresses as they are. */
function address(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value.replace(/^[a-z]+:/i, '') || undefined;
}

function sender(value: string | undefined, waId?: string): Sender | undefined {
  const a = address(value);
  if (a && /^\+?\d{6,15}$/.test(a)) return { phone: a.startsWith('+') ? a : `+${a}` };
  if (waId && /^\d{6,15}$/.test(waId)) return { phone: `+${waId}` };
  return a ? { userId: a } : undefined;
}

function clean<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

// ---------------------------------------------------------------------------------------------
// send

/** Twilio error codes worth retrying besides HTTP 429/5xx: too many requests, internal error, unavailable. */
const RETRYABLE_CODES = new Set(['20429', '20500', '20503']);

async function sendTwilio(config: TwilioConfig, to: Recipient, payload: OutboundPayload, fetchImpl: typeof fetch = fetch): Promise<SendResult> {
  if (payload.type === 'mark_read') return { providerMessageId: null }; // WhatsApp read receipts are not in the Messages API
  if (!to.phone) throw new ProviderError('Twilio WhatsApp needs a phone number to send to', { retryable: false, code: 'no_recipient' });
  const form = new URLSearchParams({ From: whatsappAddress(config.whatsappFrom), To: whatsappAddress(to.phone) });
  switch (payload.type) {
    case 'text':
      form.set('Body', payload.text);
      break;
    case 'media':
      // Twilio names the file from the URL; WhatsApp shows the Body as the caption.
      form.set('MediaUrl', payload.url);
      if (payload.caption) form.set('Body', payload.caption);
      break;
    case 'template':
      // Twilio's WhatsApp templates are Content Templates: the name is the Content SID (HX…),
      // which also fixes the language. Variables are numbered from 1.
      if (!/^HX[0-9a-fA-F]{32}$/.test(payload.name)) {
        throw new ProviderError(`Twilio templates are Content SIDs (HX…); got "${payload.name}"`, { retryable: false, code: 'template_not_content_sid' });
      }
      form.set('ContentSid', payload.name);
      if (payload.variables?.length) form.set('ContentVariables', JSON.stringify(Object.fromEntries(payload.variables.map((v, i) => [String(i + 1), v]))));
      break;
  }

  const base = (config.apiUrl || TWILIO_DEFAULT_API_URL).replace(/\/+$/, '');
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    const reason = err instanceof Error ? err.message : String(err);
    throw new ProviderError(`Twilio request ${timedOut ? 'timed out' : 'failed'}: ${reason}`, { retryable: true, code: timedOut ? 'timeout' : 'network' });
  }

  const text = await res.text().catch(() => '');
  const json = safeJson(text);
  if (res.ok) {
    const resource = TwilioMessageResourceSchema.safeParse(json);
    if (resource.success) return { providerMessageId: resource.data.sid };
    throw new ProviderError(`Twilio answered HTTP ${res.status} without a message sid`, { retryable: false, status: res.status, code: 'bad_response' });
  }
  const error = TwilioRestErrorSchema.safeParse(json);
  const code = error.success && error.data.code !== undefined ? String(error.data.code) : `http_${res.status}`;
  const message = (error.success && error.data.message) || text.slice(0, 200) || 'no body';
  throw new ProviderError(`Twilio error ${code} (HTTP ${res.status}): ${message}`, {
    retryable: res.status === 429 || res.status >= 500 || RETRYABLE_CODES.has(code),
    status: res.status,
    code,
  });
}

/** "+91 98765-43210" or "whatsapp:+919876543210" → "whatsapp:+919876543210". */
function whatsappAddress(value: string): string {
  if (/^whatsapp:/i.test(value)) return `whatsapp:${value.slice('whatsapp:'.length).trim()}`;
  return `whatsapp:+${value.replace(/\D/g, '')}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
