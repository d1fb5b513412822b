// The channel adapter contract: everything a provider differs by is declared here, so the rest of
// Parley never switches on a channel's kind.
//
// How to add a channel: create src/channels/<name>/ with
//   payload.ts       zod schemas of the provider's webhook JSON (and send responses)
//   env.ts           its environment variables (EnvEntries), if the deployment can configure one account
//   adapter.ts       a ChannelAdapter made with defineChannel: surfaces and their capabilities, the
//                    account (env mapping, adapter config, secret keys), the webhook (path, handshake,
//                    acknowledgement), verify, parse, send, and fetchMedia when customers can send files
//                    (media.ts has the shared download, http.ts the shared request helpers)
//   adapter.test.ts  replays recorded payloads from test/fixtures/<name>/ and sends to a fake
//                    provider server on 127.0.0.1 (test/fakes/)
// then add it to the list in registry.ts. Nothing else changes: provider JSON never leaves parse(),
// and only outbound/send calls send(). test/extra-channel.test.ts proves it with a channel of its own.
//
// Providers' docs: WhatsApp Cloud API https://developers.facebook.com/docs/whatsapp/cloud-api
// Messenger Platform https://developers.facebook.com/docs/messenger-platform
// Maytapi https://maytapi.com/whatsapp-api-documentation
// Twilio WhatsApp https://www.twilio.com/docs/whatsapp/api
import type { z } from 'zod';
import type { EnvEntries, EnvValues } from '../lib/env.ts';

/**
 * An adapter's kind ("whatsapp"), or a surface: where a conversation lives on that provider. Most
 * adapters have one surface named like themselves; Messenger also has Page comment threads
 * ("facebook_comment"). Events and conversations name their surface.
 */
export type ChannelKind = string;

export type MessageType =
  | 'text'
  | 'image'
  | 'audio'
  | 'video'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'interactive'
  | 'button'
  | 'reaction'
  | 'postback'
  | 'comment'
  | 'unsupported';

/** Who sent it. WhatsApp may give only a user id (BSUID) and no phone. */
export type Sender = { phone?: string; userId?: string; name?: string };

export type InboundMessage = {
  kind: 'message';
  /** The surface it arrived on. */
  channel: ChannelKind;
  /**
   * Where the conversation lives when it is not the sender's own address: a Page comment thread
   * is one conversation per commenter and post. Unset: the sender's phone or user id.
   */
  conversationKey?: string;
  /** The provider's id of our account that received it (phone_number_id, page id, Maytapi phone id, Twilio number). */
  accountId: string;
  providerMessageId: string;
  from: Sender;
  timestamp: Date;
  type: MessageType;
  /** Text people can read: the body, a caption, a button title, a postback title. */
  text?: string;
  media?: {
    id?: string;
    url?: string;
    mimeType?: string;
    caption?: string;
    filename?: string;
    sha256?: string;
    voice?: boolean;
  };
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  contacts?: { name?: string; phones: string[] }[];
  /** Reply payloads: interactive button/list ids, template quick-reply payloads, postbacks. */
  reply?: { id?: string; title?: string; payload?: string };
  /** Reaction to an earlier message; emoji null/empty means the reaction was removed. */
  reaction?: { messageId: string; emoji: string | null };
  /** The message this one quotes or replies to. */
  contextMessageId?: string;
  /** For comments: the post and comment thread, so replies go to the right place. */
  thread?: { postId?: string; commentId?: string; parentId?: string };
  /** Provider-level errors attached to the message (e.g. WhatsApp "unsupported"). */
  errors?: ProviderErrorInfo[];
  /** Where the conversation started: a click-to-WhatsApp/Messenger ad or an m.me link. */
  referral?: {
    sourceType?: string;
    sourceId?: string;
    sourceUrl?: string;
    headline?: string;
    body?: string;
    ref?: string;
    clickId?: string;
  };
};

export type InboundStatus = {
  kind: 'status';
  channel: ChannelKind;
  accountId: string;
  providerMessageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: Date;
  recipient?: Sender;
  errors?: ProviderErrorInfo[];
  /**
   * Our own reference, echoed by the provider (WhatsApp's `biz_opaque_callback_data`): the id of
   * the outbound row the send was for. It settles a send whose answer never reached us.
   */
  reference?: string;
  /**
   * Messenger read (and some delivery) receipts name no message: every message sent to `recipient`
   * at or before this time has reached `status`. providerMessageId is then ''.
   */
  watermark?: Date;
};

