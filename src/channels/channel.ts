// The channel adapter contract.
//
// How to add a channel: create src/channels/<name>/ with
//   payload.ts       zod schemas of the provider's webhook JSON (and send responses)
//   adapter.ts       an object satisfying ChannelAdapter: verify, parse, send, and fetchMedia when
//                    customers can send files (media.ts has the shared download)
//   adapter.test.ts  replays recorded payloads from test/fixtures/<name>/ and sends to a fake
//                    provider server on 127.0.0.1 (test/fakes/)
// then add it to registry.ts. Nothing else changes: provider JSON never leaves parse(), and only
// outbound/send calls send().
//
// Providers' docs: WhatsApp Cloud API https://developers.facebook.com/docs/whatsapp/cloud-api
// Messenger Platform https://developers.facebook.com/docs/messenger-platform
// Maytapi https://maytapi.com/whatsapp-api-documentation
// Twilio WhatsApp https://www.twilio.com/docs/whatsapp/api

export type ChannelKind = 'whatsapp' | 'messenger' | 'facebook_comment' | 'maytapi' | 'twilio' | 'app' | 'simulator';

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
  channel: ChannelKind;
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

export type ChannelAdapter<Config> = {
  kind: ChannelKind;
  /** Answers a GET verification handshake (Meta's hub.challenge); null means 403. */
  handshake?(query: Record<string, string | undefined>, config: Config): string | null;
  /** Checks the signature or token on the raw request. */
  verify(req: WebhookRequest, config: Config): boolean;
  /** Provider payload → events. Throws on a body that is not the provider's format. */
  parse(body: unknown): InboundEvent[];
  send(config: Config, to: Recipient, payload: OutboundPayload, fetchImpl?: typeof fetch): Promise<SendResult>;
  /**
   * Fetches the file of an inbound message, so the team can open it. Throws a ProviderError
   * (code `too_large` past MEDIA_MAX_BYTES). Channels without media leave it out.
   */
  fetchMedia?(config: Config, media: MediaRef, fetchImpl?: typeof fetch): Promise<FetchedMedia>;
};
