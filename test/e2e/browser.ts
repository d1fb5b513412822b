// Debian's Chromium driven by playwright-core (which downloads no browser). Every page records
// console errors and uncaught exceptions; tests assert there are none.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(
      `Chromium is not installed at ${chromiumPath}: apt-get install -y chromium (or set PARLEY_CHROMIUM). The browser tests cannot run without it.`,
    );
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export type TrackedPage = Page & { errors: string[] };

export async function openPage(
  browser: Browser,
  baseURL: string,
  opts: { width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: TrackedPage }> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: opts.width ?? 1360, height: opts.height ?? 860 },
    locale: 'en-IN',
    timezoneId: 'Asia/Kolkata',
  });
  const page = (await context.newPage()) as TrackedPage;
  page.errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (err) => page.errors.push(`page: ${err.message}`));
  page.setDefaultTimeout(15_000);
  return { context, page };
}

export async function logIn(page: Page, email: string, password: string) {
  await page.goto('/dashboard/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('main#main').waitFor();
}
