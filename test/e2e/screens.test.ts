// The other screens against the real API: analytics draws its charts, tasks complete and
// reschedule, the Message Master previews and switches, the bot answers in "Try the bot",
// settings keep secrets write-only, and Knowledge opens for a connected channel.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('screens', () => {
  it('draws analytics for a date range, with the bot’s KPIs', async () => {
    const { page, context } = await openPage(browser, server.url);
    await logIn(page, demo.owner, demo.password);
    // The KPIs are today's (the workspace's day): a customer writes now, so the bot has answered today
    // whatever the hour (the demo's own messages may all be from yesterday just after midnight).
    const sent = await owner.call('POST', '/api/simulator/messages', { from: '+91 98989 56565', text: 'Hi, price?' });
    expect(sent.status).toBe(202);
    await expect
      .poll(
        async () =>
          (
            (await owner.call('GET', `/api/conversations/${sent.body.conversation_id}/messages`)).body.data as {
              direction: string;
            }[]
          ).some((m) => m.direction === 'out'),
        { timeout: 15_000 },
      )
      .toBe(true);
    await page.goto('/dashboard/analytics');
    const perDay = page.getByRole('figure', { name: 'Messages per day' });
    await perDay.locator('.recharts-line path.recharts-curve').first().waitFor();
    await page.getByRole('figure', { name: 'Pipeline by stage' }).locator('.recharts-bar-rectangle').first().waitFor();
    const conversations = Number(
      await page.getByRole('group', { name: 'Conversations' }).locator('p').nth(1).textContent(),
    );
    expect(conversations).toBeGreaterThanOrEqual(15);
    expect(await page.getByRole('group', { name: 'Context hit rate' }).textContent()).toMatch(/\d+%/);
    await screenshot(page, 'analytics');
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await expect
      .poll(async () =>
        Number(await page.getByRole('group', { name: 'Conversations' }).locator('p').nth(1).textContent()),
      )
      .toBeLessThan(conversations);
    noErrors(page);
    await context.close();
  });

  it('lists tasks by day and completes and reschedules them', async () => {
    const { page, context } = await openPage(browser, server.url);
    await logIn(page, demo.owner, demo.password);
    await page.goto('/dashboard/tasks');
    await page.getByRole('region', { name: 'Overdue' }).waitFor();
    await screenshot(page, 'tasks');
    const overdue = page.getByRole('region', { name: 'Overdue' });
    const first = overdue.getByRole('listitem').first();
    const id = (await first.getAttribute('data-task-id'))!;
    await first.getByRole('button', { name: /^Reschedule/ }).click();
    // Tomorrow in the workspace's time zone (the page groups by it), whatever the machine's zone and hour.
    const zone = (await owner.call('GET', '/api/workspace')).body.time_zone as string;
    const local = `${new Date(Date.now() + 86400_000).toLocaleDateString('en-CA', { timeZone: zone })}T15:30`;
    await page.getByLabel(/New time for/).fill(local);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('region', { name: 'Tomorrow' }).locator(`[data-task-id="${id}"]`).waitFor();
    await page
      .locator(`[data-task-id="${id}"]`)
      .getByRole('button', { name: /^Complete/ })
      .click();
    await expect.poll(async () => (await owner.call('GET', `/api/tasks/${id}`)).body.status).toBe('done');
    noErrors(page);
    await context.close();
  });

  it('previews a Message Master step with a real lead and switches the sequence off and on', async () => {
    const { page, context } = await openPage(browser, server.url);
    await logIn(page, demo.owner, demo.password);
    await page.goto('/dashboard/message-master');
    await page.getByLabel('Preview with lead').selectOption({ label: 'Orbit Textiles' });
    await page.getByLabel('Preview').filter({ hasText: 'Hi Kavita Rao, did your team get a chance' }).waitFor();
    expect(await page.getByLabel('Preview').filter({ hasText: 'free 14-day trial for Orbit Textiles' }).count()).toBe(
      1,
    );
    await screenshot(page, 'message-master');
    const toggle = page.getByRole('switch', { name: 'After the demo on' });
    await toggle.click();
    await expect.poll(async () => (await owner.call('GET', '/api/message-master')).body.data[0].active).toBe(false);
    await toggle.click();
    await expect.poll(async () => (await owner.call('GET', '/api/message-master')).body.data[0].active).toBe(true);
    noErrors(page);
    await context.close();
  });

  it('talks to the customer bot and to the team bot in “Try the bot”', async () => {
    const { page, context } = await openPage(browser, server.url);
    await logIn(page, demo.owner, demo.password);
    await page.goto('/dashboard/simulator');
    await page.getByLabel('Customer phone').fill('+91 91234 56780');
    await page.getByLabel('Customer name').fill('Sita Devi');
    await page.getByLabel('Simulator message').fill('Hello, do you have a free trial?');
    await page.getByRole('button', { name: 'Send as customer' }).click();
    const chat = page.getByRole('list', { name: 'Chat with the bot' });
    await chat.getByText('Hello, do you have a free trial?').waitFor();
    await chat.locator('li[data-direction="out"]').first().waitFor({ timeout: 20_000 });
    await screenshot(page, 'try-the-bot');

    await page.getByRole('radio', { name: 'A team member' }).click();
    await page.getByLabel('Team member').selectOption({ label: 'Rekha Iyer (+919810000003)' });
    await page.getByLabel('Simulator message').fill('my tasks');
    await page.getByRole('button', { name: 'Send as member' }).click();
    await chat.getByText('my tasks').waitFor();
    await chat.locator('li[data-direction="out"]').first().waitFor({ timeout: 20_000 });
    noErrors(page);
    await context.close();
  });

  it('keeps channel secrets write-only, creates an API key once, and opens Knowledge for the new channel', async () => {
    const { page, context } = await openPage(browser, server.url);
    const bodies: string[] = [];
    page.on('response', async (r) => {
      if (r.url().includes('/api/channels')) bodies.push(await r.text().catch(() => ''));
    });
    await logIn(page, demo.owner, demo.password);
    await page.goto('/dashboard/settings?tab=channels');
    const form = page.getByRole('form', { name: 'Connect a channel' });
    await form.getByLabel('Phone number ID').fill('1234567890');
    await form.getByLabel('Access token').fill('EAAG-very-secret-token');
    await form.getByRole('button', { name: 'Connect channel' }).click();
    await page.getByText('1234567890').waitFor();
    await page.getByText('Secrets set').first().waitFor();
    expect(bodies.join('')).not.toContain('EAAG-very-secret-token');
    expect(await page.content()).not.toContain('EAAG-very-secret-token');
    await screenshot(page, 'settings');

    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('Zapier');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('status').filter({ hasText: 'shown only once' }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge' }).click();
    await page.getByText('No knowledge sources yet').waitFor();
    noErrors(page);
    await context.close();
  });
});
