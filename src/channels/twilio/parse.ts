// Twilio form webhooks → InboundEvent[]: incoming messages and status callbacks. Shapes: payload.ts.
// Twilio's webhooks carry no event time, so the time of receipt stands in for it.
import { z } from 'zod';
import {
  PayloadError,
  type InboundEvent,
  type InboundMessage,
  type InboundStatus,
  type MessageType,
  type Sender,
} from '../channel.ts';
import {
  decodeTwilioForm,
  TwilioInboundMessageSchema,
  TwilioStatusCallbackSchema,
  type TwilioForm,
  type TwilioInboundMessage,
  type TwilioStatusCallback,
} from './payload.ts';

export function parseTwilio(body: unknown): InboundEvent[] {
  const form = toForm(body);
  if (form.MessageStatus && form.MessageStatus !== 'received') {
    return parseStatus(check(TwilioStatusCallbackSchema, form, 'status callback'));
  }
  return [parseMessage(check(TwilioInboundMessageSchema, form, 'incoming message'))];
}

function toForm(body: unknown): TwilioForm {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return decodeTwilioForm(body);
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new PayloadError('Not a Twilio webhook: expected form fields');
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
  const errorCode =
    s.ErrorCode && s.ErrorCode !== '0' ? s.ErrorCode : status === 'failed' ? s.MessageStatus : undefined;
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
  const referral =
    m.ReferralSourceType || m.ReferralSourceId || m.ReferralSourceUrl
      ? clean({
          sourceType: m.ReferralSourceType,
          sourceId: m.ReferralSourceId,
          sourceUrl: m.ReferralSourceUrl,
          headline: m.ReferralHeadline,
          body: m.ReferralBody,
          clickId: m.ReferralCtwaClid,
        })
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
      media: clean({
        id: mediaSid(mediaUrl),
        url: mediaUrl,
        mimeType: typeof mimeType === 'string' ? mimeType : undefined,
        caption: body || undefined,
      }),
    };
  }

  if (!declared || declared === 'text') return { type: 'text', text: body };
  return { type: 'unsupported', ...text };
}

const declaredMedia: Record<string, MessageType> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  document: 'document',
  sticker: 'sticker',
};

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
