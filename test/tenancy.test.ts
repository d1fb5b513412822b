// Workspace B tries every route with workspace A's ids: each answers 403 or 404 and changes
// nothing; lists never show A's rows.
import { describe, expect, it } from 'vitest';
import { createTestApp, newWorkspace, addMember } from './helpers/app.ts';

const { app } = await createTestApp();

const bodies: Record<string, unknown> = {
  'PATCH /api/leads/:id': { status: 'lost', company: 'Hijacked' },
  'POST /api/leads/:id/assign': { assignee_id: '00000000-0000-7000-8000-000000000000' },
  'POST /api/leads/:id/notes': { body: 'sneaky note' },
  'POST /api/leads/:id/deals': { title: 'sneaky deal' },
  'PATCH /api/deals/:id': { stage: 'lost' },
  'PATCH /api/tasks/:id': { status: 'cancelled' },
  'PATCH /api/users/:id': { name: 'Hijacked' },
  'PATCH /api/channels/:id': { active: false },
  'POST /api/conversations/:id/messages': { text: 'sneaky reply' },
  'POST /api/conversations/:id/handoff': { reason: 'sneaky handoff' },
  'PATCH /api/message-master/:id': { name: 'Hijacked', active: false },
  'POST /api/message-master/:id/steps': { delay_days: 1, text: 'sneaky step' },
  'PATCH /api/message-master/steps/:id': { text: 'sneaky text' },
  'POST /api/leads/:id/enrollments': { sequence_id: '00000000-0000-7000-8000-000000000000' },
  'PATCH /api/knowledge/links/:id': { name: 'Hijacked', visibility: 'public' },
  'POST /api/knowledge/links/:id/push': { secret: 'data' },
};

