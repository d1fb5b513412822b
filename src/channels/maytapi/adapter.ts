// Maytapi: WhatsApp through a linked phone (https://maytapi.com/whatsapp-api-documentation).
//
// Maytapi signs nothing, so the webhook URL itself is the secret: when `webhookToken` is set the
// URL registered with Maytapi must end in `?token=<webhookToken>` and verify() checks it.
// Group chats and status broadcasts are not customer conversations and are ignored, as are our
// own messages (`fromMe`: sent from the phone or through the API).
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  PayloadError,
  ProviderError,
  type ChannelAdapter,
  type InboundAccountStatus,
  type InboundEvent,
  type InboundMessage,
  type InboundStatus,
  type MessageType,
  type OutboundPayload,
  type Recipient,
  type SendResult,
  type WebhookRequest,
} from '../channel.ts';
import {
  MaytapiAckWebhookSchema,
  MaytapiEnvelopeSchema,
  MaytapiErrorWebhookSchema,
  MaytapiMessageWebhookSchema,
  MaytapiSendResponseSchema,
  MaytapiStatusWebhookSchema,
  type MaytapiAckItem,
  type MaytapiInboundMessage,
  type MaytapiSendRequest,
} from './payload.ts';

export type MaytapiConfig = {
  productId: string;
  phoneId: string;
  /** Secret: sent as `x-maytapi-key`. */
  apiToken: string;
  /** Default 'https://api.maytapi.com/api'. */
  apiUrl: string;
  /** Secret: when set, webhooks must carry it as `?token=`. */
  webhookToken?: string;
};

export const MAYTAPI_DEFAULT_API_URL = 'https://api.maytapi.com/api';
const SEND_TIMEOUT_MS = 15_000;

export const maytapiAdapter: ChannelAdapter<MaytapiConfig> = {
  kind: 'maytapi',
  verify: verifyMaytapi,
  parse: parseMaytapi,
  send: sendMaytapi,
};

function verifyMaytapi(req: WebhookRequest, config: MaytapiConfig): boolean {
  if (!config.webhookToken) return true;
  const given = req.query.token ?? tokenFromUrl(req.url);
  if (!given) return false;
  // Hash both sides so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(config.webhookToken).digest();
  return timingSafeEqual(a, b);
}

function tokenFromUrl(url: string): string | undefined {
  try {
    return new URL(url, 'http://localhost').searchParams.get('token') ?? undefined;
  } catch {
    return undefined;
  }
}

function parseMaytapi(body: unknown): InboundEvent[] {
  const envelope = MaytapiEnvelopeSchema.safeParse(body);
  if (!envelope.success) throw new PayloadError(`Not a Maytapi webhook: ${problems(envelope.error)}`);
  switch (envelope.data.type) {
    case 'message':
      return parseMessage(strict(MaytapiMessageWebhookSchema, body, 'message'));
    case 'ack':
      return parseAcks(strict(MaytapiAckWebhookSchema, body, 'ack'));
    case 'status':
      return [parsePhoneStatus(strict(MaytapiStatusWebhookSchema, body, 'status'))];
    case 'error':
      return parseError(strict(MaytapiErrorWebhookSchema, body, 'error'));
    default:
      // live_event and future event types: Maytapi's format, nothing for Parley.
      return [];
  }
}

function strict<T>(schema: z.ZodType<T>, body: unknown, type: string): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new PayloadError(`Malformed Maytapi "${type}" webhook: ${problems(r.error)}`);
  return r.data;
}

/** The first few problems with their paths, never the body itself (it may hold personal data). */
function problems(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

function parseMessage(w: z.infer<typeof MaytapiMessageWebhookSchema>): InboundEvent[] {
  const m = w.message;
  if (m.fromMe) return [];
  if (!w.conversation.endsWith('@c.us') && !w.conversation.endsWith('@s.whatsapp.net') && !w.conversation.endsWith('@lid')) return [];
  const phone = toE164(w.user?.phone) ?? toE164(jidUser(w.user?.id)) ?? toE164(jidUser(w.conversation));
  const userId = phone ? undefined : (w.user?.id ?? w.conversation);
  const base: InboundMessage = {
    kind: 'message',
    channel: 'maytapi',
    accountId: w.phone_id,
    providerMessageId: m.id,
    from: { ...(phone ? { phone } : { userId }), ...(w.user?.name ? { name: w.user.name } : {}) },
    timestamp: epochToDate(w.timestamp) ?? new Date(),
    type: 'text',
    ...(m.quoted?.id ? { contextMessageId: m.quoted.id } : {}),
  };
  return [{ ...base, ...messageContent(m) }];
}

const mediaTypes: Record<string, MessageType> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  ptt: 'audio',
  document: 'document',
  sticker: 'sticker',
};

