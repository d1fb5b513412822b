import { describe, expect, it } from 'vitest';
import { formatPhone, normalizePhone } from './phone.ts';

describe('normalizePhone', () => {
  it.each([
    ['+91 98765 43210', '+919876543210'],
    ['098765-43210', '+919876543210'],
    ['(98765) 43210', '+919876543210'],
    ['919876543210', '+919876543210'],
    ['9876543210', '+919876543210'],
    ['0091 98765 43210', '+919876543210'],
    ['919876543210@s.whatsapp.net', '+919876543210'],
    ['919876543210@c.us', '+919876543210'],
    ['whatsapp:+919876543210', '+919876543210'],
    ['+1 (202) 555-0143', '+12025550143'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('reads %s as %s', (input, expected) => {
    expect(normalizePhone(input, 'IN')).toBe(expected);
  });

  it.each(['', '12', 'not a phone', '+91 12345', '00000000000'])('rejects %j', (input) => {
    expect(normalizePhone(input, 'IN')).toBeNull();
  });

  it("uses the workspace's region for national numbers", () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
  });

  it('formats for people', () => {
    expect(formatPhone('+919876543210')).toBe('+91 98765 43210');
  });
});
