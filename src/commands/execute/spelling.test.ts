import { describe, expect, it } from 'vitest';
import { soundKey, toLatin } from './spelling.ts';

describe('names across scripts', () => {
  it('romanises Devanagari and matches spellings by sound', () => {
    expect(toLatin('सुनील')).toBe('sunil');
    expect(toLatin('नेहा')).toBe('neha');
    expect(soundKey('ऑर्बिट टेक्सटाइल्स')).toBe(soundKey('Orbit Textiles'));
    expect(soundKey('निम्बस लैब्स')).toBe(soundKey('Nimbus Labs'));
    expect(soundKey('एक्मे कॉर्पोरेशन')).toBe(soundKey('Acme Corporation'));
    expect(soundKey('दीपक')).toBe(soundKey('Deepak'));
    expect(soundKey('Orbit Textiles')).not.toBe(soundKey('Orbit Foods'));
  });
});
