// The built-in simulator: try Parley with no WhatsApp account. Inbound messages arrive through
// POST /api/simulator/messages as InboundMessage events (the same pipeline as WhatsApp); sending
// just succeeds, and the outbound rows are what GET /api/simulator/messages reads.
import { randomUUID } from 'node:crypto';
import type { ChannelAdapter } from '../channel.ts';

export type SimulatorConfig = Record<string, never>;

export const simulatorAdapter: ChannelAdapter<SimulatorConfig> = {
  kind: 'simulator',
  verify: () => true,
  parse: () => [],
  send: async () => ({ providerMessageId: `sim.${randomUUID()}` }),
};
