// What the outbox will do with a person's reply now, by the same rules as outbound.send: free
// text inside WhatsApp's (and Twilio's) 24-hour window, the channel's approved template after it,
// Messenger's HUMAN_AGENT tag for up to 7 days, otherwise nothing can be sent.
import type { ConversationItem } from '../api/types.ts';
import { windowLeft } from './format.ts';

const windowed = new Set(['whatsapp', 'twilio', 'messenger']);
const HUMAN_AGENT_MS = 7 * 24 * 3600_000;

export type WindowState =
  | { kind: 'none' }
  | { kind: 'open'; leftMs: number }
  | { kind: 'template'; template: string }
  | { kind: 'human_agent'; leftMs: number }
  | { kind: 'closed' };

/** What the outbox will do with a reply now (the same rules as outbound.send). */
export function windowState(
  conv: Pick<ConversationItem, 'channel' | 'last_inbound_at'>,
  channelKind: string | undefined,
  template: string | null,
  now = Date.now(),
): WindowState {
  if (!channelKind || !windowed.has(channelKind) || conv.channel === 'facebook_comment') return { kind: 'none' };
  const left = windowLeft(conv.last_inbound_at, now);
  if (left !== null) return { kind: 'open', leftMs: left };
  if (channelKind === 'messenger') {
    const since = conv.last_inbound_at ? now - new Date(conv.last_inbound_at).getTime() : Infinity;
    return since < HUMAN_AGENT_MS ? { kind: 'human_agent', leftMs: HUMAN_AGENT_MS - since } : { kind: 'closed' };
  }
  return template ? { kind: 'template', template } : { kind: 'closed' };
}
