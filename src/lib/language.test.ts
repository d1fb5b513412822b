import { describe, expect, it } from 'vitest';
import { detectLanguage, formatWhen } from './language.ts';

describe('detectLanguage', () => {
  it('tells English, Hinglish and Hindi apart, as the spec examples are written', () => {
    expect(detectLanguage('New lead: Orbit Textiles, Kavita Rao, 98450 12345, Trade fair, Sunil')).toBe('en');
    expect(detectLanguage('Meeting done for Orbit Textiles, they want a trial.')).toBe('en');
    expect(detectLanguage('Orbit Textiles ka lead qualify ho gaya')).toBe('hinglish');
    expect(detectLanguage('Nimbus Labs ko Sunil ko de do')).toBe('hinglish');
    expect(detectLanguage('aaj ke mere tasks dikhao')).toBe('hinglish');
    expect(detectLanguage('ऑर्बिट टेक्सटाइल्स की लीड क्वालिफाई हो गई')).toBe('hi');
    expect(detectLanguage('Orbit Textiles की मीटिंग हो गई')).toBe('hi');
  });

  it('does not take a lone name-like marker in a long English message for Hinglish', () => {
    expect(detectLanguage('Schedule demo for Sab Industries tomorrow at 3pm')).toBe('en');
  });

  it('keeps the conversation language for answers without words', () => {
    expect(detectLanguage('2', 'hi')).toBe('hi');
    expect(detectLanguage('yes', 'hinglish')).toBe('hinglish');
  });
});

describe('formatWhen', () => {
  it('shows the workspace time, with the year only when it is not this year', () => {
    const now = new Date('2026-03-10T10:00:00+05:30');
    expect(formatWhen(new Date('2026-03-11T15:00:00+05:30'), 'Asia/Kolkata', 'en', now)).toBe('Wed, 11 Mar, 3:00 pm');
    expect(formatWhen(new Date('2027-01-05T09:30:00+05:30'), 'Asia/Kolkata', 'en', now)).toBe(
      'Tue, 5 Jan, 2027, 9:30 am',
    );
  });
});
