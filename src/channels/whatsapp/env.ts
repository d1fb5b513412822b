// The environment variables of the deployment's own Whatsapp account (the default workspace's).
import { z } from 'zod';
import type { EnvEntries } from '../../lib/env.ts';

export const whatsappEnv = {
  WHATSAPP_VERIFY_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'WhatsApp Cloud API: the verify token of the webhook handshake.',
    secret: true,
  },
  WHATSAPP_APP_SECRET: {
    schema: z.string().min(1).optional(),
    description: 'WhatsApp Cloud API: the Meta app secret that signs webhooks (X-Hub-Signature-256).',
    secret: true,
  },
  WHATSAPP_ACCESS_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'WhatsApp Cloud API: access token for sending.',
    secret: true,
  },
  WHATSAPP_PHONE_NUMBER_ID: {
    schema: z.string().min(1).optional(),
    description: 'WhatsApp Cloud API: the phone number id that sends and receives.',
  },
  WHATSAPP_API_URL: {
    schema: z.url().default('https://graph.facebook.com/v26.0'),
    description: 'Graph API base URL including the version.',
  },
  WHATSAPP_TEMPLATE: {
    schema: z.string().min(1).optional(),
    description: 'Template (name:language, e.g. `followup:en`) sent instead of text outside the 24-hour window.',
  },
  WHATSAPP_TEAM_TEMPLATE: {
    schema: z.string().min(1).optional(),
    description:
      'Utility template (name:language, e.g. `team_notice:en`) for notices to team members whose 24-hour window is closed. Its body has one variable, `{{1}}`: the notice text on one line (at most 1000 characters), e.g. "Parley: {{1}}". Unset: such notices wait until the member next writes.',
  },
} satisfies EnvEntries;
