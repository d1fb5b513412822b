// WhatsApp Cloud API webhook → InboundEvent[]. One POST may hold many entries, changes, messages
// and statuses; each becomes its own event. A message whose content does not match its declared
// type is kept as `unsupported` with an error, so a customer's message is never dropped.
import {
  PayloadError,
  type InboundEvent,
  type InboundMessage,
  type InboundStatus,
  type MessageType,
  type ProviderErrorInfo,
  type Sender,
} from '../channel.ts';
import { parseOrThrow } from '../meta-graph.ts';
import {
  WaContentSchemas,
  WaValueSchema,
  WaWebhookSchema,
  type WaContact,
  type WaError,
  type WaMessage,
  type WaValue,
} from './payload.ts';

const WHAT = 'WhatsApp Cloud API webhook';

export function parseWhatsAppWebhook(body: unknown): InboundEvent[] {
  const webhook = parseOrThrow(WaWebhookSchema, body, WHAT);
  const events: InboundEvent[] = [];
  webhook.entry.forEach((entry, i) => {
    entry.changes.forEach((change, j) => {
      // Other subscriptions (template status, account updates, user_preferences…) are not conversations.
      if (change.field !== 'messages') return;
      events.push(
        ...valueToEvents(parseOrThrow(WaValueSchema, change.value, WHAT, ['entry', i, 'changes', j, 'value'])),
      );
    });
  });
  return events;
}

function valueToEvents(value: WaValue): InboundEvent[] {
  const accountId = value.metadata.phone_number_id;
  const contacts = value.contacts ?? [];
  const events: InboundEvent[] = [];
  for (const message of value.messages ?? []) {
    const event = toMessage(accountId, message, contacts);
    if (event) events.push(event);
  }
  for (const status of value.statuses ?? []) {
    const mapped = STATUS[status.status];
    if (!mapped) continue;
    const contact = findContact(contacts, status.recipient_id, status.recipient_user_id);
    const isGroup = status.recipient_type === 'group';
    const event: InboundStatus = {
      kind: 'status',
      channel: 'whatsapp',
      accountId,
      providerMessageId: status.id,
      status: mapped,
      timestamp: status.timestamp,
      recipient: sender(
        isGroup ? undefined : status.recipient_id,
        status.recipient_user_id ?? contact?.user_id,
        contact,
      ),
    };
    if (status.errors?.length) event.errors = status.errors.map(errorInfo);
    if (status.biz_opaque_callback_data) event.reference = status.biz_opaque_callback_data;
    events.push(event);
  }
  if (value.errors?.length)
    events.push({ kind: 'error', channel: 'whatsapp', accountId, errors: value.errors.map(errorInfo) });
  return events;
}

// `played` (a voice note was played) implies it was read. Unknown statuses are skipped.
const STATUS: Record<string, InboundStatus['status'] | undefined> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  played: 'read',
  failed: 'failed',
};

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;

function toMessage(accountId: string, message: WaMessage, contacts: WaContact[]): InboundMessage | null {
  const type = message.type ?? 'unsupported';
  // `system` tells of a customer changing number or BSUID: no one to answer.
  if (type === 'system') return null;
  const contact = findContact(contacts, message.from, message.from_user_id);
  const from = sender(message.from, message.from_user_id ?? contact?.user_id, contact);
  if (!from.phone && !from.userId)
    throw new PayloadError(`WhatsApp message ${message.id} names no sender (no from, from_user_id or contact)`);
  const event: InboundMessage = {
    kind: 'message',
    channel: 'whatsapp',
    accountId,
    providerMessageId: message.id,
    from,
    timestamp: message.timestamp,
    type: 'unsupported',
  };
  if (message.context?.id) event.contextMessageId = message.context.id;
  if (message.referral) {
    const r = message.referral;
    event.referral = clean({
      sourceType: r.source_type,
      sourceId: r.source_id,
      sourceUrl: r.source_url,
      headline: r.headline,
      body: r.body,
      clickId: r.ctwa_clid,
    });
  }
  const errors = (message.errors ?? []).map(errorInfo);
  const problem = fillContent(event, type, message);
  if (problem) errors.push(problem);
  if (errors.length) event.errors = errors;
  return event;
}

