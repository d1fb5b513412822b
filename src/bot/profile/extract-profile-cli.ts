// `parley extract-profile`: JSON lines {"id","text"} in, {"id", …facts} out, offline (rules).
// A bad line answers {"id": null, "error": "..."} and the run goes on.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { extractProfileFacts } from './extract-rules.ts';

const InputLineSchema = z.object({ id: z.union([z.string(), z.number()]), text: z.string() });

/** The output line for one input line. */
export function extractProfileLine(line: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    return { id: null, error: `invalid JSON: ${(err as Error).message}` };
  }
  const parsed = InputLineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      id: null,
      error: `expected {"id": string|number, "text": string}: ${issue.path.join('.') || 'line'} ${issue.message}`,
    };
  }
  return { id: parsed.data.id, ...extractProfileFacts(parsed.data.text).facts };
}

export async function runExtractProfile(opts: {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}): Promise<void> {
  const lines = createInterface({ input: opts.input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let out: Record<string, unknown>;
    try {
      out = extractProfileLine(line);
    } catch (err) {
      out = { id: null, error: `extraction failed: ${(err as Error).message}` }; // one bad message never stops the run
    }
    if (!opts.output.write(`${JSON.stringify(out)}\n`)) await once(opts.output, 'drain');
  }
}
