import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphErrors, startFakeGraphApi, type FakeGraphApi } from '../../../test/fakes/graph-api.ts';
import { bytesOf } from '../../../test/helpers/media.ts';
import { PayloadError, type InboundMessage, type WebhookRequest } from '../channel.ts';
import { messengerAdapter, type MessengerConfig } from './adapter.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/messenger');
const raw = (name: string) => readFileSync(join(FIXTURES, name));
const parseFixture = (name: string) => messengerAdapter.parse(JSON.parse(raw(name).toString('utf8')));

const PAGE = '104857392018475';
const PSID = '7394851062374921';
const POST = `${PAGE}_712750021053074`;
const config: MessengerConfig = {
  pageId: PAGE,
  pageAccessToken: 'EAAGpage-token',
  appSecret: 'fb-app-secret',
  verifyToken: 'fb-verify',
  apiUrl: 'https://graph.facebook.com/v26.0',
};

const ms = (n: number) => new Date(n);
const dm = (fields: Record<string, unknown>) => ({
  kind: 'message',
  channel: 'messenger',
  accountId: PAGE,
  from: { userId: PSID },
  ...fields,
});
const comment = (fields: Record<string, unknown>) => ({
  kind: 'message',
  channel: 'facebook_comment',
  accountId: PAGE,
  type: 'comment',
  ...fields,
});
const receipt = (fields: Record<string, unknown>) => ({
  kind: 'status',
  channel: 'messenger',
  accountId: PAGE,
  recipient: { userId: PSID },
  ...fields,
});

