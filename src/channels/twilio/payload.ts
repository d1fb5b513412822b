// Twilio's WhatsApp webhooks and Messages API responses, as zod schemas.
//
// Twilio posts application/x-www-form-urlencoded bodies, not JSON
// (https://www.twilio.com/docs/messaging/guides/webhook-request):
//   incoming message  MessageSid, AccountSid, From "whatsapp:+91…", To, Body, NumMedia,
//                     MediaUrl{n}/MediaContentType{n}, ProfileName, WaId, MessageType, Latitude/
//                     Longitude/Address/Label, ButtonText/ButtonPayload, OriginalRepliedMessageSid…
//   status callback   MessageSid, MessageStatus (queued|sent|delivered|read|failed|undelivered…),
//                     ErrorCode, To, From, ChannelPrefix… (https://www.twilio.com/docs/messaging/guides/track-outbound-message-status)
// Twilio adds parameters without notice, so every object is loose.
import { z } from 'zod';

/** A form body decoded to name → value (the first value when a name repeats). */
export type TwilioForm = Record<string, string>;

/** Decodes a raw application/x-www-form-urlencoded body ("+" is a space, %XX is UTF-8). */
export function decodeTwilioForm(raw: Buffer | string): TwilioForm {
  const form: TwilioForm = {};
  for (const [key, value] of new URLSearchParams(typeof raw === 'string' ? raw : raw.toString('utf8'))) {
    if (!(key in form)) form[key] = value;
  }
  return form;
}

const Sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-zA-Z]{32}$`), `a Twilio ${prefix}… sid`);
/** Message SIDs start with SM (text) or MM (media). */
const MessageSid = z.string().regex(/^(SM|MM)[0-9a-zA-Z]{32}$/, 'a Twilio message sid (SM…/MM…)');

export const TwilioInboundMessageSchema = z.looseObject({
  MessageSid,
  AccountSid: Sid('AC'),
  From: z.string().min(1),
  To: z.string().min(1),
  Body: z.string().optional(),
  NumMedia: z.string().regex(/^\d+$/).optional(),
  MessagingServiceSid: z.string().optional(),
  SmsStatus: z.string().optional(),
  ProfileName: z.string().optional(),
  WaId: z.string().optional(),
  /** text | image | video | audio | document | location | button | interactive | sticker | … */
  MessageType: z.string().optional(),
  Latitude: z.string().optional(),
  Longitude: z.string().optional(),
  Address: z.string().optional(),
  Label: z.string().optional(),
  ButtonText: z.string().optional(),
  ButtonPayload: z.string().optional(),
  ListId: z.string().optional(),
  ListTitle: z.string().optional(),
  OriginalRepliedMessageSid: z.string().optional(),
  OriginalRepliedMessageSender: z.string().optional(),
  ReferralBody: z.string().optional(),
  ReferralHeadline: z.string().optional(),
  ReferralSourceId: z.string().optional(),
  ReferralSourceType: z.string().optional(),
  ReferralSourceUrl: z.string().optional(),
  ReferralCtwaClid: z.string().optional(),
});
export type TwilioInboundMessage = z.infer<typeof TwilioInboundMessageSchema>;

export const TwilioStatusCallbackSchema = z.looseObject({
  MessageSid,
  AccountSid: Sid('AC'),
  MessageStatus: z.string().min(1),
  From: z.string().optional(),
  To: z.string().optional(),
  ErrorCode: z.string().optional(),
  ErrorMessage: z.string().optional(),
  /** WhatsApp adds READ / DELIVERED. */
  EventType: z.string().optional(),
});
export type TwilioStatusCallback = z.infer<typeof TwilioStatusCallbackSchema>;

/** POST /2010-04-01/Accounts/{AccountSid}/Messages.json answers 201 with the Message resource. */
export const TwilioMessageResourceSchema = z.looseObject({
  sid: z.string().min(1),
  status: z.string().optional(),
  error_code: z.union([z.number(), z.string()]).nullable().optional(),
  error_message: z.string().nullable().optional(),
});

/** Twilio's REST error: {code, message, more_info, status}. */
export const TwilioRestErrorSchema = z.looseObject({
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
  more_info: z.string().optional(),
  status: z.number().optional(),
});
export type TwilioRestError = z.infer<typeof TwilioRestErrorSchema>;
