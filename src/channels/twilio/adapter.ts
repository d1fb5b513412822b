// Twilio WhatsApp (https://www.twilio.com/docs/whatsapp/api).
//
// Webhooks are form-encoded, not JSON. parse() takes the body already decoded into a
// Record<string, string> (decodeTwilioForm in payload.ts does it from the raw bytes; a raw string
// or Buffer is decoded too). verify() works on the raw bytes and the configured public URL
// (`webhookUrl`), which Twilio's signature covers: see signature.ts. parse.ts maps the fields.
// A customer's file is the webhook's MediaUrl0: fetched with HTTP basic auth (Account SID : auth
// token), Twilio answers with a redirect to a short-lived signed CDN link, followed without them.
// https://www.twilio.com/docs/messaging/api/media-resource
import { z } from 'zod';
import { normalizePhone } from '../../lib/phone.ts';
import {
  defineChannel,
  ProviderError,
  type FetchedMedia,
  type MediaRef,
  type OutboundPayload,
  type Recipient,
  type SendResult,
} from '../channel.ts';
import { parseJson, providerFetch, trimSlash } from '../http.ts';
import { downloadMedia } from '../media.ts';
import { twilioEnv } from './env.ts';
import { parseTwilio } from './parse.ts';
import { TwilioMessageResourceSchema, TwilioRestErrorSchema } from './payload.ts';
import { verifyTwilioSignature } from './signature.ts';

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

/** Twilio names our number in `To` as "whatsapp:+1415…"; the account id is its E.164. */
export const twilioAccountId = (from: string) => normalizePhone(from) ?? from.replace(/^whatsapp:/, '');

export const twilioAdapter = defineChannel<TwilioConfig, typeof twilioEnv>({
  kind: 'twilio',
  label: 'WhatsApp (Twilio)',
  surfaces: {
    twilio: {
      label: 'WhatsApp conversation',
      leadSource: 'whatsapp',
      textLimit: 1600,
      // 63016: outside the window, usually in the status callback after Twilio accepted the send.
      replyWindow: { hours: 24, closedCodes: ['63016'], templates: true },
      markRead: false,
    },
  },
  reachesPhones: true,
  env: twilioEnv,
  account: {
    fromEnv: (env) =>
      env.TWILIO_WHATSAPP_FROM
        ? {
            name: 'WhatsApp (Twilio)',
            accountId: twilioAccountId(env.TWILIO_WHATSAPP_FROM),
            settings: {
              apiUrl: env.TWILIO_API_URL,
              accountSid: env.TWILIO_ACCOUNT_SID ?? '',
              whatsappFrom: env.TWILIO_WHATSAPP_FROM,
              webhookUrl: env.TWILIO_WEBHOOK_URL ?? '',
            },
            secrets: { authToken: env.TWILIO_AUTH_TOKEN ?? '' },
          }
        : null,
    // A connected account may leave out what the deployment knows: the base URL, the public
    // webhook URL and its own number.
    config: ({ accountId, settings, secrets, env }) =>
      ({
        accountSid: settings.accountSid,
        whatsappFrom: settings.whatsappFrom ?? accountId,
        apiUrl: settings.apiUrl ?? env.TWILIO_API_URL,
        webhookUrl: settings.webhookUrl ?? env.TWILIO_WEBHOOK_URL,
        ...secrets,
      }) as TwilioConfig,
    key: twilioAccountId,
    secretKeys: ['authToken'],
    settings: z.looseObject({
      apiUrl: z.url().optional(),
      accountSid: z.string().optional(),
      whatsappFrom: z.string().optional(),
      webhookUrl: z.string().optional(),
    }),
    secrets: z.looseObject({ authToken: z.string().optional() }),
  },
  // Twilio expects TwiML back; an empty <Response> sends nothing.
  webhook: {
    path: '/webhooks/twilio',
    ack: () => ({
      status: 200,
      contentType: 'text/xml',
      body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
    }),
  },
  verify: verifyTwilioSignature,
  parse: parseTwilio,
  send: sendTwilio,
  fetchMedia: fetchTwilioMedia,
});

const basicAuth = (config: TwilioConfig) =>
  `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`;

