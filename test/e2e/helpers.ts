// Shared bits of the browser tests: an API session beside the browser, and screenshots for the
// README (written only with PARLEY_SCREENSHOTS=1, so test runs leave the tree as it was).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { App } from '../../src/http/app-types.ts';

export async function apiSession(app: App, email: string, password: string) {
  const res = await app.inject({ method: 'POST', url: '/api/login', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  const token = res.json().token as string;
  const call = async (method: string, url: string, payload?: object) => {
    const r = await app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
    return { status: r.statusCode, body: r.body ? r.json() : undefined };
  };
  return { token, userId: res.json().user.id as string, call };
}

const shots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
export async function screenshot(page: Page, name: string) {
  if (process.env.PARLEY_SCREENSHOTS !== '1') return;
  mkdirSync(shots, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${shots}${name}.png` });
}

export const noErrors = (page: { errors: string[] }) => expect(page.errors).toEqual([]);
