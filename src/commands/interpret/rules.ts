// The offline interpreter: text → typed command, with a confidence the hybrid mode uses to decide
// whether to ask the LLM. Deterministic; no database, no network. The pipeline lives in engine.ts
// (normalise → classify → extract); this file wires in the date parser.
import type { Command } from '../command.ts';
import { parseWhen } from './dates.ts';
import { interpretWith, type InterpretContext } from './engine.ts';
import { lifecycleCommand } from './lifecycle.ts';
import { releaseTarget } from './release.ts';

export type { InterpretContext } from './engine.ts';

/**
 * Reads a team member's message in English, Hinglish or Hindi. `confidence` is 0–1: about 0.9 for
 * a clear command with its fields, lower for a guess from weak evidence, and ≤ 0.35 for `unknown`
 * (including a command that lacks a required field, such as a reschedule without a new time).
 */
export function interpretRules(text: string, ctx: InterpretContext): { command: Command; confidence: number } {
  const release = releaseTarget(text);
  if (release) return { command: { intent: 'release_bot', company: release }, confidence: 0.95 };
  const lifecycle = lifecycleCommand(text);
  if (lifecycle) return { command: lifecycle, confidence: 0.9 };
  return interpretWith(text, ctx, parseWhen);
}