describe('tenancy', () => {
  it('answers 403 or 404 to every route called with another workspace’s ids, and changes nothing', async () => {
    const a = await newWorkspace(app, 'A');
    const aAgent = await addMember(app, a, 'agent', 'Agent A');
    const lead = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: a.auth,
        payload: { company: 'Secret A Corp', phone: '+91 98111 22233', assignee_id: aAgent.userId },
      })
    ).json();
    const deal = (
      await app.inject({
        method: 'POST',
        url: `/api/leads/${lead.id}/deals`,
        headers: a.auth,
        payload: { title: 'Secret deal', value: 1000 },
      })
    ).json();
    const task = (
      await app.inject({
        method: 'POST',
        url: '/api/tasks',
        headers: a.auth,
        payload: { lead_id: lead.id, type: 'demo' },
      })
    ).json();
    const key = (
      await app.inject({ method: 'POST', url: '/api/api-keys', headers: a.auth, payload: { name: 'A key' } })
    ).json();
    const aUser = (await app.inject({ method: 'GET', url: '/api/me', headers: aAgent.auth })).json().user;
    const channel = (
      await app.inject({
        method: 'POST',
        url: '/api/channels',
        headers: a.auth,
        payload: {
          kind: 'whatsapp',
          name: 'A WhatsApp',
          account_id: `a-${Date.now()}-${Math.random()}`,
          secrets: { accessToken: 'secret-token-a' },
        },
      })
    ).json();
    const simulated = (
      await app.inject({
        method: 'POST',
        url: '/api/simulator/messages',
        headers: a.auth,
        payload: { from: '+91 98111 22233', text: 'hello' },
      })
    ).json();
    const conv = simulated.conversation_id as string;
    const sequence = (
      await app.inject({
        method: 'POST',
        url: '/api/message-master',
        headers: a.auth,
        payload: { name: 'Secret A follow-ups', steps: [{ delay_days: 1, text: 'Secret A text' }] },
      })
    ).json();
    const reminder = (
      await app.inject({
        method: 'POST',
        url: `/api/leads/${lead.id}/enrollments`,
        headers: a.auth,
        payload: { sequence_id: sequence.id },
      })
    ).json().reminders[0];
    const knowledge = (
      await app.inject({
        method: 'POST',
        url: '/api/dashboard/crm-links',
        headers: a.auth,
        payload: {
          page_id: channel.account_id,
          channels: ['whatsapp'],
          name: 'Secret A FAQ',
          type: 'faq',
          faq: [{ question: 'Secret A question?', answer: 'Secret A answer' }],
          is_active: true,
        },
      })
    ).json().crm_link;
    const snapshot = async () =>
      Promise.all(
        [
          `/api/leads/${lead.id}`,
          `/api/conversations/${conv}`,
          `/api/conversations/${conv}/messages`,
          `/api/deals/${deal.id}`,
          `/api/tasks/${task.id}`,
          `/api/leads/${lead.id}/activities`,
          `/api/leads/${lead.id}/notes`,
          `/api/users/${aUser.id}`,
          '/api/api-keys',
          '/api/workspace',
          '/api/channels',
          `/api/message-master/${sequence.id}`,
          `/api/leads/${lead.id}/reminders`,
          `/api/knowledge/links/${knowledge.id}`,
          `/api/dashboard/rag/documents/details?page_id=${channel.account_id}`,
        ].map(async (url) => (await app.inject({ method: 'GET', url, headers: a.auth })).body),
      );
    const before = await snapshot();

    const b = await newWorkspace(app, 'B');
    const ids: Record<string, string> = {
      '/api/leads/:id': lead.id,
      '/api/deals/:id': deal.id,
      '/api/tasks/:id': task.id,
      '/api/users/:id': aUser.id,
      '/api/api-keys/:id': key.id,
      '/api/channels/:id': channel.id,
      '/api/conversations/:id': conv,
      '/api/messages/:id': simulated.message_id,
      '/api/whatsapp/crm-integration/conversation/:id': conv,
      '/leads/:user_id': aUser.id,
      '/tasks/:username': aUser.username,
      '/activities/:lead_id': lead.id,
      '/history/:lead_id': lead.id,
      '/api/message-master/:id': sequence.id,
      '/api/message-master/steps/:id': sequence.steps[0].id,
      '/api/reminders/:id': reminder.id,
      '/api/knowledge/links/:id': knowledge.id,
    };
    const tried: string[] = [];
    // Lookups by phone are not ids: another workspace's customer is simply unknown there (below).
    const byPhone = new Set(['/api/customer-context/:phone']);
    for (const { method, url } of app.routeList) {
      if (!url.includes(':') || byPhone.has(url)) continue;
      const base = Object.keys(ids).find((prefix) => url === prefix || url.startsWith(prefix + '/'));
      expect(base, `no id for ${method} ${url}: add it to this test`).toBeDefined();
      const path = base!.replace(/:[a-z_]+$/, ids[base!]) + url.slice(base!.length);
      const res = await app.inject({
        method: method as 'GET',
        url: path,
        headers: b.auth,
        payload: (bodies[`${method} ${url}`] ?? (method === 'GET' || method === 'DELETE' ? undefined : {})) as object,
      });
      expect([403, 404], `${method} ${url} → ${res.statusCode} ${res.body}`).toContain(res.statusCode);
      tried.push(`${method} ${url}`);
    }
    expect(tried.length).toBeGreaterThanOrEqual(15);

    // Lists and lookups in B never show A's rows.
    for (const url of [
      '/api/customer-context/919811122233',
      '/api/channels',
      '/api/leads',
      '/api/leads?search=secret',
      '/api/leads?phone=9811122233',
      '/api/deals',
      '/api/tasks',
      '/api/users',
      '/api/api-keys',
      '/api/workspace',
      '/api/me',
      '/api/conversations',
      '/api/conversations?search=secret',
      '/api/whatsapp/crm-integration/analytics',
      '/api/message-master',
      '/api/dashboard/crm-links/all',
      `/api/dashboard/crm-links?page_id=${channel.account_id}`,
      `/api/dashboard/rag/documents/details?page_id=${channel.account_id}&source=crm`,
      '/api/knowledge/search?q=secret',
      `/api/knowledge/search?q=secret&page_id=${channel.account_id}&channel=whatsapp`,
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: b.auth });
      expect(res.statusCode, url).toBe(200);
      for (const secret of [
        lead.id,
        deal.id,
        task.id,
        aUser.id,
        channel.id,
        conv,
        sequence.id,
        'Secret A Corp',
        'Secret A follow-ups',
        'secret-token-a',
        knowledge.id,
        'Secret A FAQ',
        'Secret A answer',
      ])
        expect(res.body, url).not.toContain(secret);
    }
    const context = (
      await app.inject({ method: 'GET', url: '/api/customer-context/919811122233', headers: b.auth })
    ).json();
    expect(context.data).toMatchObject({
      is_new_customer: true,
      contact_id: null,
      name: null,
      company: null,
      deals: [],
      pending_tasks: [],
    });
    expect(await snapshot()).toEqual(before);
  });
});
