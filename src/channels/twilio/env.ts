// The environment variables of the deployment's own Twilio account (the default workspace's).
import { z } from 'zod';
import type { EnvEntries } from '../../lib/env.ts';

export const twilioEnv = {
  TWILIO_ACCOUNT_SID: { schema: z.string().min(1).optional(), description: 'Twilio account SID.' },
  TWILIO_AUTH_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'Twilio auth token (signs webhooks, authenticates sends).',
    secret: true,
  },
  TWILIO_WHATSAPP_FROM: {
    schema: z.string().min(1).optional(),
    description: 'Twilio WhatsApp sender, e.g. `whatsapp:+14155238886`.',
  },
  TWILIO_API_URL: { schema: z.url().default('https://api.twilio.com'), description: 'Twilio API base URL.' },
  TWILIO_WEBHOOK_URL: {
    schema: z.url().optional(),
    description: 'The public URL Twilio calls (its signature covers it).',
  },
} satisfies EnvEntries;
