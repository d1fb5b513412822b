// "release Orbit Textiles" / "resume bot for +91 98765 43210" / "Orbit ke liye bot chalu karo": a
// team member hands a conversation back to the customer bot after a handoff. Read before anything
// else, whatever the interpreter mode, so a paused customer is never left waiting on a model.
const patterns = [
  /^\s*(?:please\s+)?(?:release|resume|unpause|un-pause|reactivate)\s+(?:the\s+)?(?:bot\s+)?(?:for|with|of)?\s*(.+?)\s*[.!]?\s*$/i,
  /^\s*(?:bot\s+(?:on|back on|resume))\s+(?:for\s+)?(.+?)\s*[.!]?\s*$/i,
  /^\s*(.+?)\s+(?:ke liye|ka|ki)\s+bot\s+(?:chalu|on|shuru|wapas chalu)\s+(?:karo|kar do|kijiye)\s*[.!]?\s*$/i,
];

/** The lead (company, name or phone) a release command names; null when the text is not one. */
export function releaseTarget(text: string | null | undefined): string | null {
  for (const re of patterns) {
    const m = re.exec(text ?? '');
    if (m && m[1] && !/^(bot|it)$/i.test(m[1])) return m[1].trim();
  }
  return null;
}
