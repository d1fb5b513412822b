// Sign in, sign out, first-run registration, and the 375 px phone layout.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, logIn, openPage } from './browser.ts';
import { noErrors, screenshot } from './helpers.ts';
import { demo, startServer } from './server.ts';

// Sign-up is open on this server: with the demo's accounts in it, PARLEY_SIGNUP's default would be invite-only.
const server = await startServer({ PARLEY_SIGNUP: 'open' });
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

describe('signing in', () => {
  it('refuses a wrong password with the API’s reason, signs in, reaches every screen from the navigation, and signs out', async () => {
    const { page, context } = await openPage(browser, server.url);
    const res = await page.goto('/');
    expect(res?.status()).toBe(200);
    await page.waitForURL(`${server.url}/dashboard/login`);
    await screenshot(page, 'login');
    await page.getByLabel('Email').fill(demo.owner);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/password/i);
    page.errors.length = 0; // the 401 of the wrong password is the point of this step

    await page.getByLabel('Password').fill(demo.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    expect(page.url()).toContain('/dashboard/inbox');
    for (const name of ['Leads', 'Inbox', 'Tasks', 'Analytics', 'Message Master', 'Knowledge', 'Settings']) {
      await nav.getByRole('link', { name, exact: true }).click();
      await page
        .getByRole('heading', { level: 1 })
        .or(page.getByRole('tab', { name: 'All' }))
        .first()
        .waitFor();
      expect(await nav.getByRole('link', { name, exact: true }).getAttribute('aria-current')).toBe('page');
    }
    // A deep link reloads into the app; the spec routes at the root still answer JSON.
    await page.goto('/dashboard/leads?view=table');
    await page.getByRole('table', { name: 'Leads' }).waitFor();
    const json = await page.request.get(`${server.url}/health`);
    expect(await json.json()).toMatchObject({ status: 'ok' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.goto('/dashboard/tasks');
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect((await context.cookies()).find((c) => c.name === 'parley_session')).toBeUndefined();
    noErrors(page);
    await context.close();
  });

  it('registers a new workspace on first run and lands in its empty inbox', async () => {
    const { page, context } = await openPage(browser, server.url);
    await page.goto('/dashboard/login');
    await page.getByRole('link', { name: 'Create a workspace' }).click();
    await page.getByLabel('Business name').fill('Sunrise Dental');
    await page.getByLabel('Your name').fill('Dr. Asha Rao');
    await page.getByLabel('Email').fill(`asha.${Date.now()}@sunrise.example`);
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No conversations').waitFor();
    await expect.poll(() => page.getByText('Sunrise Dental').count()).toBeGreaterThan(0);
    noErrors(page);
    await context.close();
  });
});

describe('phone layout (375 px)', () => {
  it('shows one pane at a time and reaches the screens through the menu', async () => {
    const { page, context } = await openPage(browser, server.url, { width: 375, height: 740 });
    await logIn(page, demo.owner, demo.password);
    const list = page.getByRole('region', { name: 'Conversation list' });
    await list.getByRole('link').first().waitFor();
    expect(await page.getByRole('region', { name: 'Conversation', exact: true }).isVisible()).toBe(false);
    await screenshot(page, 'mobile-inbox-list');
    await list.getByRole('link', { name: /Kavita Rao/ }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await list.isVisible()).toBe(false);
    await screenshot(page, 'mobile-inbox-thread');
    await page.getByRole('button', { name: 'Lead', exact: true }).click();
    await page.getByRole('link', { name: 'Open lead page' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Message' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Back to the conversation' }).click();
    await page.getByRole('link', { name: 'Back to conversations' }).click();
    await list.waitFor();
    // Nothing is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Leads' }).click();
    await page.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
    noErrors(page);
    await context.close();
  });
});
