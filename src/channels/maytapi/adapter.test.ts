import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_MAYTAPI, startMaytapiApi, type FakeMaytapi } from '../../../test/fakes/maytapi-api.ts';
import { bytesOf } from '../../../test/helpers/media.ts';
import { PayloadError, ProviderError, type InboundMessage, type WebhookRequest } from '../channel.ts';
import { maytapiAdapter, type MaytapiConfig } from './adapter.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/maytapi/${name}.json`, import.meta.url), 'utf8'));
const parseOne = (name: string) => {
  const events = maytapiAdapter.parse(fixture(name));
  expect(events).toHaveLength(1);
  return events[0] as InboundMessage;
};

const request = (query: Record<string, string | undefined> = {}): WebhookRequest => ({
  method: 'POST',
  url: `https://parley.example/webhook${query.token ? `?token=${query.token}` : ''}`,
  headers: { 'content-type': 'application/json' },
  query,
  rawBody: Buffer.from('{}'),
});

const baseConfig: MaytapiConfig = { ...FAKE_MAYTAPI, apiUrl: 'https://api.maytapi.com/api' };

describe('maytapi verify', () => {
  it('accepts every request when no webhook token is configured (Maytapi signs nothing)', () => {
    expect(maytapiAdapter.verify(request(), baseConfig)).toBe(true);
  });

  it('accepts the configured token in ?token=', () => {
    expect(
      maytapiAdapter.verify(request({ token: 's3cret-hook' }), { ...baseConfig, webhookToken: 's3cret-hook' }),
    ).toBe(true);
  });

  it('rejects a missing or wrong token', () => {
    const config = { ...baseConfig, webhookToken: 's3cret-hook' };
    expect(maytapiAdapter.verify(request(), config)).toBe(false);
    expect(maytapiAdapter.verify(request({ token: 's3cret-hooK' }), config)).toBe(false);
    expect(maytapiAdapter.verify(request({ token: 's3cret-hook-and-more' }), config)).toBe(false);
  });

  it('falls back to the token in the URL when the query was not split out', () => {
    const req = { ...request({ token: 's3cret-hook' }), query: {} };
    expect(maytapiAdapter.verify(req, { ...baseConfig, webhookToken: 's3cret-hook' })).toBe(true);
  });
});

