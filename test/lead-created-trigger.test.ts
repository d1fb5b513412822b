import { describe, expect, it } from 'vitest';
import { createTestApp, newWorkspace } from './helpers/app.ts';

const { app } = await createTestApp();

describe('lead_created sequences', () => {
  it('start once when a lead is created through the API', async () => {
    const owner = await newWorkspace(app, 'Welcome Co');
    const seq = await app.inject({
      method: 'POST',
      url: '/api/message-master',
      headers: owner.auth,
      payload: {
        name: 'Welcome',
        trigger: 'lead_created',
        steps: [{ delay_days: 1, text: 'Hi {contact_name}, welcome!' }],
      },
    });
    expect(seq.statusCode, seq.body).toBe(201);
    const lead = (
      await app.inject({
        method: 'POST',
        url: '/api/leads',
        headers: owner.auth,
        payload: { contact_name: 'Asha', company: 'Asha Foods' },
      })
    ).json();
    const reminders = (
      await app.inject({ method: 'GET', url: `/api/leads/${lead.id}/reminders`, headers: owner.auth })
    ).json();
    const list = reminders.data ?? reminders;
    expect(list).toHaveLength(1);
    expect(list[0].status).toBe('scheduled');
  });
});
