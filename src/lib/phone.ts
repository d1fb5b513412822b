// Phone numbers: stored as E.164, looked up from whatever format people type or providers send.
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * Normalizes a phone number in any common format to E.164, or returns null when it is not a valid
 * number. Handles "+91 98765 43210", "098765-43210", "(98765) 43210", "919876543210",
 * "0091 98765 43210" and WhatsApp JIDs such as "919876543210@s.whatsapp.net".
 */
export function normalizePhone(input: string | null | undefined, region: string = 'IN'): string | null {
  if (!input) return null;
  // Webhooks normalize the same senders over and over: recent answers are remembered.
  const key = `${region}\u0000${input}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const out = parse(String(input), region);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, out);
  return out;
}

const MEMO_MAX = 10_000;
const memo = new Map<string, string | null>();

function parse(input: string, region: string): string | null {
  let s = input.trim();
  const at = s.indexOf('@');
  if (at > 0) s = s.slice(0, at); // WhatsApp JID
  s = s.replace(/^whatsapp:/i, '');
  const digits = s.replace(/\D/g, '');
  if (digits.length < 6 || digits.length > 17) return null;
  const hasPlus = /^\s*\+/.test(s);
  const candidates: string[] = [];
  if (hasPlus) candidates.push('+' + digits);
  else if (digits.startsWith('00')) candidates.push('+' + digits.slice(2));
  else {
    candidates.push(s);
    candidates.push('+' + digits); // international without "+" (as WhatsApp sends wa_id)
  }
  for (const c of candidates) {
    const p = c.startsWith('+') ? parsePhoneNumberFromString(c) : parsePhoneNumberFromString(c, region as CountryCode);
    if (p && p.isValid()) return p.number;
  }
  return null;
}

/** "+919876543210" → "+91 98765 43210" for messages people read. */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return '';
  const p = parsePhoneNumberFromString(e164);
  return p ? p.formatInternational() : e164;
}

export const isValidRegion = (region: string): boolean => isSupportedCountry(region);
