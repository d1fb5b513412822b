// The environment variables of the deployment's own Maytapi account (the default workspace's).
import { z } from 'zod';
import type { EnvEntries } from '../../lib/env.ts';

export const maytapiEnv = {
  MAYTAPI_PRODUCT_ID: { schema: z.string().min(1).optional(), description: 'Maytapi product id.' },
  MAYTAPI_PHONE_ID: { schema: z.string().min(1).optional(), description: 'Maytapi phone id.' },
  MAYTAPI_API_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'Maytapi API token (x-maytapi-key).',
    secret: true,
  },
  MAYTAPI_API_URL: { schema: z.url().default('https://api.maytapi.com/api'), description: 'Maytapi API base URL.' },
  MAYTAPI_WEBHOOK_TOKEN: {
    schema: z.string().min(1).optional(),
    description: 'When set, Maytapi webhooks must carry it as `?token=`.',
    secret: true,
  },
} satisfies EnvEntries;
