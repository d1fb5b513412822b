// Browser tests need the built dashboard and Chromium: build web/dist when it is missing or
// stale, and fail at once (not skip) when the browser is missing.
import { existsSync } from 'node:fs';
import { buildDashboard, dashboardStale } from '../../scripts/build-web.ts';
import { chromiumPath } from './browser.ts';

export default async function setup() {
  if (!existsSync(chromiumPath))
    throw new Error(`Browser tests need Chromium at ${chromiumPath} (apt-get install -y chromium; .ci/run does).`);
  if (dashboardStale()) await buildDashboard({ quiet: true });
}
