// Messenger and Page comments end to end: signed webhooks through /webhooks/messenger, ingest,
// routing, the outbox and a fake Graph API on 127.0.0.1 (Send API and comment replies).
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../src/db/schema/index.ts';
import { graphErrors, startFakeGraphApi } from './fakes/graph-api.ts';
import { createTestApp, drainJobs, newWorkspace, queueNotification, untilSettled } from './helpers/app.ts';
import { fixtureText, metaSignature } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
afterAll(() => graph.close());
// Pages connected without settings.apiUrl send through MESSENGER_API_URL.
const { app, deps } = await createTestApp({ LOG_LEVEL: 'error', MESSENGER_API_URL: `${graph.url}/v26.0` });
const SECRET = 'fb-app-secret';
const FIXTURE_PAGE = '104857392018475';
const PSID = '7394851062374921';
const KAVYA = '24266381753005180';
const POST_SUFFIX = '712750021053074';
/** The latest timestamp in the recorded fixtures (fb_batch.json), in ms. */
const FIXTURE_NOW_MS = 1781004801000;

let pageCounter = 0;
const newPageId = () =>
  `1${String(Date.now()).slice(-9)}${String(pageCounter++).padStart(2, '0')}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;

async function connect(settings: Record<string, unknown> = { apiUrl: `${graph.url}/v26.0` }) {
  const owner = await newWorkspace(app, 'Sunrise Homes');
  const pageId = newPageId();
  const token = `EAAGpage-${pageId}`;
  const res = await app.inject({
    method: 'POST',
    url: '/api/channels',
    headers: owner.auth,
    payload: {
      kind: 'messenger',
      name: 'Facebook page',
      account_id: pageId,
      settings,
      secrets: { pageAccessToken: token, appSecret: SECRET, verifyToken: `verify-${pageId}` },
    },
  });
  expect(res.statusCode).toBe(201);
  expect(res.body).not.toContain(token);
  expect(res.body).not.toContain(SECRET);
  return { owner, pageId, token, channelId: res.json().id as string };
}

/**
 * A recorded Messenger fixture for another page, every timestamp moved by the same amount so the
 * latest lands on `at` (ms timestamps in `messaging`, seconds in feed changes).
 */
function fbFixture(name: string, pageId: string, at = Date.now()): string {
  const delta = at - FIXTURE_NOW_MS;
  return fixtureText('messenger', name)
    .replaceAll(FIXTURE_PAGE, pageId)
    .replace(/\b1781\d{9}\b/g, (ms) => String(Number(ms) + delta))
    .replace(/\b1781\d{6}\b/g, (s) => String(Number(s) + Math.round(delta / 1000)));
}

/** A text message from a customer (PSID) to the page. */
function fbText(pageId: string, psid: string, text: string, at = Date.now()): string {
  return JSON.stringify({
    object: 'page',
    entry: [
      {
        id: pageId,
        time: at,
        messaging: [
          {
            sender: { id: psid },
            recipient: { id: pageId },
            timestamp: at,
            message: { mid: `m_${randomBytes(24).toString('base64url')}`, text },
          },
        ],
      },
    ],
  });
}

/** A read receipt: everything the page sent to `psid` up to `watermark` was read. */
function fbRead(pageId: string, psid: string, watermark: number): string {
  const body = JSON.parse(fbFixture('fb_read.json', pageId));
  body.entry[0].messaging[0].sender.id = psid;
  body.entry[0].messaging[0].read.watermark = watermark;
  return JSON.stringify(body);
}

/** A delivery receipt naming these message ids. */
function fbDelivery(pageId: string, mids: string[]): string {
  const body = JSON.parse(fbFixture('fb_delivery.json', pageId));
  body.entry[0].messaging[0].delivery.mids = mids;
  return JSON.stringify(body);
}

const post = (body: string, signature: string | null = metaSignature(body, SECRET)) =>
  app.inject({
    method: 'POST',
    url: '/webhooks/messenger',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    payload: body,
  });

const rowsOf = async (channelId: string) =>
  deps.db.select().from(messages).where(eq(messages.channelId, channelId)).orderBy(messages.createdAt, messages.id);
const convsOf = async (channelId: string) =>
  deps.db.select().from(conversations).where(eq(conversations.channelId, channelId));
const isSeen = (r: { body: unknown }) => (r.body as { sender_action?: string }).sender_action === 'mark_seen';
const sendApiCalls = (pageId: string) =>
  graph.requests.filter((r) => r.path.endsWith(`/${pageId}/messages`) && !isSeen(r));
const seenCalls = (pageId: string) => graph.requests.filter((r) => r.path.endsWith(`/${pageId}/messages`) && isSeen(r));
/** Comment replies made with this page's token (comment ids repeat across tests: the fixtures' ids). */
const commentCalls = (token: string, commentId: string) =>
  graph.requests.filter((r) => r.query.access_token === token && r.path.endsWith(`/${commentId}/comments`));
const messageRow = async (id: string) => (await deps.db.select().from(messages).where(eq(messages.id, id)))[0];

/** A customer says hello and gets the welcome; returns the sent welcome row. */
async function welcomed(pageId: string, channelId: string, psid = PSID) {
  expect((await post(fbText(pageId, psid, 'hello'))).statusCode).toBe(200);
  await drainJobs(deps);
  const out = (await rowsOf(channelId)).filter((m) => m.direction === 'out');
  expect(out.at(-1)).toMatchObject({ status: 'sent', purpose: 'welcome' });
  return out.at(-1)!;
}

async function queueText(channelId: string, text: string, externalId = PSID) {
  const [conv] = await deps.db
    .select()
    .from(conversations)
    .where(and(eq(conversations.channelId, channelId), eq(conversations.externalId, externalId)));
  return queueNotification(deps, conv, text);
}

describe('Messenger webhook', () => {
  it('answers the verification handshake only with the right token', async () => {
    const { pageId } = await connect();
    const ok = await app.inject({
      method: 'GET',
      url: `/webhooks/messenger?hub.mode=subscribe&hub.verify_token=verify-${pageId}&hub.challenge=CHALLENGE_ACCEPTED`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('CHALLENGE_ACCEPTED');
    const wrong = await app.inject({
      method: 'GET',
      url: '/webhooks/messenger?hub.mode=subscribe&hub.verify_token=not-ours&hub.challenge=1',
    });
    expect(wrong.statusCode).toBe(403);
    const noMode = await app.inject({
      method: 'GET',
      url: `/webhooks/messenger?hub.verify_token=verify-${pageId}&hub.challenge=1`,
    });
    expect(noMode.statusCode).toBe(403);
  });

  it('refuses a missing, wrong or stale signature with 401 and stores nothing', async () => {
    const { pageId, channelId } = await connect();
    const body = fbFixture('fb_text.json', pageId);
    expect((await post(body, null)).statusCode).toBe(401);
    expect((await post(body, metaSignature(body, 'whatsapp-secret'))).statusCode).toBe(401);
    expect((await post(body.replace('2BHK', '3BHK'), metaSignature(body, SECRET))).statusCode).toBe(401);
    expect((await post(body, 'sha1=' + 'a'.repeat(40))).statusCode).toBe(401);
    expect(await rowsOf(channelId)).toHaveLength(0);
    await drainJobs(deps);
    expect(sendApiCalls(pageId)).toHaveLength(0);
  });

  it('stores every message and comment type once, even when delivered twice', async () => {
    const { pageId, channelId, token } = await connect();
    const files = [
      'fb_text.json',
      'fb_quick_reply.json',
      'fb_reply_to.json',
      'fb_image.json',
      'fb_sticker.json',
      'fb_attachments_multiple.json',
      'fb_audio.json',
      'fb_video.json',
      'fb_file.json',
      'fb_fallback_link.json',
      'fb_postback.json',
      'fb_postback_get_started.json',
      'fb_reaction.json',
      'fb_unreact.json',
      'fb_comment_add.json',
      'fb_comment_reply.json',
      'fb_comment_photo.json',
      'fb_batch.json',
    ];
    let stored = 0;
    for (const f of files) {
      const body = fbFixture(f, pageId);
      const first = await post(body);
      expect(first.statusCode, f).toBe(200);
      stored += first.json().stored;
      const again = await post(body);
      expect(again.statusCode, f).toBe(200);
      expect(again.json(), f).toMatchObject({ stored: 0, duplicates: first.json().stored });
    }
    const rows = (await rowsOf(channelId)).filter((m) => m.direction === 'in');
    expect(rows).toHaveLength(stored);
    // 14 DMs (two attachments in one message are two rows), 4 comments from people (the page's own is not one).
    expect(stored).toBe(15 + 1 + 4);
    expect(new Set(rows.map((m) => m.providerMessageId)).size).toBe(rows.length);
    const types = new Set(rows.map((m) => m.type));
    for (const t of [
      'text',
      'interactive',
      'image',
      'sticker',
      'audio',
      'video',
      'document',
      'postback',
      'reaction',
      'comment',
    ])
      expect(types, t).toContain(t);
    expect(rows.find((m) => m.type === 'comment' && m.text === 'Like this layout')?.payload).toMatchObject({
      media: { url: expect.stringContaining('comment_photo') },
    });
    expect(rows.find((m) => m.type === 'postback' && m.text === 'Get Started')?.payload).toMatchObject({
      reply: { payload: 'GET_STARTED' },
      referral: { ref: 'whitefield-2bhk-ad' },
    });

    const convs = await convsOf(channelId);
    expect(convs.map((c) => `${c.channel}:${c.externalId}`).sort()).toEqual(
      [
        `facebook_comment:comment:31847562093847561:${pageId}_${POST_SUFFIX}`,
        `facebook_comment:comment:${KAVYA}:${pageId}_${POST_SUFFIX}`,
        `messenger:${PSID}`,
      ].sort(),
    );

    await drainJobs(deps);
    await drainJobs(deps);
    const all = await rowsOf(channelId);
    const out = all.filter((m) => m.direction === 'out');
    // One welcome per conversation; no message answered twice; reactions never answered.
    const welcomes = out.filter((w) => w.purpose === 'welcome');
    expect(welcomes).toHaveLength(3);
    expect(new Set(welcomes.map((w) => w.conversationId)).size).toBe(3);
    expect(new Set(out.map((m) => m.replyToId)).size).toBe(out.length);
    const reactions = new Set(all.filter((m) => m.type === 'reaction').map((m) => m.id));
    expect(out.filter((m) => reactions.has(m.replyToId!))).toHaveLength(0);
    expect(out.every((m) => m.status === 'sent')).toBe(true);
    // Every sent row reached the fake Graph API exactly once, DMs through the Send API.
    expect(graph.requests.filter((r) => r.query.access_token === token && !isSeen(r))).toHaveLength(out.length);
    const dm = out.filter((m) => m.conversationId === convs.find((c) => c.channel === 'messenger')!.id);
    expect(sendApiCalls(pageId)).toHaveLength(dm.length);
    // Each commenter's welcome went under their first comment.
    const firstComment: Record<string, string> = {
      [KAVYA]: `${POST_SUFFIX}_1063824911537852`,
      '31847562093847561': `${POST_SUFFIX}_1063824911612345`,
    };
    for (const w of welcomes.filter((m) => m.conversationId !== dm[0]?.conversationId)) {
      const conv = convs.find((c) => c.id === w.conversationId)!;
      const calls = commentCalls(token, firstComment[conv.contactUserId!]).filter(
        (r) => (r.body as { message?: string }).message === w.text,
      );
      expect(calls, conv.contactUserId!).toHaveLength(1);
    }
  });

  it('ignores echoes of our own sends, the page’s own comments, edits, removals and feed reactions', async () => {
    const { pageId, channelId } = await connect();
    // Nothing to store is no reason to skip the signature.
    expect((await post(fbFixture('fb_echo.json', pageId), null)).statusCode).toBe(401);
    expect(
      (await post(fbFixture('fb_echo.json', pageId), metaSignature(fbFixture('fb_echo.json', pageId), 'other')))
        .statusCode,
    ).toBe(401);
    for (const f of [
      'fb_echo.json',
      'fb_comment_page_own.json',
      'fb_comment_edited.json',
      'fb_comment_remove.json',
      'fb_feed_reaction.json',
    ]) {
      const res = await post(fbFixture(f, pageId));
      expect(res.statusCode, f).toBe(200);
      expect(res.json().stored, f).toBe(0);
    }
    await drainJobs(deps);
    expect(await rowsOf(channelId)).toHaveLength(0);
    expect(await convsOf(channelId)).toHaveLength(0);
    expect(
      graph.requests.filter((r) => r.path.includes(pageId) || r.query.access_token === `EAAGpage-${pageId}`),
    ).toHaveLength(0);
  });
});

describe('Messenger replies', () => {
  it('sends the welcome through the Send API with the page token, once', async () => {
    const { pageId, channelId, token } = await connect();
    const body = fbFixture('fb_text.json', pageId);
    expect((await post(body)).statusCode).toBe(200);
    expect((await post(body)).json()).toMatchObject({ stored: 0, duplicates: 1 });
    await drainJobs(deps);
    await drainJobs(deps);
    const out = (await rowsOf(channelId)).filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ status: 'sent', purpose: 'welcome' });
    expect(out[0].text).toMatch(/^Hi! Thanks for messaging Sunrise Homes/);
    const calls = sendApiCalls(pageId);
    expect(calls).toHaveLength(1);
    expect(calls[0].method).toBe('POST');
    expect(calls[0].path).toBe(`/v26.0/${pageId}/messages`);
    expect(calls[0].query.access_token).toBe(token);
    expect(calls[0].body).toEqual({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { text: out[0].text },
    });
    expect(out[0].providerMessageId).toMatch(/^m_/);
    // The answered message was marked seen once, before the answer went out.
    const seen = seenCalls(pageId);
    expect(seen.map((r) => r.body)).toEqual([{ recipient: { id: PSID }, sender_action: 'mark_seen' }]);
    expect(graph.requests.indexOf(seen[0])).toBeLessThan(graph.requests.indexOf(calls[0]));
    const [conv] = await convsOf(channelId);
    expect(conv).toMatchObject({ channel: 'messenger', contactUserId: PSID, contactPhone: null });
    expect(conv.leadId).not.toBeNull();
  });

  it('sends through MESSENGER_API_URL when the page was connected without an apiUrl', async () => {
    const { pageId, channelId, token } = await connect({});
    await post(fbFixture('fb_text.json', pageId));
    await drainJobs(deps);
    const out = (await rowsOf(channelId)).filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ status: 'sent', purpose: 'welcome' });
    expect(sendApiCalls(pageId).map((r) => [r.path, r.query.access_token])).toEqual([
      [`/v26.0/${pageId}/messages`, token],
    ]);
  });

  it('answers a Page comment under that comment, and never the page’s own comment', async () => {
    const { pageId, channelId, token } = await connect();
    expect((await post(fbFixture('fb_comment_add.json', pageId))).statusCode).toBe(200);
    expect((await post(fbFixture('fb_comment_page_own.json', pageId))).json().stored).toBe(0);
    await drainJobs(deps);
    const out = (await rowsOf(channelId)).filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ status: 'sent', purpose: 'welcome' });
    expect(out[0].text).toMatch(/^Hi Kavya! Thanks for messaging Sunrise Homes/);
    const calls = commentCalls(token, `${POST_SUFFIX}_1063824911537852`);
    expect(calls).toHaveLength(1);
    expect(calls[0].path).toBe(`/v26.0/${POST_SUFFIX}_1063824911537852/comments`);
    expect(calls[0].query.access_token).toBe(token);
    expect(calls[0].body).toEqual({ message: out[0].text });
    expect(sendApiCalls(pageId)).toHaveLength(0);
    expect(out[0].providerMessageId).toMatch(/^\d+_\d+$/);
    const [conv] = await convsOf(channelId);
    expect(conv).toMatchObject({
      channel: 'facebook_comment',
      contactName: 'Kavya Nair',
      thread: { postId: `${pageId}_${POST_SUFFIX}`, commentId: `${POST_SUFFIX}_1063824911537852` },
    });
  });

  it('replies under the comment it answers, even when a newer comment of the thread arrived first', async () => {
    const { pageId, channelId, token } = await connect();
    // Kavya comments, then replies in the thread before anything is routed or sent.
    await post(fbFixture('fb_comment_add.json', pageId));
    await post(fbFixture('fb_comment_reply.json', pageId));
    await drainJobs(deps);
    const rows = await rowsOf(channelId);
    const out = rows.filter((m) => m.direction === 'out');
    const welcome = out.find((m) => m.purpose === 'welcome')!;
    expect(rows.find((m) => m.id === welcome.replyToId)!.providerMessageId).toBe(`${POST_SUFFIX}_1063824911537852`);
    // Every reply (the welcome, and any answer to the second comment) sits under the comment it answers.
    expect(out.length).toBeGreaterThanOrEqual(1);
    for (const reply of out) {
      const commentId = rows.find((m) => m.id === reply.replyToId)!.providerMessageId!;
      const calls = graph.requests.filter(
        (r) => r.query.access_token === token && (r.body as { message?: string }).message === reply.text,
      );
      expect(calls.map((r) => r.path)).toEqual([`/v26.0/${commentId}/comments`]);
    }
  });

  it('answers a comment publicly even after 24 hours: comment replies have no messaging window', async () => {
    const { pageId, channelId, token } = await connect();
    expect((await post(fbFixture('fb_comment_add.json', pageId, Date.now() - 30 * 3600_000))).json()).toMatchObject({
      stored: 1,
    });
    await drainJobs(deps);
    const out = (await rowsOf(channelId)).filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ status: 'sent', purpose: 'welcome' });
    expect(commentCalls(token, `${POST_SUFFIX}_1063824911537852`)).toHaveLength(1);
  });

  it('moves statuses forward only: delivery by mid, read by watermark, never back', async () => {
    const { pageId, channelId } = await connect();
    const welcome = await welcomed(pageId, channelId);
    const mid = welcome.providerMessageId!;
    expect((await post(fbDelivery(pageId, [mid]))).json()).toMatchObject({ statuses: 1 });
    expect(await messageRow(welcome.id)).toMatchObject({ status: 'delivered' });

    const watermark = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    const later = await queueText(channelId, 'Sent after the read watermark');
    expect(later.status).toBe('sent');

    expect((await post(fbRead(pageId, PSID, watermark))).statusCode).toBe(200);
    const read = await messageRow(welcome.id);
    expect(read.status).toBe('read');
    expect(read.readAt).not.toBeNull();
    expect(await messageRow(later.id)).toMatchObject({ status: 'sent', readAt: null });

    // Late receipts change nothing.
    await post(fbDelivery(pageId, [mid]));
    const watermarkOnly = JSON.parse(fbFixture('fb_delivery_watermark_only.json', pageId));
    watermarkOnly.entry[0].messaging[0].delivery.watermark = watermark;
    await post(JSON.stringify(watermarkOnly));
    expect(await messageRow(welcome.id)).toMatchObject({ status: 'read' });
    // A receipt from another person on this page reads nothing of ours.
    await post(fbRead(pageId, '1111111111111111', Date.now()));
    expect(await messageRow(later.id)).toMatchObject({ status: 'sent' });
  });

  it('retries a rate limit and a server error, then sends exactly once', { timeout: 45_000 }, async () => {
    const { pageId, channelId } = await connect();
    await welcomed(pageId, channelId);
    graph.failNext(429, {
      error: {
        message: '(#613) Calls to this api have exceeded the rate limit.',
        type: 'OAuthException',
        code: 613,
        fbtrace_id: 'AbC',
      },
    });
    graph.failNext(500, graphErrors.serverError());
    const first = await queueText(channelId, 'Rate limited, then a server error');
    expect(first).toMatchObject({ status: 'queued', attempts: 1, errorCode: '613' });
    const row = await untilSettled(deps, first.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
    const tries = sendApiCalls(pageId).filter(
      (r) => (r.body as { message?: { text?: string } }).message?.text === 'Rate limited, then a server error',
    );
    expect(tries).toHaveLength(3);
    await drainJobs(deps);
    expect(
      sendApiCalls(pageId).filter(
        (r) => (r.body as { message?: { text?: string } }).message?.text === 'Rate limited, then a server error',
      ),
    ).toHaveLength(3);
  });

  it('fails a permanent error with the provider code and never sends twice', async () => {
    const { pageId, channelId } = await connect();
    await welcomed(pageId, channelId);
    graph.failNext(400, graphErrors.invalidToken());
    const before = sendApiCalls(pageId).length;
    const row = await queueText(channelId, 'Your quote is ready');
    expect(row).toMatchObject({ status: 'failed', failReason: 'provider_error', errorCode: '190' });
    expect(row.errorTitle).toMatch(/Invalid OAuth access token/);
    expect(row.errorTitle).not.toContain('EAAGpage');
    await drainJobs(deps);
    expect(sendApiCalls(pageId).length).toBe(before + 1);
  });

  it('handles a closed window: reported by Meta (code 10 / 2018278) or known before sending', async () => {
    const a = await connect();
    await welcomed(a.pageId, a.channelId);
    graph.failNext(400, graphErrors.messengerOutsideWindow());
    const row = await queueText(a.channelId, 'Following up on your enquiry');
    expect(row).toMatchObject({ status: 'failed', failReason: 'window_closed', errorCode: '10' });

    // The customer last wrote 30 hours ago: nothing is sent, the message fails visibly.
    const b = await connect();
    const old = Date.now() - 30 * 3600_000;
    expect((await post(fbFixture('fb_text.json', b.pageId, old))).statusCode).toBe(200);
    await drainJobs(deps);
    const out = (await rowsOf(b.channelId)).filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ status: 'failed', failReason: 'window_closed', purpose: 'welcome' });
    expect(sendApiCalls(b.pageId)).toHaveLength(0);
  });
});

describe('Messenger outside the 24-hour window', () => {
  it('sends a person’s reply with the HUMAN_AGENT tag for 7 days; the bot and later replies get window_closed', async () => {
    const { owner, pageId, channelId } = await connect();
    const day = 24 * 3600_000;
    await post(fbFixture('fb_text.json', pageId, Date.now() - 3 * day));
    await drainJobs(deps);
    const [conv] = await convsOf(channelId);
    const agentReply = async (text: string) => {
      const res = await app.inject({
        method: 'POST',
        url: `/api/conversations/${conv.id}/messages`,
        headers: owner.auth,
        payload: { text },
      });
      expect(res.statusCode).toBe(201);
      await drainJobs(deps);
      const [row] = await deps.db.select().from(messages).where(eq(messages.id, res.json().id));
      return row;
    };

    // Three days after the customer's last message: a person may still answer, tagged.
    const tagged = await agentReply('Sorry for the delay — the site visit is confirmed for Saturday.');
    expect(tagged.status).toBe('sent');
    const call = sendApiCalls(pageId).find(
      (r) => (r.body as { message?: { text?: string } }).message?.text === tagged.text,
    )!;
    expect(call.body).toEqual({
      recipient: { id: PSID },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: tagged.text },
    });

    // A bot message at the same moment is not a person's reply: no tag, window_closed.
    expect(await queueNotification(deps, conv, 'Reminder from the bot')).toMatchObject({
      status: 'failed',
      failReason: 'window_closed',
    });

    // Eight days after: not even a person.
    await deps.db
      .update(conversations)
      .set({ lastInboundAt: new Date(Date.now() - 8 * day) })
      .where(eq(conversations.id, conv.id));
    expect(await agentReply('Are you still interested?')).toMatchObject({
      status: 'failed',
      failReason: 'window_closed',
    });
  });

  it('sends a reply longer than 2,000 characters as several Messenger messages, in order', async () => {
    const { owner, pageId, channelId } = await connect();
    await post(fbFixture('fb_text.json', pageId));
    await drainJobs(deps);
    const [conv] = await convsOf(channelId);
    const text = Array.from(
      { length: 10 },
      (_, i) => `Point ${i + 1}: ` + 'all units come with modular kitchens and wardrobes. '.repeat(9).trim(),
    ).join('\n');
    expect(text.length).toBeGreaterThan(4000);
    const res = await app.inject({
      method: 'POST',
      url: `/api/conversations/${conv.id}/messages`,
      headers: owner.auth,
      payload: { text },
    });
    expect(res.statusCode).toBe(201);
    await drainJobs(deps);
    const [row] = await deps.db.select().from(messages).where(eq(messages.id, res.json().id));
    expect(row.status).toBe('sent');
    const texts = sendApiCalls(pageId)
      .map((r) => (r.body as { message?: { text?: string } }).message?.text ?? '')
      .filter((t) => t.startsWith('Point'));
    expect(texts.length).toBe(3);
    expect(texts.every((t) => t.length <= 2000)).toBe(true);
    expect(texts.join('\n')).toBe(text);
  });
});
