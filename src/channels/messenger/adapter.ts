// Messenger and Page comments adapter: Meta's signature and handshake (shared with WhatsApp),
// parse of `object: "page"` webhooks, sends through the Send API and comment replies.
//
// Docs: https://developers.facebook.com/docs/messenger-platform/reference/send-api
//       https://developers.facebook.com/docs/messenger-platform/discovery/private-replies
//       https://developers.facebook.com/docs/graph-api/reference/object/comments (public replies)
//
// Messenger has no WhatsApp-style templates, and attachments carry no caption: a caption is sent
// as a second text message. Outside the 24-hour window a person's reply goes with the HUMAN_AGENT
// message tag (outbound/send decides when). A customer's attachment is a public CDN link in the
// webhook (payload.url): fetched without the page token, which must not leave Graph.
import { z } from 'zod';
import { defineChannel, ProviderError, type OutboundPayload, type SendResult } from '../channel.ts';
import { downloadMedia, filenameFromUrl } from '../media.ts';
import { trimSlash } from '../http.ts';
import { answerHandshake, postToGraph, verifyMetaSignature } from '../meta-graph.ts';
import { messengerEnv } from './env.ts';
import { parseMessengerWebhook } from './parse.ts';
import { FbCommentReplyResponseSchema, FbSendResponseSchema } from './payload.ts';

export { GRAPH_API_URL as MESSENGER_DEFAULT_API_URL } from '../meta-graph.ts';

export type MessengerConfig = {
  pageId: string;
  pageAccessToken: string;
  appSecret: string;
  verifyToken: string;
  /** Graph base URL including the version, e.g. https://graph.facebook.com/v26.0. */
  apiUrl: string;
};

const unsupported = (what: string) =>
  new ProviderError(`Messenger cannot send ${what}`, { retryable: false, code: 'unsupported' });

/**
 * Meta's codes for a message outside the window: 10 with subcode 2018278 (outside the allowed
 * window), 551 (this person isn't available right now).
 */
const WINDOW_CLOSED = ['10', '2018278', '551'];

export const messengerAdapter = defineChannel<MessengerConfig, typeof messengerEnv>({
  kind: 'messenger',
  label: 'Facebook page',
  surfaces: {
    messenger: {
      label: 'Messenger conversation',
      leadSource: 'messenger',
      textLimit: 2000,
      replyWindow: {
        hours: 24,
        closedCodes: WINDOW_CLOSED,
        templates: false,
        // A person's reply may go for 7 days with HUMAN_AGENT (the page's app needs the permission).
        humanAgentTag: { tag: 'HUMAN_AGENT', hours: 7 * 24 },
      },
      markRead: true,
    },
    // A public reply under a Page comment is not a Messenger message: no window, no read receipt.
    facebook_comment: {
      label: 'Facebook comment thread',
      leadSource: 'facebook',
      textLimit: 8000,
      markRead: false,
      threaded: true,
    },
  },
  reachesPhones: false,
  env: messengerEnv,
  account: {
    fromEnv: (env) =>
      env.MESSENGER_PAGE_ID
        ? {
            name: 'Facebook page',
            accountId: env.MESSENGER_PAGE_ID,
            settings: { apiUrl: env.MESSENGER_API_URL },
            secrets: {
              pageAccessToken: env.MESSENGER_PAGE_ACCESS_TOKEN ?? '',
              appSecret: env.MESSENGER_APP_SECRET ?? '',
              verifyToken: env.MESSENGER_VERIFY_TOKEN ?? '',
            },
          }
        : null,
    config: ({ accountId, settings, secrets, env }) =>
      ({ pageId: accountId, apiUrl: settings.apiUrl ?? env.MESSENGER_API_URL, ...secrets }) as MessengerConfig,
    secretKeys: ['pageAccessToken', 'appSecret', 'verifyToken'],
    settings: z.looseObject({ apiUrl: z.url().optional() }),
    secrets: z.looseObject({
      pageAccessToken: z.string().optional(),
      appSecret: z.string().optional(),
      verifyToken: z.string().optional(),
    }),
  },
  webhook: { path: '/webhooks/messenger' },

  handshake(query, config) {
    return answerHandshake(query, config.verifyToken);
  },

  verify(req, config) {
    return verifyMetaSignature(req, config.appSecret);
  },

  parse(body) {
    return parseMessengerWebhook(body);
  },

  async send(config, to, payload, fetchImpl) {
    const f = fetchImpl ?? fetch;
    if (to.commentId && !to.privateReply) return replyToComment(config, to.commentId, payload, f);
    if (payload.type === 'template') throw unsupported('WhatsApp templates');
    const recipient = to.commentId ? { comment_id: to.commentId } : to.userId ? { id: to.userId } : null;
    if (!recipient)
      throw new ProviderError('Messenger send needs a page-scoped user id or a comment id', {
        retryable: false,
        code: 'no_recipient',
      });
    // A private reply is a single message; there is no thread to mark as seen yet.
    if (payload.type === 'mark_read' && to.commentId) return { providerMessageId: null };

    // Inside the 24-hour window a message answers the person; outside it only with a message tag.
    const messaging =
      payload.type !== 'mark_read' && payload.tag
        ? { messaging_type: 'MESSAGE_TAG', tag: payload.tag }
        : { messaging_type: 'RESPONSE' };
    const post = (body: Record<string, unknown>) => sendApi(config, f, { recipient, ...messaging, ...body });
    switch (payload.type) {
      case 'mark_read':
        await sendApi(config, f, { recipient, sender_action: 'mark_seen' }, false);
        return { providerMessageId: null };
      case 'text':
        return post({ message: { text: payload.text } });
      case 'media': {
        const type = payload.mediaType === 'document' ? 'file' : payload.mediaType;
        const sent = await post({ message: { attachment: { type, payload: { url: payload.url } } } });
        if (!payload.caption) return sent;
        try {
          await post({ message: { text: payload.caption } });
        } catch (err) {
          // The attachment is out; retrying would send it twice.
          const reason = err instanceof Error ? err.message : String(err);
          throw new ProviderError(
            `Messenger sent the attachment (${sent.providerMessageId}) but not its caption: ${reason}`,
            { retryable: false, code: 'caption_failed' },
          );
        }
        return sent;
      }
    }
  },

  async fetchMedia(config, media, fetchImpl) {
    if (!media.url)
      throw new ProviderError('Messenger gave this attachment no URL', { retryable: false, code: 'no_media_url' });
    return downloadMedia({
      provider: 'Messenger',
      fetchImpl: fetchImpl ?? fetch,
      url: media.url,
      apiUrl: config.apiUrl,
      declaredType: media.mimeType,
      filename: media.filename ?? filenameFromUrl(media.url),
    });
  },
});

