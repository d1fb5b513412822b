// Records → chunks: one per record, split only when it is large (every part keeps the record's
// name and its owner's keys). Each chunk carries what is searched (the values, normalised; the
// field names apart, weighted low), its identifiers (phones in E.164, emails, ids) and, for
// per-contact sources, the phones and emails of the contact it belongs to.
import { createHash } from 'node:crypto';
import { normalizePhone } from '../lib/phone.ts';
import type { Line, SourceRecord } from './records.ts';
import { humanizeKey, normalizeText } from './text.ts';

export const MAX_CHUNK_LINES = 40;
export const MAX_CHUNK_CHARS = 2000;
const MAX_LINE_CHARS = 1000;

export type Chunk = {
  record: string;
  part: number;
  text: string;
  searchText: string;
  keyText: string;
  keys: string[];
  /** null: public. [] : per-contact, but nobody's (never shown to a customer). */
  contactKeys: string[] | null;
  hash: string;
};

export type ChunkOptions = { visibility: 'public' | 'per_contact'; keyFields?: string[] | null; region: string };

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const PHONE = /(?:\+|\b)\d[\d\s().-]{6,18}\d\b/g;
/** Letters and digits together (`cust-1234`, `INV/2024/001`, `A12B`): an identifier. */
const MIXED_ID = /\b(?=[\p{L}\p{N}_/-]*\p{N})(?=[\p{L}\p{N}_/-]*\p{L})[\p{L}\p{N}]+(?:[-_/][\p{L}\p{N}]+)*\b/gu;
const ID_KEY = /(^|[\s_])(id|code|sku|ref|reference|number|no|invoice|order|account|customer)$/;

/** The leaf field name of a path: `customers[7].phone_number` → "phone number". */
export const leafKey = (path: string): string => {
  const last =
    path
      .replace(/\[\d+\]$/g, '')
      .split(/\.|\[/)
      .pop() ?? path;
  return humanizeKey(last.replace(/["\]]/g, ''));
};

/** Every field name along a path: `clinic.hours.saturday` → clinic, hours, saturday. */
export const segmentsOf = (path: string): string[] =>
  path
    .split(/\.|\[/)
    .map((p) => humanizeKey(p.replace(/["\]]/g, '')))
    .filter((p) => p && !/^\d+$/.test(p));

export const compactId = (s: string) => normalizeText(s).replace(/[^\p{L}\p{N}]/gu, '');

export function phonesIn(text: string, region: string): string[] {
  const out = new Set<string>();
  for (const m of text.match(PHONE) ?? []) {
    const e164 = normalizePhone(m, region);
    if (e164) out.add(e164);
  }
  return [...out];
}

export const emailsIn = (text: string): string[] => [...new Set((text.match(EMAIL) ?? []).map((e) => e.toLowerCase()))];

/** Identifiers a question or a record names: phones, emails, mixed letter-digit ids, long numbers. */
export function identifiersIn(text: string, region: string, leaf?: string): string[] {
  const out = new Set<string>([...phonesIn(text, region), ...emailsIn(text)]);
  const withoutEmails = text.replace(EMAIL, ' ');
  for (const m of withoutEmails.match(MIXED_ID) ?? []) if (m.length >= 3) out.add(compactId(m));
  if (leaf && ID_KEY.test(leaf)) for (const m of withoutEmails.match(/\b\d{3,}\b/g) ?? []) out.add(m);
  for (const m of withoutEmails.match(/\b\d{5,}\b/g) ?? []) out.add(m);
  return [...out];
}

/** The text without its emails, phone numbers and letter-digit ids (the identifier leg has them). */
export const withoutIdentifiers = (text: string): string =>
  text
    .replace(EMAIL, ' ')
    .replace(PHONE, ' ')
    .replace(MIXED_ID, (m) => (m.length >= 3 ? ' ' : m));

function contactKeysOf(lines: Line[], o: ChunkOptions): string[] {
  const wanted = o.keyFields?.length ? o.keyFields.map((k) => humanizeKey(k)) : null;
  const out = new Set<string>();
  for (const l of lines) {
    if (wanted && !wanted.includes(leafKey(l.path))) continue;
    for (const p of phonesIn(l.value, o.region)) out.add(p);
    for (const e of emailsIn(l.value)) out.add(e);
  }
  return [...out];
}

const hashOf = (s: string) => createHash('sha256').update(s).digest('hex');

function parts(lines: Line[]): Line[][] {
  const out: Line[][] = [];
  let current: Line[] = [];
  let size = 0;
  for (const l of lines) {
    const value = l.value.length > MAX_LINE_CHARS ? `${l.value.slice(0, MAX_LINE_CHARS)}…` : l.value;
    const len = l.path.length + value.length + 3;
    if (current.length && (current.length >= MAX_CHUNK_LINES || size + len > MAX_CHUNK_CHARS)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push({ path: l.path, value });
    size += len;
  }
  if (current.length) out.push(current);
  return out;
}

export function chunkRecords(records: SourceRecord[], o: ChunkOptions): Chunk[] {
  const out: Chunk[] = [];
  for (const r of records) {
    const owner = o.visibility === 'per_contact' ? contactKeysOf(r.lines, o) : null;
    const keys = new Set<string>();
    for (const l of r.lines) for (const k of identifiersIn(l.value, o.region, leafKey(l.path))) keys.add(k);
    for (const [part, lines] of parts(r.lines).entries()) {
      const text = lines.map((l) => `${l.path}: ${l.value}`).join('\n');
      out.push({
        record: r.record,
        part,
        text,
        searchText: normalizeText(lines.map((l) => l.value).join(' \n ')),
        keyText: [...new Set(lines.flatMap((l) => segmentsOf(l.path)))].join(' '),
        keys: [...keys],
        contactKeys: owner,
        hash: hashOf(`${o.visibility}\n${(owner ?? []).join(',')}\n${text}`),
      });
    }
  }
  return out;
}
