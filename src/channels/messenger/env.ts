// The environment variables of the deployment's own Messenger account (the default workspace's).
import { z } from 'zod';
import type { EnvEntries } from '../../lib/env.ts';

export const messengerEnv = {
  MESSENGER_PAGE_ID: {
    schema: z.string().min(1).optional(),
    description: 'Facebook page id (Messenger and page comments).',
  },
  MESSENGER_PAGE_ACCESS_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'Page access token for the Send API and comment replies.',
    secret: true,
  },
  MESSENGER_APP_SECRET: {
    schema: z.string().min(1).optional(),
    description: 'Meta app secret that signs Messenger webhooks.',
    secret: true,
  },
  MESSENGER_VERIFY_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'Verify token of the Messenger webhook handshake.',
    secret: true,
  },
  MESSENGER_API_URL: {
    schema: z.url().default('https://graph.facebook.com/v26.0'),
    description: 'Graph API base URL for Messenger, including the version.',
  },
} satisfies EnvEntries;