function withToken(url: string, config: MessengerConfig) {
  return `${url}?access_token=${encodeURIComponent(config.pageAccessToken)}`;
}

async function sendApi(
  config: MessengerConfig,
  fetchImpl: typeof fetch,
  body: Record<string, unknown>,
  expectId = true,
): Promise<SendResult> {
  const json = await postToGraph({
    provider: 'Messenger',
    fetchImpl,
    url: withToken(`${trimSlash(config.apiUrl)}/${encodeURIComponent(config.pageId)}/messages`, config),
    body,
  });
  const parsed = FbSendResponseSchema.safeParse(json);
  const messageId = parsed.success ? parsed.data.message_id : undefined;
  if (expectId && !messageId)
    throw new ProviderError('Messenger accepted the message but returned no message id', {
      retryable: false,
      code: 'bad_response',
    });
  return { providerMessageId: messageId ?? null };
}

/** Public reply under the comment: POST /{comment_id}/comments → {id} of our reply. */
async function replyToComment(
  config: MessengerConfig,
  commentId: string,
  payload: OutboundPayload,
  fetchImpl: typeof fetch,
): Promise<SendResult> {
  let body: Record<string, unknown>;
  if (payload.type === 'text') body = { message: payload.text };
  else if (payload.type === 'media' && payload.mediaType === 'image')
    body = payload.caption
      ? { message: payload.caption, attachment_url: payload.url }
      : { attachment_url: payload.url };
  else if (payload.type === 'mark_read') return { providerMessageId: null };
  else throw unsupported(`a ${payload.type === 'media' ? payload.mediaType : payload.type} as a comment reply`);

  const json = await postToGraph({
    provider: 'Messenger',
    fetchImpl,
    url: withToken(`${trimSlash(config.apiUrl)}/${encodeURIComponent(commentId)}/comments`, config),
    body,
  });
  const parsed = FbCommentReplyResponseSchema.safeParse(json);
  if (!parsed.success)
    throw new ProviderError('Graph API accepted the comment reply but returned no id', {
      retryable: false,
      code: 'bad_response',
    });
  return { providerMessageId: parsed.data.id };
}
