// The interpreter the router calls: text → typed command. `rules` (default, offline) is the
// deterministic interpreter; `llm` and `hybrid` come with the LLM path.
import type { Command } from '../command.ts';
import { interpretRules } from './rules.ts';

export type Interpretation = { command: Command; confidence: number; source: 'rules' | 'llm' };
export type InterpretContext = { now: Date; timeZone: string };
export type Interpreter = (text: string, ctx: InterpretContext) => Promise<Interpretation>;

export const rulesInterpreter: Interpreter = async (text, ctx) => ({ ...interpretRules(text, ctx), source: 'rules' });
