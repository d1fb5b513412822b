// Secrets at rest: AES-256-GCM with a key derived from PARLEY_SECRET_KEY.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from './errors.ts';

const OPENED_MAX = 1000;

export type SecretBox = { seal(value: unknown): string; open<T>(sealed: string): T };

export function createSecretBox(secretKey: string | undefined): SecretBox {
  const key = createHash('sha256')
    .update(`parley:${secretKey ?? ''}`)
    .digest();
  // Webhooks open their channel's secrets on every delivery: opened values are kept (this process
  // holds the key anyway), at most OPENED_MAX of them. Callers must not change what they get.
  const opened = new Map<string, unknown>();
  return {
    seal(value) {
      if (!secretKey) throw new AppError('bad_request', 'Set PARLEY_SECRET_KEY to store channel secrets');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return [
        'v1',
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    open<T>(sealed: string): T {
      if (opened.has(sealed)) return opened.get(sealed) as T;
      const [v, iv, tag, body] = sealed.split('.');
      if (v !== 'v1') throw new Error('unknown secret format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const value = JSON.parse(
        Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8'),
      ) as T;
      if (opened.size >= OPENED_MAX) opened.clear();
      opened.set(sealed, Object.freeze(value));
      return value;
    },
  };
}

/** Without PARLEY_SECRET_KEY (development), a random key kept beside the embedded database. */
export function localSecretKey(dataDir: string): string {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
