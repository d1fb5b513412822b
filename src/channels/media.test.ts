import { describe, expect, it } from 'vitest';
import { MEDIA_MAX_BYTES, ProviderError } from './channel.ts';
import {
  checkDestination,
  checkMediaUrl,
  dispositionFilename,
  downloadMedia,
  filenameFromUrl,
  type MediaDownload,
} from './media.ts';

type Call = { url: string; headers: Headers };

/** A fetch that answers from a table of URL → Response and records what it was asked. */
function fakeFetch(answers: Record<string, () => Response>) {
  const calls: Call[] = [];
  const f: typeof fetch = async (input, init) => {
    const url = String(input);
    calls.push({ url, headers: new Headers(init?.headers) });
    const answer = answers[url];
    if (!answer) throw new TypeError('fetch failed');
    return answer();
  };
  return { f, calls };
}

/** The sandbox has no DNS: every name here is a public address. */
const publicDns = async () => ['93.184.215.14'];
const download = (d: MediaDownload) => downloadMedia({ resolve: publicDns, ...d });

const redirect = (location: string) => () => new Response(null, { status: 302, headers: { location } });

describe('downloadMedia', () => {
  it('keeps the credentials on a redirect within the origin and drops them off it', async () => {
    const { f, calls } = fakeFetch({
      'https://files.example/a': redirect('/b'),
      'https://files.example/b': redirect('https://cdn.example/c?sig=1'),
      'https://cdn.example/c?sig=1': () => new Response('bytes', { headers: { 'content-type': 'image/png' } }),
    });
    const media = await download({
      provider: 'Test',
      fetchImpl: f,
      url: 'https://files.example/a',
      headers: { authorization: 'Bearer secret' },
    });
    expect(media.contentType).toBe('image/png');
    expect(calls.map((c) => [c.url, c.headers.get('authorization')])).toEqual([
      ['https://files.example/a', 'Bearer secret'],
      ['https://files.example/b', 'Bearer secret'],
      ['https://cdn.example/c?sig=1', null],
    ]);
    expect(calls[0].headers.get('user-agent')).toBe('Parley');
  });

  it("drops them on every redirect with credentials: 'never', and stops after three", async () => {
    const { f, calls } = fakeFetch({
      'https://files.example/a': redirect('/a2'),
      'https://files.example/a2': () => new Response('ok'),
    });
    await download({
      provider: 'Test',
      fetchImpl: f,
      url: 'https://files.example/a',
      headers: { authorization: 'Basic x' },
      credentials: 'never',
    });
    expect(calls[1].headers.get('authorization')).toBeNull();

    const loop = fakeFetch({ 'https://files.example/loop': redirect('/loop') });
    await expect(
      download({ provider: 'Test', fetchImpl: loop.f, url: 'https://files.example/loop' }),
    ).rejects.toMatchObject({ code: 'too_many_redirects' });
    expect(loop.calls).toHaveLength(4);
  });

  it('follows no redirect to plain http', async () => {
    const { f } = fakeFetch({ 'https://files.example/a': redirect('http://10.0.0.1/internal') });
    await expect(download({ provider: 'Test', fetchImpl: f, url: 'https://files.example/a' })).rejects.toMatchObject({
      code: 'bad_media_url',
    });
  });

  it('errors a stream that passes the limit when no length was given', async () => {
    const chunk = new Uint8Array(10 * 1024 * 1024);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const { f } = fakeFetch({
      'https://files.example/big': () => new Response(endless, { headers: { 'content-type': 'video/mp4' } }),
    });
    const media = await download({ provider: 'Test', fetchImpl: f, url: 'https://files.example/big' });
    expect(media.size).toBeUndefined();
    const reading = new Response(media.body as ReadableStream).arrayBuffer();
    await expect(reading).rejects.toMatchObject({ code: 'too_large' });
    expect(sent).toBeLessThan(MEDIA_MAX_BYTES + 3 * chunk.length);
  });

  it('gives no size for a compressed answer (the bytes that reach us are more)', async () => {
    const { f } = fakeFetch({
      'https://files.example/z': () =>
        new Response('x', { headers: { 'content-length': '1', 'content-encoding': 'gzip' } }),
    });
    expect((await download({ provider: 'Test', fetchImpl: f, url: 'https://files.example/z' })).size).toBeUndefined();
  });

  it('takes the file name from Content-Disposition, and the declared type for an octet-stream', async () => {
    const { f } = fakeFetch({
      'https://files.example/d': () =>
        new Response('x', {
          headers: {
            'content-type': 'application/octet-stream',
            'content-disposition':
              'attachment; filename="plan.pdf"; filename*=UTF-8\'\'%E0%A4%A8%E0%A4%95%E0%A5%8D%E0%A4%B6%E0%A4%BE.pdf',
          },
        }),
    });
    expect(
      await download({
        provider: 'Test',
        fetchImpl: f,
        url: 'https://files.example/d',
        declaredType: 'application/pdf',
      }),
    ).toMatchObject({ contentType: 'application/pdf', filename: 'नक्शा.pdf' });
  });

  it('reports an unreachable provider as retryable', async () => {
    const { f } = fakeFetch({});
    const err = await download({ provider: 'Test', fetchImpl: f, url: 'https://nowhere.example/x' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, code: 'network' });
  });
});

