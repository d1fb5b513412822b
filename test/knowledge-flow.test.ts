// CRM links end to end against a fake CRM on 127.0.0.1: spec 003's routes, bearer and custom
// headers, flattening, pagination (body `next` and Link header), 429 with Retry-After, 5xx with
// backoff, 401 until edited, unchanged and changed data, per-contact isolation, SSRF refusals,
// webhook pushes and file uploads.
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { knowledgeChunks, knowledgeLinks } from '../src/db/schema/index.ts';
import { sweepKnowledge } from '../src/knowledge/jobs.ts';
import { MAX_RETRIES } from '../src/knowledge/sync.ts';
import { startFakeCrm } from './fakes/crm-api.ts';
import { addMember, connectWhatsApp, createTestApp, drainJobs, newWorkspace } from './helpers/app.ts';

const crm = await startFakeCrm();
afterAll(() => crm.close());
let clock = new Date('2026-03-01T09:00:00Z');
const { app, deps } = await createTestApp(
  { KNOWLEDGE_ALLOW_PRIVATE_HOSTS: `127.0.0.1:${crm.port}` },
  { now: () => clock },
);
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

crm.collections.patients = [
  { id: 'PT-1001', name: 'Rahul Sharma', phone: '+91 98111 22233', plan: 'Gold', next_appointment: '2026-03-14 11:00' },
  { id: 'PT-1002', name: 'Priya Nair', phone: '+91 98765 40002', plan: 'Basic', next_appointment: '2026-03-20 16:30' },
  {
    id: 'PT-1003',
    name: 'Amit Verma',
    email: 'amit.v@example.com',
    plan: 'none',
    next_appointment: '2026-04-02 10:00',
  },
];
crm.collections.services = [
  { name: 'Teeth whitening', price: '₹4,500' },
  { name: 'Root canal treatment', price: '₹6,000' },
  { name: 'Dental implant', price: '₹30,000' },
];

const owner = await newWorkspace(app, 'Smile Dental');
const { phoneNumberId: page } = await connectWhatsApp(app, owner, { appSecret: 's' });
const inject = (method: string, url: string, payload?: unknown, headers = owner.auth) =>
  app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
const linkRow = async (id: string) => (await deps.db.select().from(knowledgeLinks).where(eq(knowledgeLinks.id, id)))[0];
const search = async (q: string, extra = '') =>
  (
    await inject('GET', `/api/knowledge/search?q=${encodeURIComponent(q)}&page_id=${page}&channel=whatsapp${extra}`)
  ).json().data as { record: string; text: string; link: { name: string } }[];
/** Runs what the minute cron would: the sweep, then the fetches it queued. */
const tick = async () => {
  await sweepKnowledge(deps, { workspaceIds: [owner.workspaceId] });
  await drainJobs(deps);
};

