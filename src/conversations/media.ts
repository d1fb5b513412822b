// The file of a customer's message (photo, voice note, video, document, sticker), fetched from the
// provider when a team member opens it. Parley stores only the provider's reference (a WhatsApp
// media id, a CDN or Twilio link); the bytes pass through and are not kept.
//
// Who may open it: whoever may read the conversation (conversations/inbox.ts), so another
// workspace's message, or an agent's colleague's, answers 404 like an unknown id.
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { MEDIA_MAX_BYTES, ProviderError, type FetchedMedia, type MediaRef } from '../channels/channel.ts';
import type { Actor } from '../crm/actor.ts';
import { messages } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { AppError, notFound } from '../lib/errors.ts';
import { getChannel } from '../channel-accounts/accounts.ts';
import { channelConfig, channelFetch, secretValues } from '../channel-accounts/config.ts';
import { getVisibleConversation } from './inbox.ts';

const MediaRefSchema = z.looseObject({
  id: z.string().min(1).optional(),
  url: z.string().min(1).optional(),
  mimeType: z.string().optional(),
  filename: z.string().optional(),
  caption: z.string().optional(),
  sha256: z.string().optional(),
  voice: z.boolean().optional(),
});

type MediaDeps = Pick<Deps, 'db' | 'config' | 'secrets' | 'channels' | 'fetch' | 'log'>;

/** Opens the file of a message the actor may see: 404 without one, 413 over the limit, 502 when the provider fails. */
export async function fetchMessageMedia(deps: MediaDeps, actor: Actor, messageId: string): Promise<FetchedMedia> {
  const { db } = deps;
  const [message] = await db
    .select({
      id: messages.id,
      type: messages.type,
      payload: messages.payload,
      conversationId: messages.conversationId,
      channelId: messages.channelId,
    })
    .from(messages)
    .where(and(eq(messages.workspaceId, actor.workspaceId), eq(messages.id, messageId)));
  if (!message) throw notFound('Message');
  try {
    await getVisibleConversation(db, actor, message.conversationId);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') throw notFound('Message');
    throw err;
  }
  const media = MediaRefSchema.safeParse(message.payload.media);
  if (!media.success || (!media.data.id && !media.data.url))
    throw new AppError('not_found', `This ${message.type} message has no file to open`);

  const channel = await getChannel(db, message.channelId);
  const adapter = deps.channels.get(channel.kind);
  if (channel.workspaceId !== actor.workspaceId || !adapter.fetchMedia)
    throw new AppError('not_found', `${channel.name} messages have no files to open`);
  const config = channelConfig(deps, channel);

  let file: FetchedMedia;
  try {
    file = await adapter.fetchMedia(config, media.data as MediaRef, channelFetch(deps, channel));
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    const reason = withoutSecrets(err.message, secretValues(deps, channel.kind, config));
    deps.log.warn(
      { messageId, channel: channel.kind, code: err.code, status: err.status, reason },
      'could not fetch media',
    );
    throw new AppError(
      err.code === 'too_large' ? 'too_large' : 'provider_error',
      err.code === 'too_large' ? reason : `Could not fetch the file: ${reason}`,
    );
  }
  if (file.size !== undefined && file.size > MEDIA_MAX_BYTES) {
    if (file.body instanceof ReadableStream) await file.body.cancel();
    throw new AppError('too_large', `The file is larger than ${MEDIA_MAX_BYTES / 1024 / 1024} MB`);
  }
  return file;
}

/** No provider's answer may echo one of the channel's secrets back to the client. */
function withoutSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const value of secrets) out = out.replaceAll(value, '[secret]');
  return out;
}
