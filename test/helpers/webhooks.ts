// Real-format provider payloads for flow tests: recorded fixtures with this test's account id and
// fresh timestamps, signed the way Meta signs them (HMAC-SHA256 of the exact bytes).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const fixtureText = (provider: string, name: string) =>
  readFileSync(new URL(`../fixtures/${provider}/${name}`, import.meta.url), 'utf8');

/** A WhatsApp fixture for another phone_number_id, with timestamps of "now" (seconds). */
export function waFixture(name: string, phoneNumberId: string, now = Date.now()): string {
  return fixtureText('whatsapp', name)
    .replaceAll('110022334455667', phoneNumberId)
    .replace(/"timestamp":"\d+"/g, `"timestamp":"${Math.floor(now / 1000)}"`);
}

export const metaSignature = (body: string | Buffer, secret: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A WhatsApp Cloud API webhook body with one text message. */
export function waText(
  phoneNumberId: string,
  from: string,
  text: string,
  opts: { id?: string; name?: string; now?: number } = {},
): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102938475610293',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: opts.name ?? 'Test Customer' }, wa_id: from }],
              messages: [
                {
                  from,
                  id: opts.id ?? `wamid.${Math.random().toString(36).slice(2)}${Date.now()}`,
                  timestamp: String(Math.floor((opts.now ?? Date.now()) / 1000)),
                  type: 'text',
                  text: { body: text },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

export function waStatus(
  phoneNumberId: string,
  wamid: string,
  status: string,
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102938475610293',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId },
              statuses: [
                {
                  id: wamid,
                  status,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: '919876543210',
                  ...extra,
                },
              ],
            },
          },
        ],
      },
    ],
  });
}
