// Maytapi's webhook JSON and sendMessage responses, as zod schemas.
//
// Maytapi drives a WhatsApp (web) session on a real phone and posts one JSON object per event to
// the webhook, each with a top-level `type` (https://maytapi.com/features/whatsapp-webhook-api,
// https://maytapi.com/blog/whatsapp-webhook-events-guide):
//   message  anything arriving in a chat (ours too: `message.fromMe`)
//   ack      delivery/read receipts for messages we sent, in `data[]`
//   status   the phone's session state (active, loading, qr-screen, idle, …)
//   error    a queued message could not be sent
// Every event carries `product_id` and `phone_id`. Objects are loose: Maytapi adds fields freely.
import { z } from 'zod';

/** Maytapi sends phone_id as a number; treat ids as strings everywhere else. */
const IdSchema = z.union([z.string().min(1), z.number()]).transform(String);

/** Seconds or milliseconds since the epoch (Maytapi uses seconds; be tolerant). */
const EpochSchema = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

export const MaytapiInboundMessageSchema = z.looseObject({
  /** text | image | video | audio | ptt | document | location | vcard | sticker | … */
  type: z.string(),
  /** e.g. "false_919876543210@c.us_3EB0C7D5A1B2C3D4E5F6"; acks refer to our sends by this id. */
  id: z.string().min(1),
  _serialized: z.string().optional(),
  fromMe: z.boolean().optional(),
  text: z.string().optional(),
  /** Media: a download URL, its MIME type, the original file name and the caption. */
  url: z.string().optional(),
  mime: z.string().optional(),
  filename: z.string().optional(),
  caption: z.string().optional(),
  /** Location: "lat,lng". */
  payload: z.string().optional(),
  /** Contact cards: one vCard string or several. */
  vcard: z.union([z.string(), z.array(z.string())]).optional(),
  /** The message this one replies to. */
  quoted: z.looseObject({ id: z.string().optional() }).optional(),
});
export type MaytapiInboundMessage = z.infer<typeof MaytapiInboundMessageSchema>;

export const MaytapiMessageWebhookSchema = z.looseObject({
  type: z.literal('message'),
  product_id: z.string().min(1),
  phone_id: IdSchema,
  message: MaytapiInboundMessageSchema,
  user: z
    .looseObject({ id: z.string().optional(), name: z.string().optional(), phone: z.string().optional() })
    .optional(),
  /** The chat: "919876543210@c.us" for a person, "…@g.us" for a group. */
  conversation: z.string().min(1),
  conversation_name: z.string().optional(),
  /** Our own number. */
  receiver: z.string().optional(),
  timestamp: EpochSchema.optional(),
  reply: z.string().optional(),
});
export type MaytapiMessageWebhook = z.infer<typeof MaytapiMessageWebhookSchema>;

export const MaytapiAckItemSchema = z.looseObject({
  /** delivered (to WhatsApp's server) | reached (the phone) | seen | played | deleted */
  ackType: z.string().optional(),
  ackCode: z.number().optional(),
  msgId: z.string().optional(),
  chatId: z.string().optional(),
  rxid: z.string().optional(),
  time: EpochSchema.optional(),
});
export type MaytapiAckItem = z.infer<typeof MaytapiAckItemSchema>;

export const MaytapiAckWebhookSchema = z.looseObject({
  type: z.literal('ack'),
  product_id: z.string().min(1),
  phone_id: IdSchema,
  data: z.array(MaytapiAckItemSchema),
});

export const MaytapiStatusWebhookSchema = z.looseObject({
  type: z.literal('status'),
  product_id: z.string().min(1),
  phone_id: IdSchema,
  /** active | loading | qr-screen | idle | phone-error | … */
  status: z.string().min(1),
  pid: z.string().optional(),
});

const ErrorCodeSchema = z.union([z.string(), z.number()]).transform(String);

export const MaytapiErrorWebhookSchema = z.looseObject({
  type: z.literal('error'),
  product_id: z.string().min(1),
  phone_id: IdSchema,
  code: ErrorCodeSchema.optional(),
  message: z.string().optional(),
  msgId: z.string().optional(),
  data: z
    .looseObject({
      msgId: z.string().optional(),
      code: ErrorCodeSchema.optional(),
      message: z.string().optional(),
      to_number: z.string().optional(),
    })
    .optional(),
});

/** Any Maytapi event: the envelope every type shares. Unknown types (live_event, …) pass this. */
export const MaytapiEnvelopeSchema = z.looseObject({
  type: z.string().min(1),
  product_id: z.string().min(1),
  phone_id: IdSchema,
});

/** sendMessage answers `{success: true, data: {chatId, msgId}}` or `{success: false, message}`. */
export const MaytapiSendResponseSchema = z.looseObject({
  success: z.boolean(),
  data: z.looseObject({ msgId: z.string().optional(), chatId: z.string().optional() }).optional(),
  message: z.string().optional(),
});
export type MaytapiSendResponse = z.infer<typeof MaytapiSendResponseSchema>;

/** The body sendMessage takes (only the fields Parley uses). */
export type MaytapiSendRequest =
  | { to_number: string; type: 'text'; message: string }
  | { to_number: string; type: 'media'; message: string; text?: string; filename?: string };
