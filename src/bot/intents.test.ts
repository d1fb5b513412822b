import { describe, expect, it } from 'vitest';
import { classifyCustomerMessage } from './intents.ts';

describe('classifyCustomerMessage: a call back asked for', () => {
  it('reads call requests in English, Hinglish (any spelling) and Hindi', () => {
    for (const t of [
      'please call me back',
      'Can someone call me back about the pricing?',
      'call me at 5pm',
      'please call me Tonight',
      "don't forget to call me",
      'mujhe call karo',
      'call kr do',
      'sir call kar lo 6 baje ke baad',
      'mujhe phone kar lena',
      'muje cal karo',
      'मुझे कॉल करें',
      'मुझे कॉल करें, अभी नहीं शाम को',
    ])
      expect(classifyCustomerMessage(t), t).toBe('callback');
  });

  it('does not take a name, a refusal or a chat request for one', () => {
    for (const t of [
      'call me Raj',
      'you can call me priya',
      "don't call me, just text",
      'call mat karna',
      'मुझे फ़ोन मत करो',
    ])
      expect(classifyCustomerMessage(t), t).not.toBe('callback');
    expect(classifyCustomerMessage('I want to talk to a human')).toBe('human');
  });
});
