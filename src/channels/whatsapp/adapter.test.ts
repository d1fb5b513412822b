import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraphApi, graphErrors, type FakeGraphApi } from '../../../test/fakes/graph-api.ts';
import { bytesOf } from '../../../test/helpers/media.ts';
import { MEDIA_MAX_BYTES, PayloadError, ProviderError, type InboundEvent, type WebhookRequest } from '../channel.ts';
import { whatsappAdapter, type WhatsAppConfig } from './adapter.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/whatsapp');
const raw = (name: string) => readFileSync(join(FIXTURES, name));
const parseFixture = (name: string) => whatsappAdapter.parse(JSON.parse(raw(name).toString('utf8')));

const config: WhatsAppConfig = {
  phoneNumberId: '110022334455667',
  accessToken: 'EAAtest-access-token',
  appSecret: 'test-app-secret',
  verifyToken: 'verify-me',
  apiUrl: 'https://graph.facebook.com/v26.0',
};

const ACCOUNT = '110022334455667';
const PRIYA = { phone: '919876543210', name: 'Priya Sharma' };
const at = (seconds: number) => new Date(seconds * 1000);
const message = (fields: Record<string, unknown>) => ({
  kind: 'message',
  channel: 'whatsapp',
  accountId: ACCOUNT,
  from: PRIYA,
  ...fields,
});

function signed(body: Buffer, secret = config.appSecret, header = 'x-hub-signature-256'): WebhookRequest {
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return {
    method: 'POST',
    url: 'https://parley.example/webhooks/whatsapp',
    headers: { [header]: signature, 'content-type': 'application/json' },
    query: {},
    rawBody: body,
  };
}

describe('whatsapp handshake', () => {
  it('answers the bare challenge for subscribe with the right token', () => {
    expect(
      whatsappAdapter.handshake!(
        { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1158201444' },
        config,
      ),
    ).toBe('1158201444');
  });

  it.each([
    ['a wrong token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' }],
    ['no token', { 'hub.mode': 'subscribe', 'hub.challenge': '1' }],
    ['another mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1' }],
    ['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me' }],
    ['nothing', {}],
  ])('refuses %s (403)', (_, query) => {
    expect(whatsappAdapter.handshake!(query, config)).toBeNull();
  });

  it('refuses everything when no verify token is configured', () => {
    expect(
      whatsappAdapter.handshake!(
        { 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' },
        { ...config, verifyToken: '' },
      ),
    ).toBeNull();
  });
});

describe('whatsapp signature', () => {
  const body = raw('wa_text.json');

  it('accepts the HMAC-SHA256 of the raw bytes', () => {
    expect(whatsappAdapter.verify(signed(body), config)).toBe(true);
  });

  it('reads the header whatever its case, and the first of repeated values', () => {
    expect(whatsappAdapter.verify(signed(body, config.appSecret, 'X-Hub-Signature-256'), config)).toBe(true);
    const req = signed(body);
    req.headers['x-hub-signature-256'] = [req.headers['x-hub-signature-256'] as string, 'sha256=00'];
    expect(whatsappAdapter.verify(req, config)).toBe(true);
  });

  it('hashes the bytes as sent, escaped Unicode and all', () => {
    const escaped = raw('wa_text_hindi_escaped.json');
    expect(whatsappAdapter.verify(signed(escaped), config)).toBe(true);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(escaped.toString('utf8'))));
    expect(reserialised.equals(escaped)).toBe(false);
    expect(whatsappAdapter.verify({ ...signed(escaped), rawBody: reserialised }, config)).toBe(false);
  });

  it('rejects a missing header', () => {
    const req = signed(body);
    delete req.headers['x-hub-signature-256'];
    expect(whatsappAdapter.verify(req, config)).toBe(false);
  });

  it('rejects a signature made with another secret', () => {
    expect(whatsappAdapter.verify(signed(body, 'someone-else'), config)).toBe(false);
  });

  it('rejects a body altered by one byte', () => {
    const req = signed(body);
    const altered = Buffer.from(body);
    altered[altered.length - 10] ^= 1;
    expect(whatsappAdapter.verify({ ...req, rawBody: altered }, config)).toBe(false);
  });

  it.each(['sha256=', 'sha256=zz', 'sha1=abcdef', 'garbage', `sha256=${'0'.repeat(64)}`])(
    'rejects the malformed header %s',
    (header) => {
      expect(whatsappAdapter.verify({ ...signed(body), headers: { 'x-hub-signature-256': header } }, config)).toBe(
        false,
      );
    },
  );

  it('rejects everything when no app secret is configured', () => {
    expect(whatsappAdapter.verify(signed(body, ''), { ...config, appSecret: '' })).toBe(false);
  });
});