function signed(body: Buffer, secret = config.appSecret): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://parley.example/webhooks/messenger',
    headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` },
    query: {},
    rawBody: body,
  };
}

describe('messenger handshake and signature', () => {
  it('answers the challenge for the right token only', () => {
    expect(
      messengerAdapter.handshake!(
        { 'hub.mode': 'subscribe', 'hub.verify_token': 'fb-verify', 'hub.challenge': 'CHALLENGE_ACCEPTED' },
        config,
      ),
    ).toBe('CHALLENGE_ACCEPTED');
    expect(
      messengerAdapter.handshake!(
        { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': 'x' },
        config,
      ),
    ).toBeNull();
    expect(messengerAdapter.handshake!({ 'hub.verify_token': 'fb-verify', 'hub.challenge': 'x' }, config)).toBeNull();
  });

  it('accepts a valid signature and rejects missing, wrong and altered ones', () => {
    const body = raw('fb_comment_add.json');
    expect(messengerAdapter.verify(signed(body), config)).toBe(true);
    expect(messengerAdapter.verify({ ...signed(body), headers: {} }, config)).toBe(false);
    expect(messengerAdapter.verify(signed(body, 'whatsapp-secret'), config)).toBe(false);
    const altered = Buffer.from(body);
    altered[20] ^= 1;
    expect(messengerAdapter.verify({ ...signed(body), rawBody: altered }, config)).toBe(false);
  });
});

describe('messenger parse', () => {
  const cases: Record<string, unknown[]> = {
    'fb_text.json': [
      dm({
        providerMessageId: 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P',
        timestamp: ms(1781004000001),
        type: 'text',
        text: 'Hi! Do you have 2BHK flats near Whitefield?',
      }),
    ],
    'fb_quick_reply.json': [
      dm({
        providerMessageId: expect.stringMatching(/^m_Bq3/),
        timestamp: ms(1781004000002),
        type: 'interactive',
        text: 'Weekend',
        reply: { payload: 'VISIT_WEEKEND', title: 'Weekend' },
      }),
    ],
    'fb_reply_to.json': [
      dm({
        providerMessageId: expect.stringMatching(/^m_Cr4/),
        timestamp: ms(1781004000003),
        type: 'text',
        text: 'Yes, that one',
        contextMessageId: 'm_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU',
      }),
    ],
    'fb_image.json': [
      dm({
        providerMessageId: expect.stringMatching(/^m_Ds5/),
        timestamp: ms(1781004000004),
        type: 'image',
        media: { url: expect.stringContaining('441234567_1234567890_n.jpg') },
      }),
    ],
    'fb_sticker.json': [
      dm({
        providerMessageId: expect.stringMatching(/^m_Et6/),
        timestamp: ms(1781004000005),
        type: 'sticker',
        media: { url: expect.stringContaining('.png') },
      }),
    ],
    'fb_attachments_multiple.json': [
      dm({
        providerMessageId: 'm_Fu7Ob2Pa3cXdV6wZhRjT4eNqK9lY1gBiA5sU8mC0fI_DxQoLrPtGzE4kJuWhVn2yCaXbR7iOd9eFqSp6tZgM1U',
        timestamp: ms(1781004000006),
        type: 'image',
        text: 'Photos of my current flat',
        media: { url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/1_n.jpg' },
      }),
      dm({
        providerMessageId: 'm_Fu7Ob2Pa3cXdV6wZhRjT4eNqK9lY1gBiA5sU8mC0fI_DxQoLrPtGzE4kJuWhVn2yCaXbR7iOd9eFqSp6tZgM1U#2',
        timestamp: ms(1781004000006),
        type: 'image',
        media: { url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/2_n.jpg' },
      }),
    ],
    'fb_audio.json': [
      dm({
        providerMessageId: expect.any(String),
        timestamp: ms(1781004000007),
        type: 'audio',
        media: { url: expect.stringContaining('audioclip') },
      }),
    ],
    'fb_video.json': [
      dm({
        providerMessageId: expect.any(String),
        timestamp: ms(1781004000008),
        type: 'video',
        media: { url: expect.stringContaining('.mp4') },
      }),
    ],
    'fb_file.json': [
      dm({
        providerMessageId: expect.any(String),
        timestamp: ms(1781004000009),
        type: 'document',
        media: { url: expect.stringContaining('loan-sanction-letter.pdf') },
      }),
    ],
    'fb_fallback_link.json': [
      dm({
        providerMessageId: expect.any(String),
        timestamp: ms(1781004000010),
        type: 'text',
        text: 'https://www.magicbricks.com/propertyDetails/2-BHK-1200-Sq-ft',
        media: { url: 'https://www.magicbricks.com/propertyDetails/2-BHK-1200-Sq-ft' },
      }),
    ],
    'fb_postback.json': [
      dm({
        providerMessageId: expect.stringMatching(/^m_Kz2/),
        timestamp: ms(1781004000011),
        type: 'postback',
        text: 'Talk to an agent',
        reply: { title: 'Talk to an agent', payload: 'HANDOFF_AGENT' },
      }),
    ],
    'fb_postback_get_started.json': [
      dm({
        providerMessageId: `postback:${PSID}:1781004000012`,
        timestamp: ms(1781004000012),
        type: 'postback',
        text: 'Get Started',
        reply: { title: 'Get Started', payload: 'GET_STARTED' },
        referral: { ref: 'whitefield-2bhk-ad', sourceType: 'ADS', sourceId: '120226305854810799' },
      }),
    ],
    'fb_delivery.json': [
      receipt({
        providerMessageId: 'm_LA3Uh8Vg9iDjB2cFnXpZ0kTwQ5rE7mHoG1yA4sI6lO_JdWuRxVzMfK0qPaCnBt8eIgDhX3oUj5kLwYv2zFmS7A',
        status: 'delivered',
        timestamp: ms(1781004000013),
      }),
      receipt({
        providerMessageId: 'm_MB4Vi9Wh0jEkC3dGoYqA1lUxR6sF8nIpH2zB5tJ7mP_KeXvSyWaNgL1rQbDoCu9fJhEiY4pVk6lMxZw3aGnT8B',
        status: 'delivered',
        timestamp: ms(1781004000013),
      }),
    ],
    'fb_delivery_watermark_only.json': [
      receipt({
        providerMessageId: '',
        status: 'delivered',
        timestamp: ms(1781004000014),
        watermark: ms(1781003999000),
      }),
    ],
    'fb_read.json': [
      receipt({ providerMessageId: '', status: 'read', timestamp: ms(1781004000015), watermark: ms(1781004000010) }),
    ],
    'fb_echo.json': [],
    'fb_reaction.json': [
      dm({
        providerMessageId: expect.stringMatching(/^reaction:/),
        timestamp: ms(1781004000017),
        type: 'reaction',
        reaction: { messageId: expect.stringMatching(/^m_OD6/), emoji: '❤️' },
      }),
    ],
    'fb_unreact.json': [
      dm({
        providerMessageId: expect.stringMatching(/^reaction:/),
        timestamp: ms(1781004000018),
        type: 'reaction',
        reaction: { messageId: expect.stringMatching(/^m_OD6/), emoji: null },
      }),
    ],
    'fb_comment_add.json': [
      comment({
        providerMessageId: '712750021053074_1063824911537852',
        conversationKey: `comment:24266381753005180:${POST}`,
        from: { userId: '24266381753005180', name: 'Kavya Nair' },
        timestamp: new Date(1781004098 * 1000),
        text: 'Price of 2BHK? Please DM',
        thread: { postId: POST, commentId: '712750021053074_1063824911537852', parentId: POST },
      }),
    ],
    'fb_comment_reply.json': [
      comment({
        providerMessageId: '712750021053074_1063824911599911',
        conversationKey: `comment:24266381753005180:${POST}`,
        from: { userId: '24266381753005180', name: 'Kavya Nair' },
        timestamp: new Date(1781004199 * 1000),
        text: 'Also is there a gym?',
        thread: {
          postId: POST,
          commentId: '712750021053074_1063824911599911',
          parentId: '712750021053074_1063824911537852',
        },
      }),
    ],
    'fb_comment_photo.json': [
      comment({
        providerMessageId: '712750021053074_1063824911612345',
        conversationKey: `comment:31847562093847561:${POST}`,
        from: { userId: '31847562093847561', name: 'Imran Sheikh' },
        timestamp: new Date(1781004299 * 1000),
        text: 'Like this layout',
        media: { url: 'https://scontent.xx.fbcdn.net/v/t39.30808-6/comment_photo_n.jpg' },
        thread: { postId: POST, commentId: '712750021053074_1063824911612345', parentId: POST },
      }),
    ],
    'fb_comment_page_own.json': [],
    'fb_comment_edited.json': [],
    'fb_comment_remove.json': [],
    'fb_feed_reaction.json': [],
  };

  it('has an expectation for every recorded payload', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && f !== 'fb_batch.json');
    expect(files.sort()).toEqual(Object.keys(cases).sort());
  });

  it.each(Object.entries(cases))('parses %s', (file, expected) => {
    expect(parseFixture(file)).toEqual(expected);
  });

  it('splits a batch of messaging and feed entries, skipping the page’s own comment', () => {
    const events = parseFixture('fb_batch.json');
    expect(events.map((e) => [e.kind, e.channel, 'providerMessageId' in e ? e.providerMessageId : ''])).toEqual([
      ['message', 'messenger', expect.stringMatching(/^m_PE7/)],
      ['status', 'messenger', ''],
      ['message', 'facebook_comment', '712750021053074_1063824911700001'],
    ]);
  });

  it('never answers what the page itself sent, even without is_echo', () => {
    const body = JSON.parse(raw('fb_text.json').toString('utf8'));
    body.entry[0].messaging[0].sender.id = PAGE;
    expect(messengerAdapter.parse(body)).toEqual([]);
  });

  it('takes a shared link’s title as its text when the customer wrote nothing', () => {
    const body = JSON.parse(raw('fb_fallback_link.json').toString('utf8'));
    delete body.entry[0].messaging[0].message.text;
    expect(messengerAdapter.parse(body)).toEqual([
      expect.objectContaining({
        type: 'unsupported',
        text: '2 BHK Flat for Sale in Whitefield',
        media: { url: expect.any(String) },
      }),
    ]);
  });

  it('keeps a comment whose author Meta withholds', () => {
    const body = JSON.parse(raw('fb_comment_add.json').toString('utf8'));
    delete body.entry[0].changes[0].value.from;
    expect(messengerAdapter.parse(body)).toEqual([
      expect.objectContaining({ channel: 'facebook_comment', from: {}, text: 'Price of 2BHK? Please DM' }),
    ]);
  });

  it.each([
    ['null', null],
    ['an array', []],
    [
      'a WhatsApp body',
      JSON.parse(raw('fb_text.json').toString('utf8').replace('"page"', '"whatsapp_business_account"')),
    ],
    ['an Instagram body', { object: 'instagram', entry: [] }],
    [
      'a message without mid',
      {
        object: 'page',
        entry: [
          {
            id: PAGE,
            messaging: [{ sender: { id: PSID }, recipient: { id: PAGE }, timestamp: 1, message: { text: 'hi' } }],
          },
        ],
      },
    ],
    [
      'a messaging item without timestamp',
      {
        object: 'page',
        entry: [
          {
            id: PAGE,
            messaging: [{ sender: { id: PSID }, recipient: { id: PAGE }, message: { mid: 'm_1', text: 'hi' } }],
          },
        ],
      },
    ],
    [
      'a new comment without comment_id',
      {
        object: 'page',
        entry: [
          {
            id: PAGE,
            changes: [{ field: 'feed', value: { item: 'comment', verb: 'add', post_id: POST, message: 'hi' } }],
          },
        ],
      },
    ],
  ])('throws a clear PayloadError for %s', (_, body) => {
    expect(() => messengerAdapter.parse(body)).toThrow(PayloadError);
    expect(() => messengerAdapter.parse(body)).toThrow(/Messenger/);
  });
});

describe('messenger send', () => {
  let graph: FakeGraphApi;
  let cfg: MessengerConfig;

  beforeAll(async () => {
    graph = await startFakeGraphApi();
    cfg = { ...config, apiUrl: `${graph.url}/v26.0` };
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.requests.length = 0;
  });
  const last = () => graph.requests.at(-1)!;

  it('sends text through the Send API with the page token and RESPONSE type', async () => {
    const result = await messengerAdapter.send(
      cfg,
      { userId: PSID },
      { type: 'text', text: 'Hi Kavya! Here are the 2BHK options.' },
    );
    expect(result.providerMessageId).toMatch(/^m_/);
    expect(last()).toMatchObject({
      method: 'POST',
      path: `/v26.0/${PAGE}/messages`,
      query: { access_token: 'EAAGpage-token' },
    });
    expect(last().body).toEqual({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { text: 'Hi Kavya! Here are the 2BHK options.' },
    });
  });

  it('sends an attachment, then its caption as text', async () => {
    const result = await messengerAdapter.send(
      cfg,
      { userId: PSID },
      {
        type: 'media',
        mediaType: 'document',
        url: 'https://cdn.example/brochure.pdf',
        caption: 'Our brochure',
        filename: 'b.pdf',
      },
    );
    expect(graph.requests.map((r) => r.body)).toEqual([
      {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: { attachment: { type: 'file', payload: { url: 'https://cdn.example/brochure.pdf' } } },
      },
      { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Our brochure' } },
    ]);
    expect(result.providerMessageId).toMatch(/^m_/);
  });

  it('does not resend the attachment when only the caption failed', async () => {
    // Fail the second request (the caption) only.
    const failSecond: typeof fetch = async (input, init) => {
      if (graph.requests.length === 1) graph.failNext(500);
      return fetch(input, init);
    };
    const send = messengerAdapter.send(
      cfg,
      { userId: PSID },
      { type: 'media', mediaType: 'image', url: 'https://cdn.example/a.jpg', caption: 'Look' },
      failSecond,
    );
    await expect(send).rejects.toMatchObject({ retryable: false, code: 'caption_failed' });
    expect(graph.requests).toHaveLength(2);
  });

  it('marks the conversation seen', async () => {
    expect(await messengerAdapter.send(cfg, { userId: PSID }, { type: 'mark_read', messageId: 'm_x' })).toEqual({
      providerMessageId: null,
    });
    expect(last().body).toEqual({ recipient: { id: PSID }, sender_action: 'mark_seen' });
  });

  it('replies publicly under a comment', async () => {
    const result = await messengerAdapter.send(
      cfg,
      { commentId: '712750021053074_1063824911537852' },
      { type: 'text', text: 'Hi Kavya, sent you a message!' },
    );
    expect(result.providerMessageId).toMatch(/^712750021053074_\d+$/);
    expect(last()).toMatchObject({
      path: '/v26.0/712750021053074_1063824911537852/comments',
      query: { access_token: 'EAAGpage-token' },
      body: { message: 'Hi Kavya, sent you a message!' },
    });
  });

  it('replies under a comment with a photo', async () => {
    await messengerAdapter.send(
      cfg,
      { commentId: '712750021053074_1063824911537852' },
      { type: 'media', mediaType: 'image', url: 'https://cdn.example/plan.jpg', caption: 'Floor plan' },
    );
    expect(last().body).toEqual({ message: 'Floor plan', attachment_url: 'https://cdn.example/plan.jpg' });
  });

  it('replies privately to a comment through the Send API', async () => {
    const result = await messengerAdapter.send(
      cfg,
      { commentId: '712750021053074_1063824911537852', privateReply: true },
      { type: 'text', text: 'Hi Kavya, the 2BHK starts at ₹85L.' },
    );
    expect(result.providerMessageId).toMatch(/^m_/);
    expect(last()).toMatchObject({
      path: `/v26.0/${PAGE}/messages`,
      body: {
        recipient: { comment_id: '712750021053074_1063824911537852' },
        messaging_type: 'RESPONSE',
        message: { text: 'Hi Kavya, the 2BHK starts at ₹85L.' },
      },
    });
  });

  it.each([
    ['a template', { userId: PSID }, { type: 'template', name: 'x', language: 'en' }],
    [
      'a video comment reply',
      { commentId: '1_2' },
      { type: 'media', mediaType: 'video', url: 'https://cdn.example/v.mp4' },
    ],
    ['a template comment reply', { commentId: '1_2' }, { type: 'template', name: 'x', language: 'en' }],
    ['to nobody', {}, { type: 'text', text: 'x' }],
  ] as const)('refuses %s without calling Meta', async (_, to, payload) => {
    await expect(messengerAdapter.send(cfg, to, payload)).rejects.toMatchObject({ retryable: false });
    expect(graph.requests).toHaveLength(0);
  });

  it.each([
    ['outside the window (#10/2018278)', 400, graphErrors.messengerOutsideWindow(), false, '10'],
    [
      'a throttled page (#613)',
      400,
      {
        error: {
          message: '(#613) Calls to this api have exceeded the rate limit.',
          type: 'OAuthException',
          code: 613,
          fbtrace_id: 'B1',
        },
      },
      true,
      '613',
    ],
    ['an expired token (#190)', 400, graphErrors.invalidToken(), false, '190'],
    ['a server error', 502, undefined, true, '1'],
  ])('maps %s', async (_, status, body, retryable, code) => {
    graph.failNext(status, body);
    const err = await messengerAdapter
      .send(cfg, { userId: PSID }, { type: 'text', text: 'x' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable, status, code });
    expect((err as Error).message).not.toContain('EAAGpage-token');
  });
});

describe('messenger fetchMedia', () => {
  let graph: FakeGraphApi;
  let cfg: MessengerConfig;
  beforeAll(async () => {
    graph = await startFakeGraphApi();
    cfg = { ...config, apiUrl: `${graph.url}/v26.0` };
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.requests.length = 0;
  });

  it('downloads the attachment from its CDN link, without the page token', async () => {
    const photo = Buffer.from('GIF89a a photo of the flat');
    const url = graph.addCdnFile({ bytes: photo, contentType: 'image/jpeg', name: '441234567_1234567890_n.jpg' });
    const event = parseFixture('fb_image.json')[0] as InboundMessage;
    const media = await messengerAdapter.fetchMedia!(cfg, { ...event.media, url });
    expect(media).toMatchObject({
      contentType: 'image/jpeg',
      size: photo.length,
      filename: '441234567_1234567890_n.jpg',
    });
    expect(await bytesOf(media)).toEqual(photo);
    const [req] = graph.requests;
    expect(req.headers.authorization).toBeUndefined();
    expect(JSON.stringify(req)).not.toContain('EAAGpage-token');
  });

  it('reports an expired or missing link as the CDN’s answer', async () => {
    const err = await messengerAdapter.fetchMedia!(cfg, { url: `${graph.url}/v/t1.15752-9/gone_n.jpg?oe=1` }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ retryable: false, status: 404, code: 'http_404' });
    expect((err as Error).message).toBe('Messenger could not serve the file (HTTP 404): Not Found');
  });

  it('fetches no plain-http link outside the configured API', async () => {
    await expect(messengerAdapter.fetchMedia!(cfg, { url: 'http://10.0.0.5/admin' })).rejects.toMatchObject({
      code: 'bad_media_url',
    });
    await expect(messengerAdapter.fetchMedia!(cfg, {})).rejects.toMatchObject({ code: 'no_media_url' });
    expect(graph.requests).toHaveLength(0);
  });
});
