// The built-in simulator: try Parley with no WhatsApp account. Inbound messages arrive through
// POST /api/simulator/messages as InboundMessage events (the same pipeline as WhatsApp); sending
// just succeeds, and the outbound rows are what GET /api/simulator/messages reads.
import { randomUUID } from 'node:crypto';
import { defineChannel } from '../channel.ts';

export type SimulatorConfig = Record<string, never>;

export const simulatorAdapter = defineChannel<SimulatorConfig>({
  kind: 'simulator',
  label: 'Simulator',
  surfaces: {
    simulator: { label: 'Simulator conversation', leadSource: 'simulator', textLimit: Infinity, markRead: false },
  },
  reachesPhones: false,
  builtin: true,
  verify: () => true,
  parse: () => [],
  send: async () => ({ providerMessageId: `sim.${randomUUID()}` }),
});
