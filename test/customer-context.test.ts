import { describe, expect, it } from 'vitest';
import { profileFacts } from '../src/db/schema/index.ts';
import { addMember, createTestApp, newWorkspace } from './helpers/app.ts';

const { app, deps } = await createTestApp();

describe('GET /api/customer-context/{phone}', () => {
  it('returns the spec shape for a known customer, by phone in any format', async () => {
    const owner = await newWorkspace(app, 'Tech Sales');
    const lead = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: {
          company: 'Tech Corp Solutions',
          contact_name: 'John Doe',
          email: 'john.doe@techcorp.com',
          position: 'Senior Manager',
          phone: '+91 98765 43210',
          source: 'website',
          score: 92,
          status: 'proposal',
          notes: 'Very interested in premium package',
        },
      })
    ).json();
    await app.inject({
      method: 'POST',
      url: `/api/leads/${lead.id}/deals`,
      headers: owner.auth,
      payload: {
        title: 'Enterprise Software License',
        value: 50000,
        currency: 'USD',
        stage: 'proposal',
        probability: 75,
      },
    });
    await app.inject({
      method: 'POST',
      url: `/api/leads/${lead.id}/deals`,
      headers: owner.auth,
      payload: { title: 'Old lost deal', value: 10, stage: 'lost' },
    });
    await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: owner.auth,
      payload: {
        lead_id: lead.id,
        type: 'follow_up',
        title: 'Follow up on proposal',
        description: 'Call to discuss feedback',
        due_at: '2026-12-15T14:00:00Z',
        priority: 'high',
      },
    });

    for (const phone of ['919876543210', '919876543210@s.whatsapp.net', '+91 98765 43210', '098765-43210']) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/customer-context/${encodeURIComponent(phone)}`,
        headers: owner.auth,
      });
      expect(res.statusCode, phone).toBe(200);
      expect(res.json()).toEqual({
        status: 'success',
        data: {
          phone_number: '+919876543210',
          contact_id: lead.id,
          name: 'John Doe',
          email: 'john.doe@techcorp.com',
          company: 'Tech Corp Solutions',
          position: 'Senior Manager',
          lead_status: 'proposal',
          lead_score: 92,
          source: 'website',
          notes: 'Very interested in premium package',
          is_new_customer: false,
          deals: [
            { title: 'Enterprise Software License', value: 50000, currency: 'USD', stage: 'proposal', probability: 75 },
          ],
          pending_tasks: [
            {
              title: 'Follow up on proposal',
              description: 'Call to discuss feedback',
              due_date: '2026-12-15T14:00:00.000Z',
              priority: 'high',
            },
          ],
          context_summary:
            'Customer: John Doe | Company: Tech Corp Solutions | Position: Senior Manager | Lead Status: Hot (Score: 92/100) | Active Deals: Enterprise Software License (USD 50,000 - proposal) | Pending Tasks: Follow up on proposal (Due: 2026-12-15)',
          profile: {},
        },
      });
    }
  });

  it('answers is_new_customer for an unknown number', async () => {
    const owner = await newWorkspace(app);
    const res = (
      await app.inject({ method: 'GET', url: '/api/customer-context/919999999999', headers: owner.auth })
    ).json();
    expect(res.data).toMatchObject({
      phone_number: '+919999999999',
      contact_id: null,
      is_new_customer: true,
      deals: [],
      pending_tasks: [],
    });
  });

  it('shows special notes to owners and admins only; agents see that an alert exists', async () => {
    const owner = await newWorkspace(app);
    const agent = await addMember(app, owner, 'agent', 'Amit');
    const lead = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: { contact_name: 'Sara', phone: '+91 90000 12345', assignee_id: agent.userId },
      })
    ).json();
    await deps.db.insert(profileFacts).values([
      {
        workspaceId: owner.workspaceId,
        leadId: lead.id,
        contact: '+919000012345',
        key: 'special_notes',
        value: { category: 'allergy', text: 'latex allergy' },
      },
      {
        workspaceId: owner.workspaceId,
        leadId: lead.id,
        contact: '+919000012345',
        key: 'preferred_staff',
        value: 'Dr. Keller',
      },
    ]);
    const asOwner = (
      await app.inject({ method: 'GET', url: '/api/customer-context/9000012345', headers: owner.auth })
    ).json();
    expect(asOwner.data.profile).toEqual({
      special_notes: [{ category: 'allergy', text: 'latex allergy' }],
      preferred_staff: 'Dr. Keller',
    });
    const asAgent = await app.inject({ method: 'GET', url: '/api/customer-context/9000012345', headers: agent.auth });
    expect(asAgent.body).not.toContain('latex');
    expect(asAgent.json().data.profile.special_notes).toEqual([{ category: 'allergy', text: null, alert: true }]);
    const other = await addMember(app, owner, 'agent', 'Rekha');
    expect(
      (await app.inject({ method: 'GET', url: '/api/customer-context/9000012345', headers: other.auth })).statusCode,
    ).toBe(403);
  });
});
