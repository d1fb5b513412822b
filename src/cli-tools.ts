// Offline evaluation tools: no database, no network.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from './lib/errors.ts';

const USAGE: Record<string, string> = {
  'parse-commands':
    'parley parse-commands [--now ISO-8601] [--tz Asia/Kolkata] < commands.jsonl  (JSON lines {"id","text"} → commands)',
  'extract-profile': 'parley extract-profile < messages.jsonl  (JSON lines {"id","text"} → profile facts)',
};

/** The tool's flags; a wrong one is a one-line error with the usage, never a stack trace. */
function argsOf(command: string, args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean' } } }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (err) {
    const why = (err as Error).message.replace(/\. This command .*$/, '');
    throw new AppError('bad_request', `${why}. Usage: ${USAGE[command]}`);
  }
}

export async function runTool(command: string, args: string[]) {
  if (command === 'parse-commands') {
    const values = argsOf(command, args, {
      now: { type: 'string' },
      tz: { type: 'string', default: 'Asia/Kolkata' },
    });
    if (values.help) return void process.stdout.write(`Usage: ${USAGE[command]}\n`);
    const now = typeof values.now === 'string' ? new Date(values.now) : new Date();
    if (Number.isNaN(now.getTime())) throw new AppError('bad_request', '--now must be an ISO-8601 datetime');
    const { runParseCommands } = await import('./commands/parse-commands.ts');
    return runParseCommands({ now, timeZone: String(values.tz), input: process.stdin, output: process.stdout });
  }
  if (argsOf(command, args, {}).help) return void process.stdout.write(`Usage: ${USAGE[command]}\n`);
  const { runExtractProfile } = await import('./bot/profile/extract-profile-cli.ts');
  return runExtractProfile({ input: process.stdin, output: process.stdout });
}
