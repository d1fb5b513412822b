import { describe, expect, it } from 'vitest';
import { chunkRecords, identifiersIn, MAX_CHUNK_LINES } from './chunk.ts';
import { contentHash, csvRecords, flatten, jsonRecords, markdownRecords } from './records.ts';
import { planQuestion } from './text.ts';

describe('records', () => {
  it("flattens JSON to spec 003's path: value lines, one record per customer", () => {
    const data = {
      customers: [
        { id: 'cust-123', name: 'John Doe', email: 'john@example.com', subscription: 'Premium', support_level: 'Gold' },
        { id: 'cust-124', name: 'Asha Rao', visits: [{ on: '2026-01-02', for: 'cleaning' }] },
      ],
      hours: { saturday: '10-4', sunday: 'closed' },
      business: 'Smile Dental',
    };
    expect(flatten(data.customers[0], 'customers[0]').map((l) => `${l.path}: ${l.value}`)).toEqual([
      'customers[0].id: cust-123',
      'customers[0].name: John Doe',
      'customers[0].email: john@example.com',
      'customers[0].subscription: Premium',
      'customers[0].support_level: Gold',
    ]);
    const records = jsonRecords(data);
    expect(records.map((r) => r.record)).toEqual(['root', 'customers[0]', 'customers[1]', 'hours']);
    // A customer's visits stay in the customer's record.
    expect(records[2].lines.map((l) => l.path)).toContain('customers[1].visits[0].for');
  });

  it('reads CSV (quotes, semicolons) and Markdown sections', () => {
    expect(csvRecords('name;price\n"Braces; metal";"₹35,000"\n', 'prices')[0].lines).toEqual([
      { path: 'prices[0].name', value: 'Braces; metal' },
      { path: 'prices[0].price', value: '₹35,000' },
    ]);
    const md = markdownRecords('# Clinic\nWelcome.\n\n## Hours\nMon–Sat 9–7.\n\nSunday closed.\n## Parking\nFree.');
    expect(md.map((r) => r.record)).toEqual(['Clinic', 'Clinic > Hours', 'Clinic > Parking']);
    expect(md[1].lines.map((l) => l.value)).toEqual(['Mon–Sat 9–7.', 'Sunday closed.']);
  });

  it('hashes JSON the same whatever its key order', () => {
    expect(contentHash('{"a":1,"b":[1,2]}', 'json')).toBe(contentHash('{ "b": [1, 2], "a": 1 }', 'json'));
    expect(contentHash('{"a":1}', 'json')).not.toBe(contentHash('{"a":2}', 'json'));
  });
});

describe('chunks', () => {
  it('splits only large records, every part keeping its owner', () => {
    const big = {
      patients: [
        Object.fromEntries([['phone', '+91 98111 22233'], ...Array.from({ length: 60 }, (_, i) => [`f${i}`, `v${i}`])]),
      ],
    };
    const chunks = chunkRecords(jsonRecords(big), { visibility: 'per_contact', region: 'IN' });
    expect(chunks).toHaveLength(2);
    expect(chunks[0].text.split('\n')).toHaveLength(MAX_CHUNK_LINES);
    expect(chunks.map((c) => c.contactKeys)).toEqual([['+919811122233'], ['+919811122233']]);
    expect(chunkRecords(jsonRecords(big), { visibility: 'public', region: 'IN' })[0].contactKeys).toBeNull();
  });

  it('keeps a per-contact record that names nobody away from every customer, and honours key_fields', () => {
    const data = { rows: [{ note: 'no contact here' }, { phone: '+91 98111 22233', referred_by: '+91 98765 40002' }] };
    const [nobody, owned] = chunkRecords(jsonRecords(data), {
      visibility: 'per_contact',
      keyFields: ['phone'],
      region: 'IN',
    });
    expect(nobody.contactKeys).toEqual([]);
    expect(owned.contactKeys).toEqual(['+919811122233']);
    expect(owned.keys).toEqual(expect.arrayContaining(['+919811122233', '+919876540002']));
  });

  it('finds identifiers in any format', () => {
    expect(identifiersIn('call 098111-22233 or mail Rahul@Example.com about CUST-1234', 'IN')).toEqual(
      expect.arrayContaining(['+919811122233', 'rahul@example.com', 'cust1234']),
    );
  });
});

describe('questions', () => {
  it('keeps the content words and names the concepts, in English, Hinglish and Hindi', () => {
    expect(planQuestion('How much is teeth whitening?')).toEqual({
      terms: ['teeth', 'whitening'],
      concepts: ['price'],
      personal: false,
    });
    expect(planQuestion('whitening ka price kya hai?')).toEqual({
      terms: ['whitening'],
      concepts: ['price'],
      personal: false,
    });
    expect(planQuestion('मेरा अपॉइंटमेंट कब है?')).toMatchObject({ terms: [], concepts: ['appointment'], personal: true });
  });
});
