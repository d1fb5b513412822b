// The pipeline board, the lead page and its history, and what an agent may see.
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
const leadByCompany = async (company: string) =>
  (await owner.call('GET', `/api/leads?search=${encodeURIComponent(company)}`)).body.data.find(
    (l: { company: string }) => l.company === company,
  ) as { id: string; status: string };

describe('pipeline board', () => {
  it('moves a dragged card to its new column, changes the status and writes the activity', async () => {
    const { page, context } = await openPage(browser, server.url);
    await logIn(page, demo.owner, demo.password);
    await page.goto('/dashboard/leads');
    const qualified = page.getByRole('region', { name: 'Qualified column' });
    const contacted = page.getByRole('region', { name: 'Contacted column' });
    await contacted.getByRole('listitem', { name: 'Sai Electricals' }).waitFor();
    await expect.poll(() => qualified.locator('[data-count]').textContent()).toBe('0');
    await screenshot(page, 'board');

    await contacted.getByRole('listitem', { name: 'Sai Electricals' }).dragTo(qualified);
    await qualified.getByRole('listitem', { name: 'Sai Electricals' }).waitFor();
    await expect.poll(() => qualified.locator('[data-count]').textContent()).toBe('1');
    await expect.poll(async () => (await leadByCompany('Sai Electricals')).status).toBe('qualified');
    const lead = await leadByCompany('Sai Electricals');
    const activities = (await owner.call('GET', `/api/leads/${lead.id}/activities`)).body.data as {
      text: string;
      changes: Record<string, { old: unknown; new: unknown }>;
    }[];
    expect(activities.at(-1)!.changes.status).toEqual({ old: 'contacted', new: 'qualified' });

    // The won drop zone, and a column's deal value.
    await page
      .getByRole('region', { name: 'Negotiation column' })
      .getByRole('listitem', { name: 'Blue Ocean Logistics' })
      .dragTo(page.getByLabel('Won drop zone'));
    await expect.poll(async () => (await leadByCompany('Blue Ocean Logistics')).status).toBe('won');
    await expect.poll(() => page.getByLabel('Won drop zone').locator('[data-count]').textContent()).toBe('1');
    expect(await page.getByLabel('Won drop zone').textContent()).toContain('12,50,000');
    noErrors(page);
    await context.close();
  });

  it('opens a lead with its details, profile, deals, tasks, reminders and history newest first, and edits it', async () => {
    const { page, context } = await openPage(browser, server.url);
    await logIn(page, demo.owner, demo.password);
    const orbit = await leadByCompany('Orbit Textiles');
    await page.goto('/dashboard/leads?view=table');
    await page.getByRole('link', { name: 'Orbit Textiles' }).click();
    await page.getByRole('heading', { name: 'Orbit Textiles', level: 1 }).waitFor();
    expect(page.url()).toContain(`/dashboard/leads/${orbit.id}`);
    const history = page.getByRole('list', { name: 'History, newest first' });
    await history.getByRole('listitem').first().waitFor();
    const times = await history.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')!));
    expect(times.length).toBeGreaterThan(5);
    expect([...times].sort().reverse()).toEqual(times);
    expect(await history.textContent()).toContain('Thanks Sunil! Mornings work best for me');
    // Missing qualification details are marked; the owner reads the special-needs note.
    expect(await page.locator('[data-missing]').count()).toBeGreaterThan(0);
    await page.getByRole('note').filter({ hasText: 'step-free access' }).waitFor();
    await page.getByRole('region', { name: 'Reminders' }).getByText('After the demo').first().waitFor();
    await page
      .getByRole('region', { name: 'Deals' })
      .getByText('Orbit Textiles — 25 user licence', { exact: true })
      .waitFor();
    await screenshot(page, 'lead');

    await page.getByRole('button', { name: 'Edit details' }).click();
    await page.getByLabel('Requirements').fill('GST module, 25 users, Kannada training');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('GST module, 25 users, Kannada training').waitFor();
    await page.getByLabel('New note').fill('CFO wants a call on Friday');
    await page.getByRole('button', { name: 'Add note' }).click();
    await history.getByText('CFO wants a call on Friday').first().waitFor();
    noErrors(page);
    await context.close();
  });
});

describe('what an agent sees', () => {
  it('shows only their own leads, never another agent’s, and no sensitive note text', async () => {
    const { page, context } = await openPage(browser, server.url);
    const seen: string[] = [];
    page.on('response', async (r) => {
      if (r.url().includes('/api/') && r.request().resourceType() !== 'eventsource')
        seen.push(await r.text().catch(() => ''));
    });
    await logIn(page, demo.agentSunil, demo.password);
    await page.goto('/dashboard/leads?view=table');
    await page.getByRole('link', { name: 'Orbit Textiles' }).waitFor();
    const names = await page.getByRole('table', { name: 'Leads' }).getByRole('link').allTextContents();
    expect(names).toContain('Metro Auto Parts');
    expect(names).not.toContain('Nimbus Labs'); // Rekha's
    expect(names).not.toContain('Blue Ocean Logistics'); // Amit's

    // Another agent's lead by its address: not found, nothing of it shown.
    const nimbus = await leadByCompany('Nimbus Labs');
    await page.goto(`/dashboard/leads/${nimbus.id}`);
    await page
      .getByRole('alert')
      .filter({ hasText: /not found/i })
      .waitFor();
    expect(await page.getByText('Arjun Mehta').count()).toBe(0);
    page.errors.length = 0; // the 404 is the point

    // Their own lead's alert shows, its text does not — not on the page, not in any response.
    const orbit = await leadByCompany('Orbit Textiles');
    await page.goto(`/dashboard/leads/${orbit.id}`);
    await page
      .getByRole('note')
      .filter({ hasText: 'Physical limitation — details visible to owners and admins' })
      .waitFor();
    expect(await page.content()).not.toContain('step-free');
    expect(seen.join('\n')).not.toContain('step-free');

    // The inbox lists their conversations only.
    await page.goto('/dashboard/inbox?box=all');
    const list = page.getByRole('list', { name: 'Conversations' });
    await list.getByRole('link', { name: /Kavita Rao/ }).waitFor();
    expect(await list.getByRole('link', { name: /Arjun Mehta|Meera Nair|Ramesh Yadav/ }).count()).toBe(0);
    noErrors(page);
    await context.close();
  });
});
