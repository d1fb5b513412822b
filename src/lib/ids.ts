import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

// Random bytes are drawn 4 KiB at a time: one call to the generator per 256 ids.
const POOL = 4096;
let pool = Buffer.alloc(0);
let offset = POOL;
function random16(): Buffer {
  if (offset + 16 > POOL) {
    pool = randomBytes(POOL);
    offset = 0;
  }
  const b = Buffer.from(pool.subarray(offset, offset + 16));
  offset += 16;
  return b;
}

/**
 * UUIDv7: time-ordered, so ids sort by creation and make good keyset cursors. Within one
 * millisecond a 12-bit counter (RFC 9562 §6.2, method 1) keeps ids of one process monotonic, so
 * rows written in one transaction still sort in the order they were written.
 */
export function uuidv7(now = Date.now()): string {
  if (now <= lastMs) {
    now = lastMs;
    counter++;
    if (counter > 0xfff) {
      lastMs = now = lastMs + 1;
      counter = randomBytes(2).readUInt16BE(0) & 0x7ff;
    }
  } else {
    lastMs = now;
    counter = randomBytes(2).readUInt16BE(0) & 0x7ff; // leave room to count up
  }
  const b = random16();
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** A random URL-safe token (sessions, API keys). */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
