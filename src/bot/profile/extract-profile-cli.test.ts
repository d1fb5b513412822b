import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runExtractProfile } from './extract-profile-cli.ts';
import { PROFILE_FACT_KEYS } from './facts.ts';

async function run(lines: string[]): Promise<Record<string, unknown>[]> {
  const input = PassThrough.from(lines.join('\n'));
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  await runExtractProfile({ input, output });
  return Buffer.concat(chunks)
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('runExtractProfile', () => {
  it('writes one line per message with the id and only the fact keys that were found', async () => {
    const out = await run([
      JSON.stringify({ id: 'a', text: 'mera naam Rahul hai, call mat karna' }),
      JSON.stringify({ id: 7, text: 'ok thanks' }),
    ]);
    expect(out).toEqual([{ id: 'a', name: 'Rahul', communication_preferences: { no_calls: true } }, { id: 7 }]);
    for (const line of out) for (const key of Object.keys(line)) expect(['id', ...PROFILE_FACT_KEYS]).toContain(key);
  });

  it('answers a bad line with an error and goes on', async () => {
    const out = await run([
      'not json',
      JSON.stringify({ id: 'x' }),
      '',
      JSON.stringify({ id: 'b', text: 'Ich habe Angst vor Spritzen' }),
    ]);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatchObject({ id: null, error: expect.stringContaining('invalid JSON') });
    expect(out[1]).toMatchObject({ id: null, error: expect.any(String) });
    expect(out[2]).toEqual({ id: 'b', special_notes: [{ category: 'fear', text: 'Ich habe Angst vor Spritzen' }] });
  });
});
