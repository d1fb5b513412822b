// Retrieval over a clinic's catalogue, its Hindi FAQ and its patients' records, through the
// service functions on the real database (PGlite, and PostgreSQL with TEST_DATABASE_URL).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLink } from '../src/knowledge/links.ts';
import { searchKnowledge, type SearchScope } from '../src/knowledge/search.ts';
import { indexContent } from '../src/knowledge/sync.ts';
import { connectWhatsApp, createTestApp, newWorkspace } from './helpers/app.ts';

const { app, deps } = await createTestApp();
const fixture = (name: string) => readFileSync(new URL(`./fixtures/knowledge/${name}`, import.meta.url), 'utf8');

const owner = await newWorkspace(app, 'Smile Dental');
const { phoneNumberId } = await connectWhatsApp(app, owner, { appSecret: 's' });
const actor = { workspaceId: owner.workspaceId, userId: owner.userId, role: 'owner' as const };
async function source(name: string, file: string, visibility: 'public' | 'per_contact' = 'public') {
  const { link } = await createLink(deps, actor, {
    pageId: phoneNumberId,
    channels: ['whatsapp'],
    name,
    type: 'file',
    isActive: true,
    visibility,
  });
  const out = await indexContent(deps, link, fixture(file), 'json', 'upload');
  expect(out.outcome).toBe('changed');
  return link;
}
await source('Clinic CRM', 'clinic.json');
await source('FAQ (Hindi)', 'faq-hi.json');
await source('Patients', 'patients.json', 'per_contact');

const customer = (keys: string[]): SearchScope => ({
  workspaceId: owner.workspaceId,
  pageId: phoneNumberId,
  channel: 'whatsapp',
  audience: { kind: 'contact', keys },
});
const top = async (q: string, scope = customer([])) => (await searchKnowledge(deps.db, scope, q)).hits;

describe('knowledge search', () => {
  it('finds the record in English, Hinglish and with typos', async () => {
    expect((await top('How much is teeth whitening?'))[0]).toMatchObject({
      record: 'services[0]',
      linkName: 'Clinic CRM',
    });
    expect((await top('whitening ka price kya hai?'))[0].record).toBe('services[0]');
    expect((await top('root canel cost'))[0].record).toBe('services[2]');
    expect((await top('are you open on sunday'))[0].record).toBe('clinic');
    expect((await top('SRV-108'))[0].record).toBe('services[7]');
  });

  it('answers a Hindi question from the Hindi FAQ', async () => {
    const hits = await top('क्या रविवार को क्लिनिक खुलता है?');
    expect(hits[0]).toMatchObject({ linkName: 'FAQ (Hindi)', record: '[0]' });
    expect((await top('ईएमआई मिलती है?'))[0].record).toBe('[2]');
  });

  it('shows a customer only their own record; staff see all', async () => {
    const rahul = customer(['+919811122233']);
    expect((await top('my next appointment', rahul)).filter((h) => h.perContact).map((h) => h.record)).toEqual([
      'patients[0]',
    ]);
    expect((await top('Priya Nair appointment', rahul)).some((h) => h.record === 'patients[1]')).toBe(false);
    expect((await top('Priya Nair appointment', customer([]))).some((h) => h.perContact)).toBe(false);
    const staff: SearchScope = { workspaceId: owner.workspaceId, audience: { kind: 'staff', perContact: true } };
    expect((await top('Priya Nair appointment', staff))[0].record).toBe('patients[1]');
    expect((await top('+91 98765 40002', staff))[0].record).toBe('patients[1]');
    expect((await top('priya.nair@example.com', staff))[0]).toMatchObject({ record: 'patients[1]' });
    expect((await top('priya.nair@example.com', staff))[0].legs).toContain('identifier');
  });
});