function messageContent(m: MaytapiInboundMessage): Pick<InboundMessage, 'type' | 'text' | 'media' | 'location' | 'contacts'> {
  if (m.type === 'text') return { type: 'text', text: m.text ?? '' };
  const mediaType = mediaTypes[m.type];
  if (mediaType) {
    const caption = m.caption ?? m.text;
    return {
      type: mediaType,
      ...(caption ? { text: caption } : {}),
      media: {
        ...(m.url ? { url: m.url } : {}),
        ...(m.mime ? { mimeType: m.mime } : {}),
        ...(caption ? { caption } : {}),
        ...(m.filename ? { filename: m.filename } : {}),
        ...(m.type === 'ptt' ? { voice: true } : {}),
      },
    };
  }
  if (m.type === 'location') {
    const location = parseLatLng(m.payload);
    if (!location) return { type: 'unsupported' };
    const label = m.text ?? m.caption;
    return { type: 'location', location: { ...location, ...(label ? { name: label } : {}) } };
  }
  if (m.type === 'vcard' || m.type === 'multi_vcard') {
    const cards = Array.isArray(m.vcard) ? m.vcard : [m.vcard ?? m.text ?? ''];
    return { type: 'contacts', contacts: cards.filter(Boolean).map(parseVcard) };
  }
  return { type: 'unsupported', ...(m.text ? { text: m.text } : {}) };
}

/** Maytapi names the stages by WhatsApp's ticks: one grey tick is "delivered" to the server. */
const ackStatus: Record<string, InboundStatus['status'] | undefined> = {
  delivered: 'sent',
  reached: 'delivered',
  seen: 'read',
  played: 'read',
  // Tolerate the plain names too.
  sent: 'sent',
  read: 'read',
  failed: 'failed',
  error: 'failed',
};
/** WhatsApp's numeric ack levels, for items that carry only ackCode. */
const ackCodeStatus: Record<number, InboundStatus['status']> = { [-1]: 'failed', 1: 'sent', 2: 'delivered', 3: 'read', 4: 'read' };

function parseAcks(w: z.infer<typeof MaytapiAckWebhookSchema>): InboundEvent[] {
  const events: InboundEvent[] = [];
  for (const item of w.data) {
    const status = ackToStatus(item);
    if (!status || !item.msgId) continue; // deleted, poll votes, reactions: not delivery states
    const phone = toE164(jidUser(item.chatId));
    events.push({
      kind: 'status',
      channel: 'maytapi',
      accountId: w.phone_id,
      providerMessageId: item.msgId,
      status,
      timestamp: epochToDate(item.time) ?? new Date(),
      ...(phone ? { recipient: { phone } } : {}),
      ...(status === 'failed' ? { errors: [{ code: String(item.ackCode ?? item.ackType ?? 'failed'), title: item.ackType }] } : {}),
    });
  }
  return events;
}

function ackToStatus(item: MaytapiAckItem): InboundStatus['status'] | undefined {
  if (item.ackType) return ackStatus[item.ackType.toLowerCase()];
  return item.ackCode === undefined ? undefined : ackCodeStatus[item.ackCode];
}

const phoneStates: Record<string, InboundAccountStatus['state']> = {
  active: 'connected',
  loading: 'connecting',
  'qr-screen': 'needs_login',
  idle: 'disconnected',
  disconnected: 'disconnected',
  'phone-error': 'error',
  error: 'error',
};

function parsePhoneStatus(w: z.infer<typeof MaytapiStatusWebhookSchema>): InboundAccountStatus {
  return {
    kind: 'account_status',
    channel: 'maytapi',
    accountId: w.phone_id,
    state: phoneStates[w.status.toLowerCase()] ?? 'error',
    providerStatus: w.status,
    timestamp: new Date(),
  };
}

function parseError(w: z.infer<typeof MaytapiErrorWebhookSchema>): InboundEvent[] {
  const code = w.code ?? w.data?.code ?? 'maytapi_error';
  const message = w.message ?? w.data?.message;
  const errors = [{ code, ...(message ? { message } : {}) }];
  const msgId = w.msgId ?? w.data?.msgId;
  // Tied to one of our sends: that message failed. Otherwise it is an account-level error.
  if (msgId) return [{ kind: 'status', channel: 'maytapi', accountId: w.phone_id, providerMessageId: msgId, status: 'failed', timestamp: new Date(), errors }];
  return [{ kind: 'error', channel: 'maytapi', accountId: w.phone_id, errors }];
}

