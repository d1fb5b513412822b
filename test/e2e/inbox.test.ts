// The inbox, live: a simulator message appears without a reload, a reply typed in the composer is
// delivered, canned replies, window-closed and opted-out states, capture and link.
import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../../src/db/schema/index.ts';
import { launchBrowser, logIn, openPage } from './browser.ts';
import { apiSession, noErrors, screenshot } from './helpers.ts';
import { demo, startServer } from './server.ts';

const server = await startServer();
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());
const owner = await apiSession(server.app, demo.owner, demo.password);

type Conv = { id: string; contact_name: string | null; lead_id: string | null };
type Message = { id: string; direction: string; status: string };
const conversationOf = async (name: string) =>
  ((await owner.call('GET', `/api/conversations?search=${encodeURIComponent(name)}`)).body.data as Conv[]).find(
    (c) => c.contact_name === name,
  )!;
const messagesOf = async (id: string) =>
  (await owner.call('GET', `/api/conversations/${id}/messages?limit=200`)).body.data as {
    direction: string;
    text: string;
    status: string;
    purpose: string;
  }[];

describe('inbox', () => {
  it('shows a simulator message live in the open conversation and delivers a reply typed in the composer', async () => {
    const { page, context } = await openPage(browser, server.url);
    await logIn(page, demo.owner, demo.password);
    const ramesh = await conversationOf('Ramesh Yadav');
    await page.goto(`/dashboard/inbox/${ramesh.id}`);
    const thread = page.getByRole('list', { name: 'Messages' });
    await thread.getByText('हाँ, शनिवार को शाम 5 बजे ठीक रहेगा।').waitFor();
    await screenshot(page, 'inbox');

    const sent = await owner.call('POST', '/api/simulator/messages', {
      from: '+91 98989 12121',
      text: 'Kya GST return bhi file hota hai isme?',
    });
    expect(sent.status).toBe(202);
    // No reload: the event stream brings it.
    await thread.getByText('Kya GST return bhi file hota hai isme?').waitFor({ timeout: 10_000 });

    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Haan ji, GSTR-1 aur 3B dono');
    await box.press('Shift+Enter');
    await box.pressSequentially('file hote hain.');
    expect(await box.inputValue()).toBe('Haan ji, GSTR-1 aur 3B dono\nfile hote hain.');
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('');
    const mine = thread.locator('li[data-direction="out"]').filter({ hasText: 'file hote hain.' });
    await mine.waitFor();
    // Delivered by the outbox (the simulator channel accepts at once): the status turns to Sent.
    await mine.locator('[data-status="sent"]').waitFor({ timeout: 15_000 });
    const rows = await messagesOf(ramesh.id);
    expect(rows.find((m) => m.text === 'Haan ji, GSTR-1 aur 3B dono\nfile hote hain.')).toMatchObject({
      status: 'sent',
      purpose: 'agent',
    });

    // j / k move through the list; `/` focuses the search; `?` lists the shortcuts.
    await page.locator('body').click({ position: { x: 700, y: 300 } });
    await page.keyboard.press('j');
    await page.waitForURL((u) => !u.pathname.endsWith(ramesh.id));
    await page.keyboard.press('k');
    await page.waitForURL((u) => u.pathname.endsWith(ramesh.id));
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search conversations');
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 700, y: 300 } });
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    noErrors(page);
    await context.close();
  });

  it('fills a canned reply with `/`, hands a chat to a person and back in one click', async () => {
    const { page, context } = await openPage(browser, server.url);
    await logIn(page, demo.owner, demo.password);
    const arjun = await conversationOf('Arjun Mehta');
    await page.goto(`/dashboard/inbox/${arjun.id}`);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('/hel');
    await page.getByRole('listbox', { name: 'Canned replies' }).getByRole('option', { name: /hello/ }).waitFor();
    await box.press('Enter');
    expect(await box.inputValue()).toBe('Hi Arjun Mehta, thanks for reaching out! How can I help you today?');
    await box.fill('');

    await page.getByRole('button', { name: 'Take over' }).click();
    await page.getByText('Waiting for a person').first().waitFor();
    await expect
      .poll(async () => (await owner.call('GET', `/api/conversations/${arjun.id}`)).body.handed_off_at)
      .not.toBeNull();
    await page.getByRole('button', { name: 'Hand back to the bot' }).click();
    await page.getByRole('button', { name: 'Take over' }).waitFor();
    expect((await owner.call('GET', `/api/conversations/${arjun.id}`)).body.handed_off_at).toBeNull();
    noErrors(page);
    await context.close();
  });

  it('refuses to write to an opted-out contact, and shows the closed 24-hour window and its template', async () => {
    const { page, context } = await openPage(browser, server.url);
    await logIn(page, demo.owner, demo.password);
    const neha = await conversationOf('Neha Kapoor');
    await page.goto(`/dashboard/inbox/${neha.id}`);
    await page
      .locator('[data-window="opted_out"]')
      .getByText(/opted out/)
      .waitFor();
    expect(await page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);

    // A WhatsApp number with an approved template, and one without, each with a customer who last wrote 30 hours ago.
    const make = async (template: string | null, phone: string) => {
      const ch = await owner.call('POST', '/api/channels', {
        kind: 'whatsapp',
        name: template ? 'WhatsApp (template)' : 'WhatsApp (no template)',
        account_id: `e2e-${phone}`,
        settings: template ? { template } : {},
        secrets: { accessToken: 'token', appSecret: 'secret', verifyToken: 'verify' },
      });
      expect(ch.status).toBe(201);
      const at = new Date(Date.now() - 30 * 3600_000);
      const [row] = await server.deps.db
        .insert(conversations)
        .values({
          workspaceId: server.workspaceId,
          channelId: ch.body.id,
          channel: 'whatsapp',
          externalId: phone,
          contactPhone: phone,
          contactName: `Window ${phone}`,
          lastInboundAt: at,
          lastMessageAt: at,
        })
        .returning();
      return row.id;
    };
    const withTemplate = await make('follow_up:en', '+919811100001');
    const without = await make(null, '+919811100002');
    await page.goto(`/dashboard/inbox/${withTemplate}`);
    await page
      .locator('[data-window="template"]')
      .getByText('the approved template “follow_up:en”', { exact: false })
      .waitFor();
    expect(await page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(false);
    await page.goto(`/dashboard/inbox/${without}`);
    await page.locator('[data-window="closed"]').waitFor();
    expect(await page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    // An open window counts down.
    await server.deps.db
      .update(conversations)
      .set({ lastInboundAt: new Date(Date.now() - 3600_000) })
      .where(eq(conversations.id, without));
    await page.reload();
    await page
      .locator('[data-window="open"]')
      .getByText(/2[23] h \d+ min left/)
      .waitFor();
    noErrors(page);
    await context.close();
  });

  it('sends a message whose delivery is unknown again with one click', async () => {
    const { page, context } = await openPage(browser, server.url);
    await logIn(page, demo.owner, demo.password);
    const sent = await owner.call('POST', '/api/simulator/messages', {
      from: '+91 98989 34343',
      text: 'Do you have a Marathi interface?',
    });
    expect(sent.status).toBe(202);
    const convId = sent.body.conversation_id as string;
    const answer = async () =>
      ((await owner.call('GET', `/api/conversations/${convId}/messages?limit=50`)).body.data as Message[]).find(
        (m) => m.direction === 'out' && m.status === 'sent',
      );
    await expect.poll(async () => !!(await answer()), { timeout: 15_000 }).toBe(true);
    // The process died while the provider's answer was on its way: the send is in doubt.
    const out = (await answer())!;
    await server.deps.db
      .update(messages)
      .set({
        status: 'failed',
        failReason: 'delivery_unknown',
        failedAt: new Date(),
        providerMessageId: null,
        sentAt: null,
      })
      .where(eq(messages.id, out.id));
    await page.goto(`/dashboard/inbox/${convId}`);
    const bubble = page.locator(`li[data-message-id="${out.id}"]`);
    await bubble.getByText('Delivery unknown').waitFor();
    await bubble.getByRole('button', { name: 'Send again' }).click();
    await bubble.locator('[data-status="sent"]').waitFor({ timeout: 15_000 });
    expect(await bubble.getByRole('button', { name: 'Send again' }).count()).toBe(0);
    noErrors(page);
    await context.close();
  });

  it('captures a lead from a conversation and links another to an existing lead', async () => {
    const { page, context } = await openPage(browser, server.url);
    await logIn(page, demo.owner, demo.password);
    await page.goto('/dashboard/inbox?linked=no');
    const list = page.getByRole('list', { name: 'Conversations' });
    // (Ramesh, who wrote again above, was captured by the bot itself.)
    await list.getByRole('link', { name: /Pooja Malhotra/ }).click();
    const panel = page.getByRole('complementary', { name: 'Lead details' });
    const capture = panel.getByRole('form', { name: 'Capture lead' });
    expect(await capture.getByLabel('Phone').inputValue()).toBe('+919700045678');
    await capture.getByLabel('Company').fill('Malhotra Traders');
    await capture.getByRole('button', { name: 'Capture lead' }).click();
    await panel.getByRole('link', { name: 'Open lead page' }).waitFor();
    await panel.getByText('Malhotra Traders').waitFor();
    const pooja = await conversationOf('Pooja Malhotra');
    expect(pooja.lead_id).not.toBeNull();
    expect((await owner.call('GET', `/api/leads/${pooja.lead_id}`)).body).toMatchObject({
      company: 'Malhotra Traders',
      phone: '+919700045678',
    });

    await list.getByRole('link', { name: /Sneha Kulkarni/ }).click();
    await panel.getByLabel('Find a lead to link').fill('Orbit');
    await panel.getByRole('button', { name: 'Link to Orbit Textiles' }).click();
    await panel.getByRole('link', { name: 'Open lead page' }).waitFor();
    expect((await conversationOf('Sneha Kulkarni')).lead_id).toBe(
      (await owner.call('GET', '/api/leads?search=Orbit')).body.data[0].id,
    );
    noErrors(page);
    await context.close();
  });
});
