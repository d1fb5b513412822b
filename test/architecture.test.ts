// Promises of docs/architecture.md that an import rule cannot state (depcruise checks the imports):
// only outbound/send calls an adapter's send(), and only queueReplies (outbound/queue.ts) writes
// outbound message rows — ingest writes the inbound ones.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultChannels } from '../src/channels/registry.ts';

const root = new URL('../src/', import.meta.url).pathname;
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
const sources = files(root).map((f) => ({ path: relative(root, f), text: readFileSync(f, 'utf8') }));
const where = (re: RegExp) => sources.filter((s) => re.test(s.text)).map((s) => s.path);

describe('architecture', () => {
  it('calls adapter.send only from outbound/send', () => {
    // `adapter.send(` and `channels.get(kind).send(` — the two ways to reach a provider's send.
    expect(where(/\badapter\.send\(|channels\.get\([^)]*\)\s*\.send\(/)).toEqual(['outbound/send.ts']);
  });

  it('writes message rows only in the outbox (outbound) and ingest (inbound)', () => {
    // …and the demo seed, which writes a history of messages delivered days ago (nothing to send).
    expect(where(/\.insert\(messages\)|insert into messages\b/i).sort()).toEqual([
      'demo/conversations.ts',
      'inbound/ingest.ts',
      'outbound/queue.ts',
    ]);
  });

  it('switches on a channel kind only in the channel folders', () => {
    // A comparison with, or a case of, a kind or surface the registry has ("customer prefers
    // WhatsApp" in profiling is a word, not a kind).
    const names = defaultChannels.all.flatMap((a) => [a.kind, ...Object.keys(a.surfaces)]).join('|');
    const switching = new RegExp(
      `(?:[!=]==\\s*|case\\s+|includes\\()['"](?:${names})['"]|['"](?:${names})['"][^\\]\\n]*\\]\\.includes\\(`,
    );
    const outside = sources.filter((s) => !s.path.startsWith('channels/') && switching.test(s.text)).map((s) => s.path);
    expect(outside).toEqual([]);
  });
});
