// Phone numbers and email addresses as people type them in India: "+91 98765 43210",
// "098765-43210", "(98765) 43210", "9845012345", "0755-2551234". Kept as written; the executor
// normalises with lib/phone.
import type { Mark } from './doc.ts';

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// Optional "+", then an optional "(98765)" group, then digits with spaces, dashes or dots.
const PHONE =
  /(?<![\p{L}\p{N}/:.])(?:\+\s?)?(?:\(\s?\d[\d\s-]*\)[\s-]*)?\d[\d\s.-]*\d(?![\p{N}/:]|\.\d|\s?(?:am|pm|baje|बजे)\b)/giu;

export type Found = { value: string; start: number; end: number };

export function findEmails(text: string): Found[] {
  const out: Found[] = [];
  for (const m of text.matchAll(EMAIL)) {
    const value = m[0].replace(/[.-]+$/, '');
    out.push({ value, start: m.index, end: m.index + value.length });
  }
  return out;
}

export function findPhones(text: string, emails: Found[] = []): Found[] {
  const out: Found[] = [];
  for (const m of text.matchAll(PHONE)) {
    const start = m.index;
    if (emails.some((e) => start >= e.start && start < e.end)) continue;
    const value = m[0].replace(/[\s.-]+$/, '');
    const digits = value.replace(/\D/g, '');
    const max = value.startsWith('00') ? 14 : 13;
    if (digits.length < 10 || digits.length > max) continue;
    out.push({ value, start, end: start + value.length });
  }
  return out;
}

export function contactMarks(emails: Found[], phones: Found[]): Mark[] {
  return [
    ...emails.map((e) => ({ start: e.start, end: e.end, kind: 'email' as const })),
    ...phones.map((p) => ({ start: p.start, end: p.end, kind: 'phone' as const })),
  ];
}
