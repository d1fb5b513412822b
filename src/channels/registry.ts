// The one place that switches on the channel kind.
import { appAdapter } from './app/adapter.ts';
import type { ChannelAdapter } from './channel.ts';
import { maytapiAdapter } from './maytapi/adapter.ts';
import { messengerAdapter } from './messenger/adapter.ts';
import { simulatorAdapter } from './simulator/adapter.ts';
import { twilioAdapter } from './twilio/adapter.ts';
import { whatsappAdapter } from './whatsapp/adapter.ts';

export const adapters = {
  whatsapp: whatsappAdapter,
  messenger: messengerAdapter,
  maytapi: maytapiAdapter,
  twilio: twilioAdapter,
  app: appAdapter,
  simulator: simulatorAdapter,
} satisfies Record<string, ChannelAdapter<never>>;

export type AdapterKind = keyof typeof adapters;

export function adapterFor(kind: AdapterKind): ChannelAdapter<unknown> {
  return adapters[kind] as ChannelAdapter<unknown>;
}

/** Channels bound by WhatsApp's 24-hour customer-service window. */
export const hasReplyWindow = (kind: AdapterKind) => kind === 'whatsapp' || kind === 'twilio' || kind === 'messenger';
