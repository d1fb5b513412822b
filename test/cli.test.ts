// The `parley` command as people run it: a real process on a fresh embedded database.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = new URL('../bin/parley.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const parley = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [bin, ...args], {
    env: { ...process.env, PARLEY_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env },
    timeout: 60_000,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('parley command', () => {
  it('migrates, adds a user with a normalized phone, and refuses a duplicate', { timeout: 180_000 }, async () => {
    const migrated = await parley(['migrate']);
    expect(migrated.stdout).toMatch(/Applied 0000_extensions/);
    expect((await parley(['migrate'])).stdout).toMatch(/up to date/);
    const added = await parley([
      'user',
      'add',
      '--email',
      'amit@example.com',
      '--name',
      'Amit Verma',
      '--role',
      'manager',
      '--phone',
      '098765-43210',
    ]);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/Added Amit Verma <amit@example.com> as manager \(username amit\), password: \S{8,}/);
    const dup = await parley(['user', 'add', '--email', 'AMIT@example.com', '--name', 'Again']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const badRole = await parley(['user', 'add', '--email', 'x@example.com', '--name', 'X', '--role', 'boss']);
    expect(badRole.stderr).toMatch(/--role must be one of owner, admin, manager, agent/);
  });

  it('stops with a message naming a wrong variable', async () => {
    const res = await parley(['migrate'], { PORT: 'eighty' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/PORT/);
  });

  it('answers a wrong flag or a file argument of the offline tools with one line and the usage', async () => {
    for (const args of [
      ['parse-commands', 'commands.txt'],
      ['parse-commands', '--bogus'],
      ['extract-profile', '-x'],
    ]) {
      const res = await parley(args);
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(/Usage: parley (parse-commands|extract-profile) /);
    }
    const help = await parley(['parse-commands', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: parley parse-commands \[--now ISO-8601\]/);
  });
});
