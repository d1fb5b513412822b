// Rewrites the few spellings the parsers should not each have to know — "7 . 30" and "6 :00"
// (upstream tokenizers split clock times), "p . m", Devanagari digits, precomposed nukta letters —
// and keeps a map back to the original text so matched spans are reported as the user wrote them.

export type Normalized = {
  text: string;
  /** Original index where the normalized character i came from (length text.length + 1). */
  toOriginal: (index: number) => number;
};

// Each rule rewrites one match; rules are tried together so replacements never overlap.
const RULES: Array<{ re: string; replace: (m: string, groups: string[]) => string }> = [
  // Clock times split by a tokenizer: "7 : 25", "7 . 30", "6 :00", "7: 00". A tight "7.30" is left
  // alone here (it is as often an amount, "2.50 lakh"); the clock parser reads it in context.
  {
    re: '(?<![\\d.:/-])([01]?\\d|2[0-3])(?:\\s+[:.]\\s*|\\s*[:.]\\s+)([0-5]\\d)(?!\\d|\\.\\d|:\\d)',
    replace: (_m, g) => `${g[0]}:${g[1]}`,
  },
  // "p . m", "a . m .", "p. m." → "pm" / "am".
  { re: '(?<![\\p{L}\\p{N}])([ap])\\s*\\.\\s*m(?:\\s*\\.)?(?![\\p{L}\\p{N}])', replace: (_m, g) => `${g[0]}m` },
  // Devanagari digits.
  { re: '[\\u0966-\\u096F]', replace: (m) => String(m.charCodeAt(0) - 0x0966) },
  // Precomposed nukta letters (क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़) → base letter + nukta, the common typed form.
  { re: '[\\u0958-\\u095F]', replace: (m) => m.normalize('NFD') },
];

const COMBINED = new RegExp(RULES.map((r) => `(${r.re})`).join('|'), 'giu');
const GROUPS_PER_RULE = RULES.map((r) => new RegExp(`${r.re}|`, 'u').exec('')!.length);
const QUICK_CHECK = /\s[:.]|[:.]\s|[\u0958-\u096F]/;

export function normalize(input: string): Normalized {
  if (!QUICK_CHECK.test(input)) return { text: input, toOriginal: (i) => i };
  let out = '';
  // starts[i]: original index of normalized char i; a replacement maps all its chars to its start.
  const starts: number[] = [];
  let last = 0;
  let changed = false;
  COMBINED.lastIndex = 0;
  for (let m = COMBINED.exec(input); m; m = COMBINED.exec(input)) {
    let group = 1;
    let rule = 0;
    while (rule < RULES.length && m[group] === undefined) {
      group += GROUPS_PER_RULE[rule];
      rule++;
    }
    const inner = m.slice(group + 1, group + GROUPS_PER_RULE[rule]);
    const replacement = RULES[rule].replace(m[0], inner);
    if (replacement === m[0]) continue;
    changed = true;
    for (let i = last; i < m.index; i++) starts.push(i);
    out += input.slice(last, m.index);
    // Keep the last replacement char pointing at the last original char so spans end correctly.
    for (let i = 0; i < replacement.length; i++) {
      starts.push(i === replacement.length - 1 ? m.index + m[0].length - 1 : m.index + Math.min(i, m[0].length - 1));
    }
    out += replacement;
    last = m.index + m[0].length;
  }
  if (!changed) return { text: input, toOriginal: (i) => i };
  for (let i = last; i < input.length; i++) starts.push(i);
  out += input.slice(last);
  return {
    text: out,
    toOriginal: (i) => (i >= starts.length ? input.length : starts[i]),
  };
}

/** Maps a normalized span [start, end) back to the original text. */
export function originalSpan(n: Normalized, start: number, end: number): { index: number; end: number } {
  return { index: n.toOriginal(start), end: end > start ? n.toOriginal(end - 1) + 1 : n.toOriginal(start) };
}
