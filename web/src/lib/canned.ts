// Canned replies: saved texts an agent opens with `/` in the composer. Kept in the workspace's
// settings (`canned_replies`, edited in Settings) so the whole team shares them; variables in
// braces are filled from the conversation and its lead.
export type CannedReply = { shortcut: string; text: string };

export const defaultCannedReplies: CannedReply[] = [
  { shortcut: 'hello', text: 'Hi {contact_name}, thanks for reaching out! How can I help you today?' },
  { shortcut: 'namaste', text: 'नमस्ते {contact_name} जी, हमसे संपर्क करने के लिए धन्यवाद! मैं आपकी कैसे मदद कर सकता हूँ?' },
  {
    shortcut: 'demo',
    text: 'Hi {contact_name}, would you like a free demo for {company}? Share a day and time that suits you.',
  },
  { shortcut: 'callback', text: 'Hi {contact_name}, {agent_name} here. Is this a good time for a quick call?' },
  { shortcut: 'thanks', text: 'Thank you {contact_name}! Let me know if there is anything else I can do.' },
];

export function cannedReplies(settings: Record<string, unknown> | undefined): CannedReply[] {
  const list = settings?.canned_replies;
  if (!Array.isArray(list)) return defaultCannedReplies;
  return list.filter(
    (r): r is CannedReply => typeof r?.shortcut === 'string' && typeof r?.text === 'string' && !!r.text,
  );
}

export const variableNames = ['contact_name', 'company', 'agent_name', 'phone'] as const;

/** Fills {contact_name}, {company}, {agent_name}, {phone}; unknown values stay visible for the agent to edit. */
export function fillVariables(text: string, values: Partial<Record<(typeof variableNames)[number], string | null>>) {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = values[name as keyof typeof values];
    return v ? v : whole;
  });
}

/** The replies matching what follows `/` (shortcut first, then text). */
export function matchCanned(list: CannedReply[], query: string): CannedReply[] {
  const q = query.toLowerCase();
  return list
    .filter((r) => r.shortcut.toLowerCase().includes(q) || r.text.toLowerCase().includes(q))
    .sort((a, b) => Number(!a.shortcut.toLowerCase().startsWith(q)) - Number(!b.shortcut.toLowerCase().startsWith(q)));
}