describe('maytapi parse', () => {
  const common = {
    kind: 'message',
    channel: 'maytapi',
    accountId: '40123',
    from: { phone: '+919876543210', name: 'Priya Sharma' },
  };

  it('parses a text message', () => {
    expect(parseOne('text')).toEqual({
      ...common,
      providerMessageId: 'false_919876543210@c.us_3EB0C7D5A1B2C3D4E5F6',
      timestamp: new Date(1781001000 * 1000),
      type: 'text',
      text: 'Hello, I want details of the 2BHK in Whitefield',
    });
  });

  it('parses an image with its caption', () => {
    expect(parseOne('image')).toEqual({
      ...common,
      providerMessageId: 'false_919876543210@c.us_3EB0A1B2C3D4E5F60001',
      timestamp: new Date(1781001060 * 1000),
      type: 'image',
      text: 'Floor plan, is this the east-facing one?',
      media: {
        url: 'https://cdnydm.com/wh/3EB0A1B2C3D4E5F60001.jpeg',
        mimeType: 'image/jpeg',
        caption: 'Floor plan, is this the east-facing one?',
        filename: '3EB0A1B2C3D4E5F60001.jpeg',
      },
    });
  });

  it('parses a video without a caption', () => {
    const m = parseOne('video');
    expect(m.type).toBe('video');
    expect(m.text).toBeUndefined();
    expect(m.media).toEqual({
      url: 'https://cdnydm.com/wh/3EB0A1B2C3D4E5F60002.mp4',
      mimeType: 'video/mp4',
      filename: '3EB0A1B2C3D4E5F60002.mp4',
    });
  });

  it('parses an audio file and a voice note (ptt)', () => {
    const audio = parseOne('audio');
    expect(audio.type).toBe('audio');
    expect(audio.media).toEqual({
      url: 'https://cdnydm.com/wh/3EB0A1B2C3D4E5F60003.mpeg',
      mimeType: 'audio/mpeg',
      filename: 'site-visit.mp3',
    });
    const voice = parseOne('ptt');
    expect(voice.type).toBe('audio');
    expect(voice.media).toMatchObject({ mimeType: 'audio/ogg; codecs=opus', voice: true });
  });

  it('parses a document with a Hindi caption', () => {
    const m = parseOne('document');
    expect(m.type).toBe('document');
    expect(m.text).toBe('मेरी सैलरी स्लिप 📄');
    expect(m.media).toMatchObject({
      filename: 'Salary slip March.pdf',
      mimeType: 'application/pdf',
      url: 'https://cdnydm.com/wh/3EB0A1B2C3D4E5F60005.pdf',
    });
  });

  it('parses a location', () => {
    const m = parseOne('location');
    expect(m.type).toBe('location');
    expect(m.location).toEqual({ latitude: 12.9698, longitude: 77.75, name: 'Whitefield, Bengaluru' });
  });

  it('parses a contact card', () => {
    const m = parseOne('vcard');
    expect(m.type).toBe('contacts');
    expect(m.contacts).toEqual([{ name: 'Rahul Verma', phones: ['+91 98123 45678'] }]);
  });

  it('parses a sticker', () => {
    const m = parseOne('sticker');
    expect(m.type).toBe('sticker');
    expect(m.media).toEqual({ url: 'https://cdnydm.com/wh/3EB0A1B2C3D4E5F60008.webp', mimeType: 'image/webp' });
  });

  it('ignores our own messages (fromMe)', () => {
    expect(maytapiAdapter.parse(fixture('from_me'))).toEqual([]);
  });

  it('ignores group chats', () => {
    expect(maytapiAdapter.parse(fixture('group'))).toEqual([]);
  });

  it('takes the phone from the @c.us id when user.phone is missing', () => {
    const body = fixture('text') as { user: Record<string, unknown> };
    delete body.user.phone;
    expect((maytapiAdapter.parse(body)[0] as InboundMessage).from).toEqual({
      phone: '+919876543210',
      name: 'Priya Sharma',
    });
  });

  it('turns an unknown message type into an unsupported message rather than dropping it', () => {
    const body = fixture('text') as { message: Record<string, unknown> };
    body.message.type = 'poll_creation';
    delete body.message.text;
    expect((maytapiAdapter.parse(body)[0] as InboundMessage).type).toBe('unsupported');
  });

  it('maps acks to statuses: delivered→sent, reached→delivered, seen/played→read; deleted is skipped', () => {
    const events = maytapiAdapter.parse(fixture('ack'));
    expect(events.map((e) => (e.kind === 'status' ? [e.providerMessageId.slice(-2), e.status] : e.kind))).toEqual([
      ['01', 'sent'],
      ['01', 'delivered'],
      ['01', 'read'],
      ['02', 'read'],
    ]);
    expect(events[0]).toEqual({
      kind: 'status',
      channel: 'maytapi',
      accountId: '40123',
      providerMessageId: 'true_919876543210@c.us_3EB0C0FFEE0000000001',
      status: 'sent',
      timestamp: new Date(1781002000 * 1000),
      recipient: { phone: '+919876543210' },
    });
  });

  it('turns phone status into an account_status event, not a message', () => {
    expect(maytapiAdapter.parse(fixture('status_qr_screen'))).toEqual([
      {
        kind: 'account_status',
        channel: 'maytapi',
        accountId: '40123',
        state: 'needs_login',
        providerStatus: 'qr-screen',
        timestamp: expect.any(Date),
      },
    ]);
    expect(maytapiAdapter.parse(fixture('status_active'))).toMatchObject([
      { kind: 'account_status', state: 'connected' },
    ]);
  });

  it('turns an error about one of our sends into a failed status', () => {
    expect(maytapiAdapter.parse(fixture('error'))).toEqual([
      {
        kind: 'status',
        channel: 'maytapi',
        accountId: '40123',
        providerMessageId: 'true_919800000000@c.us_3EB0DEAD00000000000A',
        status: 'failed',
        timestamp: expect.any(Date),
        errors: [{ code: 'E_SEND', message: 'Message could not be sent: the number is not on WhatsApp' }],
      },
    ]);
  });

  it('turns an error without a message id into an account-level error', () => {
    expect(
      maytapiAdapter.parse({ type: 'error', product_id: 'p', phone_id: 7, message: 'Phone is not connected' }),
    ).toEqual([
      {
        kind: 'error',
        channel: 'maytapi',
        accountId: '7',
        errors: [{ code: 'maytapi_error', message: 'Phone is not connected' }],
      },
    ]);
  });

  it('returns nothing for event types Parley does not use', () => {
    expect(maytapiAdapter.parse({ type: 'live_event', product_id: 'p', phone_id: 7, data: {} })).toEqual([]);
  });

  it('throws a clear PayloadError on garbage', () => {
    expect(() => maytapiAdapter.parse('hello')).toThrow(PayloadError);
    expect(() => maytapiAdapter.parse('hello')).toThrow(/Not a Maytapi webhook/);
    expect(() => maytapiAdapter.parse({ object: 'whatsapp_business_account', entry: [] })).toThrow(
      /Not a Maytapi webhook/,
    );
    expect(() => maytapiAdapter.parse({ type: 'message', product_id: 'p', phone_id: 1 })).toThrow(
      /Malformed Maytapi "message" webhook/,
    );
    expect(() => maytapiAdapter.parse({ type: 'ack', product_id: 'p', phone_id: 1, data: 'x' })).toThrow(
      /Malformed Maytapi "ack" webhook/,
    );
  });
});

