// Team notices reach the team (issue 11): on the WhatsApp Cloud API a member who has not written
// in 24 hours is reached through the team template (WHATSAPP_TEAM_TEMPLATE / setting
// `teamTemplate`); without one, or when it fails, the notice is held, the sender is told the truth,
// it is listed in GET /api/users/{id}/notices and the digest, and it goes when the member next
// writes. Signed webhooks → routing → the outbox → a fake Graph API on 127.0.0.1.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { whatsappAdapter } from '../src/channels/whatsapp/adapter.ts';
import { loadConfig } from '../src/config.ts';
import { messages } from '../src/db/schema/index.ts';
import { buildDigest } from '../src/nurture/digest.ts';
import { startFakeGraphApi } from './fakes/graph-api.ts';
import { startMaytapiApi } from './fakes/maytapi-api.ts';
import { FAKE_TWILIO, startTwilioApi } from './fakes/twilio-api.ts';
import {
  addMember,
  connectWhatsApp,
  createTestApp,
  drainJobs,
  newWorkspace,
  unique,
  type Session,
} from './helpers/app.ts';
import { metaSignature, waStatus, waText } from './helpers/webhooks.ts';

const graph = await startFakeGraphApi();
const twilio = await startTwilioApi();
afterAll(() => Promise.all([graph.close(), twilio.close()]));
const { app, deps } = await createTestApp({ LOG_LEVEL: 'error' });
const SECRET = 'wa-app-secret';

let phoneSeq = 0;
type Team = {
  owner: Session;
  phoneNumberId: string;
  meera: Session;
  amit: Session;
  phones: { meera: string; amit: string };
};

async function team(settings: Record<string, unknown> = {}): Promise<Team> {
  const owner = await newWorkspace(app, 'Orbit Sales');
  const { phoneNumberId } = await connectWhatsApp(app, owner, { apiUrl: graph.url, appSecret: SECRET, settings });
  const n = String(Date.now() % 1e5).padStart(5, '0') + String(phoneSeq++ % 10);
  const phones = { meera: `9198${n}01`.slice(0, 12), amit: `9197${n}02`.slice(0, 12) };
  const meera = await addMember(app, owner, 'manager', 'Meera Kapoor', `+${phones.meera}`);
  const amit = await addMember(app, owner, 'agent', 'Amit Verma', `+${phones.amit}`);
  return { owner, phoneNumberId, meera, amit, phones };
}

let seq = 0;
async function send(t: Team, who: 'meera' | 'amit', text: string): Promise<string> {
  const wamid = `wamid.tn${Date.now()}${seq++}`;
  const body = waText(t.phoneNumberId, t.phones[who], text, { id: wamid, name: who });
  const res = await app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, SECRET) },
    payload: body,
  });
  expect(res.statusCode).toBe(200);
  await drainJobs(deps);
  const [inbound] = await deps.db.select().from(messages).where(eq(messages.providerMessageId, wamid));
  const out = await deps.db
    .select()
    .from(messages)
    .where(and(eq(messages.replyToId, inbound.id), eq(messages.direction, 'out')))
    .orderBy(asc(messages.createdAt));
  return out.map((m) => m.text).join('\n');
}

const graphTo = (t: Team, who: 'meera' | 'amit') =>
  graph.requests.filter(
    (r) => r.path.endsWith(`/${t.phoneNumberId}/messages`) && (r.body as { to?: string }).to === `+${t.phones[who]}`,
  );

async function amitNotices(t: Team) {
  const res = await app.inject({ method: 'GET', url: `/api/users/${t.amit.userId}/notices`, headers: t.owner.auth });
  expect(res.statusCode).toBe(200);
  return res.json() as { data: { text: string; status: string; fail_reason: string | null }[]; held: number };
}

const NEW_LEAD = 'New lead: Patel Foods, Raj Patel, +91 98450 22222, from Google Ads, assign to Amit';

