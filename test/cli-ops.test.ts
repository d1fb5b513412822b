// Operating the embedded database with real processes: one process per folder (a second server or
// a writing command refuses, naming the folder), start-up problems in one line, `parley backup`
// while the server runs and `parley restore` once it is stopped, and SIGTERM letting an in-flight
// request and an in-flight send finish before the process exits.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../src/db/client.ts';
import { startServer, type ServerProcess } from './helpers/server-process.ts';
import { metaSignature, waFixture, waText } from './helpers/webhooks.ts';

const skip = process.env.PARLEY_TEST_DB === 'postgres'; // the embedded database only
const run = promisify(execFile);
const bin = new URL('../bin/parley.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'parley-ops-'));
const dir = join(root, 'data');
const SECRET = 'ops-app-secret';
const PHONE_ID = '5550009876543';
const ADMIN = { email: 'owner@ops.example', password: 'ops password 1' };
const IMAGE = Buffer.from('fake jpeg bytes '.repeat(100));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A Graph API that takes 2 s over every answer, so that work is in flight when SIGTERM arrives.
const seen: string[] = [];
const slow = createServer((req, res) => {
  seen.push(`${req.method} ${req.url}`);
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () =>
    setTimeout(() => {
      const base = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
      let answer: unknown = { error: { message: 'unknown', type: 'OAuthException', code: 100 } };
      if (req.method === 'POST' && req.url?.endsWith('/messages'))
        answer =
          JSON.parse(body).status === 'read'
            ? { success: true }
            : { messaging_product: 'whatsapp', contacts: [], messages: [{ id: `wamid.out.${Date.now()}` }] };
      else if (req.url?.startsWith('/file/')) return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(IMAGE);
      else if (req.method === 'GET')
        answer = {
          messaging_product: 'whatsapp',
          url: `${base}/file/1`,
          mime_type: 'image/jpeg',
          sha256: createHash('sha256').update(IMAGE).digest('hex'),
          file_size: IMAGE.length,
          id: '1479537139650973',
        };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    }, 2000),
  );
});
await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/v26.0`;

let server: ServerProcess | null = null;
afterAll(async () => {
  await server?.stop('SIGKILL');
  slow.close();
  rmSync(root, { recursive: true, force: true });
});

const parley = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [bin, ...args], {
    env: { ...process.env, PARLEY_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent', HOST: '127.0.0.1', ...env },
    timeout: 120_000,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe.skipIf(skip)('the embedded database, operated', () => {
  it('serves, and refuses a second server or a writing command on the same folder', { timeout: 240_000 }, async () => {
    server = await startServer(
      {
        PARLEY_DATA_DIR: dir,
        DATABASE_URL: '',
        PARLEY_DEMO: 'false',
        PARLEY_ADMIN_EMAIL: ADMIN.email,
        PARLEY_ADMIN_PASSWORD: ADMIN.password,
        PARLEY_SECRET_KEY: 'ops-secret-key-0123456789',
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
        WHATSAPP_ACCESS_TOKEN: 'EAAG-ops',
        WHATSAPP_API_URL: slowUrl,
      },
      { timeoutMs: 180_000 },
    );
    const second = await parley(['serve'], { PORT: '0' });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`The embedded database in ${dir} is in use by another Parley process`);
    expect(second.stderr).toContain(`pid ${server.child.pid}`);
    for (const [args, says] of [
      [['user', 'add', '--email', 'x@ops.example', '--name', 'X'], /Add the member through it \(POST \/api\/users/],
      [['seed-demo'], /stop it first/],
      [['migrate'], /applied the migrations when it started/],
      [['restore', join(root, 'none.tar.gz')], /Cannot read/],
    ] as const) {
      const res = await parley([...args]);
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stderr, args.join(' ')).toMatch(says);
      expect(res.stderr).not.toMatch(/\n\s+at /); // one line, no stack trace
    }
  });

  it('says in one line what to do about a busy port or a data folder it cannot use', async () => {
    const port = new URL(server!.url).port;
    const busy = await parley(['serve'], { PORT: port, PARLEY_DATA_DIR: join(root, 'other') });
    expect(busy.code).toBe(1);
    expect(busy.stderr.trim()).toBe(
      `parley serve: Port ${port} on 127.0.0.1 is already in use: stop the process using it, or set PORT to a free port.`,
    );
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a folder');
    const unusable = await parley(['serve'], { PORT: '0', PARLEY_DATA_DIR: join(file, 'data') });
    expect(unusable.code).toBe(1);
    expect(unusable.stderr.trim()).toMatch(
      /^parley serve: Cannot use \S+a-file\/data as the data folder \(ENOTDIR\): make it a folder this user can write, or set PARLEY_DATA_DIR to one\.$/,
    );
  });

  it('takes a backup through the running server', { timeout: 120_000 }, async () => {
    const file = join(root, 'backup.tar.gz');
    const res = await parley(['backup', file]);
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(new RegExp(`Backup written to ${file} \\(\\d+\\.\\d MB, from the running server`));
    expect(statSync(file).size).toBeGreaterThan(100_000);
  });

  it('finishes an in-flight request and an in-flight send on SIGTERM', { timeout: 120_000 }, async () => {
    const base = server!.url;
    const token = (
      await (
        await fetch(`${base}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(ADMIN),
        })
      ).json()
    ).token;
    const auth = { authorization: `Bearer ${token}` };
    const post = (body: string) =>
      fetch(`${base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
        body,
      });
    expect((await post(waFixture('wa_image.json', PHONE_ID))).status).toBe(200);
    expect((await post(waText(PHONE_ID, '919870077777', 'hi', { id: 'wamid.sigterm.1' }))).status).toBe(200);
    const convs = (await (await fetch(`${base}/api/conversations`, { headers: auth })).json()).data;
    const imageConv = convs.find((c: { contact_phone: string }) => c.contact_phone === '+919876543210');
    const msgs = (await (await fetch(`${base}/api/conversations/${imageConv.id}/messages`, { headers: auth })).json())
      .data;
    const image = msgs.find((m: { type: string }) => m.type === 'image');
    // A reply to the customer is on its way to the (slow) provider…
    while (!seen.some((s) => s.startsWith('POST') && s.endsWith('/messages'))) await sleep(50);
    // …and a person opens the photo (also slow).
    const opened = fetch(`${base}/api/messages/${image.id}/media`, { headers: auth });
    while (!seen.some((s) => s.startsWith('GET /v26.0/1479537139650973'))) await sleep(20);
    const started = Date.now();
    const exited = server!.stop('SIGTERM');
    const media = await opened;
    expect(media.status).toBe(200);
    expect(Buffer.from(await media.arrayBuffer())).toEqual(IMAGE);
    const code = await exited;
    expect(code).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(server!.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    server = null;
    expect(existsSync(join(dir, 'parley.lock'))).toBe(false);

    const database = await openPglite({ dataDir: dir });
    try {
      const { rows } = await database.pglite!.query<{ status: string; n: number }>(
        `select status, count(*)::int as n from messages where direction = 'out' group by 1`,
      );
      // The reply in flight went out and was recorded; none is left in doubt ('sending'). Replies
      // whose turn had not come yet wait, queued, for the next start.
      expect(rows.find((r) => r.status === 'sent')?.n).toBeGreaterThan(0);
      expect(rows.filter((r) => !['sent', 'queued'].includes(r.status))).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it(
    'restores the backup once the server is stopped, keeping the folder it replaces',
    { timeout: 180_000 },
    async () => {
      const res = await parley(['restore', join(root, 'backup.tar.gz')]);
      expect(res.stderr).toBe('');
      expect(res.stdout).toMatch(/Restored .* the folder it replaced is kept as .*data\.before-restore-/);
      const kept = readdirSync(root).find((f) => f.startsWith('data.before-restore-'))!;
      const count = async (folder: string, table: string) => {
        const database = await openPglite({ dataDir: folder });
        try {
          return (await database.pglite!.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0].n;
        } finally {
          await database.close();
        }
      };
      // The snapshot was taken before the messages came in; the folder it replaced still has them.
      expect(await count(dir, 'messages')).toBe(0);
      expect(await count(dir, 'users')).toBe(1);
      expect(await count(join(root, kept), 'messages')).toBeGreaterThan(0);
      const added = await parley(['user', 'add', '--email', 'amit@ops.example', '--name', 'Amit']);
      expect(added.code).toBe(0);
      expect(await count(dir, 'users')).toBe(2);
    },
  );
});
