// Maytapi webhook JSON → InboundEvent[]. Shapes: payload.ts; why the rules: adapter.ts.
import { z } from 'zod';
import {
  PayloadError,
  type InboundAccountStatus,
  type InboundEvent,
  type InboundMessage,
  type InboundStatus,
  type MessageType,
} from '../channel.ts';
import {
  MaytapiAckWebhookSchema,
  MaytapiEnvelopeSchema,
  MaytapiErrorWebhookSchema,
  MaytapiMessageWebhookSchema,
  MaytapiStatusWebhookSchema,
  type MaytapiAckItem,
  type MaytapiInboundMessage,
} from './payload.ts';

export function parseMaytapi(body: unknown): InboundEvent[] {
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
  if (
    !w.conversation.endsWith('@c.us') &&
    !w.conversation.endsWith('@s.whatsapp.net') &&
    !w.conversation.endsWith('@lid')
  )
    return [];
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

function messageContent(
  m: MaytapiInboundMessage,
): Pick<InboundMessage, 'type' | 'text' | 'media' | 'location' | 'contacts'> {
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
const ackCodeStatus: Record<number, InboundStatus['status']> = {
  [-1]: 'failed',
  1: 'sent',
  2: 'delivered',
  3: 'read',
  4: 'read',
};

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
      ...(status === 'failed'
        ? { errors: [{ code: String(item.ackCode ?? item.ackType ?? 'failed'), title: item.ackType }] }
        : {}),
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
  if (msgId)
    return [
      {
        kind: 'status',
        channel: 'maytapi',
        accountId: w.phone_id,
        providerMessageId: msgId,
        status: 'failed',
        timestamp: new Date(),
        errors,
      },
    ];
  return [{ kind: 'error', channel: 'maytapi', accountId: w.phone_id, errors }];
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
