// Texts longer than a channel takes in one message are sent as several, split where a reader
// would pause: between paragraphs, then lines, then sentences, then words. Each surface declares
// its limit (channels/*/adapter.ts, `textLimit`).

const SENTENCE_END = /[.!?।॥…](?=\s)/g;

/** Splits text into parts of at most `limit` units; a short text is one part. No part is empty. */
export function splitText(text: string, limit: number): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const cut = breakAt(rest, limit);
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim()) parts.push(rest.trimEnd());
  return parts;
}

/** Where to end the next part: the last good break within the limit, not too early in it. */
function breakAt(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  const min = Math.floor(limit / 2);
  const paragraph = window.lastIndexOf('\n\n', limit);
  if (paragraph >= min) return paragraph;
  const line = window.lastIndexOf('\n', limit);
  if (line >= min) return line;
  let sentence = -1;
  for (const m of window.slice(0, limit).matchAll(SENTENCE_END)) sentence = m.index + m[0].length;
  if (sentence >= min) return sentence;
  const space = window.slice(0, limit + 1).search(/\s\S*$/);
  if (space >= Math.floor(limit / 4)) return space;
  // One unbroken run (a URL, a long word): cut at the limit, never inside a surrogate pair.
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}
