import { describe, expect, it } from 'vitest';
import { defaultChannels } from '../channels/registry.ts';
import { splitText } from './split.ts';

const textLimit = (surface: string) => defaultChannels.surface(surface)!.surface.textLimit;

describe('splitText', () => {
  it('keeps a text within the limit whole', () => {
    expect(splitText('Hello', 10)).toEqual(['Hello']);
    expect(splitText('x'.repeat(4096), textLimit('whatsapp'))).toHaveLength(1);
  });

  it('breaks between paragraphs first, then lines, then sentences, then words', () => {
    const para = 'a'.repeat(60);
    expect(splitText(`${para}\n\n${para}`, 100)).toEqual([para, para]);
    expect(splitText(`${para}\n${para}`, 100)).toEqual([para, para]);
    expect(splitText(`${'word '.repeat(12)}end. ${'more '.repeat(10)}`, 100)).toEqual([
      `${'word '.repeat(12)}end.`,
      'more '.repeat(10).trim(),
    ]);
    expect(splitText('नमस्ते। '.repeat(20), 100).every((p) => p.endsWith('।'))).toBe(true);
    const words = 'lorem ipsum dolor sit amet '.repeat(10).trim();
    const parts = splitText(words, 50);
    expect(parts.every((p) => p.length <= 50 && !p.startsWith(' ') && !p.endsWith(' '))).toBe(true);
    expect(parts.join(' ')).toBe(words);
  });

  it('cuts one unbroken run at the limit, never inside an emoji', () => {
    expect(splitText('x'.repeat(250), 100).map((p) => p.length)).toEqual([100, 100, 50]);
    const emoji = '🙂'.repeat(60); // 120 UTF-16 units
    const parts = splitText(`a${emoji}`, 100);
    expect(parts.join('')).toBe(`a${emoji}`);
    expect(parts.every((p) => p.length <= 100 && !/[\uD800-\uDBFF]$/.test(p) && !/^[\uDC00-\uDFFF]/.test(p))).toBe(
      true,
    );
  });

  it('knows each channel’s limit', () => {
    expect(['whatsapp', 'messenger', 'facebook_comment', 'maytapi', 'twilio', 'simulator'].map(textLimit)).toEqual([
      4096,
      2000,
      8000,
      4096,
      1600,
      Infinity,
    ]);
  });
});
