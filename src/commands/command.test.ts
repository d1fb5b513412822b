import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommandLlmSchema, CommandSchema, INTENTS, commandFromLlm } from './command.ts';

const empty = Object.fromEntries(Object.keys(CommandLlmSchema.shape).map((k) => [k, null]));

describe('command contract', () => {
  it('lists every intent of the issue, stop_followups included', () => {
    expect(INTENTS).toEqual([
      'create_lead',
      'qualify_lead',
      'provide_details',
      'schedule_meeting',
      'schedule_demo',
      'reschedule_meeting',
      'reschedule_demo',
      'meeting_done',
      'demo_done',
      'cancel_meeting',
      'cancel_demo',
      'add_activity',
      'reassign_lead',
      'mark_won',
      'mark_lost',
      'schedule_call',
      'set_score',
      'update_lead',
      'list_leads',
      'list_tasks',
      'lead_history',
      'stop_followups',
      'release_bot',
      'help',
      'unknown',
    ]);
  });

  it('wants an offset on `at` and a plain date on `when`', () => {
    expect(
      CommandSchema.safeParse({ intent: 'schedule_demo', company: 'Orbit', at: '2026-03-12T15:00:00+05:30' }).success,
    ).toBe(true);
    expect(
      CommandSchema.safeParse({ intent: 'schedule_demo', company: 'Orbit', at: '2026-03-12T15:00:00' }).success,
    ).toBe(false);
    expect(CommandSchema.safeParse({ intent: 'list_tasks', when: '2026-03-12' }).success).toBe(true);
    expect(CommandSchema.safeParse({ intent: 'reschedule_meeting', company: 'Orbit' }).success).toBe(false);
  });

  it('converts to JSON Schema, union and flat LLM shape alike', () => {
    expect(z.toJSONSchema(CommandSchema)).toHaveProperty('oneOf');
    const flat = z.toJSONSchema(CommandLlmSchema) as { properties: Record<string, unknown>; required: string[] };
    expect(flat.required).toEqual(Object.keys(CommandLlmSchema.shape));
  });

  it('turns the flat LLM answer into a command, dropping nulls and fields the intent lacks', () => {
    expect(
      commandFromLlm({ ...empty, intent: 'reassign_lead', company: ' Orbit ', assignee: 'Rekha', note: 'x' } as never),
    ).toEqual({
      intent: 'reassign_lead',
      company: 'Orbit',
      assignee: 'Rekha',
    });
    expect(commandFromLlm({ ...empty, intent: 'reassign_lead', company: 'Orbit' } as never)).toEqual({
      intent: 'unknown',
    });
  });
});
