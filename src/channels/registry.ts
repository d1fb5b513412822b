// The one place that knows which channels exist. Everything else asks a ChannelRegistry by kind or
// by surface; the list of kinds, the webhook paths, the environment variables and the window codes
// are all derived from the adapters below. Their order is the order of preference for reaching a
// team member's phone.
import type { AnyChannelAdapter, Surface } from './channel.ts';
import { appAdapter } from './app/adapter.ts';
import { maytapiAdapter } from './maytapi/adapter.ts';
import { messengerAdapter } from './messenger/adapter.ts';
import { simulatorAdapter } from './simulator/adapter.ts';
import { twilioAdapter } from './twilio/adapter.ts';
import { whatsappAdapter } from './whatsapp/adapter.ts';

const builtIn = [
  whatsappAdapter,
  messengerAdapter,
  maytapiAdapter,
  twilioAdapter,
  appAdapter,
  simulatorAdapter,
] as const;

export type ChannelRegistry = {
  /** Every adapter, in order of preference. */
  all: readonly AnyChannelAdapter[];
  /** The adapter of a kind; throws for a kind this deployment does not have. */
  get(kind: string): AnyChannelAdapter;
  find(kind: string): AnyChannelAdapter | undefined;
  /** A surface (a conversation's `channel`) and the adapter it belongs to. */
  surface(name: string): { adapter: AnyChannelAdapter; surface: Surface } | undefined;
  /** Kinds a workspace connects an account of (through the API or the environment). */
  connectable: string[];
  /** Provider codes of every channel meaning "outside the reply window". */
  windowClosedCodes: ReadonlySet<string>;
};

export function createChannelRegistry(adapters: readonly AnyChannelAdapter[]): ChannelRegistry {
  const byKind = new Map(adapters.map((a) => [a.kind, a]));
  const surfaces = new Map(
    adapters.flatMap((adapter) =>
      Object.entries(adapter.surfaces).map(([name, surface]) => [name, { adapter, surface }]),
    ),
  );
  return {
    all: adapters,
    get(kind) {
      const a = byKind.get(kind);
      if (!a) throw new Error(`No channel of kind "${kind}"`);
      return a;
    },
    find: (kind) => byKind.get(kind),
    surface: (name) => surfaces.get(name),
    connectable: adapters.filter((a) => !a.builtin).map((a) => a.kind),
    windowClosedCodes: new Set([...surfaces.values()].flatMap(({ surface }) => surface.replyWindow?.closedCodes ?? [])),
  };
}

/** The channels Parley ships with. Tests make registries with more. */
export const defaultChannels = createChannelRegistry(builtIn);

type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type ChannelEnv = Intersect<NonNullable<(typeof builtIn)[number]['env']>>;

/** The environment variables of every channel, for config.ts. */
export const channelEnv = Object.assign({}, ...builtIn.map((a) => a.env ?? {})) as ChannelEnv;
