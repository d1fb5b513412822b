// GET /internal/backup: a snapshot of the embedded database, for `parley backup` while the server
// runs (only the process that owns the folder can take a consistent one). Loopback only, with the
// control token the server wrote into the folder's lock file (readable by its own OS user only).
import { timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { forbidden } from '../../lib/errors.ts';
import { readDataLock } from '../../ops/data-lock.ts';
import { snapshotPglite } from '../../ops/backup.ts';
import type { App } from '../app-types.ts';

const loopback = (address: string | undefined) => !!address && (address === '::1' || /^(::ffff:)?127\./.test(address));

export function backupRoutes(app: App, deps: Deps) {
  const pglite = deps.database.pglite;
  if (deps.database.kind !== 'pglite' || !pglite) return;
  app.get('/internal/backup', { schema: { hide: true }, config: { public: true } }, async (req, reply) => {
    const lock = readDataLock(deps.config.PARLEY_DATA_DIR);
    const sent = Buffer.from(req.headers.authorization?.replace(/^Bearer /i, '') ?? '');
    const token = Buffer.from(lock?.pid === process.pid ? (lock.token ?? '') : '');
    if (
      !loopback(req.socket.remoteAddress) ||
      !token.length ||
      sent.length !== token.length ||
      !timingSafeEqual(sent, token)
    )
      throw forbidden('Backups are taken with `parley backup` on this machine');
    return reply.type('application/gzip').send(await snapshotPglite(pglite));
  });
}
