// The Knowledge screen's small rules, and the contract between index.html's boot script and the
// API client: the early requests are taken only when api() would ask for exactly the same URL.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withQuery } from '../api/client.ts';
import { formatOf, uploadType } from './uploads.ts';

describe('knowledge file uploads', () => {
  it('sends each file with the type and format the API reads', () => {
    expect([uploadType('prices.JSON'), formatOf('prices.JSON')]).toEqual(['application/json', 'json']);
    expect([uploadType('patients.csv'), formatOf('patients.csv')]).toEqual(['text/csv', 'csv']);
    expect([uploadType('policy.md'), formatOf('policy.markdown')]).toEqual(['text/markdown', 'markdown']);
    expect([uploadType('hours.txt'), formatOf('notes')]).toEqual(['text/plain', 'text']);
  });
});

describe('the first screen’s early requests', () => {
  const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
  it('asks for the URLs the inbox’s list query builds, for owners and for agents', () => {
    const base = { limit: 50, cursor: undefined, unassigned: undefined, channel: undefined, search: undefined };
    expect(withQuery('/api/conversations', { ...base, assignee_id: undefined })).toBe('/api/conversations?limit=50');
    expect(html).toContain("'/api/conversations?limit=50'");
    expect(withQuery('/api/conversations', { ...base, assignee_id: '01a2-b3' })).toBe(
      '/api/conversations?limit=50&assignee_id=01a2-b3',
    );
    expect(html).toContain("'&assignee_id=' + encodeURIComponent(hint.userId)");
    expect(html).toContain("get('/api/me')");
    expect(html).toContain("localStorage.getItem('parley.signed-in') !== '1'");
  });
});
