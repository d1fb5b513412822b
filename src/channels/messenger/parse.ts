// Messenger Platform webhook → InboundEvent[]. `entry[].messaging[]` carries Messenger messages,
// postbacks, reactions and receipts (channel `messenger`); `entry[].changes[]` with field `feed`
// carries Page comments (channel `facebook_comment`). What the Page itself says — echoes of our
// sends, the Page's own comments — never becomes a message to answer.
import type { InboundEvent, InboundMessage, InboundStatus, MessageType } from '../channel.ts';
import { parseOrThrow } from '../meta-graph.ts';
import { FbCommentSchema, FbWebhookSchema, type FbAttachment, type FbMessaging } from './payload.ts';

const WHAT = 'Messenger Platform webhook';

export function parseMessengerWebhook(body: unknown): InboundEvent[] {
  const webhook = parseOrThrow(FbWebhookSchema, body, WHAT);
  const events: InboundEvent[] = [];
  webhook.entry.forEach((entry, i) => {
    const pageId = entry.id;
    for (const item of entry.messaging ?? []) events.push(...messagingToEvents(pageId, item));
    (entry.changes ?? []).forEach((change, j) => {
      // Only new comments start or continue a conversation; edits, removals, reactions, posts do not.
      if (change.field !== 'feed' || change.value.item !== 'comment' || change.value.verb !== 'add') return;
      const comment = parseOrThrow(FbCommentSchema, change.value, WHAT, ['entry', i, 'changes', j, 'value']);
      if (comment.from?.id === pageId) return;
      const event: InboundMessage = {
        kind: 'message',
        channel: 'facebook_comment',
        accountId: pageId,
        providerMessageId: comment.comment_id,
        conversationKey: `comment:${comment.from?.id ?? 'unknown'}:${comment.post_id ?? ''}`,
        from: clean({ userId: comment.from?.id, name: comment.from?.name }),
        timestamp: comment.created_time ?? new Date((entry.time ?? 0) * 1000),
        type: 'comment',
        // parent_id is the post for a top-level comment, the parent comment for a reply.
        thread: clean({ postId: comment.post_id, commentId: comment.comment_id, parentId: comment.parent_id }),
      };
      if (comment.message) event.text = comment.message;
      if (comment.photo || comment.video) event.media = { url: comment.photo ?? comment.video };
      events.push(event);
    });
  });
  return events;
}

function messagingToEvents(pageId: string, item: FbMessaging): InboundEvent[] {
  const psid = item.sender.id;
  const timestamp = new Date(item.timestamp);
  // Echoes (is_echo) and anything sent by the Page itself are ours.
  if (!psid || psid === pageId || item.message?.is_echo) return [];
  const base = {
    kind: 'message' as const,
    channel: 'messenger' as const,
    accountId: pageId,
    from: { userId: psid },
    timestamp,
  };

  if (item.message) {
    const m = item.message;
    const first: InboundMessage = { ...base, providerMessageId: m.mid, type: 'text' };
    if (m.text) first.text = m.text;
    if (m.reply_to?.mid) first.contextMessageId = m.reply_to.mid;
    if (m.referral)
      first.referral = clean({
        ref: m.referral.ref,
        sourceType: m.referral.source,
        sourceId: m.referral.ad_id,
        headline: m.referral.ads_context_data?.ad_title,
      });
    if (m.quick_reply) {
      first.type = 'interactive';
      first.reply = clean({ payload: m.quick_reply.payload, title: m.text });
    }
    const attachments = m.attachments ?? [];
    if (!attachments.length) return first.text || first.reply ? [first] : [{ ...first, type: 'unsupported' }];
    // Several photos in one message: one event each, so none is lost; the first keeps the mid.
    return attachments.map((attachment, i) => {
      const event: InboundMessage =
        i === 0 ? first : { ...base, providerMessageId: `${m.mid}#${i + 1}`, type: 'unsupported' };
      fillAttachment(event, attachment);
      return event;
    });
  }

  if (item.postback) {
    const p = item.postback;
    const event: InboundMessage = {
      ...base,
      // Older postbacks carry no mid; sender + time is unique per tap.
      providerMessageId: p.mid ?? `postback:${psid}:${item.timestamp}`,
      type: 'postback',
      reply: clean({ title: p.title, payload: p.payload }),
    };
    if (p.title) event.text = p.title;
    if (p.referral)
      event.referral = clean({ ref: p.referral.ref, sourceType: p.referral.source, sourceId: p.referral.ad_id });
    return [event];
  }

  if (item.reaction) {
    const r = item.reaction;
    return [
      {
        ...base,
        providerMessageId: `reaction:${psid}:${r.mid}:${item.timestamp}`,
        type: 'reaction',
        reaction: { messageId: r.mid, emoji: r.action === 'unreact' ? null : (r.emoji ?? null) },
      },
    ];
  }

  const status = (s: InboundStatus['status'], providerMessageId: string, watermark?: number): InboundStatus => {
    const event: InboundStatus = {
      kind: 'status',
      channel: 'messenger',
      accountId: pageId,
      providerMessageId,
      status: s,
      timestamp,
      recipient: { userId: psid },
    };
    if (watermark !== undefined) event.watermark = new Date(watermark);
    return event;
  };
  if (item.delivery) {
    const mids = item.delivery.mids ?? [];
    return mids.length
      ? mids.map((mid) => status('delivered', mid))
      : [status('delivered', '', item.delivery.watermark)];
  }
  // Read receipts name no message: everything sent up to the watermark was read.
  if (item.read) return [status('read', '', item.read.watermark)];

  // Opt-ins, referrals alone, handovers, account linking: nothing to store as a message.
  return [];
}

const ATTACHMENT_TYPES: Record<string, MessageType | undefined> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  file: 'document',
  location: 'location',
};

function fillAttachment(event: InboundMessage, attachment: FbAttachment) {
  const payload = attachment.payload ?? {};
  const type = payload.sticker_id ? 'sticker' : (ATTACHMENT_TYPES[attachment.type] ?? 'unsupported');
  if (type === 'location') {
    event.type = payload.coordinates ? 'location' : 'unsupported';
    if (payload.coordinates)
      event.location = clean({
        latitude: payload.coordinates.lat,
        longitude: payload.coordinates.long,
        name: payload.title,
      });
    return;
  }
  event.type = type;
  // Shared links (fallback), templates and reels keep their URL. A shared link with words is still
  // text to answer; without words, its title is the best text there is.
  if (payload.url) event.media = { url: payload.url };
  if (type === 'unsupported' && event.text) event.type = 'text';
  else if (type === 'unsupported' && payload.title) event.text = payload.title;
}

function clean<T extends Record<string, unknown>>(value: T): T {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return value;
}
