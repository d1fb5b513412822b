// `parley parse-commands`: JSON lines {"id","text"} in, one JSON line {"id","intent",…fields} out
// per input, with the rules interpreter only (no database, no network). A bad line answers
// {"id", "intent":"unknown", "error"} and the run goes on.
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { interpretRules } from './interpret/rules.ts';

export type ParseCommandsOptions = {
  now: Date;
  timeZone: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
};

/** One output line for one input line (exported for tests). */
export function parseCommandLine(line: string, ctx: { now: Date; timeZone: string }): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { id: null, intent: 'unknown', error: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { id: null, intent: 'unknown', error: 'expected a JSON object {"id","text"}' };
  }
  const obj = value as Record<string, unknown>;
  const id = typeof obj.id === 'string' || typeof obj.id === 'number' ? obj.id : null;
  if (typeof obj.text !== 'string') return { id, intent: 'unknown', error: '"text" must be a string' };
  try {
    const { command } = interpretRules(obj.text, ctx);
    return { id, ...command };
  } catch (err) {
    return { id, intent: 'unknown', error: `interpreter failed: ${(err as Error).message}` };
  }
}

export async function runParseCommands(opts: ParseCommandsOptions): Promise<void> {
  const ctx = { now: opts.now, timeZone: opts.timeZone };
  const rl = createInterface({ input: opts.input, crlfDelay: Infinity });
  let buffer = '';
  const flush = async () => {
    if (!buffer) return;
    const ok = opts.output.write(buffer);
    buffer = '';
    if (!ok) await once(opts.output, 'drain');
  };
  for await (const line of rl) {
    if (!line.trim()) continue;
    buffer += JSON.stringify(parseCommandLine(line, ctx)) + '\n';
    if (buffer.length > 64 * 1024) await flush();
  }
  await flush();
}
