// zod schemas of the Messenger Platform webhook (`object: "page"`) and of Send API answers.
// Loose objects: Meta adds fields; what we read is checked.
//
// Docs: https://developers.facebook.com/docs/messenger-platform/webhooks (messages, messaging_postbacks,
//       message_deliveries, message_reads, message_echoes, message_reactions)
//       https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed (Page comments)
import { z } from 'zod';
import { UnixSeconds } from '../meta-graph.ts';

const str = z.string();
const opt = z.string().optional();
const id = z.union([z.string(), z.number()]).transform(String);

export const FbReferralSchema = z.looseObject({
  ref: opt,
  source: opt,
  type: opt,
  ad_id: opt,
  ads_context_data: z.looseObject({ ad_title: opt }).optional(),
});

export const FbAttachmentSchema = z.looseObject({
  type: str,
  payload: z
    .looseObject({
      url: opt,
      title: opt,
      sticker_id: id.optional(),
      coordinates: z.looseObject({ lat: z.number(), long: z.number() }).optional(),
    })
    .nullish(),
});
export type FbAttachment = z.infer<typeof FbAttachmentSchema>;

export const FbMessageSchema = z.looseObject({
  mid: str.min(1),
  text: opt,
  is_echo: z.boolean().optional(),
  quick_reply: z.looseObject({ payload: str }).optional(),
  reply_to: z.looseObject({ mid: opt }).optional(),
  attachments: z.array(FbAttachmentSchema).optional(),
  referral: FbReferralSchema.optional(),
});

/** One `entry[].messaging[]` item: who, when (ms), and exactly one of the event kinds. */
export const FbMessagingSchema = z.looseObject({
  sender: z.looseObject({ id: opt, user_ref: opt }),
  recipient: z.looseObject({ id: opt }),
  timestamp: z.number(),
  message: FbMessageSchema.optional(),
  postback: z.looseObject({ mid: opt, title: opt, payload: opt, referral: FbReferralSchema.optional() }).optional(),
  delivery: z.looseObject({ mids: z.array(str).optional(), watermark: z.number() }).optional(),
  read: z.looseObject({ watermark: z.number() }).optional(),
  reaction: z.looseObject({ mid: str, action: str, emoji: opt, reaction: opt }).optional(),
});
export type FbMessaging = z.infer<typeof FbMessagingSchema>;

/** `changes[].value` for field `feed`, item `comment`. `from` is absent when Meta withholds the author. */
export const FbCommentSchema = z.looseObject({
  item: z.literal('comment'),
  verb: str,
  comment_id: str.min(1),
  post_id: str.min(1),
  parent_id: opt,
  from: z.looseObject({ id: str, name: opt }).optional(),
  message: opt,
  created_time: UnixSeconds.optional(),
  photo: opt,
  video: opt,
});
export type FbComment = z.infer<typeof FbCommentSchema>;

export const FbWebhookSchema = z.looseObject({
  object: z.literal('page'),
  entry: z.array(
    z.looseObject({
      id: str.min(1),
      time: z.number().optional(),
      messaging: z.array(FbMessagingSchema).optional(),
      changes: z.array(z.looseObject({ field: str, value: z.looseObject({ item: opt, verb: opt }) })).optional(),
    }),
  ),
});
export type FbWebhook = z.infer<typeof FbWebhookSchema>;

/** POST /{page_id}/messages answers `{recipient_id, message_id}` (no message_id for sender actions). */
export const FbSendResponseSchema = z.looseObject({ recipient_id: opt, message_id: opt });

/** POST /{comment_id}/comments answers `{id}`. */
export const FbCommentReplyResponseSchema = z.looseObject({ id: str.min(1) });
