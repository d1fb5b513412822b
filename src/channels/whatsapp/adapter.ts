// WhatsApp Cloud API adapter: verify Meta's signature, parse webhooks, send through the Graph API,
// fetch customers' files (media id → short-lived URL → bytes, both with the Bearer token).
//
// Docs: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
//       https://developers.facebook.com/docs/whatsapp/cloud-api/guides/mark-message-as-read
//       https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media
import { z } from 'zod';
import { defineChannel, MEDIA_MAX_BYTES, ProviderError, type OutboundPayload, type Recipient } from '../channel.ts';
import { downloadMedia, tooLarge } from '../media.ts';
import { answerHandshake, getFromGraph, graphError, postToGraph, verifyMetaSignature } from '../meta-graph.ts';
import { parseJson, trimSlash } from '../http.ts';
import { whatsappEnv } from './env.ts';
import { parseWhatsAppWebhook } from './parse.ts';
import { WaMediaInfoSchema, WaSendResponseSchema } from './payload.ts';

export { GRAPH_API_URL as WHATSAPP_DEFAULT_API_URL } from '../meta-graph.ts';

export type WhatsAppConfig = {
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  /** Graph base URL including the version, e.g. https://graph.facebook.com/v26.0. */
  apiUrl: string;
};

/** Meta's code for "outside the 24-hour window" (re-engagement message). */
const WINDOW_CLOSED = ['131047'];

export const whatsappAdapter = defineChannel<WhatsAppConfig, typeof whatsappEnv>({
  kind: 'whatsapp',
  label: 'WhatsApp',
  surfaces: {
    whatsapp: {
      label: 'WhatsApp conversation',
      leadSource: 'whatsapp',
      textLimit: 4096,
      replyWindow: { hours: 24, closedCodes: WINDOW_CLOSED, templates: true },
      markRead: true,
    },
  },
  reachesPhones: true,
  // biz_opaque_callback_data (up to 512 characters) comes back on every status of the message.
  echoesReference: true,
  env: whatsappEnv,
  account: {
    fromEnv: (env) =>
      env.WHATSAPP_PHONE_NUMBER_ID
        ? {
            name: 'WhatsApp',
            accountId: env.WHATSAPP_PHONE_NUMBER_ID,
            settings: {
              apiUrl: env.WHATSAPP_API_URL,
              template: env.WHATSAPP_TEMPLATE,
              teamTemplate: env.WHATSAPP_TEAM_TEMPLATE,
            },
            secrets: {
              accessToken: env.WHATSAPP_ACCESS_TOKEN ?? '',
              appSecret: env.WHATSAPP_APP_SECRET ?? '',
              verifyToken: env.WHATSAPP_VERIFY_TOKEN ?? '',
            },
          }
        : null,
    config: ({ accountId, settings, secrets, env }) =>
      ({
        phoneNumberId: accountId,
        apiUrl: settings.apiUrl ?? env.WHATSAPP_API_URL,
        ...secrets,
      }) as WhatsAppConfig,
    secretKeys: ['accessToken', 'appSecret', 'verifyToken'],
    settings: z.looseObject({
      apiUrl: z.url().optional(),
      template: z.string().min(1).optional(),
      teamTemplate: z.string().min(1).optional(),
    }),
    secrets: z.looseObject({
      accessToken: z.string().optional(),
      appSecret: z.string().optional(),
      verifyToken: z.string().optional(),
    }),
  },
  webhook: { path: '/webhooks/whatsapp' },

  handshake(query, config) {
    return answerHandshake(query, config.verifyToken);
  },

  verify(req, config) {
    return verifyMetaSignature(req, config.appSecret);
  },

  parse(body) {
    return parseWhatsAppWebhook(body);
  },

  async send(config, to, payload, fetchImpl, opts) {
    const json = await postToGraph({
      provider: 'WhatsApp',
      fetchImpl: fetchImpl ?? fetch,
      url: `${trimSlash(config.apiUrl)}/${encodeURIComponent(config.phoneNumberId)}/messages`,
      headers: { authorization: `Bearer ${config.accessToken}` },
      body: buildWhatsAppMessage(to, payload, opts?.reference),
    });
    // Mark-as-read answers {success: true}: there is no message of ours to track.
    if (payload.type === 'mark_read') return { providerMessageId: null };
    const parsed = WaSendResponseSchema.safeParse(json);
    if (!parsed.success)
      throw new ProviderError('WhatsApp API accepted the message but returned no message id', {
        retryable: false,
        code: 'bad_response',
      });
    return { providerMessageId: parsed.data.messages[0].id };
  },

  async fetchMedia(config, media, fetchImpl) {
    const f = fetchImpl ?? fetch;
    if (!media.id)
      throw new ProviderError('WhatsApp gave this message no media id', { retryable: false, code: 'no_media_id' });
    const auth = { authorization: `Bearer ${config.accessToken}` };
    const json = await getFromGraph({
      provider: 'WhatsApp',
      fetchImpl: f,
      url: `${trimSlash(config.apiUrl)}/${encodeURIComponent(media.id)}`,
      headers: auth,
    });
    const info = WaMediaInfoSchema.safeParse(json);
    if (!info.success)
      throw new ProviderError('WhatsApp API answered the media id without a download URL', {
        retryable: false,
        code: 'bad_response',
      });
    // Refuse before downloading anything when Meta says it is too big.
    if (info.data.file_size !== undefined && info.data.file_size > MEDIA_MAX_BYTES)
      throw tooLarge('WhatsApp', info.data.file_size);
    return downloadMedia({
      provider: 'WhatsApp',
      fetchImpl: f,
      url: info.data.url,
      headers: auth,
      apiUrl: config.apiUrl,
      declaredType: info.data.mime_type ?? media.mimeType,
      filename: media.filename,
      failure: (status, text) => graphError('WhatsApp', status, parseJson(text)),
    });
  },
});

