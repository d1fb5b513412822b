// The Knowledge screen against a real server and a fake CRM on 127.0.0.1: an owner adds an API
// link (bearer key and a custom header, never shown back), refreshes it, sees its records and
// chunks, its sync history and documents, and asks a question whose answer chunk comes back;
// a webhook's push secret is shown once; `database` shows the server's refusal; an agent reads
// but cannot change links (the API forbids it too), on a phone's width.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCrm } from '../fakes/crm-api.ts';
import { launchBrowser, logIn, openPage } from './browser.ts';
import { apiSession, noErrors, screenshot } from './helpers.ts';
import { demo, startServer } from './server.ts';

const crm = await startFakeCrm();
afterAll(() => crm.close());
crm.collections.services = [
  { name: 'Teeth whitening', price: '₹4,500', duration: '60 min' },
  { name: 'Root canal treatment', price: '₹6,000', duration: '90 min' },
  { name: 'Dental implant', price: '₹30,000', duration: '2 visits' },
];
const server = await startServer({ KNOWLEDGE_ALLOW_PRIVATE_HOSTS: `127.0.0.1:${crm.port}` });
const owner = await apiSession(server.app, demo.owner, demo.password);
const agent = await apiSession(server.app, demo.agentRekha, demo.password);
const account = '1098765432101';
const connected = await owner.call('POST', '/api/channels', {
  kind: 'whatsapp',
  name: 'Clinic WhatsApp',
  account_id: account,
  secrets: { accessToken: 'EAAG-test', appSecret: 's', verifyToken: 'v' },
});
expect(connected.status).toBe(201);

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

