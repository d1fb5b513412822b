// npm run screenshots: a screenshot of every dashboard screen on the demo data, into
// docs/screenshots/ (the README shows the inbox and the board). Starts its own server on a fresh
// embedded database and drives Debian's Chromium.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createDeps } from '../src/deps.ts';
import { DEMO_LOGIN, DEMO_PASSWORD } from '../src/demo/seed.ts';
import { allJobs } from '../src/jobs/index.ts';
import { prepareDatabase } from '../src/setup.ts';
import { launchBrowser, logIn, openPage } from '../test/e2e/browser.ts';
import { buildDashboard, dashboardStale } from './build-web.ts';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
mkdirSync(out, { recursive: true });
if (dashboardStale()) await buildDashboard({ quiet: true });
const dir = mkdtempSync(join(tmpdir(), 'parley-shots-'));
const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'error', PARLEY_DATA_DIR: dir, PARLEY_DEMO: 'true' });
const deps = await createDeps(config);
await prepareDatabase(deps.db, config);
await deps.queue.work(allJobs, deps);
const app = await buildApp(deps);
await app.listen({ host: '127.0.0.1', port: 0 });
const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const browser = await launchBrowser();
try {
  const { page } = await openPage(browser, url, { width: 1360, height: 820 });
  const shot = async (name: string, ready: () => Promise<unknown>) => {
    await ready();
    await page.waitForTimeout(600);
    await page.screenshot({ path: `${out}${name}.png` });
    console.log(`docs/screenshots/${name}.png`);
  };
  await page.goto('/dashboard/login');
  await shot('login', () => page.getByRole('button', { name: 'Log in' }).waitFor());
  await logIn(page, DEMO_LOGIN, DEMO_PASSWORD);
  const list = page.getByRole('list', { name: 'Conversations' });
  await list.getByRole('link', { name: /Ramesh Yadav/ }).click();
  await shot('inbox', () => page.getByRole('list', { name: 'Messages' }).waitFor());
  await list.getByRole('link', { name: /Meera Nair/ }).click();
  await shot('inbox-handed-off', () => page.getByRole('button', { name: 'Hand back to the bot' }).waitFor());
  await page.goto('/dashboard/leads');
  await shot('board', () =>
    page.getByRole('region', { name: 'Proposal column' }).getByRole('listitem').first().waitFor(),
  );
  await page.goto('/dashboard/leads?view=table');
  await shot('leads-table', () => page.getByRole('table', { name: 'Leads' }).getByRole('row').nth(3).waitFor());
  await page.getByRole('link', { name: 'Orbit Textiles' }).click();
  await shot('lead', () =>
    page.getByRole('list', { name: 'History, newest first' }).getByRole('listitem').first().waitFor(),
  );
  for (const [path, name, ready] of [
    ['/dashboard/tasks', 'tasks', () => page.getByRole('region', { name: 'Overdue' }).waitFor()],
    ['/dashboard/analytics', 'analytics', () => page.locator('.recharts-line path.recharts-curve').first().waitFor()],
    ['/dashboard/message-master', 'message-master', () => page.getByLabel('Preview').first().waitFor()],
    ['/dashboard/simulator', 'try-the-bot', () => page.getByLabel('Customer phone').waitFor()],
    [
      '/dashboard/settings?tab=team',
      'settings',
      () => page.getByRole('tabpanel').getByText('Sunil Kumar', { exact: true }).waitFor(),
    ],
  ] as const) {
    await page.goto(path);
    await shot(name, ready);
  }
  // Knowledge: the demo has none, so a question-and-answer source is added through the API first.
  await addDemoFaq();
  await page.goto('/dashboard/knowledge');
  await page.getByRole('listitem', { name: 'BrightBooks FAQ' }).waitFor();
  await page
    .getByRole('search', { name: 'Try a question' })
    .getByLabel('Question')
    .fill('GST invoice ka price kya hai?');
  await page.getByRole('button', { name: 'Ask' }).click();
  await shot('knowledge', () => page.getByRole('list', { name: 'Answers' }).getByRole('listitem').first().waitFor());
  const phone = await openPage(browser, url, { width: 375, height: 760 });
  await logIn(phone.page, DEMO_LOGIN, DEMO_PASSWORD);
  await phone.page
    .getByRole('list', { name: 'Conversations' })
    .getByRole('link', { name: /Arjun Mehta/ })
    .click();
  await phone.page.getByRole('list', { name: 'Messages' }).waitFor();
  await phone.page.waitForTimeout(600);
  await phone.page.screenshot({ path: `${out}phone-inbox.png` });
  console.log('docs/screenshots/phone-inbox.png');
  if (page.errors.length || phone.page.errors.length) console.warn('console errors:', page.errors, phone.page.errors);
} finally {
  await browser.close();
  await app.close();
  await deps.close();
  rmSync(dir, { recursive: true, force: true });
}

async function addDemoFaq() {
  const login = await app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { email: DEMO_LOGIN, password: DEMO_PASSWORD },
  });
  const headers = { authorization: `Bearer ${login.json().token as string}` };
  const channels = (await app.inject({ method: 'GET', url: '/api/channels', headers })).json().data as {
    account_id: string;
  }[];
  const res = await app.inject({
    method: 'POST',
    url: '/api/dashboard/crm-links',
    headers,
    payload: {
      page_id: channels[0].account_id,
      channels: ['whatsapp', 'app'],
      name: 'BrightBooks FAQ',
      type: 'faq',
      is_active: true,
      description: 'Plans, prices and the free trial',
      faq: [
        {
          question: 'How much does BrightBooks cost?',
          answer: 'Starter ₹499/month, Growth ₹1,499/month, Enterprise on request.',
        },
        { question: 'Is there a free trial?', answer: 'Yes: 14 days of the Growth plan, no card needed.' },
        {
          question: 'Does it make GST invoices?',
          answer: 'Yes: GST e-invoices with IRN and QR code on every plan; e-way bills on Growth and above.',
        },
        { question: 'क्या Tally से डेटा आ सकता है?', answer: 'हाँ, Tally से ग्राहक, आइटम और बही एक क्लिक में आ जाते हैं।' },
      ],
    },
  });
  if (res.statusCode !== 201) throw new Error(`adding the demo FAQ failed: ${res.statusCode} ${res.body}`);
}