describe('whatsapp parse', () => {
  const cases: Record<string, unknown[]> = {
    'wa_text.json': [
      message({
        providerMessageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0VCMEExRjJDNEQ1RTZGNzA4MTkyQQA=',
        timestamp: at(1781000010),
        type: 'text',
        text: 'Hi, what is the price of the 2BHK flat in Whitefield?',
      }),
    ],
    'wa_text_hindi_escaped.json': [
      message({
        providerMessageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUN0E4QjlDMEQxRTJGM0E0QjVDNkQA',
        from: { phone: '919876543210', name: 'प्रिया शर्मा' },
        timestamp: at(1781002300),
        type: 'text',
        text: 'नमस्ते, Whitefield वाले 2BHK का दाम बताएंगे? 🙏 https://example.in/listing/42',
      }),
    ],
    'wa_text_reply_context.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781000200),
        type: 'text',
        text: 'Yes, Saturday 11am works for the site visit',
        contextMessageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQzFEMkUzRjRBNUI2QzdEOEU5RjAA',
      }),
    ],
    'wa_text_referral.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781000300),
        type: 'text',
        text: 'Can I get more info about this?',
        referral: {
          sourceType: 'ad',
          sourceId: '120226305854810726',
          sourceUrl: 'https://fb.me/7Hq2xLmPa',
          headline: 'Chat with us',
          body: '2 & 3 BHK flats in Whitefield from ₹85L',
          clickId: expect.stringMatching(/^ARAk/),
        },
      }),
    ],
    'wa_image.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781000400),
        type: 'image',
        text: 'This is the layout I liked',
        media: {
          id: '1479537139650973',
          url: expect.stringContaining('lookaside.fbsbx.com'),
          mimeType: 'image/jpeg',
          caption: 'This is the layout I liked',
          sha256: 'rVwmsOZk9mUj0Bk0LbWzZbjMJHMyiFXO8e6nq9p5dXQ=',
        },
      }),
    ],
    'wa_audio_voice.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781000500),
        type: 'audio',
        media: {
          id: '1908647269898587',
          url: expect.any(String),
          mimeType: 'audio/ogg; codecs=opus',
          sha256: expect.any(String),
          voice: true,
        },
      }),
    ],
    'wa_video.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781000600),
        type: 'video',
        text: 'Walkthrough of the current flat',
        media: expect.objectContaining({
          id: '2139427093123854',
          mimeType: 'video/mp4',
          caption: 'Walkthrough of the current flat',
        }),
      }),
    ],
    'wa_document.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781000700),
        type: 'document',
        text: 'Salary slip for the loan',
        media: expect.objectContaining({
          id: '1003383421387256',
          mimeType: 'application/pdf',
          filename: 'salary-slip-oct.pdf',
          caption: 'Salary slip for the loan',
        }),
      }),
    ],
    'wa_sticker.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781000800),
        type: 'sticker',
        media: expect.objectContaining({ id: '1228429455506253', mimeType: 'image/webp' }),
      }),
    ],
    'wa_location.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781000900),
        type: 'location',
        location: {
          latitude: 12.9855,
          longitude: 77.7364,
          name: 'Phoenix Marketcity',
          address: 'ITPL Main Rd, Whitefield, Bengaluru, Karnataka 560066',
        },
      }),
    ],
    'wa_contacts.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781001000),
        type: 'contacts',
        contacts: [
          { name: 'Rahul Verma', phones: ['+91 98450 12345', '+91 80 4123 4567'] },
          { name: 'Anita', phones: ['+91 99000 11223'] },
        ],
      }),
    ],
    'wa_interactive_button_reply.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781001100),
        type: 'interactive',
        text: 'Book a visit',
        reply: { id: 'visit_yes', title: 'Book a visit' },
        contextMessageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSNEE1QjZDN0Q4RTlGMEExQjJDAA==',
      }),
    ],
    'wa_interactive_list_reply.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781001200),
        type: 'interactive',
        text: '₹80L – ₹1Cr',
        reply: { id: 'budget_80_100', title: '₹80L – ₹1Cr' },
        contextMessageId: expect.any(String),
      }),
    ],
    'wa_button_template_quick_reply.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781001300),
        type: 'button',
        text: 'Stop promotions',
        reply: { title: 'Stop promotions', payload: 'STOP_PROMOTIONS' },
        contextMessageId: expect.any(String),
      }),
    ],
    'wa_reaction.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781001400),
        type: 'reaction',
        reaction: { messageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQzFEMkUzRjRBNUI2QzdEOEU5RjAA', emoji: '👍' },
      }),
    ],
    'wa_reaction_removed.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781001500),
        type: 'reaction',
        reaction: { messageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQzFEMkUzRjRBNUI2QzdEOEU5RjAA', emoji: null },
      }),
    ],
    'wa_unsupported.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781001600),
        type: 'unsupported',
        errors: [
          {
            code: '131051',
            title: 'Message type unknown',
            message: 'Message type unknown',
            details: 'Message type is currently not supported.',
          },
        ],
      }),
    ],
    'wa_unknown_legacy.json': [
      message({
        providerMessageId: expect.any(String),
        timestamp: at(1781001700),
        type: 'unsupported',
        errors: [{ code: '131051', title: 'Unsupported message type' }],
      }),
    ],
    'wa_status_sent.json': [
      {
        kind: 'status',
        channel: 'whatsapp',
        accountId: ACCOUNT,
        providerMessageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQzFEMkUzRjRBNUI2QzdEOEU5RjAA',
        status: 'sent',
        timestamp: at(1781000100),
        recipient: { phone: '919876543210' },
      },
    ],
    'wa_status_delivered.json': [
      {
        kind: 'status',
        channel: 'whatsapp',
        accountId: ACCOUNT,
        providerMessageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQzFEMkUzRjRBNUI2QzdEOEU5RjAA',
        status: 'delivered',
        timestamp: at(1781000120),
        recipient: { phone: '919876543210', userId: 'IN.1648738043044942', name: 'Priya Sharma' },
      },
    ],
    'wa_status_read.json': [
      {
        kind: 'status',
        channel: 'whatsapp',
        accountId: ACCOUNT,
        providerMessageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQzFEMkUzRjRBNUI2QzdEOEU5RjAA',
        status: 'read',
        timestamp: at(1781000140),
        recipient: { phone: '919876543210' },
      },
    ],
    'wa_status_played.json': [
      {
        kind: 'status',
        channel: 'whatsapp',
        accountId: ACCOUNT,
        providerMessageId: expect.any(String),
        status: 'read',
        timestamp: at(1781000160),
        recipient: { phone: '919876543210' },
      },
    ],
    'wa_status_failed.json': [
      {
        kind: 'status',
        channel: 'whatsapp',
        accountId: ACCOUNT,
        providerMessageId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSRDJFM0Y0QTVCNkM3RDhFOUYwQTEA',
        status: 'failed',
        timestamp: at(1781090000),
        recipient: { phone: '919876543210' },
        errors: [
          {
            code: '131047',
            title: 'Re-engagement message',
            message: 'Re-engagement message',
            details: expect.stringContaining('more than 24 hours'),
          },
        ],
      },
    ],
    'wa_status_read_bsuid.json': [
      {
        kind: 'status',
        channel: 'whatsapp',
        accountId: ACCOUNT,
        providerMessageId: expect.any(String),
        status: 'read',
        timestamp: at(1781002000),
        recipient: { userId: 'IN.3724117084395812', name: 'Arjun' },
      },
    ],
    'wa_value_errors.json': [
      {
        kind: 'error',
        channel: 'whatsapp',
        accountId: ACCOUNT,
        errors: [
          {
            code: '130429',
            title: 'Rate limit hit',
            message: 'Rate limit hit',
            details: expect.stringContaining('too many messages'),
          },
        ],
      },
    ],
    'wa_bsuid_only.json': [
      {
        kind: 'message',
        channel: 'whatsapp',
        accountId: ACCOUNT,
        providerMessageId: expect.any(String),
        from: { userId: 'IN.3724117084395812', name: 'Arjun' },
        timestamp: at(1781001800),
        type: 'text',
        text: 'Is the 3BHK still available?',
      },
    ],
    'wa_bsuid_no_from.json': [
      {
        kind: 'message',
        channel: 'whatsapp',
        accountId: ACCOUNT,
        providerMessageId: expect.any(String),
        from: { userId: 'IN.9182736450918273', name: '@meera_k' },
        timestamp: at(1781001900),
        type: 'text',
        text: 'Hello',
      },
    ],
    'wa_system_user_changed.json': [],
    'wa_template_status_update.json': [],
  };

  it('has an expectation for every recorded payload', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && f !== 'wa_batch.json');
    expect(files.sort()).toEqual(Object.keys(cases).sort());
  });

  it.each(Object.entries(cases))('parses %s', (file, expected) => {
    expect(parseFixture(file)).toEqual(expected);
  });

  it('splits a batch of entries, changes, messages and statuses into one event each, in order', () => {
    const events = parseFixture('wa_batch.json');
    expect(
      events.map((e) => [e.kind, e.accountId, e.kind === 'message' ? e.from : e.kind === 'status' ? e.status : null]),
    ).toEqual([
      ['message', ACCOUNT, PRIYA],
      ['message', ACCOUNT, { phone: '919845012345', name: 'Rahul Verma' }],
      ['message', ACCOUNT, PRIYA],
      ['status', ACCOUNT, 'delivered'],
      ['status', ACCOUNT, 'read'],
      ['message', '220033445566778', { phone: '919900011223', name: 'Sunita Rao' }],
    ]);
    expect(new Set(events.map((e) => ('providerMessageId' in e ? e.providerMessageId : ''))).size).toBe(6);
    expect(events[2]).toMatchObject({ type: 'image', media: { id: '1122334455667788', mimeType: 'image/jpeg' } });
    expect(events[2]).not.toHaveProperty('text');
  });

  it('keeps a message whose content does not match its type, flagged', () => {
    const body = JSON.parse(raw('wa_text.json').toString('utf8'));
    body.entry[0].changes[0].value.messages[0].text = { bodyy: 'typo' };
    const [event] = whatsappAdapter.parse(body) as InboundEvent[];
    expect(event).toMatchObject({
      kind: 'message',
      type: 'unsupported',
      providerMessageId: expect.any(String),
      errors: [{ code: 'invalid_content' }],
    });
  });

  it('keeps a message of a type it does not know yet, flagged', () => {
    const body = JSON.parse(raw('wa_text.json').toString('utf8'));
    Object.assign(body.entry[0].changes[0].value.messages[0], { type: 'poll', poll: { name: 'Which tower?' } });
    const [event] = whatsappAdapter.parse(body);
    expect(event).toMatchObject({
      type: 'unsupported',
      errors: [{ code: 'unknown_type', message: expect.stringContaining('poll') }],
    });
  });

  it('accepts fields Meta adds later', () => {
    const body = JSON.parse(raw('wa_text.json').toString('utf8'));
    body.entry[0].changes[0].value.messages[0].brand_new_field = { x: 1 };
    body.entry[0].changes[0].value.contacts[0].identity_key_hash = 'DF2lS5v2W6x=';
    expect(whatsappAdapter.parse(body)).toHaveLength(1);
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['an empty object', {}],
    ['a Messenger body', { object: 'page', entry: [] }],
    ['entries that are not arrays', { object: 'whatsapp_business_account', entry: {} }],
    [
      'a message without an id',
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  metadata: { phone_number_id: '1' },
                  messages: [{ from: '1', timestamp: '1', type: 'text', text: { body: 'x' } }],
                },
              },
            ],
          },
        ],
      },
    ],
    [
      'a value without metadata',
      {
        object: 'whatsapp_business_account',
        entry: [{ id: '1', changes: [{ field: 'messages', value: { messages: [] } }] }],
      },
    ],
    [
      'a bad timestamp',
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  metadata: { phone_number_id: '1' },
                  messages: [{ from: '1', id: 'wamid.x', timestamp: 'yesterday', type: 'text', text: { body: 'x' } }],
                },
              },
            ],
          },
        ],
      },
    ],
    [
      'a message with no sender at all',
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  metadata: { phone_number_id: '1' },
                  messages: [{ id: 'wamid.x', timestamp: '1', type: 'text', text: { body: 'x' } }],
                },
              },
            ],
          },
        ],
      },
    ],
  ])('throws a clear PayloadError for %s', (_, body) => {
    expect(() => whatsappAdapter.parse(body)).toThrow(PayloadError);
    expect(() => whatsappAdapter.parse(body)).toThrow(/WhatsApp/);
  });
});

