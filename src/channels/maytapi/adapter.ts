// Maytapi: WhatsApp through a linked phone (https://maytapi.com/whatsapp-api-documentation).
//
// Maytapi signs nothing, so the webhook URL itself is the secret: when `webhookToken` is set the
// URL registered with Maytapi must end in `?token=<webhookToken>` and verify() checks it.
// Group chats and status broadcasts are not customer conversations and are ignored, as are our
// own messages (`fromMe`: sent from the phone or through the API). A customer's file is a link in
// the webhook (message.url, on Maytapi's CDN) fetched as it is: the API key stays with the API.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  defineChannel,
  ProviderError,
  type MediaRef,
  type OutboundPayload,
  type Recipient,
  type SendResult,
  type WebhookRequest,
} from '../channel.ts';
import { parseJson, providerFetch, trimSlash } from '../http.ts';
import { downloadMedia, filenameFromUrl } from '../media.ts';
import { maytapiEnv } from './env.ts';
import { parseMaytapi } from './parse.ts';
import { MaytapiSendResponseSchema, type MaytapiSendRequest } from './payload.ts';

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

export const maytapiAdapter = defineChannel<MaytapiConfig, typeof maytapiEnv>({
  kind: 'maytapi',
  label: 'WhatsApp (Maytapi)',
  // A linked phone: no Cloud API window or templates, and it shows reads itself.
  surfaces: { maytapi: { label: 'WhatsApp conversation', leadSource: 'whatsapp', textLimit: 4096, markRead: false } },
  reachesPhones: true,
  env: maytapiEnv,
  account: {
    fromEnv: (env) =>
      env.MAYTAPI_PHONE_ID
        ? {
            name: 'WhatsApp (Maytapi)',
            accountId: env.MAYTAPI_PHONE_ID,
            settings: { apiUrl: env.MAYTAPI_API_URL, productId: env.MAYTAPI_PRODUCT_ID ?? '' },
            secrets: { apiToken: env.MAYTAPI_API_TOKEN ?? '', webhookToken: env.MAYTAPI_WEBHOOK_TOKEN },
          }
        : null,
    config: ({ accountId, settings, secrets, env }) =>
      ({
        phoneId: accountId,
        productId: settings.productId,
        apiUrl: settings.apiUrl ?? env.MAYTAPI_API_URL,
        ...secrets,
      }) as MaytapiConfig,
    secretKeys: ['apiToken', 'webhookToken'],
    settings: z.looseObject({ apiUrl: z.url().optional(), productId: z.string().optional() }),
    secrets: z.looseObject({ apiToken: z.string().optional(), webhookToken: z.string().optional() }),
  },
  webhook: { path: '/webhook' },
  verify: verifyMaytapi,
  parse: parseMaytapi,
  send: sendMaytapi,
  fetchMedia: fetchMaytapiMedia,
});

async function fetchMaytapiMedia(config: MaytapiConfig, media: MediaRef, fetchImpl: typeof fetch = fetch) {
  if (!media.url)
    throw new ProviderError('Maytapi gave this message no media URL', { retryable: false, code: 'no_media_url' });
  return downloadMedia({
    provider: 'Maytapi',
    fetchImpl,
    url: media.url,
    apiUrl: config.apiUrl || MAYTAPI_DEFAULT_API_URL,
    declaredType: media.mimeType,
    filename: media.filename ?? filenameFromUrl(media.url),
  });
}

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

async function sendMaytapi(
  config: MaytapiConfig,
  to: Recipient,
  payload: OutboundPayload,
  fetchImpl: typeof fetch = fetch,
): Promise<SendResult> {
  const toNumber = to.phone ? to.phone.replace(/\D/g, '') : to.userId;
  if (!toNumber)
    throw new ProviderError('Maytapi needs a phone number to send to', { retryable: false, code: 'no_recipient' });
  const body = sendRequest(toNumber, payload);
  if (!body) return { providerMessageId: null }; // mark_read: the linked phone shows reads itself
  const base = trimSlash(config.apiUrl || MAYTAPI_DEFAULT_API_URL);
  const url = `${base}/${encodeURIComponent(config.productId)}/${encodeURIComponent(config.phoneId)}/sendMessage`;
  const { response: res, text } = await providerFetch('Maytapi', fetchImpl, url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-maytapi-key': config.apiToken },
    body: JSON.stringify(body),
  });
  const parsed = MaytapiSendResponseSchema.safeParse(parseJson(text));
  const retryable = res.status === 429 || res.status >= 500;
  if (!res.ok || !parsed.success || !parsed.data.success) {
    const message = parsed.success ? parsed.data.message : undefined;
    throw new ProviderError(`Maytapi sendMessage failed (HTTP ${res.status}): ${message ?? 'no error body'}`, {
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
      throw new ProviderError('Maytapi cannot send WhatsApp templates', {
        retryable: false,
        code: 'template_unsupported',
      });
    case 'mark_read':
      return null;
  }
}
