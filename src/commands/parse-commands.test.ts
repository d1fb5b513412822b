import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runParseCommands } from './parse-commands.ts';

async function run(input: string): Promise<Array<Record<string, unknown>>> {
  const source = new PassThrough();
  const sink = new PassThrough();
  let out = '';
  sink.on('data', (chunk) => (out += chunk));
  const done = runParseCommands({
    now: new Date('2026-03-10T10:00:00+05:30'),
    timeZone: 'Asia/Kolkata',
    input: source,
    output: sink,
  });
  source.end(input);
  await done;
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('runParseCommands', () => {
  it('writes one line per input with id, intent and only the fields given', async () => {
    const out = await run(
      [
        JSON.stringify({ id: 'a', text: 'Schedule demo for Nimbus Labs on 18/3 at 11:30am' }),
        JSON.stringify({ id: 2, text: 'pls schedule a meeting with Orbit Textiles' }),
      ].join('\n'),
    );
    expect(out).toEqual([
      { id: 'a', intent: 'schedule_demo', company: 'Nimbus Labs', at: '2026-03-18T11:30:00+05:30' },
      { id: 2, intent: 'schedule_meeting', company: 'Orbit Textiles' },
    ]);
    expect(Object.keys(out[0])).toEqual(['id', 'intent', 'company', 'at']);
  });

  it('prints a cancel with its reason', async () => {
    const out = await run(
      [
        JSON.stringify({ id: 'c', text: 'Orbit demo cancelled, they postponed the budget' }),
        JSON.stringify({ id: 'h', text: 'ऑर्बिट की मीटिंग रद्द करो' }),
      ].join('\n'),
    );
    expect(out).toEqual([
      { id: 'c', intent: 'cancel_demo', company: 'Orbit', note: 'they postponed the budget' },
      { id: 'h', intent: 'cancel_meeting', company: 'ऑर्बिट' },
    ]);
  });

  it('answers a bad line with unknown and an error, then goes on', async () => {
    const out = await run(
      ['not json', JSON.stringify({ id: 'x' }), '[1,2]', '', JSON.stringify({ id: 'ok', text: 'help' })].join('\n'),
    );
    expect(out).toEqual([
      { id: null, intent: 'unknown', error: 'not valid JSON' },
      { id: 'x', intent: 'unknown', error: '"text" must be a string' },
      { id: null, intent: 'unknown', error: 'expected a JSON object {"id","text"}' },
      { id: 'ok', intent: 'help' },
    ]);
  });

  it('keeps up with a few thousand lines', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({ id: i, text: i % 2 ? 'Nimbus Labs ko Sunil ko de do' : 'aaj ke mere tasks dikhao' }),
    );
    const started = performance.now();
    const out = await run(lines.join('\n'));
    const perSecond = out.length / ((performance.now() - started) / 1000);
    expect(out).toHaveLength(3000);
    expect(out[2999]).toEqual({ id: 2999, intent: 'reassign_lead', company: 'Nimbus Labs', assignee: 'Sunil' });
    expect(perSecond).toBeGreaterThan(1000);
  });
});
