// Start-up problems people can fix themselves end in one line that says what to do, not a stack
// trace: a port someone else listens on, a data folder that cannot be written.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/** An error whose message is the whole story (main.ts prints it as one line and exits 1). */
export class StartupError extends Error {}

/** Creates the data folder if needed and checks it can be written. */
export function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new StartupError(
      `Cannot use ${resolve(dir)} as the data folder (${code}): make it a folder this user can write, or set PARLEY_DATA_DIR to one.`,
    );
  }
}

export function listenError(err: unknown, port: number, host: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new StartupError(
      `Port ${port} on ${host} is already in use: stop the process using it, or set PORT to a free port.`,
    );
  if (code === 'EACCES')
    return new StartupError(
      `Port ${port} needs more privileges than this user has: set PORT above 1023 (e.g. 3000) and put a proxy in front.`,
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new StartupError(
      `HOST=${host} is not an address of this machine: use localhost, 0.0.0.0 or one of its IPs.`,
    );
  return err as Error;
}

/** Fails fast (before opening the database and migrating) when the port cannot be had. */
export async function checkPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((ok, fail) => {
    const probe = createServer();
    probe.once('error', (err) => fail(listenError(err, port, host)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => ok()));
  });
}
