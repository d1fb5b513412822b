// The LLM interpreter: the same command contract through any OpenAI-compatible server (OpenAI,
// Azure, Groq, Ollama, vLLM…) with the AI SDK's structured output. The model fills the flat
// `CommandLlmSchema` (every field present, null when not given), which `commandFromLlm` turns
// into a `Command`. It throws on any failure, timeout or unusable answer: createInterpreter
// (index.ts) falls back to the rules.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, Output } from 'ai';
import { CommandLlmSchema, commandFromLlm } from '../command.ts';
import { formatInstant, wallAt } from '../../lib/zone.ts';
import type { InterpretContext, Interpretation } from './types.ts';

export type LlmSettings = {
  baseURL: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  /** Tests may inject one; the default is the global fetch. */
  fetch?: typeof fetch;
};

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function commandPrompt(ctx: InterpretContext): string {
  const now = formatInstant(ctx.now.getTime(), ctx.timeZone);
  const { date } = wallAt(ctx.now.getTime(), ctx.timeZone);
  const weekday = WEEKDAYS[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()];
  return [
    'You read messages that salespeople send to their CRM bot on WhatsApp, in English, Hindi (Devanagari) or Hinglish (Hindi in Latin letters), and turn each into one command.',
    `Now is ${weekday} ${now} in the time zone ${ctx.timeZone}.`,
    '',
    'Intents:',
    '- create_lead: a new lead (company, contact_name, phone, email, source, assignee).',
    '- qualify_lead: the lead is qualified (company).',
    '- provide_details: qualification details (address, turnover, current_system, challenges; company if named).',
    '- schedule_meeting / schedule_demo: book one (company, at, assignee).',
    '- reschedule_meeting / reschedule_demo: move it to a new time (company, at).',
    '- meeting_done / demo_done: it took place (company, note = what they said about it).',
    '- cancel_meeting / cancel_demo: the planned one is called off and will not take place (company, note = the reason, if given). A new time means reschedule, not cancel; stopping follow-up messages is stop_followups.',
    '- add_activity: log a call, visit or remark (company, note).',
    '- reassign_lead: give the lead to another team member (company, assignee).',
    '- mark_won / mark_lost: the deal is won / lost (company, note = what they said; for lost, the reason; for won, amount = the value it was won for as a plain number, "2.5 lakh" → 250000, only when said).',
    '- schedule_call: a call to make (company, at, assignee); a call already made is add_activity.',
    '- set_score: set the lead score 0–100 (company, score).',
    '- update_lead: change a field of the lead (company and the new contact_name, phone, email, source or address).',
    '- Chit-chat that mentions a meeting or demo ("kal wali meeting mast thi") and questions about how to use the bot are unknown and help, never a command.',
    '- list_leads (assignee when someone else’s), list_tasks (assignee, when).',
    "- release_bot: hand the lead's paused conversations back to the customer bot (company, or a phone).",
    '- lead_history (company), stop_followups (company), help, unknown.',
    '',
    'Rules:',
    '- Copy names, companies, sources and notes in the user’s own words and script; drop honorifics (Mr., Mrs., ji, sir, bhai).',
    '- Phone numbers as written.',
    '- at: ISO-8601 with the offset of the time zone (e.g. 2026-03-12T15:00:00+05:30), resolved against now; "kal" after a time word means tomorrow. A bare hour from 1 to 7 means pm. when: YYYY-MM-DD.',
    '- A field the user did not give is null. Never invent a time, an assignee or a note.',
    '- If the message is not one of these commands, the intent is unknown.',
  ].join('\n');
}

/** An Interpreter backed by the LLM; rejects on failure (the caller falls back). */
export function createLlmInterpreter(
  settings: LlmSettings,
): (text: string, ctx: InterpretContext) => Promise<Interpretation> {
  const provider = createOpenAICompatible({
    name: 'parley-commands',
    baseURL: settings.baseURL,
    apiKey: settings.apiKey,
    fetch: settings.fetch,
    supportsStructuredOutputs: true,
  });
  const model = provider.chatModel(settings.model);
  return async (text, ctx) => {
    const { output } = await generateText({
      model,
      system: commandPrompt(ctx),
      prompt: text,
      output: Output.object({
        schema: CommandLlmSchema,
        name: 'command',
        description: 'The command the salesperson gave.',
      }),
      temperature: 0,
      // The timeout is the whole budget: one attempt, then the rules answer.
      maxRetries: 0,
      abortSignal: AbortSignal.timeout(settings.timeoutMs),
    });
    const command = commandFromLlm(output);
    return { command, confidence: command.intent === 'unknown' ? 0.3 : 0.85, source: 'llm' };
  };
}