/**
 * Only a Media resource of our own account gets the credentials, and always at the configured API:
 * the path is taken from MediaUrl, the host never is.
 */
async function fetchTwilioMedia(
  config: TwilioConfig,
  media: MediaRef,
  fetchImpl: typeof fetch = fetch,
): Promise<FetchedMedia> {
  let path: string | undefined;
  try {
    path = media.url ? new URL(media.url).pathname : undefined;
  } catch {
    path = undefined;
  }
  const match = path
    ? /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\/(?:MM|SM)[0-9a-zA-Z]{32}\/Media\/ME[0-9a-zA-Z]{32}$/.exec(
        path,
      )
    : null;
  if (!path || !match)
    throw new ProviderError('Twilio gave this message no Media URL Parley recognises', {
      retryable: false,
      code: 'no_media_url',
    });
  if (match[1] !== config.accountSid)
    throw new ProviderError('The Twilio media belongs to another account than this channel', {
      retryable: false,
      code: 'other_account',
    });
  const base = trimSlash(config.apiUrl || TWILIO_DEFAULT_API_URL);
  return downloadMedia({
    provider: 'Twilio',
    fetchImpl,
    url: `${base}${path}`,
    headers: { authorization: basicAuth(config) },
    credentials: 'never',
    apiUrl: base,
    declaredType: media.mimeType,
    filename: media.filename,
    failure: (status, text) => twilioError(status, text),
  });
}

/** Twilio error codes worth retrying besides HTTP 429/5xx: too many requests, internal error, unavailable. */
const RETRYABLE_CODES = new Set(['20429', '20500', '20503']);

async function sendTwilio(
  config: TwilioConfig,
  to: Recipient,
  payload: OutboundPayload,
  fetchImpl: typeof fetch = fetch,
): Promise<SendResult> {
  if (payload.type === 'mark_read') return { providerMessageId: null }; // WhatsApp read receipts are not in the Messages API
  if (!to.phone)
    throw new ProviderError('Twilio WhatsApp needs a phone number to send to', {
      retryable: false,
      code: 'no_recipient',
    });
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
        throw new ProviderError(`Twilio templates are Content SIDs (HX…); got "${payload.name}"`, {
          retryable: false,
          code: 'template_not_content_sid',
        });
      }
      form.set('ContentSid', payload.name);
      if (payload.variables?.length)
        form.set(
          'ContentVariables',
          JSON.stringify(Object.fromEntries(payload.variables.map((v, i) => [String(i + 1), v]))),
        );
      break;
  }

  const base = trimSlash(config.apiUrl || TWILIO_DEFAULT_API_URL);
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const { response: res, text } = await providerFetch('Twilio', fetchImpl, url, {
    method: 'POST',
    headers: {
      authorization: basicAuth(config),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: form.toString(),
  });
  const json = parseJson(text);
  if (res.ok) {
    const resource = TwilioMessageResourceSchema.safeParse(json);
    if (resource.success) return { providerMessageId: resource.data.sid };
    throw new ProviderError(`Twilio answered HTTP ${res.status} without a message sid`, {
      retryable: false,
      status: res.status,
      code: 'bad_response',
    });
  }
  throw twilioError(res.status, text);
}

/** Twilio's REST error body `{code, message, more_info, status}` → ProviderError. */
function twilioError(status: number, text: string): ProviderError {
  const error = TwilioRestErrorSchema.safeParse(parseJson(text));
  const code = error.success && error.data.code !== undefined ? String(error.data.code) : `http_${status}`;
  // Only the provider's own JSON error: a body that is not one (a proxy's page) is never shown to tenants.
  const message = (error.success && error.data.message) || 'no error body';
  return new ProviderError(`Twilio error ${code} (HTTP ${status}): ${message}`, {
    retryable: status === 429 || status >= 500 || RETRYABLE_CODES.has(code),
    status,
    code,
  });
}

/** "+91 98765-43210" or "whatsapp:+919876543210" → "whatsapp:+919876543210". */
function whatsappAddress(value: string): string {
  if (/^whatsapp:/i.test(value)) return `whatsapp:${value.slice('whatsapp:'.length).trim()}`;
  return `whatsapp:+${value.replace(/\D/g, '')}`;
}