async function addApiLink(body: Record<string, unknown>) {
  const res = await inject('POST', '/api/dashboard/crm-links', {
    page_id: page,
    channels: ['whatsapp'],
    type: 'api',
    api_key: crm.token,
    headers: { 'X-Client-Id': crm.clientId },
    is_active: true,
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  await drainJobs(deps);
  return res.json().crm_link.id as string;
}

describe('CRM links', () => {
  let patients: string;
  let services: string;

  it('fetches with the bearer token and custom headers, follows both kinds of pagination, and never shows the secrets', async () => {
    patients = await addApiLink({ name: 'Patients', url: `${crm.url}/v2/patients`, visibility: 'per_contact' });
    services = await addApiLink({ name: 'Catalogue', url: `${crm.url}/v1/services`, description: 'Prices' });
    const fetches = crm.requests.filter((r) => r.path.startsWith('/v2/patients'));
    expect(fetches.map((r) => r.path)).toEqual(['/v2/patients', '/v2/patients?page=2']);
    expect(fetches[0].headers).toMatchObject({ authorization: `Bearer ${crm.token}`, 'x-client-id': crm.clientId });
    expect(crm.requests.filter((r) => r.path.startsWith('/v1/services')).map((r) => r.path)).toEqual([
      '/v1/services',
      '/v1/services?page=2',
    ]);

    const list = await inject('GET', `/api/dashboard/crm-links?page_id=${page}&channel=whatsapp`);
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(crm.token);
    expect(list.body).not.toContain(crm.clientId);
    expect(list.json()).toMatchObject({
      page_id: page,
      channel: 'whatsapp',
      total: 2,
      active_count: 2,
      inactive_count: 0,
    });
    const p = list.json().crm_links.find((l: { id: string }) => l.id === patients);
    expect(p).toMatchObject({
      name: 'Patients',
      type: 'api',
      api_key: '***',
      headers: { 'X-Client-Id': '***' },
      is_active: true,
      visibility: 'per_contact',
      state: { status: 'ok', records: 3, chunks: 3, last_error: null },
    });
    expect(p.state.next_fetch_at).toBe(new Date(clock.getTime() + 30 * 60_000).toISOString());
    expect((await linkRow(patients)).secrets).not.toContain(crm.token);

    const docs = await inject(
      'GET',
      `/api/dashboard/rag/documents/details?page_id=${page}&source=crm&link_id=${patients}`,
    );
    expect(docs.json().total_documents).toBe(3);
    expect(docs.json().documents[2]).toMatchObject({
      record: 'patients[2]',
      citation: 'Patients › patients[2]',
      text: expect.stringContaining('patients[2].name: Amit Verma'),
      per_contact: true,
    });
    expect(docs.json().documents[0].text).toBe(
      [
        'patients[0].id: PT-1001',
        'patients[0].name: Rahul Sharma',
        'patients[0].phone: +91 98111 22233',
        'patients[0].plan: Gold',
        'patients[0].next_appointment: 2026-03-14 11:00',
      ].join('\n'),
    );

    const all = (await inject('GET', '/api/dashboard/crm-links/all')).json();
    expect(all).toMatchObject({ company_id: owner.workspaceId, total_pages: 1, total_crm_links: 2, total_active: 2 });
    expect(all.pages_data[0]).toMatchObject({ page_id: page, page_name: 'WhatsApp', legacy_crm_links: [] });
    expect(all.pages_data[0].whatsapp_crm_links).toHaveLength(2);
  });

  it('keeps per-contact records to their contact; staff see them all', async () => {
    const asRahul = await search('my appointment plan', '&contact=%2B919811122233');
    expect(asRahul.filter((h) => h.link.name === 'Patients').map((h) => h.record)).toEqual(['patients[0]']);
    const asStranger = await search('Priya Nair appointment', '&contact=%2B919000000001');
    expect(asStranger.some((h) => h.link.name === 'Patients')).toBe(false);
    expect((await search('Priya Nair appointment'))[0].record).toBe('patients[1]');
    expect((await search('amit.v@example.com'))[0].record).toBe('patients[2]');
    // Agents see the public sources only.
    const agent = await addMember(app, owner, 'agent', 'Agent');
    const res = await inject(
      'GET',
      `/api/knowledge/search?q=${encodeURIComponent('Priya Nair')}`,
      undefined,
      agent.auth,
    );
    expect(res.json().data.some((h: { link: { name: string } }) => h.link.name === 'Patients')).toBe(false);
  });

  it('touches only last_fetched_at when the data is unchanged, and replaces the chunks when it changed', async () => {
    const before = await deps.db.select().from(knowledgeChunks).where(eq(knowledgeChunks.linkId, services));
    advance(31 * 60_000);
    crm.collections.services = [...crm.collections.services]
      .reverse()
      .map((s) => ({ ...(s as object) }))
      .reverse();
    await tick();
    const after = await deps.db.select().from(knowledgeChunks).where(eq(knowledgeChunks.linkId, services));
    expect(after.map((c) => c.id)).toEqual(before.map((c) => c.id));
    expect((await linkRow(services)).lastFetchedAt).toEqual(clock);
    let history = (await inject('GET', `/api/knowledge/links/${services}`)).json().history;
    expect(history[0]).toMatchObject({ trigger: 'schedule', outcome: 'unchanged', http_status: 200 });

    crm.collections.services = [
      { name: 'Teeth whitening', price: '₹5,000' },
      { name: 'Root canal treatment', price: '₹6,000' },
    ];
    const refreshed = await inject('POST', '/api/dashboard/crm-links/refresh', {
      page_id: page,
      url: `${crm.url}/v1/services`,
    });
    expect(refreshed.statusCode).toBe(202);
    await drainJobs(deps);
    history = (await inject('GET', `/api/knowledge/links/${services}`)).json().history;
    expect(history[0]).toMatchObject({
      trigger: 'manual',
      outcome: 'changed',
      records: 2,
      chunks: 2,
      added: 1,
      removed: 2,
    });
    const texts = (await search('teeth whitening price')).map((h) => h.text).join('\n');
    expect(texts).toContain('₹5,000');
    expect(texts).not.toContain('₹4,500');
    expect((await search('dental implant')).some((h) => h.text.includes('implant'))).toBe(false);
  });

  it('waits for Retry-After on 429, backs off on 5xx, and keeps the old data searchable meanwhile', async () => {
    advance(31 * 60_000);
    crm.failNext(429, { retryAfter: '120', path: '/v1/services' });
    await tick();
    let row = await linkRow(services);
    expect(row).toMatchObject({ status: 'retrying', lastErrorStatus: 429, retries: 1 });
    expect(row.nextFetchAt).toEqual(new Date(clock.getTime() + 120_000));
    expect(row.lastError).toContain('You have reached your secondly limit');
    expect((await search('teeth whitening'))[0].text).toContain('₹5,000');
    advance(60_000);
    await tick(); // not due yet
    expect((await linkRow(services)).status).toBe('retrying');
    advance(61_000);
    await tick();
    expect(await linkRow(services)).toMatchObject({ status: 'ok', retries: 0, lastError: null });

    advance(31 * 60_000);
    crm.failNext(503, { times: MAX_RETRIES + 1, path: '/v1/services' });
    const waits: number[] = [];
    for (let i = 1; i <= MAX_RETRIES + 1; i++) {
      const started = clock.getTime();
      await tick();
      row = await linkRow(services);
      waits.push(row.nextFetchAt!.getTime() - started);
      if (i <= MAX_RETRIES) expect(row).toMatchObject({ status: 'retrying', retries: i, lastErrorStatus: 503 });
      clock = row.nextFetchAt!;
    }
    // Backoff with jitter: each wait at least half of 30 s × 2^(n−1), then the regular interval.
    expect(waits[0]).toBeGreaterThanOrEqual(15_000);
    expect(waits[1]).toBeGreaterThanOrEqual(30_000);
    expect(waits[2]).toBeGreaterThanOrEqual(60_000);
    expect(row).toMatchObject({ status: 'error', retries: 0 });
    expect(waits[3]).toBe(30 * 60_000);
    expect((await search('root canal'))[0].text).toContain('₹6,000');
    await tick();
    expect((await linkRow(services)).status).toBe('ok');
  });

  it('marks the link failed on 401 until it is edited', async () => {
    crm.token = 'rotated-token';
    advance(31 * 60_000);
    await tick();
    const row = await linkRow(patients);
    expect(row).toMatchObject({ status: 'failed', lastErrorStatus: 401, nextFetchAt: null });
    expect(row.lastError).toContain('check api_key');
    const shown = (await inject('GET', `/api/knowledge/links/${patients}`)).json();
    expect(shown.link.state).toMatchObject({ status: 'failed', last_error: { status: 401 } });
    expect(shown.history[0]).toMatchObject({ outcome: 'failed', http_status: 401 });
    advance(60 * 60_000);
    const requests = crm.requests.length;
    await tick();
    expect(crm.requests.length).toBe(requests);
    expect((await search('Priya Nair'))[0].record).toBe('patients[1]');

    const edited = await inject('PATCH', `/api/knowledge/links/${patients}`, { api_key: 'rotated-token' });
    expect(edited.statusCode, edited.body).toBe(200);
    await drainJobs(deps);
    expect(await linkRow(patients)).toMatchObject({ status: 'ok', lastError: null });
  });

  it('switches a link off per channel and deletes it by page and url', async () => {
    const url = `${crm.url}/v1/services`;
    const off = await inject('PUT', '/api/dashboard/crm-links/status', {
      page_id: page,
      url,
      channels: ['whatsapp'],
      is_active: false,
    });
    expect(off.json()).toMatchObject({
      message: 'CRM link status updated successfully',
      updated_count: 1,
      is_active: false,
    });
    expect((await search('teeth whitening')).some((h) => h.link.name === 'Catalogue')).toBe(false);
    await inject('PUT', '/api/dashboard/crm-links/status', { page_id: page, url, is_active: true });
    expect((await search('teeth whitening'))[0].link.name).toBe('Catalogue');
    const del = await inject('DELETE', '/api/dashboard/crm-links', { page_id: page, url, channels: ['whatsapp'] });
    expect(del.json()).toMatchObject({ message: 'CRM link deleted successfully', deleted_count: 1 });
    expect(await deps.db.select().from(knowledgeChunks).where(eq(knowledgeChunks.linkId, services))).toEqual([]);
    expect((await inject('DELETE', '/api/dashboard/crm-links', { page_id: page, url })).statusCode).toBe(404);
  });

  it('refuses URLs into private networks in any notation, and a redirect into one, saying why', async () => {
    for (const url of [
      `http://127.0.0.1:${crm.port + 1}/x`,
      'http://169.254.169.254/latest/meta-data',
      `http://[::ffff:127.0.0.1]:${crm.port}/v1/services`,
      `http://0x7f000001:${crm.port + 1}/`,
      'http://2130706433/',
      'http://10.0.0.5/crm',
      'file:///etc/passwd',
    ]) {
      const res = await inject('POST', '/api/dashboard/crm-links', {
        page_id: page,
        channels: ['whatsapp'],
        name: 'Sneaky',
        url,
        type: 'api',
        is_active: true,
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.message, url).toMatch(/refused: .*(private or reserved network|only https)/);
    }
    const hop = await addApiLink({
      name: 'Hop',
      url: `${crm.url}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest')}`,
    });
    expect(await linkRow(hop)).toMatchObject({ status: 'failed' });
    expect((await linkRow(hop)).lastError).toMatch(/redirected to a URL Parley does not fetch.*private or reserved/);
    expect(crm.requests.some((r) => r.path.includes('latest') && !r.path.startsWith('/redirect'))).toBe(false);

    const db = await inject('POST', '/api/dashboard/crm-links', {
      page_id: page,
      channels: ['whatsapp'],
      name: 'Our DB',
      url: 'postgres://crm/db',
      type: 'database',
      is_active: true,
    });
    expect(db.statusCode).toBe(400);
    expect(db.json().error.message).toMatch(/not supported yet/);
    const other = await inject('POST', '/api/dashboard/crm-links', {
      page_id: 'not-my-page',
      channels: ['whatsapp'],
      name: 'X',
      type: 'faq',
      faq: [{ question: 'q', answer: 'a' }],
      is_active: true,
    });
    expect(other.statusCode).toBe(400);
  });

  it('takes webhook pushes with the per-link secret, and file uploads', async () => {
    const res = await inject('POST', '/api/dashboard/crm-links', {
      page_id: page,
      channels: ['whatsapp'],
      name: 'Offers',
      type: 'webhook',
      is_active: true,
    });
    expect(res.statusCode).toBe(201);
    const { push_secret: secret, push_url: pushUrl } = res.json();
    expect(secret).toMatch(/^kpush_/);
    expect((await inject('GET', `/api/dashboard/crm-links?page_id=${page}`)).body).not.toContain(secret);
    const offers = { offers: [{ title: 'Monsoon offer', text: '20% off teeth whitening until 31 July' }] };
    expect((await app.inject({ method: 'POST', url: pushUrl, payload: offers })).statusCode).toBe(401);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: pushUrl,
          headers: { authorization: 'Bearer kpush_wrong' },
          payload: offers,
        })
      ).statusCode,
    ).toBe(403);
    const pushed = await app.inject({
      method: 'POST',
      url: pushUrl,
      headers: { authorization: `Bearer ${secret}` },
      payload: offers,
    });
    expect(pushed.json()).toMatchObject({ sync: { outcome: 'changed', records: 1, chunks: 1 } });
    expect((await search('monsoon offer'))[0]).toMatchObject({ record: 'offers[0]', link: { name: 'Offers' } });

    const file = await inject('POST', '/api/dashboard/crm-links', {
      page_id: page,
      channels: ['whatsapp'],
      name: 'Price list',
      type: 'file',
      is_active: true,
    });
    const fileId = file.json().crm_link.id;
    const csv = 'service,price\n"Braces (metal)","₹35,000"\nAligners,"₹1,20,000"\n';
    const up = await app.inject({
      method: 'PUT',
      url: `/api/knowledge/links/${fileId}/file?filename=prices.csv`,
      headers: { ...owner.auth, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json()).toMatchObject({
      link: { file_name: 'prices.csv', state: { records: 2 } },
      sync: { outcome: 'changed' },
    });
    expect((await search('braces'))[0].text).toBe('prices[0].service: Braces (metal)\nprices[0].price: ₹35,000');
    const bad = await app.inject({
      method: 'PUT',
      url: `/api/knowledge/links/${fileId}/file`,
      headers: { ...owner.auth, 'content-type': 'application/json' },
      payload: '{"broken": ',
    });
    expect(bad.statusCode).toBe(400);
    expect((await search('braces'))[0].link.name).toBe('Price list');
  });
});