/** Errors the provider reports at the webhook's value level, not tied to one message. */
export type InboundError = { kind: 'error'; channel: ChannelKind; accountId: string; errors: ProviderErrorInfo[] };

/**
 * The provider reports the state of our own account rather than a message (Maytapi's phone status:
 * active, loading, qr-screen…). Nothing to store as a message; useful for alerts and the dashboard.
 */
export type InboundAccountStatus = {
  kind: 'account_status';
  channel: ChannelKind;
  accountId: string;
  /** Normalized: can the account send and receive right now, and if not, why not. */
  state: 'connected' | 'connecting' | 'needs_login' | 'disconnected' | 'error';
  /** The provider's own word for it, e.g. Maytapi's "qr-screen". */
  providerStatus: string;
  timestamp: Date;
};

export type InboundEvent = InboundMessage | InboundStatus | InboundError | InboundAccountStatus;

export type ProviderErrorInfo = { code: string; title?: string; message?: string; details?: string };

export type Recipient = {
  phone?: string;
  userId?: string;
  commentId?: string;
  /** With commentId: answer in the commenter's Messenger inbox (Private Replies) instead of publicly. */
  privateReply?: boolean;
};

/**
 * Messenger outside its 24-hour window: a person's reply may be sent for 7 days with the
 * HUMAN_AGENT tag (the page's app needs Meta's Human Agent permission). Other channels ignore it.
 */
export type MessageTag = 'HUMAN_AGENT';

export type OutboundPayload =
  | { type: 'text'; text: string; previewUrl?: boolean; tag?: MessageTag }
  | { type: 'template'; name: string; language: string; variables?: string[] }
  | {
      type: 'media';
      mediaType: 'image' | 'audio' | 'video' | 'document';
      url: string;
      caption?: string;
      filename?: string;
      tag?: MessageTag;
    }
  | { type: 'mark_read'; messageId: string };

export type SendResult = { providerMessageId: string | null };

/** What a send carries besides the message: our reference (the outbound row's id), when the adapter echoes one. */
export type SendOptions = { reference?: string };

/** What an inbound message stored of its file (InboundMessage.media): a provider id, a URL, or both. */
export type MediaRef = NonNullable<InboundMessage['media']>;

/**
 * The largest file fetchMedia hands over: WhatsApp's own limit (documents, 100 MB); the other
 * providers' files are smaller.
 */
export const MEDIA_MAX_BYTES = 100 * 1024 * 1024;

/** A customer's file as the provider serves it. */
export type FetchedMedia = {
  /** The bytes; a stream errors rather than pass MEDIA_MAX_BYTES. */
  body: ReadableStream<Uint8Array> | Uint8Array;
  /** The provider's content type, e.g. "image/jpeg" or "audio/ogg; codecs=opus". */
  contentType: string;
  /** Bytes, when the provider says (Content-Length of the file itself). */
  size?: number;
  filename?: string;
};

/** A failed send. `retryable` says whether the sender should try again (429, 5xx, network). */
export class ProviderError extends Error {
  readonly retryable: boolean;
  readonly status?: number;
  readonly code?: string;
  constructor(message: string, opts: { retryable: boolean; status?: number; code?: string }) {
    super(message);
    this.retryable = opts.retryable;
    this.status = opts.status;
    this.code = opts.code;
  }
}

