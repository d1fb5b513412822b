// What an interpreter gives: the command, how sure it is, and who read it.
import type { Command } from '../command.ts';

export type Interpretation = { command: Command; confidence: number; source: 'rules' | 'llm' };
export type InterpretContext = { now: Date; timeZone: string };
export type Interpreter = (text: string, ctx: InterpretContext) => Promise<Interpretation>;