describe('team notices outside the 24-hour window', () => {
  it('without a template: held, the sender told the truth, listed, in the digest, delivered when Amit writes', async () => {
    const t = await team();
    const reply = await send(t, 'meera', NEW_LEAD);
    expect(reply).toContain(
      "Amit can't be reached on WhatsApp right now; they'll see it when they next open the chat.",
    );
    expect(reply).not.toMatch(/let Amit know|Amit has been notified/);
    expect(graphTo(t, 'amit')).toHaveLength(0);

    const listed = await amitNotices(t);
    expect(listed.held).toBe(1);
    expect(listed.data[0]).toMatchObject({ status: 'held', fail_reason: 'window_closed' });
    expect(listed.data[0].text).toMatch(/^New lead for you from Meera: Patel Foods/);
    // Agents see their own notices only; the member sees theirs.
    const other = await addMember(app, t.owner, 'agent', 'Neha Gupta');
    expect(
      (await app.inject({ method: 'GET', url: `/api/users/${t.amit.userId}/notices`, headers: other.auth })).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/api/users/${t.amit.userId}/notices?status=held`,
          headers: t.amit.auth,
        })
      ).json().held,
    ).toBe(1);

    const digest = await buildDigest(deps.db, {
      workspaceId: t.owner.workspaceId,
      member: { id: t.amit.userId, name: 'Amit Verma' },
      date: '2026-03-10',
      timeZone: 'Asia/Kolkata',
    });
    expect(digest!.split('\n\n')[1]).toMatch(/^📭 Not delivered yet\n• New lead for you from Meera: Patel Foods/);

    // Amit writes: the held notice goes first, then the answer to his message.
    await send(t, 'amit', 'hi');
    const toAmit = graphTo(t, 'amit').filter((r) => (r.body as { type?: string }).type === 'text');
    expect(toAmit.length).toBeGreaterThanOrEqual(2);
    expect((toAmit[0].body as { text: { body: string } }).text.body).toMatch(
      /^New lead for you from Meera: Patel Foods/,
    );
    const after = await amitNotices(t);
    expect(after.held).toBe(0);
    expect(after.data.find((n) => n.text.startsWith('New lead for you'))!.status).toBe('sent');
  });

  it('with the team template: sent as the template (one-line variable) and the sender told it went', async () => {
    const t = await team({ teamTemplate: 'team_notice:en_US' });
    const reply = await send(t, 'meera', NEW_LEAD);
    expect(reply).toContain("I've let Amit know.");
    const [sent] = graphTo(t, 'amit');
    expect(sent.body).toMatchObject({
      type: 'template',
      template: { name: 'team_notice', language: { code: 'en_US' } },
    });
    const variable = (sent.body as { template: { components: { parameters: { text: string }[] }[] } }).template
      .components[0].parameters[0].text;
    expect(variable).toMatch(/^New lead for you from Meera: Patel Foods/);
    expect(variable).not.toMatch(/\n|\t/);
    expect((await amitNotices(t)).held).toBe(0);
  });

  it('a template the provider refuses holds the notice; it goes as text when Amit writes', async () => {
    graph.rejectTemplate('team_notice_unapproved');
    const t = await team({ teamTemplate: 'team_notice_unapproved:en' });
    await send(t, 'meera', NEW_LEAD);
    const listed = await amitNotices(t);
    expect(listed.held).toBe(1);
    expect(listed.data.find((n) => n.status === 'held')!.fail_reason).toBe('template_failed');
    await send(t, 'amit', 'my leads');
    expect((await amitNotices(t)).held).toBe(0);
    const texts = graphTo(t, 'amit')
      .filter((r) => (r.body as { type?: string }).type === 'text')
      .map((r) => (r.body as { text: { body: string } }).text.body);
    expect(texts[0]).toMatch(/^New lead for you from Meera: Patel Foods/);
  });

  it('a template that fails after it was accepted (status webhook) is held as text and goes when Amit writes', async () => {
    const t = await team({ teamTemplate: 'team_notice:en' });
    await send(t, 'meera', NEW_LEAD);
    const [accepted] = graphTo(t, 'amit');
    expect((accepted.body as { type: string }).type).toBe('template');
    const [row] = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.purpose, 'notification'), eq(messages.workspaceId, t.owner.workspaceId)));
    const status = waStatus(t.phoneNumberId, row.providerMessageId!, 'failed', {
      recipient_id: t.phones.amit,
      errors: [
        {
          code: 132015,
          title: 'Template is paused',
          message: 'Template is paused',
          error_data: { details: 'Template is paused due to low quality.' },
        },
      ],
    });
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(status, SECRET) },
      payload: status,
    });
    expect(res.statusCode).toBe(200);
    await drainJobs(deps);
    const listed = await amitNotices(t);
    expect(listed.held).toBe(1);
    await send(t, 'amit', 'hi');
    expect((await amitNotices(t)).held).toBe(0);
    const texts = graphTo(t, 'amit').filter((r) => (r.body as { type?: string }).type === 'text');
    expect((texts[0].body as { text: { body: string } }).text.body).toMatch(
      /^New lead for you from Meera: Patel Foods/,
    );
  });

  it('a member inside the window gets the notice as text and the sender hears it went', async () => {
    const t = await team();
    await send(t, 'amit', 'hi');
    const reply = await send(t, 'meera', NEW_LEAD);
    expect(reply).toContain("I've let Amit know.");
    const texts = graphTo(t, 'amit').filter((r) => (r.body as { type?: string }).type === 'text');
    expect((texts.at(-1)!.body as { text: { body: string } }).text.body).toMatch(/^New lead for you from Meera/);
  });

  it('the notices route is in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    const op = doc.paths['/api/users/{id}/notices'].get;
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['id', 'status', 'limit']),
    );
    expect(Object.keys(op.responses['200'].content['application/json'].schema.properties)).toEqual(['data', 'held']);
  });

  it('WHATSAPP_TEAM_TEMPLATE becomes the environment account’s team template', () => {
    const env = loadConfig({
      NODE_ENV: 'test',
      PARLEY_SECRET_KEY: 'test-secret-key-0123456789',
      WHATSAPP_PHONE_NUMBER_ID: '1234567890',
      WHATSAPP_TEAM_TEMPLATE: 'team_notice:hi',
    });
    expect(whatsappAdapter.account!.fromEnv(env)!.settings).toMatchObject({ teamTemplate: 'team_notice:hi' });
  });
});

describe('Twilio and Maytapi numbers follow their own rules', () => {
  /** A workspace whose only phone channel is `kind`; Meera commands from the in-app channel. */
  async function otherTeam(kind: 'twilio' | 'maytapi', settings: Record<string, unknown> = {}) {
    const owner = await newWorkspace(app, 'Orbit Sales');
    const n = String(Date.now()).slice(-7);
    let fake: { requests: { body: unknown }[]; close(): Promise<void> };
    if (kind === 'twilio') {
      fake = twilio;
      const res = await app.inject({
        method: 'POST',
        url: '/api/channels',
        headers: owner.auth,
        payload: {
          kind: 'twilio',
          name: 'WhatsApp (Twilio)',
          account_id: `whatsapp:+14155${n.slice(-6)}`,
          settings: {
            accountSid: FAKE_TWILIO.accountSid,
            apiUrl: twilio.url,
            whatsappFrom: `whatsapp:+14155${n.slice(-6)}`,
            webhookUrl: 'https://parley.example/webhooks/twilio',
            ...settings,
          },
          secrets: { authToken: FAKE_TWILIO.authToken },
        },
      });
      expect(res.statusCode).toBe(201);
    } else {
      const phoneId = `1${n}${Math.floor(Math.random() * 10)}`;
      const productId = unique('prod-');
      const apiToken = `maytapi-${phoneId}`;
      const m = await startMaytapiApi({ productId, phoneId, apiToken });
      fake = m;
      afterAll(() => m.close());
      const res = await app.inject({
        method: 'POST',
        url: '/api/channels',
        headers: owner.auth,
        payload: {
          kind: 'maytapi',
          name: 'WhatsApp (Maytapi)',
          account_id: phoneId,
          settings: { apiUrl: m.url, productId },
          secrets: { apiToken, webhookToken: `hook-${phoneId}` },
        },
      });
      expect(res.statusCode).toBe(201);
    }
    const meera = await addMember(app, owner, 'manager', 'Meera Kapoor');
    const amit = await addMember(app, owner, 'agent', 'Amit Verma', `+9196${n}1`);
    const command = async (text: string) => {
      const res = await app.inject({ method: 'POST', url: '/app', headers: meera.auth, payload: { text } });
      expect(res.statusCode).toBe(200);
      await drainJobs(deps);
      return res.json().reply as string;
    };
    const notices = async () =>
      (await app.inject({ method: 'GET', url: `/api/users/${amit.userId}/notices`, headers: owner.auth })).json();
    return { owner, amit, command, notices, fake };
  }

  it('Twilio without a team template: held, and the sender told so', async () => {
    const t = await otherTeam('twilio');
    const before = twilio.requests.length;
    const reply = await t.command(NEW_LEAD);
    expect(reply).toContain("Amit can't be reached on WhatsApp right now");
    expect((await t.notices()).held).toBe(1);
    expect(twilio.requests.length).toBe(before);
  });

  it('Twilio with a Content SID as the team template: sent as that template', async () => {
    const sid = 'HX' + 'a1b2c3d4'.repeat(4);
    const t = await otherTeam('twilio', { teamTemplate: `${sid}:en` });
    const reply = await t.command(NEW_LEAD);
    expect(reply).toContain("I've let Amit know.");
    const sent = twilio.requests.at(-1)!.body as Record<string, string>;
    expect(sent.ContentSid).toBe(sid);
    expect(JSON.parse(sent.ContentVariables)['1']).toMatch(/^New lead for you from Meera: Patel Foods/);
    expect((await t.notices()).held).toBe(0);
  });

  it('Maytapi has no window: the notice goes as text', async () => {
    const t = await otherTeam('maytapi');
    const reply = await t.command(NEW_LEAD);
    expect(reply).toContain("I've let Amit know.");
    expect(JSON.stringify(t.fake.requests.at(-1)!.body)).toContain('New lead for you from Meera: Patel Foods');
    expect((await t.notices()).data[0].status).toBe('sent');
  });
});