describe('whatsapp send', () => {
  let graph: FakeGraphApi;
  let cfg: WhatsAppConfig;

  beforeAll(async () => {
    graph = await startFakeGraphApi();
    cfg = { ...config, apiUrl: `${graph.url}/v26.0/` };
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.requests.length = 0;
  });

  const last = () => graph.requests.at(-1)!;

  it('sends text to a phone number with the bearer token', async () => {
    const result = await whatsappAdapter.send(
      cfg,
      { phone: '919876543210' },
      { type: 'text', text: 'Namaste Priya! 🙏', previewUrl: true },
    );
    expect(result.providerMessageId).toMatch(/^wamid\./);
    expect(last()).toMatchObject({
      method: 'POST',
      path: '/v26.0/110022334455667/messages',
      headers: { authorization: 'Bearer EAAtest-access-token', 'content-type': 'application/json' },
    });
    expect(last().body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919876543210',
      type: 'text',
      text: { preview_url: true, body: 'Namaste Priya! 🙏' },
    });
    expect(last().query).toEqual({});
  });

  it('addresses a BSUID-only customer with recipient', async () => {
    await whatsappAdapter.send(cfg, { userId: 'IN.3724117084395812' }, { type: 'text', text: 'Hello' });
    expect(last().body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      recipient: 'IN.3724117084395812',
      type: 'text',
      text: { preview_url: false, body: 'Hello' },
    });
  });

  it('prefers the phone when both are known', async () => {
    await whatsappAdapter.send(cfg, { phone: '919876543210', userId: 'IN.1' }, { type: 'text', text: 'Hi' });
    expect(last().body).toMatchObject({ to: '919876543210' });
    expect(last().body).not.toHaveProperty('recipient');
  });

  it('sends a template with body variables', async () => {
    const result = await whatsappAdapter.send(
      cfg,
      { phone: '919876543210' },
      { type: 'template', name: 'site_visit_reminder', language: 'en_US', variables: ['Priya', 'Saturday 11am'] },
    );
    expect(result.providerMessageId).toMatch(/^wamid\./);
    expect(last().body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919876543210',
      type: 'template',
      template: {
        name: 'site_visit_reminder',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Priya' },
              { type: 'text', text: 'Saturday 11am' },
            ],
          },
        ],
      },
    });
  });

  it('sends a template without variables with no components', async () => {
    await whatsappAdapter.send(
      cfg,
      { phone: '919876543210' },
      { type: 'template', name: 'hello_world', language: 'en_US' },
    );
    expect((last().body as any).template).toEqual({ name: 'hello_world', language: { code: 'en_US' } });
  });

  it.each([
    ['image', { link: 'https://cdn.example/plan.jpg', caption: 'Floor plan' }],
    ['video', { link: 'https://cdn.example/plan.jpg', caption: 'Floor plan' }],
    ['audio', { link: 'https://cdn.example/plan.jpg' }],
    ['document', { link: 'https://cdn.example/plan.jpg', caption: 'Floor plan', filename: 'brochure.pdf' }],
  ] as const)('sends %s by link', async (mediaType, expected) => {
    await whatsappAdapter.send(
      cfg,
      { phone: '919876543210' },
      {
        type: 'media',
        mediaType,
        url: 'https://cdn.example/plan.jpg',
        caption: 'Floor plan',
        filename: 'brochure.pdf',
      },
    );
    expect(last().body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919876543210',
      type: mediaType,
      [mediaType]: expected,
    });
  });

  it('marks a message as read', async () => {
    const result = await whatsappAdapter.send(
      cfg,
      { phone: '919876543210' },
      { type: 'mark_read', messageId: 'wamid.ABC' },
    );
    expect(result).toEqual({ providerMessageId: null });
    expect(last().body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.ABC' });
  });

  it('refuses a recipient with neither phone nor user id, without calling Meta', async () => {
    await expect(whatsappAdapter.send(cfg, {}, { type: 'text', text: 'x' })).rejects.toMatchObject({
      retryable: false,
      code: 'no_recipient',
    });
    expect(graph.requests).toHaveLength(0);
  });

  const sendFails = () =>
    whatsappAdapter.send(cfg, { phone: '919876543210' }, { type: 'text', text: 'x' }).then(
      () => {
        throw new Error('expected a ProviderError');
      },
      (err: unknown) => err as ProviderError,
    );

  it.each([
    ['HTTP 429 rate limit', 429, graphErrors.rateLimited(), true, '130429'],
    ['HTTP 500', 500, graphErrors.serverError(), true, '1'],
    ['HTTP 503 without a body', 503, '', true, 'http_503'],
    [
      'spam rate limit 131048',
      400,
      { error: { message: '(#131048) Spam rate limit hit', type: 'OAuthException', code: 131048, fbtrace_id: 'A1' } },
      true,
      '131048',
    ],
    [
      'pair rate limit 131056',
      400,
      { error: { message: '(#131056) Pair rate limit hit', type: 'OAuthException', code: 131056, fbtrace_id: 'A2' } },
      true,
      '131056',
    ],
    [
      'account rate limit 80007',
      400,
      { error: { message: '(#80007) Rate limit issues', type: 'OAuthException', code: 80007, fbtrace_id: 'A3' } },
      true,
      '80007',
    ],
    ['window closed 131047', 400, graphErrors.windowClosed(), false, '131047'],
    ['invalid token 190', 401, graphErrors.invalidToken(), false, '190'],
    ['invalid parameter 100', 400, graphErrors.invalidParameter('bad to'), false, '100'],
  ])('maps %s to a ProviderError', async (_, status, body, retryable, code) => {
    graph.failNext(status, body);
    const err = await sendFails();
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable, status, code });
    expect(err.message).not.toContain(cfg.accessToken);
  });

  it('fails twice then succeeds when asked to fail twice', async () => {
    graph.failNext(429, undefined, 2);
    await expect(sendFails()).resolves.toMatchObject({ retryable: true });
    await expect(sendFails()).resolves.toMatchObject({ retryable: true });
    await expect(
      whatsappAdapter.send(cfg, { phone: '919876543210' }, { type: 'text', text: 'x' }),
    ).resolves.toMatchObject({ providerMessageId: expect.stringMatching(/^wamid\./) });
  });

  it('reports a timeout as retryable', async () => {
    graph.stallNext();
    const quick: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(100) });
    await expect(
      whatsappAdapter.send(cfg, { phone: '919876543210' }, { type: 'text', text: 'x' }, quick),
    ).rejects.toMatchObject({ retryable: true, code: 'timeout' });
  });

  it('reports an unreachable server as retryable', async () => {
    const down = { ...cfg, apiUrl: 'http://127.0.0.1:9/v26.0' };
    await expect(
      whatsappAdapter.send(down, { phone: '919876543210' }, { type: 'text', text: 'x' }),
    ).rejects.toMatchObject({ retryable: true, code: 'network' });
  });

  it('fails for good on a 200 without a message id', async () => {
    graph.failNext(200, { messaging_product: 'whatsapp', contacts: [] });
    await expect(sendFails()).resolves.toMatchObject({ retryable: false, code: 'bad_response' });
  });

  it('sends through the injected fetch', async () => {
    const calls: string[] = [];
    const spy: typeof fetch = (input, init) => {
      calls.push(String(input));
      return fetch(input, init);
    };
    await whatsappAdapter.send(cfg, { phone: '919876543210' }, { type: 'text', text: 'x' }, spy);
    expect(calls).toEqual([`${graph.url}/v26.0/110022334455667/messages`]);
  });
});