/** Sets type and content on `event`; returns an error when the content does not match the type. */
function fillContent(event: InboundMessage, type: string, message: WaMessage): ProviderErrorInfo | undefined {
  if (!(type in WaContentSchemas)) {
    // `unsupported` (and the older `unknown`) come with Meta's own error 131051; anything newer is ours to flag.
    if (type === 'unsupported' || type === 'unknown') return undefined;
    return { code: 'unknown_type', message: `WhatsApp message type "${type}" is not handled` };
  }
  const schema = WaContentSchemas[type as keyof typeof WaContentSchemas];
  const parsed = schema.safeParse(message);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { code: 'invalid_content', message: `WhatsApp ${type} message: ${issue.path.join('.')}: ${issue.message}` };
  }
  const m = parsed.data as Record<string, any>;
  if ((MEDIA_TYPES as readonly string[]).includes(type)) {
    const media = m[type];
    event.type = type as MessageType;
    event.media = clean({
      id: media.id,
      url: media.url,
      mimeType: media.mime_type,
      caption: media.caption,
      filename: media.filename,
      sha256: media.sha256,
      voice: media.voice,
    });
    if (media.caption) event.text = media.caption;
    return undefined;
  }
  switch (type) {
    case 'text':
      event.type = 'text';
      event.text = m.text.body;
      break;
    case 'location':
      event.type = 'location';
      event.location = clean({
        latitude: m.location.latitude,
        longitude: m.location.longitude,
        name: m.location.name,
        address: m.location.address,
      });
      break;
    case 'contacts':
      event.type = 'contacts';
      event.contacts = m.contacts.map((c: any) => {
        const name =
          c.name?.formatted_name ?? ([c.name?.first_name, c.name?.last_name].filter(Boolean).join(' ') || undefined);
        const phones = (c.phones ?? []).map((p: any) => p.phone || p.wa_id).filter(Boolean);
        return clean({ name, phones });
      });
      break;
    case 'interactive': {
      event.type = 'interactive';
      const i = m.interactive;
      const choice = i.button_reply ?? i.list_reply;
      if (choice) {
        event.reply = { id: choice.id, title: choice.title };
        event.text = choice.title;
      } else if (i.nfm_reply) {
        // A WhatsApp Flow answer: the form's fields as JSON.
        event.reply = clean({ id: i.nfm_reply.name, payload: i.nfm_reply.response_json });
        if (i.nfm_reply.body) event.text = i.nfm_reply.body;
      }
      break;
    }
    case 'button':
      event.type = 'button';
      event.reply = clean({ title: m.button.text, payload: m.button.payload });
      event.text = m.button.text;
      break;
    case 'reaction':
      event.type = 'reaction';
      // Removing a reaction omits the emoji (or sends it empty).
      event.reaction = { messageId: m.reaction.message_id, emoji: m.reaction.emoji || null };
      break;
  }
  return undefined;
}

function findContact(
  contacts: WaContact[],
  phone: string | undefined,
  userId: string | undefined,
): WaContact | undefined {
  return (
    contacts.find((c) => (phone && c.wa_id === phone) || (userId && c.user_id === userId)) ??
    // One contact and no way to match it (BSUID-only sender with no ids on the message): it is theirs.
    (contacts.length === 1 && !phone && !userId ? contacts[0] : undefined)
  );
}

function sender(phone: string | undefined, userId: string | undefined, contact: WaContact | undefined): Sender {
  return clean({
    phone: phone || contact?.wa_id || undefined,
    userId: userId || undefined,
    name: contact?.profile?.name || contact?.profile?.username || undefined,
  });
}

function errorInfo(error: WaError): ProviderErrorInfo {
  return clean({
    code: String(error.code),
    title: error.title,
    message: error.message,
    details: error.error_data?.details,
  });
}

/** Drops undefined keys so events compare cleanly and serialise small. */
function clean<T extends Record<string, unknown>>(value: T): T {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return value;
}
