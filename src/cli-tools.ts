// Offline evaluation tools: no database, no network.
import { parseArgs } from 'node:util';
import { AppError } from './lib/errors.ts';

export async function runTool(command: string, args: string[]) {
  if (command === 'parse-commands') {
    const { values } = parseArgs({
      args,
      options: { now: { type: 'string' }, tz: { type: 'string', default: 'Asia/Kolkata' } },
    });
    const now = values.now ? new Date(values.now) : new Date();
    if (Number.isNaN(now.getTime())) throw new AppError('bad_request', '--now must be an ISO-8601 datetime');
    const { runParseCommands } = await import('./commands/parse-commands.ts');
    return runParseCommands({ now, timeZone: values.tz!, input: process.stdin, output: process.stdout });
  }
  const { runExtractProfile } = await import('./bot/profile/extract-profile-cli.ts');
  return runExtractProfile({ input: process.stdin, output: process.stdout });
}
