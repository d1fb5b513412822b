// Reading what an adapter's fetchMedia returned, whichever form it took.
import type { FetchedMedia } from '../../src/channels/channel.ts';

export async function bytesOf(media: FetchedMedia): Promise<Buffer> {
  if (media.body instanceof Uint8Array) return Buffer.from(media.body);
  return Buffer.from(await new Response(media.body).arrayBuffer());
}
