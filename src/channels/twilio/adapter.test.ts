import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TWILIO, startTwilioApi, TWILIO_ERRORS, type FakeTwilio } from '../../../test/fakes/twilio-api.ts';
import { bytesOf } from '../../../test/helpers/media.ts';
import {
  PayloadError,
  ProviderError,
  type InboundMessage,
  type InboundStatus,
  type WebhookRequest,
} from '../channel.ts';
import { twilioAdapter, type TwilioConfig } from './adapter.ts';
import { decodeTwilioForm } from './payload.ts';

const raw = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/twilio/${name}.txt`, import.meta.url), 'utf8');
const parseFixture = (name: string) => twilioAdapter.parse(decodeTwilioForm(raw(name)));
const parseOne = (name: string) => {
  const events = parseFixture(name);
  expect(events).toHaveLength(1);
  return events[0] as InboundMessage;
};

const ACCOUNT = FAKE_TWILIO.accountSid;
const OUT = 'SMf8029b8e127fef32b7e0e4be4cae16ff';

const config: TwilioConfig = {
  accountSid: ACCOUNT,
  authToken: FAKE_TWILIO.authToken,
  whatsappFrom: 'whatsapp:+14155238886',
  apiUrl: 'https://api.twilio.com',
  webhookUrl: 'https://parley.example/webhooks/twilio',
};

function webhook(opts: { url: string; body: string; signature?: string; contentType?: string }): WebhookRequest {
  const query = Object.fromEntries(new URL(opts.url, 'http://x').searchParams);
  return {
    method: 'POST',
    url: opts.url,
    headers: {
      'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
      ...(opts.signature ? { 'x-twilio-signature': opts.signature } : {}),
    },
    query,
    rawBody: Buffer.from(opts.body, 'utf8'),
  };
}

/** Signs the way Twilio documents it, independently of the adapter: URL + sorted name/value pairs. */
function sign(token: string, url: string, body: string): string {
  const params = [...new URLSearchParams(body)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha1', token)
    .update(url + params.map(([k, v]) => k + v).join(''))
    .digest('base64');
}

describe('twilio verify', () => {
  // Twilio's published example (its security docs and every SDK's tests): token 12345.
  const docsUrl = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const docsConfig = { ...config, authToken: '12345', webhookUrl: docsUrl };
  const docsParams = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+14158675309',
    Digits: '1234',
    From: '+14158675309',
    To: '+18005551212',
  };

  it("accepts Twilio's documented example signature", () => {
    const body = new URLSearchParams(docsParams).toString();
    expect(
      twilioAdapter.verify(
        webhook({ url: '/myapp.php?foo=1&bar=2', body, signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' }),
        docsConfig,
      ),
    ).toBe(true);
  });

  it("accepts the worked example on Twilio's webhook-security page", () => {
    const body = new URLSearchParams({
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    }).toString();
    expect(
      twilioAdapter.verify(
        webhook({ url: '/myapp.php?foo=1&bar=2', body, signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' }),
        docsConfig,
      ),
    ).toBe(true);
  });

  it('does not depend on the order of the POST parameters', () => {
    const body = new URLSearchParams(Object.entries(docsParams).reverse()).toString();
    expect(
      twilioAdapter.verify(
        webhook({ url: '/myapp.php?foo=1&bar=2', body, signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' }),
        docsConfig,
      ),
    ).toBe(true);
  });

  it("accepts Twilio's documented vector for repeated parameters", () => {
    const body = 'Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234';
    expect(
      twilioAdapter.verify(webhook({ url: docsUrl, body, signature: 'IK+Dwps556ElfBT0I3Rgjkr1wJU=' }), docsConfig),
    ).toBe(true);
  });

  it("accepts Twilio's documented JSON body vector (bodySHA256 in the URL)", () => {
    const hash = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
    const req = webhook({
      url: `/myapp.php?foo=1&bar=2&bodySHA256=${hash}`,
      body: '{"property": "value", "boolean": true}',
      contentType: 'application/json',
      signature: 'a9nBmqA0ju/hNViExpshrM61xv4=',
    });
    expect(twilioAdapter.verify(req, docsConfig)).toBe(true);
    expect(
      twilioAdapter.verify({ ...req, rawBody: Buffer.from('{"property": "value", "boolean": false}') }, docsConfig),
    ).toBe(false);
  });

  it('accepts the signature whether or not Twilio included the port (SDK vectors)', () => {
    const body = new URLSearchParams(docsParams).toString();
    const req = (signature: string) => webhook({ url: '/myapp.php?foo=1&bar=2', body, signature });
    // Signed over https://mycompany.com:443/…, and over http://mycompany.com:80/…
    expect(twilioAdapter.verify(req('kvajT1Ptam85bY51eRf/AJRuM3w='), docsConfig)).toBe(true);
    expect(
      twilioAdapter.verify(req('0ZXoZLH/DfblKGATFgpif+LLRf4='), {
        ...docsConfig,
        webhookUrl: docsUrl.replace('https', 'http'),
      }),
    ).toBe(true);
    // Configured with a port, signed without it.
    expect(
      twilioAdapter.verify(req('RSOYDt4T1cUTdK1PDd93/VVr8B8='), {
        ...docsConfig,
        webhookUrl: docsUrl.replace('.com', '.com:1234'),
      }),
    ).toBe(true);
  });

  it('rejects a missing, wrong or tampered signature, and the wrong token', () => {
    const body = new URLSearchParams(docsParams).toString();
    const req = (signature?: string, b = body) => webhook({ url: '/myapp.php?foo=1&bar=2', body: b, signature });
    expect(twilioAdapter.verify(req(), docsConfig)).toBe(false);
    expect(twilioAdapter.verify(req('RSOYDt4T1cUTdK1PDd93/VVr8B8X'), docsConfig)).toBe(false);
    expect(twilioAdapter.verify(req('not base64 at all ✗'), docsConfig)).toBe(false);
    expect(twilioAdapter.verify(req('RSOYDt4T1cUTdK1PDd93/VVr8B8=', body.replace('1234', '9999')), docsConfig)).toBe(
      false,
    );
    expect(twilioAdapter.verify(req('RSOYDt4T1cUTdK1PDd93/VVr8B8='), { ...docsConfig, authToken: '54321' })).toBe(
      false,
    );
    expect(
      twilioAdapter.verify(
        webhook({ url: '/myapp.php?foo=1&bar=3', body, signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' }),
        docsConfig,
      ),
    ).toBe(false);
  });

  it('verifies a recorded webhook signed over the configured public URL', () => {
    const body = raw('text_unicode');
    const signature = sign(config.authToken, config.webhookUrl, body);
    // Behind a proxy the app sees another host; the configured URL is what counts.
    expect(
      twilioAdapter.verify(webhook({ url: 'http://10.0.0.5:3000/webhooks/twilio', body, signature }), config),
    ).toBe(true);
    expect(
      twilioAdapter.verify(webhook({ url: '/webhooks/twilio', body, signature }), {
        ...config,
        webhookUrl: 'https://other.example/webhooks/twilio',
      }),
    ).toBe(false);
  });

  it('includes the query string Twilio called in the signed URL', () => {
    const body = raw('text');
    const signature = sign(config.authToken, `${config.webhookUrl}?workspace=w1`, body);
    expect(twilioAdapter.verify(webhook({ url: '/webhooks/twilio?workspace=w1', body, signature }), config)).toBe(true);
    expect(twilioAdapter.verify(webhook({ url: '/webhooks/twilio?workspace=w2', body, signature }), config)).toBe(
      false,
    );
  });
});

describe('twilio parse', () => {
  const common = {
    kind: 'message',
    channel: 'twilio',
    accountId: '+14155238886',
    from: { phone: '+919876543210', name: 'Priya Sharma' },
    timestamp: expect.any(Date),
  };

  it('parses a text message', () => {
    expect(parseOne('text')).toEqual({
      ...common,
      providerMessageId: 'SM1cb251ec0d568de6a929b520c4aed8d1',
      type: 'text',
      text: 'Hi, is the 2BHK in Whitefield still available?',
    });
  });

  it('keeps Hindi and emoji intact', () => {
    expect(parseOne('text_unicode').text).toBe('नमस्ते 🙏 क्या कल साइट विज़िट हो सकती है? Price kitna hai?');
  });

  it('parses an image with its caption', () => {
    const m = parseOne('media_image');
    expect(m).toMatchObject({ ...common, type: 'image', text: 'Floor plan' });
    expect(m.providerMessageId).toMatch(/^MM/);
    expect(m.media).toEqual({
      id: expect.stringMatching(/^ME[0-9a-f]{32}$/),
      url: expect.stringMatching(
        new RegExp(
          `^https://api\\.twilio\\.com/2010-04-01/Accounts/${ACCOUNT}/Messages/MM[0-9a-f]{32}/Media/ME[0-9a-f]{32}$`,
        ),
      ),
      mimeType: 'image/jpeg',
      caption: 'Floor plan',
    });
  });

  it('parses a document and a voice note without captions', () => {
    const doc = parseOne('media_document');
    expect(doc.type).toBe('document');
    expect(doc.text).toBeUndefined();
    expect(doc.media).toMatchObject({ mimeType: 'application/pdf' });
    const voice = parseOne('media_voice');
    expect(voice.type).toBe('audio');
    expect(voice.media).toMatchObject({ mimeType: 'audio/ogg' });
  });

  it('parses a location', () => {
    expect(parseOne('location')).toMatchObject({
      type: 'location',
      location: {
        latitude: 12.9698,
        longitude: 77.75,
        name: 'Phoenix Marketcity',
        address: 'ITPL Main Rd, Whitefield, Bengaluru, Karnataka 560066',
      },
    });
  });

  it('parses a template quick-reply button with the message it answers', () => {
    const m = parseOne('button_reply');
    expect(m).toMatchObject({
      type: 'button',
      text: 'Book a site visit',
      reply: { id: 'book_visit', title: 'Book a site visit', payload: 'book_visit' },
    });
    expect(m.contextMessageId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('parses an interactive quick reply', () => {
    expect(parseOne('interactive_reply')).toMatchObject({
      type: 'interactive',
      text: 'Yes, call me',
      reply: { id: 'callback_yes', title: 'Yes, call me' },
      contextMessageId: expect.stringMatching(/^MM/),
    });
  });

  it('infers the type when MessageType is absent (older webhooks)', () => {
    const form = decodeTwilioForm(raw('media_image'));
    delete form.MessageType;
    expect((twilioAdapter.parse(form)[0] as InboundMessage).type).toBe('image');
    const loc = decodeTwilioForm(raw('location'));
    delete loc.MessageType;
    expect((twilioAdapter.parse(loc)[0] as InboundMessage).type).toBe('location');
  });

  it('also accepts the raw form string', () => {
    expect((twilioAdapter.parse(raw('text'))[0] as InboundMessage).providerMessageId).toBe(
      'SM1cb251ec0d568de6a929b520c4aed8d1',
    );
  });

  it.each([
    ['status_sent', 'sent'],
    ['status_delivered', 'delivered'],
    ['status_read', 'read'],
  ] as const)('parses the %s callback', (name, status) => {
    expect(parseFixture(name)).toEqual([
      {
        kind: 'status',
        channel: 'twilio',
        accountId: '+14155238886',
        providerMessageId: OUT,
        status,
        timestamp: expect.any(Date),
        recipient: { phone: '+919876543210' },
      },
    ]);
  });

  it('keeps the error code of a failed or undelivered message', () => {
    expect(parseFixture('status_failed')).toMatchObject([{ status: 'failed', errors: [{ code: '63016' }] }]);
    expect(parseFixture('status_undelivered')).toMatchObject([{ status: 'failed', errors: [{ code: '63024' }] }]);
  });

  it('ignores statuses that are not delivery states yet (queued)', () => {
    expect(parseFixture('status_queued')).toEqual([]);
  });

  it('throws a clear PayloadError on garbage', () => {
    expect(() => twilioAdapter.parse(null)).toThrow(PayloadError);
    expect(() => twilioAdapter.parse([1, 2])).toThrow(/Not a Twilio webhook/);
    expect(() => twilioAdapter.parse({ hello: 'world' })).toThrow(/Not a Twilio incoming message/);
    expect(() => twilioAdapter.parse('hello=world')).toThrow(PayloadError);
    expect(() => twilioAdapter.parse({ MessageSid: 'x', MessageStatus: 'sent', AccountSid: ACCOUNT })).toThrow(
      /Not a Twilio status callback/,
    );
  });

  it('turns an unknown message type into an unsupported message', () => {
    const form = decodeTwilioForm(raw('text'));
    form.MessageType = 'poll';
    form.Body = '';
    expect((twilioAdapter.parse(form)[0] as InboundMessage).type).toBe('unsupported');
  });
});

describe('twilio send', () => {
  let api: FakeTwilio;
  let cfg: TwilioConfig;
  beforeAll(async () => {
    api = await startTwilioApi();
    cfg = { ...config, apiUrl: api.url };
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.requests.length = 0;
  });

  const auth = `Basic ${Buffer.from(`${FAKE_TWILIO.accountSid}:${FAKE_TWILIO.authToken}`).toString('base64')}`;

  it('sends text to the Messages API with basic auth and WhatsApp addresses', async () => {
    const result = await twilioAdapter.send(
      cfg,
      { phone: '+91 98765 43210' },
      { type: 'text', text: 'नमस्ते Priya 🙏 & welcome' },
    );
    expect(result.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    const [req] = api.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`);
    expect(req.headers.authorization).toBe(auth);
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req.body).toEqual({
      From: 'whatsapp:+14155238886',
      To: 'whatsapp:+919876543210',
      Body: 'नमस्ते Priya 🙏 & welcome',
    });
  });

  it('accepts a sender configured without the whatsapp: prefix', async () => {
    await twilioAdapter.send(
      { ...cfg, whatsappFrom: '+14155238886' },
      { phone: '919876543210' },
      { type: 'text', text: 'hi' },
    );
    expect(api.requests[0].body).toMatchObject({ From: 'whatsapp:+14155238886', To: 'whatsapp:+919876543210' });
  });

  it('sends media by URL with the caption as Body', async () => {
    const result = await twilioAdapter.send(
      cfg,
      { phone: '+919876543210' },
      { type: 'media', mediaType: 'image', url: 'https://files.example/plan.jpg', caption: 'Floor plan' },
    );
    expect(result.providerMessageId).toMatch(/^MM/);
    expect(api.requests[0].body).toEqual({
      From: 'whatsapp:+14155238886',
      To: 'whatsapp:+919876543210',
      MediaUrl: 'https://files.example/plan.jpg',
      Body: 'Floor plan',
    });
  });

  it('sends a template as ContentSid with numbered ContentVariables', async () => {
    const sid = 'HX0123456789abcdef0123456789abcdef';
    await twilioAdapter.send(
      cfg,
      { phone: '+919876543210' },
      { type: 'template', name: sid, language: 'en', variables: ['Priya', 'Saturday 11 am'] },
    );
    expect(api.requests[0].body).toEqual({
      From: 'whatsapp:+14155238886',
      To: 'whatsapp:+919876543210',
      ContentSid: sid,
      ContentVariables: '{"1":"Priya","2":"Saturday 11 am"}',
    });
  });

  it('refuses a template name that is not a Content SID, without calling Twilio', async () => {
    await expect(
      twilioAdapter.send(cfg, { phone: '+919876543210' }, { type: 'template', name: 'welcome', language: 'en' }),
    ).rejects.toMatchObject({
      retryable: false,
      code: 'template_not_content_sid',
    });
    expect(api.requests).toHaveLength(0);
  });

  it('treats mark_read as a no-op', async () => {
    expect(await twilioAdapter.send(cfg, { phone: '+919876543210' }, { type: 'mark_read', messageId: 'SMx' })).toEqual({
      providerMessageId: null,
    });
    expect(api.requests).toHaveLength(0);
  });

  it('maps wrong credentials to a permanent error with code 20003, never echoing the token', async () => {
    const err = await twilioAdapter
      .send({ ...cfg, authToken: 'not-the-token' }, { phone: '+919876543210' }, { type: 'text', text: 'hi' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: false, status: 401, code: '20003' });
    expect(err.message).not.toContain('not-the-token');
  });

  it('maps the closed 24-hour window (63016) to a permanent error carrying the code', async () => {
    api.failNext(400, TWILIO_ERRORS.windowClosed);
    await expect(
      twilioAdapter.send(cfg, { phone: '+919876543210' }, { type: 'text', text: 'hi' }),
    ).rejects.toMatchObject({ retryable: false, status: 400, code: '63016' });
  });

  it.each([429, 500, 503])('maps HTTP %i to a retryable error', async (status) => {
    api.failNext(status);
    const err = await twilioAdapter.send(cfg, { phone: '+919876543210' }, { type: 'text', text: 'hi' }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, status });
  });

  it('maps a non-JSON gateway error to a retryable error', async () => {
    api.failNext(502, '<html>Bad Gateway</html>');
    await expect(
      twilioAdapter.send(cfg, { phone: '+919876543210' }, { type: 'text', text: 'hi' }),
    ).rejects.toMatchObject({ retryable: true, status: 502, code: 'http_502' });
  });

  it('maps a timeout and a refused connection to retryable errors', async () => {
    api.hangNext();
    const quickFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(200) });
    await expect(
      twilioAdapter.send(cfg, { phone: '+919876543210' }, { type: 'text', text: 'hi' }, quickFetch),
    ).rejects.toMatchObject({ retryable: true, code: 'timeout' });
    await expect(
      twilioAdapter.send(
        { ...cfg, apiUrl: 'http://127.0.0.1:1' },
        { phone: '+919876543210' },
        { type: 'text', text: 'hi' },
      ),
    ).rejects.toMatchObject({ retryable: true, code: 'network' });
  });

  it('needs a phone number', async () => {
    await expect(twilioAdapter.send(cfg, { userId: 'x' }, { type: 'text', text: 'hi' })).rejects.toMatchObject({
      retryable: false,
      code: 'no_recipient',
    });
  });

  it('reads the statuses its own sends produce', () => {
    const body = raw('status_delivered').replaceAll(OUT, 'SM0123456789abcdef0123456789abcdef');
    expect((twilioAdapter.parse(body)[0] as InboundStatus).providerMessageId).toBe(
      'SM0123456789abcdef0123456789abcdef',
    );
  });
});

describe('twilio fetchMedia', () => {
  let api: FakeTwilio;
  let cfg: TwilioConfig;
  beforeAll(async () => {
    api = await startTwilioApi();
    cfg = { ...config, apiUrl: api.url };
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.requests.length = 0;
  });
  const auth = `Basic ${Buffer.from(`${FAKE_TWILIO.accountSid}:${FAKE_TWILIO.authToken}`).toString('base64')}`;
  const photo = Buffer.from('\xff\xd8\xff floor plan \xff\xd9', 'latin1');

  it('fetches MediaUrl from the configured API with basic auth and follows the redirect without it', async () => {
    api.addMedia({ bytes: photo, contentType: 'image/jpeg' });
    // The recorded webhook names api.twilio.com; the request goes to the configured API.
    const { media } = parseOne('media_image');
    const file = await twilioAdapter.fetchMedia!(cfg, media!);
    expect(file).toMatchObject({ contentType: 'image/jpeg', size: photo.length });
    expect(await bytesOf(file)).toEqual(photo);
    const [first, second] = api.requests;
    expect(first).toMatchObject({
      method: 'GET',
      path: `/2010-04-01/Accounts/${ACCOUNT}/Messages/MM78805a221a988e79ef3f42d7c5bfd418/Media/ME78805a221a988e79ef3f42d7c5bfd418`,
    });
    expect(first.headers.authorization).toBe(auth);
    expect(second.path).toMatch(new RegExp(`^/mms.twiliocdn.com/${ACCOUNT}/`));
    expect(second.query.Signature).toBeTruthy();
    expect(second.headers.authorization).toBeUndefined();
  });

  it('maps wrong credentials to Twilio’s 20003, never echoing the token', async () => {
    api.addMedia({ bytes: photo, contentType: 'image/jpeg' });
    const err = await twilioAdapter.fetchMedia!(
      { ...cfg, authToken: 'not-the-token' },
      parseOne('media_image').media!,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: false, status: 401, code: '20003' });
    expect((err as Error).message).not.toContain('not-the-token');
  });

  it('maps a deleted Media resource to 20404', async () => {
    const { media } = parseOne('media_image');
    const gone = { ...media, url: media!.url!.replace(/ME[0-9a-f]{32}$/, `ME${'0'.repeat(32)}`) };
    await expect(twilioAdapter.fetchMedia!(cfg, gone)).rejects.toMatchObject({ status: 404, code: '20404' });
  });

  it('sends the credentials only for a Media resource of its own account', async () => {
    const { media } = parseOne('media_image');
    await expect(
      twilioAdapter.fetchMedia!(cfg, { ...media, url: media!.url!.replace(ACCOUNT, `AC${'1'.repeat(32)}`) }),
    ).rejects.toMatchObject({ code: 'other_account' });
    await expect(twilioAdapter.fetchMedia!(cfg, { url: 'https://evil.example/collect' })).rejects.toMatchObject({
      code: 'no_media_url',
    });
    expect(api.requests).toHaveLength(0);
  });

  it('refuses a file the CDN says is over the limit', async () => {
    const big: typeof fetch = async (input, init) => {
      if (String(input).includes('/Media/'))
        return new Response(null, { status: 307, headers: { location: 'https://mms.twiliocdn.com/x?Signature=s' } });
      expect(new Headers(init?.headers).get('authorization')).toBeNull();
      return new Response('not read', {
        headers: { 'content-type': 'video/mp4', 'content-length': String(200 * 1024 * 1024) },
      });
    };
    await expect(twilioAdapter.fetchMedia!(cfg, parseOne('media_image').media!, big)).rejects.toMatchObject({
      code: 'too_large',
    });
  });
});