describe('knowledge screen', () => {
  it('adds an API link, refreshes it, shows its state and documents, and answers a question', async () => {
    const { page, context } = await openPage(browser, server.url);
    const bodies: string[] = [];
    page.on('response', async (r) => {
      if (r.url().includes('/api/')) bodies.push(await r.text().catch(() => ''));
    });
    await logIn(page, demo.owner, demo.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge' }).click();
    await page.getByText('No knowledge sources yet').waitFor();
    expect(await page.getByLabel('Channel account').inputValue()).toBe(account);

    await page.getByRole('button', { name: 'Add a link' }).click();
    const form = page.getByRole('form', { name: 'Add a knowledge source' });
    await form.getByLabel('Type').selectOption('api');
    await form.getByLabel('Name').fill('Clinic CRM');
    await form.getByLabel('URL').fill(`${crm.url}/v1/services`);
    await form.getByLabel('API key').fill(crm.token);
    await form.getByRole('button', { name: 'Add header' }).click();
    await form.getByLabel('Header 1 name').fill('X-Client-Id');
    await form.getByLabel('Header 1 value').fill(crm.clientId);
    await form.getByRole('button', { name: 'Add source' }).click();

    const item = page.getByRole('listitem', { name: 'Clinic CRM' });
    await item.getByTestId('records').filter({ hasText: '3' }).waitFor();
    expect(await item.getByTestId('chunks').textContent()).toBe('3');
    await item.getByText('headers X-Client-Id: ***').waitFor();
    expect(await item.getByText('API key ***').count()).toBe(1);

    const before = crm.requests.length;
    await item.getByRole('button', { name: 'Refresh Clinic CRM' }).click();
    await expect.poll(() => crm.requests.length).toBeGreaterThan(before);
    await item.getByRole('button', { name: 'Sync history of Clinic CRM' }).click();
    const history = item.getByRole('table', { name: 'Sync history of Clinic CRM' });
    await expect.poll(async () => history.locator('tbody tr').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);

    await page.getByRole('list', { name: 'Indexed documents' }).getByText('Clinic CRM › services[0]').waitFor();

    const ask = page.getByRole('search', { name: 'Try a question' });
    await ask.getByLabel('Question').fill('How much is teeth whitening?');
    await ask.getByRole('button', { name: 'Ask' }).click();
    const first = page.getByRole('list', { name: 'Answers' }).getByRole('listitem').first();
    await first.getByText('Clinic CRM › services[0]').waitFor();
    expect(await first.textContent()).toMatch(/score \d\.\d{3}[\s\S]*Teeth whitening[\s\S]*₹4,500/);
    await item.getByText('ok', { exact: true }).waitFor();
    await screenshot(page, 'knowledge');

    const all = bodies.join('\n');
    expect(all).not.toContain(crm.token);
    expect(all).not.toContain(crm.clientId);
    expect(await page.content()).not.toContain(crm.token);
    noErrors(page);
    await context.close();
  });

  it('shows a webhook’s push secret once, edits, switches off and deletes it, and shows the server’s refusal of a database link', async () => {
    const { page, context } = await openPage(browser, server.url);
    await logIn(page, demo.owner, demo.password);
    await page.goto('/dashboard/knowledge');
    await page.getByRole('button', { name: 'Add a link' }).click();
    let form = page.getByRole('form', { name: 'Add a knowledge source' });
    await form.getByLabel('Type').selectOption('webhook');
    await form.getByLabel('Name').fill('Booking system');
    await form.getByRole('button', { name: 'Add source' }).click();
    const secret = await page.getByLabel('Push secret', { exact: true }).textContent();
    expect(secret?.length).toBeGreaterThan(16);
    await page.getByRole('button', { name: 'Close' }).click();
    const hook = page.getByRole('listitem', { name: 'Booking system' });
    await hook.waitFor();
    expect(await page.content()).not.toContain(secret);
    const hookId = (await hook.getAttribute('data-link-id'))!;
    const linkOf = async () => (await owner.call('GET', `/api/knowledge/links/${hookId}`)).body.link;

    // Edit, switch off, delete.
    await hook.getByRole('button', { name: 'Edit Booking system' }).click();
    const edit = page.getByRole('form', { name: 'Edit Booking system' });
    await edit.getByLabel('Description').fill('Appointments pushed by the booking system');
    await edit.getByRole('button', { name: 'Save' }).click();
    await hook.getByText('Appointments pushed by the booking system').waitFor();
    await hook.getByRole('switch', { name: 'Booking system active' }).click();
    await expect.poll(async () => (await linkOf()).is_active).toBe(false);
    await hook.getByText('Off', { exact: true }).waitFor();
    await hook.getByRole('button', { name: 'Delete Booking system' }).click();
    await page.getByRole('button', { name: 'Delete source' }).click();
    await hook.waitFor({ state: 'detached' });
    expect((await owner.call('GET', `/api/knowledge/links/${hookId}`)).status).toBe(404);

    await page.getByRole('button', { name: 'Add a link' }).click();
    form = page.getByRole('form', { name: 'Add a knowledge source' });
    await form.getByLabel('Type').selectOption('database');
    await form.getByLabel('Name').fill('Postgres');
    await form.getByLabel('URL').fill('postgres://crm.example.com/db');
    await form.getByRole('button', { name: 'Add source' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: /not supported yet/i })
      .waitFor();
    // The 400 is the API's answer, not a page error.
    expect(page.errors.filter((e) => !/400 \(Bad Request\)/.test(e))).toEqual([]);
    await context.close();
  });

  it('lets an agent read the sources but not change them', async () => {
    const denied = await agent.call('POST', '/api/dashboard/crm-links', {
      page_id: account,
      channels: ['whatsapp'],
      name: 'Sneaky',
      type: 'faq',
      faq: [{ question: 'q', answer: 'a' }],
      is_active: true,
    });
    expect(denied.status).toBe(403);
    const { page, context } = await openPage(browser, server.url, { width: 375, height: 800 });
    await logIn(page, demo.agentRekha, demo.password);
    await page.goto('/dashboard/knowledge');
    const item = page.getByRole('listitem', { name: 'Clinic CRM' });
    await item.waitFor();
    await page.getByText('Only owners and admins change knowledge sources').waitFor();
    expect(await page.getByRole('button', { name: 'Add a link' }).count()).toBe(0);
    expect(await item.getByRole('button', { name: 'Edit Clinic CRM' }).count()).toBe(0);
    expect(await item.getByRole('button', { name: 'Delete Clinic CRM' }).count()).toBe(0);
    expect(await item.getByRole('switch', { name: 'Clinic CRM active' }).isDisabled()).toBe(true);
    // A phone's width: one column, nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.getByRole('search', { name: 'Try a question' }).getByLabel('Question').fill('root canal price');
    await page.getByRole('button', { name: 'Ask' }).click();
    await page.getByRole('list', { name: 'Answers' }).getByText('Clinic CRM › services[1]').first().waitFor();
    noErrors(page);
    await context.close();
  });
});
