import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { z } from 'zod';
import type { FetchedMedia } from '../../channels/channel.ts';
import type { Deps } from '../../deps.ts';
import { fetchMessageMedia } from '../../conversations/media.ts';
import type { App } from '../app-types.ts';
import { requireAuth } from '../auth.ts';
import { ErrorSchema, IdParams } from '../schemas.ts';

const errors = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  413: ErrorSchema,
  502: ErrorSchema,
};
// Sent as a stream, never serialized: the schema is for the OpenAPI document and the reply's type.
const FileSchema = z
  .custom<Readable | Buffer>(() => true)
  .meta({ type: 'string', format: 'binary', description: 'The bytes, in the content type the provider gave' });

export function mediaRoutes(app: App, deps: Deps) {
  app.get(
    '/api/messages/:id/media',
    {
      // A HEAD would download the whole file from the provider only to throw it away.
      exposeHeadRoute: false,
      schema: {
        tags: ['conversations'],
        summary: 'The file a customer sent (photo, voice note, video, document, sticker)',
        description:
          'Fetched from the provider on each request and streamed back; nothing is stored. Whoever may read the conversation may open it. 404 when the message has no file, 413 when it is larger than 100 MB, 502 when the provider refuses (its reason is given).',
        params: IdParams,
        response: {
          200: { description: 'The file', content: { 'application/octet-stream': { schema: FileSchema } } },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { actor } = requireAuth(req);
      const file = await fetchMessageMedia(deps, actor, req.params.id);
      reply.headers(fileHeaders(file));
      return reply.send(
        file.body instanceof Uint8Array
          ? Buffer.from(file.body)
          : Readable.fromWeb(file.body as NodeReadableStream<Uint8Array>),
      );
    },
  );
}

// Shown in the browser: images (not SVG, which runs scripts), audio, video, PDF, plain text.
// Anything else (HTML, SVG, archives, office files) downloads, sandboxed, so a customer's file
// never runs as a page of Parley.
const inlineType = /^(image\/(?!svg)[\w.+-]+|audio\/[\w.+-]+|video\/[\w.+-]+|application\/pdf|text\/plain)$/;
const validType = /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=("[^"\r\n]*"|[\w.+-]+))*$/;

/** The headers of a customer's file: its type, length, name, and no caching beyond the browser. */
export function fileHeaders(file: FetchedMedia): Record<string, string> {
  const type = validType.test(file.contentType) ? file.contentType : 'application/octet-stream';
  const inline = inlineType.test(type.split(';')[0].trim().toLowerCase());
  return {
    'content-type': type,
    ...(file.size !== undefined ? { 'content-length': String(file.size) } : {}),
    'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', file.filename),
    'cache-control': 'private',
    'x-content-type-options': 'nosniff',
    ...(inline ? {} : { 'content-security-policy': "default-src 'none'; sandbox" }),
  };
}

/** `inline; filename="Salary slip.pdf"; filename*=UTF-8''…` (RFC 6266): the plain name for old clients, the UTF-8 one for the rest. */
function contentDisposition(kind: 'inline' | 'attachment', filename: string | undefined): string {
  // Control characters, quotes and slashes would break the header or name a path.
  const name = [...(filename ?? '')]
    .map((c) => (c.charCodeAt(0) < 0x20 || c === '\x7f' || c === '"' || c === '\\' || c === '/' ? '_' : c))
    .join('')
    .trim()
    .slice(0, 200);
  if (!name) return kind;
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