describe('whatsapp fetchMedia', () => {
  let graph: FakeGraphApi;
  let cfg: WhatsAppConfig;
  const photo = Buffer.from('\xff\xd8\xff\xe0 a floor plan, east facing \xff\xd9', 'latin1');

  beforeAll(async () => {
    graph = await startFakeGraphApi();
    cfg = { ...config, apiUrl: `${graph.url}/v26.0` };
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.requests.length = 0;
  });

  it('looks the media id up, then downloads the bytes, both with the Bearer token', async () => {
    const id = graph.addMedia({ bytes: photo, mimeType: 'image/jpeg' });
    const media = await whatsappAdapter.fetchMedia!(cfg, {
      id,
      mimeType: 'image/jpeg',
      caption: 'This is the layout I liked',
    });
    expect(media).toMatchObject({ contentType: 'image/jpeg', size: photo.length });
    expect(await bytesOf(media)).toEqual(photo);
    expect(graph.requests.map((r) => [r.method, r.path])).toEqual([
      ['GET', `/v26.0/${id}`],
      ['GET', '/whatsapp_business/attachments/'],
    ]);
    for (const r of graph.requests) expect(r.headers.authorization).toBe('Bearer EAAtest-access-token');
    expect(graph.requests[1].query).toMatchObject({ mid: id, hash: expect.any(String) });
  });

  it('keeps the document’s file name from the webhook', async () => {
    const pdf = Buffer.from('%PDF-1.7 salary slip');
    const id = graph.addMedia({ bytes: pdf, mimeType: 'application/pdf' });
    const media = await whatsappAdapter.fetchMedia!(cfg, { id, filename: 'Salary slip March.pdf' });
    expect(media).toMatchObject({ contentType: 'application/pdf', filename: 'Salary slip March.pdf' });
    expect(await bytesOf(media)).toEqual(pdf);
  });

  it('maps an unknown media id to Meta’s error', async () => {
    const err = await whatsappAdapter.fetchMedia!(cfg, { id: '999000111222333' }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: false, status: 400, code: '100' });
    expect(err.message).toMatch(/Object with ID '999000111222333' does not exist/);
  });

  it('maps an expired token to a permanent error that never contains the token', async () => {
    graph.failNext(401, graphErrors.expiredToken());
    const err = await whatsappAdapter.fetchMedia!(cfg, {
      id: graph.addMedia({ bytes: photo, mimeType: 'image/jpeg' }),
    }).catch((e) => e);
    expect(err).toMatchObject({ retryable: false, status: 401, code: '190' });
    expect(err.message).toMatch(/Session has expired/);
    expect(err.message).not.toContain(cfg.accessToken);
  });

  it('maps a failed download to Meta’s error', async () => {
    graph.passNext(1);
    graph.failNext(404, graphErrors.unknownObject('1'));
    const err = await whatsappAdapter.fetchMedia!(cfg, {
      id: graph.addMedia({ bytes: photo, mimeType: 'image/jpeg' }),
    }).catch((e) => e);
    expect(err).toMatchObject({ status: 404, code: '100' });
  });

  it('refuses a file over the limit without downloading it', async () => {
    const id = graph.addMedia({ bytes: photo, mimeType: 'video/mp4', fileSize: MEDIA_MAX_BYTES + 1 });
    await expect(whatsappAdapter.fetchMedia!(cfg, { id })).rejects.toMatchObject({ code: 'too_large' });
    expect(graph.requests).toHaveLength(1);
  });

  it('needs a media id', async () => {
    await expect(whatsappAdapter.fetchMedia!(cfg, { url: 'https://lookaside.fbsbx.com/x' })).rejects.toMatchObject({
      code: 'no_media_id',
    });
    expect(graph.requests).toHaveLength(0);
  });

  it('sends the token to no plain-http address but the configured API’s', async () => {
    const lying: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/v26.0/42'))
        return Response.json({
          messaging_product: 'whatsapp',
          url: 'http://169.254.169.254/latest/meta-data/',
          mime_type: 'image/jpeg',
          id: '42',
        });
      return fetch(input, init);
    };
    await expect(whatsappAdapter.fetchMedia!(cfg, { id: '42' }, lying)).rejects.toMatchObject({
      code: 'bad_media_url',
    });
  });

  it('refuses a web page served in place of the file', async () => {
    const page: typeof fetch = async (input) =>
      String(input).includes('/v26.0/')
        ? Response.json({ url: `${graph.url}/whatsapp_business/attachments/?mid=7`, mime_type: 'image/jpeg', id: '7' })
        : new Response('<html>Upgrade your browser</html>', {
            headers: { 'content-type': 'text/html; charset=utf-8' },
          });
    await expect(whatsappAdapter.fetchMedia!(cfg, { id: '7' }, page)).rejects.toMatchObject({ code: 'not_media' });
  });
});
