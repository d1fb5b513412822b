// The shape of one environment variable: a zod schema with its default, a one-line description
// (the README table is generated from it) and whether it is a secret (never printed). config.ts
// lists Parley's own; each channel folder lists its provider's (channels/<name>/env.ts).
import { z } from 'zod';

export type EnvEntry = { schema: z.ZodType; description: string; secret?: boolean };
export type EnvEntries = Record<string, EnvEntry>;
/** The parsed values of some entries. */
export type EnvValues<E extends EnvEntries> = { [K in keyof E]: z.output<E[K]['schema']> };

/** "true"/"false" (also 1/0, yes/no) as a boolean. */
export const envBool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
