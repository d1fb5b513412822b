import { describe, expect, it } from 'vitest';
import { fileHeaders } from './media.ts';

const file = (contentType: string, filename?: string) => ({
  body: new Uint8Array(),
  contentType,
  ...(filename ? { filename } : {}),
});

describe('media file headers', () => {
  it('shows photos, voice notes, videos and PDFs inline, privately cached', () => {
    for (const type of ['image/jpeg', 'image/webp', 'audio/ogg; codecs=opus', 'video/mp4', 'application/pdf']) {
      expect(fileHeaders(file(type)), type).toEqual({
        'content-type': type,
        'content-disposition': 'inline',
        'cache-control': 'private',
        'x-content-type-options': 'nosniff',
      });
    }
    expect(fileHeaders({ ...file('image/png'), size: 1234 })['content-length']).toBe('1234');
  });

  it('makes a web page, an SVG or an unknown file a sandboxed download, so it never runs as Parley', () => {
    for (const type of ['text/html; charset=utf-8', 'image/svg+xml', 'application/xhtml+xml', 'application/zip']) {
      expect(fileHeaders(file(type, 'x')), type).toMatchObject({
        'content-disposition': 'attachment; filename="x"; filename*=UTF-8\'\'x',
        'content-security-policy': "default-src 'none'; sandbox",
      });
    }
  });

  it('refuses a malformed content type rather than put it in a header', () => {
    expect(fileHeaders(file('image/jpeg\r\nset-cookie: a=b'))['content-type']).toBe('application/octet-stream');
  });

  it('names the file in ASCII for old clients and in UTF-8 for the rest, without quotes, slashes or line breaks', () => {
    expect(fileHeaders(file('application/pdf', 'नक्शा "final".pdf'))['content-disposition']).toBe(
      `inline; filename="_____ _final_.pdf"; filename*=UTF-8''%E0%A4%A8%E0%A4%95%E0%A5%8D%E0%A4%B6%E0%A4%BE%20_final_.pdf`,
    );
    expect(fileHeaders(file('application/pdf', '../../etc/passwd\r\n'))['content-disposition']).toBe(
      `inline; filename=".._.._etc_passwd__"; filename*=UTF-8''.._.._etc_passwd__`,
    );
  });
});