/** Thrown by parse() when a body is not the provider's format (the webhook answers 400). */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** What verify() sees of an HTTP request. */
export type WebhookRequest = {
  method: string;
  /** Full URL as the provider called it (Twilio signs it). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | undefined>;
  rawBody: Buffer;
};

/**
 * The customer-service window: outside it a business may write only with an approved template
 * (WhatsApp, Twilio), or, on Messenger, with a message tag for a person's reply.
 */
export type ReplyWindow = {
  hours: number;
  /** Provider error codes meaning "outside the window" (in send errors and failed-status webhooks). */
  closedCodes: readonly string[];
  /** The window may be crossed with the account's template (channel setting `template`). */
  templates: boolean;
  /** A person's reply (purpose `agent`) within these hours of the contact's last message goes with the tag. */
  humanAgentTag?: { tag: MessageTag; hours: number };
};

/** What a conversation on one surface can do. outbound/ and inbound/ read these, never the kind. */
export type Surface = {
  /** How the conversation is named in the lead's timeline: "WhatsApp conversation linked …". */
  label: string;
  /** The lead source of a lead captured from such a conversation. */
  leadSource: string;
  /** The longest text body one message may have (UTF-16 units); longer texts go as several. */
  textLimit: number;
  replyWindow?: ReplyWindow;
  /** An answer first marks the message it answers as read (blue ticks, "seen"). */
  markRead: boolean;
  /** Replies go under the thread item they answer (Page comments), not to the contact. */
  threaded?: boolean;
};

/** An account the environment configures for the default workspace. */
export type EnvAccount = {
  name: string;
  accountId: string;
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
};

/** A connected account as the adapter needs it: the row's id and settings and its opened secrets. */
export type AccountInput<Env> = {
  accountId: string;
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
  /** The deployment's environment, for defaults a connected account may leave out (API base URLs). */
  env: Env;
};

/** What a webhook delivery is answered with once it is stored. */
export type WebhookAck = { status: number; contentType?: string; body: unknown };
export type IngestSummary = {
  received: number;
  stored: number;
  duplicates: number;
  statuses: number;
  ignored: number;
  /** Events that could not be stored even alone (logged and acknowledged). */
  rejected: number;
};

export type ChannelAdapter<Config = never, Env extends EnvEntries = EnvEntries> = {
  kind: ChannelKind;
  /** The provider's name for people: "WhatsApp (Twilio)". */
  label: string;
  /** Its surfaces by name; one is named like the kind. */
  surfaces: Record<string, Surface>;
  /** Team notifications can reach a member's phone number through it (in registry order of preference). */
  reachesPhones: boolean;
  /** Every workspace has one, made on first use, with nothing to connect (the simulator, in-app). */
  builtin?: boolean;
  /** Replies are handed back in the HTTP response of the message they answer (in-app): not sent. */
  inline?: boolean;
  /** Environment variables of the deployment's own account (README table, config.ts). */
  env?: Env;
  account?: {
    /** The account the environment configures, if any. */
    fromEnv(env: EnvValues<Env>): EnvAccount | null;
    /** The adapter config of an account: its settings and secrets over the environment's defaults. */
    config(input: AccountInput<EnvValues<Env>>): Config;
    /** The canonical form of an account id as webhooks name it (Twilio: the E.164 of "whatsapp:+1…"). */
    key?(accountId: string): string;
    /** Config keys that hold secrets: never echoed to a client, scrubbed from provider errors. */
    secretKeys: readonly string[];
    /** What the API accepts as settings and secrets of a connected account. */
    settings?: z.ZodType<Record<string, unknown>>;
    secrets?: z.ZodType<Record<string, unknown>>;
  };
  /** Where the provider delivers webhooks, and what it expects back. */
  webhook?: {
    path: string;
    /** The answer to a stored delivery; JSON counts by default. */
    ack?(summary: IngestSummary): WebhookAck;
  };
  /** Answers a GET verification handshake (Meta's hub.challenge); null means 403. */
  handshake?(query: Record<string, string | undefined>, config: Config): string | null;
  /** Checks the signature or token on the raw request. */
  verify(req: WebhookRequest, config: Config): boolean;
  /** Provider payload → events. Throws on a body that is not the provider's format. */
  parse(body: unknown): InboundEvent[];
  send(
    config: Config,
    to: Recipient,
    payload: OutboundPayload,
    fetchImpl?: typeof fetch,
    opts?: SendOptions,
  ): Promise<SendResult>;
  /**
   * The provider echoes `SendOptions.reference` in its status webhooks (parse() returns it as
   * InboundStatus.reference): a send whose answer was lost (a crash, a timeout) settles when its
   * status arrives, and one that no status names within a bounded wait is sent again. Without it
   * such a send is `delivery_unknown`, for a person to send again.
   */
  echoesReference?: boolean;
  /**
   * Fetches the file of an inbound message, so the team can open it. Throws a ProviderError
   * (code `too_large` past MEDIA_MAX_BYTES). Channels without media leave it out.
   */
  fetchMedia?(config: Config, media: MediaRef, fetchImpl?: typeof fetch): Promise<FetchedMedia>;
};

/** Any adapter, as the registry holds them (its config is opaque outside its folder). */
export type AnyChannelAdapter = ChannelAdapter<any, any>;

/** Declares an adapter, keeping its config and environment types. */
export function defineChannel<Config, Env extends EnvEntries = EnvEntries>(
  adapter: ChannelAdapter<Config, Env>,
): ChannelAdapter<Config, Env> {
  if (!adapter.surfaces[adapter.kind]) throw new Error(`channel ${adapter.kind}: no surface named like the kind`);
  return adapter;
}