describe('media helpers', () => {
  it('accepts https, and plain http only on the configured API’s origin', () => {
    expect(checkMediaUrl('Test', 'https://lookaside.fbsbx.com/x').host).toBe('lookaside.fbsbx.com');
    expect(checkMediaUrl('Test', 'http://127.0.0.1:4000/file', 'http://127.0.0.1:4000/v26.0').pathname).toBe('/file');
    for (const url of ['http://127.0.0.1:4001/file', 'file:///etc/passwd', 'data:text/plain,hi', 'not a url']) {
      expect(() => checkMediaUrl('Test', url, 'http://127.0.0.1:4000/v26.0'), url).toThrow(ProviderError);
    }
  });

  it('reads file names from headers and links', () => {
    expect(dispositionFilename('inline; filename=plan.jpg')).toBe('plan.jpg');
    expect(dispositionFilename('attachment; filename="Salary \\"March\\".pdf"')).toBe('Salary "March".pdf');
    expect(dispositionFilename('inline')).toBeUndefined();
    expect(filenameFromUrl('https://cdn.example/v/t1/brochure%20final.pdf?oe=1')).toBe('brochure final.pdf');
    expect(filenameFromUrl('https://cdn.example/attachments/?mid=1')).toBeUndefined();
  });
});

describe('media destinations', () => {
  const dns = (map: Record<string, string[]>) => async (host: string) => {
    if (!map[host]) throw new Error('ENOTFOUND');
    return map[host];
  };
  it('refuses links into the server’s own network, by address or by name', async () => {
    for (const url of [
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[::ffff:192.168.1.5]/x',
      'https://0.0.0.0/x',
    ]) {
      await expect(checkDestination('Test', new URL(url), undefined, dns({}))).rejects.toMatchObject({
        code: 'bad_media_url',
      });
    }
    const resolver = dns({
      'cdn.example': ['93.184.215.14'],
      'sneaky.example': ['93.184.215.14', '10.0.0.7'],
      'metadata.example': ['169.254.169.254'],
    });
    await expect(
      checkDestination('Test', new URL('https://cdn.example/a.jpg'), undefined, resolver),
    ).resolves.toBeUndefined();
    await expect(
      checkDestination('Test', new URL('https://sneaky.example/a.jpg'), undefined, resolver),
    ).rejects.toMatchObject({ code: 'bad_media_url' });
    await expect(
      checkDestination('Test', new URL('https://metadata.example/'), undefined, resolver),
    ).rejects.toMatchObject({ code: 'bad_media_url' });
    await expect(
      checkDestination('Test', new URL('https://nowhere.example/'), undefined, resolver),
    ).rejects.toMatchObject({ code: 'network' });
  });

  it('trusts the configured API’s origin, and checks every redirect', async () => {
    await expect(
      checkDestination('Test', new URL('http://127.0.0.1:4010/v26.0/123'), 'http://127.0.0.1:4010/v26.0', dns({})),
    ).resolves.toBeUndefined();
    const { f, calls } = fakeFetch({ 'https://files.example/a': redirect('https://internal.example/secret') });
    await expect(
      downloadMedia({
        provider: 'Test',
        fetchImpl: f,
        url: 'https://files.example/a',
        resolve: dns({ 'files.example': ['93.184.215.14'], 'internal.example': ['192.168.0.10'] }),
      }),
    ).rejects.toMatchObject({ code: 'bad_media_url' });
    expect(calls.map((c) => c.url)).toEqual(['https://files.example/a']);
  });
});