describe('maytapi send', () => {
  let api: FakeMaytapi;
  let config: MaytapiConfig;
  beforeAll(async () => {
    api = await startMaytapiApi();
    config = { ...FAKE_MAYTAPI, apiUrl: api.url };
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.requests.length = 0;
  });

  it('sends text to sendMessage with the key header and returns the msgId', async () => {
    const result = await maytapiAdapter.send(
      config,
      { phone: '+91 98765 43210' },
      { type: 'text', text: 'नमस्ते Priya 🙏' },
    );
    expect(result.providerMessageId).toMatch(/^true_919876543210@c\.us_3EB0/);
    expect(api.requests).toHaveLength(1);
    const [req] = api.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/api/${FAKE_MAYTAPI.productId}/${FAKE_MAYTAPI.phoneId}/sendMessage`);
    expect(req.headers['x-maytapi-key']).toBe(FAKE_MAYTAPI.apiToken);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual({ to_number: '919876543210', type: 'text', message: 'नमस्ते Priya 🙏' });
  });

  it('sends media by URL with caption and filename', async () => {
    await maytapiAdapter.send(
      config,
      { phone: '919876543210' },
      {
        type: 'media',
        mediaType: 'document',
        url: 'https://files.example/brochure.pdf',
        caption: 'Brochure',
        filename: 'Whitefield 2BHK.pdf',
      },
    );
    expect(api.requests[0].body).toEqual({
      to_number: '919876543210',
      type: 'media',
      message: 'https://files.example/brochure.pdf',
      text: 'Brochure',
      filename: 'Whitefield 2BHK.pdf',
    });
  });

  it('tolerates a trailing slash on the API URL', async () => {
    await maytapiAdapter.send(
      { ...config, apiUrl: `${api.url}/` },
      { phone: '919876543210' },
      { type: 'text', text: 'hi' },
    );
    expect(api.requests[0].path).toBe(`/api/${FAKE_MAYTAPI.productId}/${FAKE_MAYTAPI.phoneId}/sendMessage`);
  });

  it('treats mark_read as a no-op (no request)', async () => {
    expect(await maytapiAdapter.send(config, { phone: '919876543210' }, { type: 'mark_read', messageId: 'x' })).toEqual(
      { providerMessageId: null },
    );
    expect(api.requests).toHaveLength(0);
  });

  it('refuses templates without calling Maytapi', async () => {
    const err = await maytapiAdapter
      .send(config, { phone: '919876543210' }, { type: 'template', name: 'welcome', language: 'en' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: false, code: 'template_unsupported' });
    expect(api.requests).toHaveLength(0);
  });

  it('maps a wrong key to a permanent error', async () => {
    const err = await maytapiAdapter
      .send({ ...config, apiToken: 'wrong' }, { phone: '919876543210' }, { type: 'text', text: 'hi' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: false, status: 401 });
    expect(err.message).toMatch(/Token is not valid/);
    expect(err.message).not.toContain('wrong');
  });

  it('maps success:false on HTTP 200 to a permanent error', async () => {
    api.failNext(200, { success: false, message: 'The phone is not on WhatsApp' });
    const err = await maytapiAdapter
      .send(config, { phone: '919800000000' }, { type: 'text', text: 'hi' })
      .catch((e) => e);
    expect(err).toMatchObject({ retryable: false, status: 200, code: 'maytapi_error' });
  });

  it.each([429, 500, 502, 503])('maps HTTP %i to a retryable error', async (status) => {
    api.failNext(status);
    const err = await maytapiAdapter
      .send(config, { phone: '919876543210' }, { type: 'text', text: 'hi' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, status });
  });

  it('maps a non-JSON error page to a retryable error on 5xx', async () => {
    api.failNext(502, '<html>Bad gateway</html>');
    const err = await maytapiAdapter
      .send(config, { phone: '919876543210' }, { type: 'text', text: 'hi' })
      .catch((e) => e);
    expect(err).toMatchObject({ retryable: true, status: 502 });
  });

  it('succeeds after failNext is used up', async () => {
    api.failNext(503, undefined, 2);
    for (let i = 0; i < 2; i++)
      await expect(
        maytapiAdapter.send(config, { phone: '919876543210' }, { type: 'text', text: 'hi' }),
      ).rejects.toThrow(ProviderError);
    await expect(
      maytapiAdapter.send(config, { phone: '919876543210' }, { type: 'text', text: 'hi' }),
    ).resolves.toMatchObject({ providerMessageId: expect.any(String) });
  });

  it('maps a timeout to a retryable error', async () => {
    api.hangNext();
    // The adapter's own limit is 15 s; the injected fetch shortens it for the test.
    const quickFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(200) });
    const err = await maytapiAdapter
      .send(config, { phone: '919876543210' }, { type: 'text', text: 'hi' }, quickFetch)
      .catch((e) => e);
    expect(err).toMatchObject({ retryable: true, code: 'timeout' });
  });

  it('maps a refused connection to a retryable error', async () => {
    const err = await maytapiAdapter
      .send({ ...config, apiUrl: 'http://127.0.0.1:1/api' }, { phone: '919876543210' }, { type: 'text', text: 'hi' })
      .catch((e) => e);
    expect(err).toMatchObject({ retryable: true, code: 'network' });
  });

  it('needs a recipient', async () => {
    await expect(maytapiAdapter.send(config, {}, { type: 'text', text: 'hi' })).rejects.toMatchObject({
      retryable: false,
      code: 'no_recipient',
    });
  });
});

describe('maytapi fetchMedia', () => {
  let api: FakeMaytapi;
  let config: MaytapiConfig;
  beforeAll(async () => {
    api = await startMaytapiApi();
    config = { ...FAKE_MAYTAPI, apiUrl: api.url };
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.requests.length = 0;
  });

  it('downloads the file the webhook links to, with its name and type, without the API key', async () => {
    const pdf = Buffer.from('%PDF-1.4 मेरी सैलरी स्लिप');
    const { media } = parseOne('document');
    const url = api.addFile({ bytes: pdf, contentType: 'application/octet-stream', name: '3EB0A1B2C3D4E5F60005.pdf' });
    const file = await maytapiAdapter.fetchMedia!(config, { ...media, url });
    // The CDN says octet-stream; the webhook's mime is more useful.
    expect(file).toMatchObject({ contentType: 'application/pdf', filename: 'Salary slip March.pdf', size: pdf.length });
    expect(await bytesOf(file)).toEqual(pdf);
    expect(api.requests[0].headers['x-maytapi-key']).toBeUndefined();
  });

  it('names the file from the link when the webhook gives no name', async () => {
    const url = api.addFile({
      bytes: Buffer.from('ogg'),
      contentType: 'audio/ogg; codecs=opus',
      name: '3EB0VOICE.oga',
    });
    await expect(maytapiAdapter.fetchMedia!(config, { url, voice: true })).resolves.toMatchObject({
      contentType: 'audio/ogg; codecs=opus',
      filename: '3EB0VOICE.oga',
    });
  });

  it('reports a link that no longer works', async () => {
    api.failNext(500);
    const err = await maytapiAdapter.fetchMedia!(config, {
      url: api.addFile({ bytes: Buffer.from('x'), contentType: 'image/jpeg', name: 'a.jpeg' }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, status: 500, code: 'http_500' });
  });

  it('needs a link it may fetch', async () => {
    await expect(maytapiAdapter.fetchMedia!(config, { mimeType: 'image/jpeg' })).rejects.toMatchObject({
      code: 'no_media_url',
    });
    await expect(
      maytapiAdapter.fetchMedia!(config, { url: 'http://169.254.169.254/latest/meta-data/' }),
    ).rejects.toMatchObject({ code: 'bad_media_url' });
    expect(api.requests).toHaveLength(0);
  });
});
