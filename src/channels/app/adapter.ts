// The in-app channel: a team member's web or mobile app posts to POST /app and gets the bot's
// reply in the HTTP response. Sending is a no-op: the reply rows are returned by that request.
import { randomUUID } from 'node:crypto';
import { defineChannel } from '../channel.ts';

export type AppConfig = Record<string, never>;

export const appAdapter = defineChannel<AppConfig>({
  kind: 'app',
  label: 'In-app',
  surfaces: { app: { label: 'In-app conversation', leadSource: 'app', textLimit: Infinity, markRead: false } },
  reachesPhones: false,
  builtin: true,
  inline: true,
  verify: () => true,
  parse: () => [],
  send: async () => ({ providerMessageId: `app.${randomUUID()}` }),
});