/** The JSON body of POST /{phone_number_id}/messages for one outbound payload. */
export function buildWhatsAppMessage(
  to: Recipient,
  payload: OutboundPayload,
  reference?: string,
): Record<string, unknown> {
  if (payload.type === 'mark_read')
    return { messaging_product: 'whatsapp', status: 'read', message_id: payload.messageId };
  const base: Record<string, unknown> = { messaging_product: 'whatsapp', recipient_type: 'individual' };
  // Meta echoes it in statuses[].biz_opaque_callback_data of this message's status webhooks.
  if (reference) base.biz_opaque_callback_data = reference.slice(0, 512);
  // Phone numbers go in `to`; a BSUID-only customer is addressed with `recipient` (2026 BSUID API).
  if (to.phone) base.to = to.phone;
  else if (to.userId) base.recipient = to.userId;
  else
    throw new ProviderError('WhatsApp send needs a phone number or a WhatsApp user id', {
      retryable: false,
      code: 'no_recipient',
    });

  switch (payload.type) {
    case 'text':
      return { ...base, type: 'text', text: { preview_url: payload.previewUrl ?? false, body: payload.text } };
    case 'template': {
      const template: Record<string, unknown> = { name: payload.name, language: { code: payload.language } };
      if (payload.variables?.length) {
        template.components = [{ type: 'body', parameters: payload.variables.map((text) => ({ type: 'text', text })) }];
      }
      return { ...base, type: 'template', template };
    }
    case 'media': {
      const media: Record<string, unknown> = { link: payload.url };
      // Audio takes no caption; only documents take a filename.
      if (payload.caption && payload.mediaType !== 'audio') media.caption = payload.caption;
      if (payload.filename && payload.mediaType === 'document') media.filename = payload.filename;
      return { ...base, type: payload.mediaType, [payload.mediaType]: media };
    }
  }
}