async function sendMaytapi(config: MaytapiConfig, to: Recipient, payload: OutboundPayload, fetchImpl: typeof fetch = fetch): Promise<SendResult> {
  const toNumber = to.phone ? to.phone.replace(/\D/g, '') : to.userId;
  if (!toNumber) throw new ProviderError('Maytapi needs a phone number to send to', { retryable: false, code: 'no_recipient' });
  const body = sendRequest(toNumber, payload);
  if (!body) return { providerMessageId: null }; // mark_read: the linked phone shows reads itself
  const base = (config.apiUrl || MAYTAPI_DEFAULT_API_URL).replace(/\/+$/, '');
  const url = `${base}/${encodeURIComponent(config.productId)}/${encodeURIComponent(config.phoneId)}/sendMessage`;
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-maytapi-key': config.apiToken },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (err) {
    throw networkError('Maytapi', err);
  }
  const text = await res.text().catch(() => '');
  const parsed = MaytapiSendResponseSchema.safeParse(safeJson(text));
  const retryable = res.status === 429 || res.status >= 500;
  if (!res.ok || !parsed.success || !parsed.data.success) {
    const message = parsed.success ? parsed.data.message : undefined;
    throw new ProviderError(`Maytapi sendMessage failed (HTTP ${res.status}): ${message ?? (text.slice(0, 200) || 'no body')}`, {
      retryable,
      status: res.status,
      code: res.ok ? 'maytapi_error' : `http_${res.status}`,
    });
  }
  return { providerMessageId: parsed.data.data?.msgId ?? null };
}

function sendRequest(toNumber: string, payload: OutboundPayload): MaytapiSendRequest | null {
  switch (payload.type) {
    case 'text':
      return { to_number: toNumber, type: 'text', message: payload.text };
    case 'media':
      return {
        to_number: toNumber,
        type: 'media',
        message: payload.url,
        ...(payload.caption ? { text: payload.caption } : {}),
        ...(payload.filename ? { filename: payload.filename } : {}),
      };
    case 'template':
      // A linked phone has no Meta templates (and no 24-hour window to need them).
      throw new ProviderError('Maytapi cannot send WhatsApp templates', { retryable: false, code: 'template_unsupported' });
    case 'mark_read':
      return null;
  }
}

function networkError(provider: string, err: unknown): ProviderError {
  const name = err instanceof Error ? err.name : '';
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  const reason = err instanceof Error ? err.message : String(err);
  return new ProviderError(`${provider} request ${timedOut ? 'timed out' : 'failed'}: ${reason}`, { retryable: true, code: timedOut ? 'timeout' : 'network' });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** "919876543210@c.us" → "919876543210"; "120363…@g.us" and "@lid" ids are not phones. */
function jidUser(jid: string | undefined): string | undefined {
  if (!jid) return undefined;
  const [user, server] = jid.split('@');
  return server === 'c.us' || server === 's.whatsapp.net' ? user : undefined;
}

/** International digits (WhatsApp's form, no "+") → E.164. */
function toE164(value: string | undefined): string | undefined {
  const digits = value?.replace(/\D/g, '');
  return digits && digits.length >= 6 && digits.length <= 15 ? `+${digits}` : undefined;
}

function epochToDate(value: number | undefined): Date | undefined {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return undefined;
  return new Date(value > 1e12 ? value : value * 1000);
}

function parseLatLng(payload: string | undefined): { latitude: number; longitude: number } | null {
  const parts = payload?.split(',').map((s) => Number(s.trim()));
  if (!parts || parts.length !== 2 || parts.some((n) => !Number.isFinite(n))) return null;
  const [latitude, longitude] = parts;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  return { latitude, longitude };
}

/** Name and phone numbers from a vCard: FN (or N) and every TEL (WhatsApp puts the number after the last ':'). */
function parseVcard(vcard: string): { name?: string; phones: string[] } {
  const lines = vcard.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  let name: string | undefined;
  let structured: string | undefined;
  const phones: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).toUpperCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'FN' || key.startsWith('FN;')) name = value || name;
    else if (key === 'N' || key.startsWith('N;')) structured = value.split(';').filter(Boolean).reverse().join(' ');
    else if (/(^|\.)TEL(;|$)/.test(key)) {
      const tel = line.slice(line.lastIndexOf(':') + 1).trim();
      if (tel) phones.push(tel);
    }
  }
  const n = name ?? structured;
  return { ...(n ? { name: n } : {}), phones };
}
