// The interpreter the router calls: text → typed command. COMMANDS_MODE picks it: `rules` (default,
// offline, deterministic), `llm` (the LLM for every message), or `hybrid` (the rules first, the
// LLM only when they answer `unknown` or are unsure). Whenever the LLM fails, times out or has no
// usable answer, the rules answer: a salesperson always gets a reply.
import type { Config } from '../../config.ts';
import { createLlmInterpreter } from './llm.ts';
import { releaseTarget } from './release.ts';
import { interpretRules } from './rules.ts';
import type { InterpretContext, Interpretation, Interpreter } from './types.ts';

export type { InterpretContext, Interpretation, Interpreter } from './types.ts';

export const rulesInterpreter: Interpreter = async (text, ctx) => ({ ...interpretRules(text, ctx), source: 'rules' });

/** "release Orbit": read the same in every mode, before the LLM is asked anything. */
const released = (text: string): Interpretation | null => {
  const company = releaseTarget(text);
  return company ? { command: { intent: 'release_bot', company }, confidence: 0.95, source: 'rules' } : null;
};

/** Below this the hybrid mode asks the LLM (rules answer ~0.9 when sure, ≤ 0.35 for unknown). */
export const HYBRID_THRESHOLD = 0.6;

type InterpreterConfig = Pick<
  Config,
  'COMMANDS_MODE' | 'LLM_BASE_URL' | 'LLM_API_KEY' | 'LLM_MODEL' | 'LLM_TIMEOUT_MS'
>;

export function createInterpreter(
  config: InterpreterConfig,
  opts: { fetch?: typeof fetch; onError?: (err: unknown) => void } = {},
): Interpreter {
  if (config.COMMANDS_MODE === 'rules' || !config.LLM_BASE_URL || !config.LLM_MODEL) return rulesInterpreter;
  const llm = createLlmInterpreter({
    baseURL: config.LLM_BASE_URL,
    apiKey: config.LLM_API_KEY,
    model: config.LLM_MODEL,
    timeoutMs: config.LLM_TIMEOUT_MS,
    fetch: opts.fetch,
  });
  const ask = async (text: string, ctx: InterpretContext): Promise<Interpretation | null> => {
    try {
      const r = await llm(text, ctx);
      return r.command.intent === 'unknown' ? null : r;
    } catch (err) {
      opts.onError?.(err);
      return null;
    }
  };
  if (config.COMMANDS_MODE === 'llm')
    return async (text, ctx) => released(text) ?? (await ask(text, ctx)) ?? rulesInterpreter(text, ctx);
  return async (text, ctx) => {
    const rules = await rulesInterpreter(text, ctx);
    if (rules.command.intent !== 'unknown' && rules.confidence >= HYBRID_THRESHOLD) return rules;
    return (await ask(text, ctx)) ?? rules;
  };
}
