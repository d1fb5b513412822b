// zod schemas of the WhatsApp Cloud API webhook (field `messages`), of send answers and of media metadata.
// Loose objects: Meta adds fields often (pricing, identity_key_hash, username…), and an unknown
// field must never reject a customer's message. What we read is checked.
//
// Docs: https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/reference/messages
//       https://developers.facebook.com/docs/whatsapp/business-scoped-user-ids (BSUIDs, 2026)
import { z } from 'zod';
import { UnixSeconds } from '../meta-graph.ts';

const str = z.string();
const opt = z.string().optional();

export const WaErrorSchema = z.looseObject({
  code: z.union([z.number(), z.string()]),
  title: opt,
  message: opt,
  error_data: z.looseObject({ details: opt }).optional(),
  href: opt,
});
export type WaError = z.infer<typeof WaErrorSchema>;

/** `contacts[]` beside messages and statuses: the sender's profile. wa_id may be '' for BSUID-only users. */
export const WaContactSchema = z.looseObject({
  profile: z.looseObject({ name: opt, username: opt, country_code: opt }).optional(),
  wa_id: opt,
  user_id: opt,
  parent_user_id: opt,
});
export type WaContact = z.infer<typeof WaContactSchema>;

export const WaReferralSchema = z.looseObject({
  source_url: opt,
  source_id: opt,
  source_type: opt,
  body: opt,
  headline: opt,
  media_type: opt,
  ctwa_clid: opt,
});

/** Fields every inbound message carries. `from` is '' or absent when only the BSUID is shared. */
export const WaMessageSchema = z.looseObject({
  id: str.min(1),
  timestamp: UnixSeconds,
  type: opt,
  from: opt,
  from_user_id: opt,
  from_parent_user_id: opt,
  context: z
    .looseObject({
      id: opt,
      from: opt,
      forwarded: z.boolean().optional(),
      frequently_forwarded: z.boolean().optional(),
    })
    .optional(),
  referral: WaReferralSchema.optional(),
  errors: z.array(WaErrorSchema).optional(),
});
export type WaMessage = z.infer<typeof WaMessageSchema>;

export const WaMediaSchema = z.looseObject({
  id: opt,
  url: opt,
  mime_type: opt,
  sha256: opt,
  caption: opt,
  filename: opt,
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
});

const reply = z.looseObject({ id: str, title: str, description: opt });

/** The content of each message type, checked only for the type the message says it is. */
export const WaContentSchemas = {
  text: z.looseObject({ text: z.looseObject({ body: str }) }),
  image: z.looseObject({ image: WaMediaSchema }),
  audio: z.looseObject({ audio: WaMediaSchema }),
  video: z.looseObject({ video: WaMediaSchema }),
  document: z.looseObject({ document: WaMediaSchema }),
  sticker: z.looseObject({ sticker: WaMediaSchema }),
  location: z.looseObject({
    location: z.looseObject({ latitude: z.number(), longitude: z.number(), name: opt, address: opt, url: opt }),
  }),
  contacts: z.looseObject({
    contacts: z.array(
      z.looseObject({
        name: z.looseObject({ formatted_name: opt, first_name: opt, last_name: opt }).optional(),
        phones: z.array(z.looseObject({ phone: opt, wa_id: opt, type: opt })).optional(),
      }),
    ),
  }),
  interactive: z.looseObject({
    interactive: z.looseObject({
      type: str,
      button_reply: reply.optional(),
      list_reply: reply.optional(),
      nfm_reply: z.looseObject({ name: opt, body: opt, response_json: opt }).optional(),
    }),
  }),
  button: z.looseObject({ button: z.looseObject({ payload: opt, text: str }) }),
  reaction: z.looseObject({ reaction: z.looseObject({ message_id: str, emoji: opt }) }),
} as const;

export const WaStatusSchema = z.looseObject({
  id: str.min(1),
  status: str,
  timestamp: UnixSeconds,
  recipient_id: opt,
  recipient_user_id: opt,
  recipient_type: opt,
  /** What we put in the send's `biz_opaque_callback_data`, echoed on its statuses. */
  biz_opaque_callback_data: opt,
  errors: z.array(WaErrorSchema).optional(),
});
export type WaStatus = z.infer<typeof WaStatusSchema>;

/** `entry[].changes[].value` when `field` is `messages`. */
export const WaValueSchema = z.looseObject({
  messaging_product: opt,
  metadata: z.looseObject({ display_phone_number: opt, phone_number_id: str.min(1) }),
  contacts: z.array(WaContactSchema).optional(),
  messages: z.array(WaMessageSchema).optional(),
  statuses: z.array(WaStatusSchema).optional(),
  errors: z.array(WaErrorSchema).optional(),
});
export type WaValue = z.infer<typeof WaValueSchema>;

export const WaWebhookSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      id: str,
      changes: z.array(z.looseObject({ field: str, value: z.unknown() })).default([]),
    }),
  ),
});
export type WaWebhook = z.infer<typeof WaWebhookSchema>;

/** POST /{phone_number_id}/messages answers `{messaging_product, contacts, messages: [{id}]}`. */
export const WaSendResponseSchema = z.looseObject({
  messages: z.array(z.looseObject({ id: str.min(1), message_status: opt })).min(1),
});

/**
 * GET /{media-id} answers `{messaging_product, url, mime_type, sha256, file_size, id}`; the url is
 * good for 5 minutes and needs the same Bearer token. file_size comes as a number or a string.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media
 */
export const WaMediaInfoSchema = z.looseObject({
  url: str.min(1),
  mime_type: opt,
  sha256: opt,
  file_size: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
  id: opt,
});
