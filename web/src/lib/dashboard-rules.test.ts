// The dashboard's own rules, without a browser: the reply window, canned replies and their
// variables, and how long ago / how long left reads.
import { describe, expect, it } from 'vitest';
import { cannedReplies, defaultCannedReplies, fillVariables, matchCanned } from './canned.ts';
import { ago, duration, windowLeft } from './format.ts';
import { windowState } from './window.ts';

const now = Date.parse('2026-12-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(now - h * 3600_000).toISOString();

describe('reply window', () => {
  it('is open for 24 hours after the customer’s last message on WhatsApp and Twilio', () => {
    expect(windowState({ channel: 'whatsapp', last_inbound_at: hoursAgo(1) }, 'whatsapp', null, now)).toEqual({
      kind: 'open',
      leftMs: 23 * 3600_000,
    });
    expect(windowState({ channel: 'twilio', last_inbound_at: hoursAgo(30) }, 'twilio', null, now)).toEqual({
      kind: 'closed',
    });
    expect(windowLeft(hoursAgo(24), now)).toBeNull();
  });
  it('switches to the channel’s template once closed', () => {
    expect(
      windowState({ channel: 'whatsapp', last_inbound_at: hoursAgo(30) }, 'whatsapp', 'follow_up:en', now),
    ).toEqual({ kind: 'template', template: 'follow_up:en' });
    expect(windowState({ channel: 'whatsapp', last_inbound_at: null }, 'whatsapp', null, now)).toEqual({
      kind: 'closed',
    });
  });
  it('lets a person answer on Messenger for 7 days with the human agent tag, and comments always', () => {
    expect(windowState({ channel: 'messenger', last_inbound_at: hoursAgo(48) }, 'messenger', null, now)).toEqual({
      kind: 'human_agent',
      leftMs: 5 * 24 * 3600_000,
    });
    expect(windowState({ channel: 'messenger', last_inbound_at: hoursAgo(24 * 8) }, 'messenger', null, now)).toEqual({
      kind: 'closed',
    });
    expect(
      windowState({ channel: 'facebook_comment', last_inbound_at: hoursAgo(24 * 8) }, 'messenger', null, now),
    ).toEqual({ kind: 'none' });
  });
  it('does not apply to the simulator, Maytapi or an unknown channel', () => {
    for (const kind of ['simulator', 'maytapi', undefined])
      expect(windowState({ channel: 'simulator', last_inbound_at: hoursAgo(100) }, kind, null, now)).toEqual({
        kind: 'none',
      });
  });
});

describe('canned replies', () => {
  it('fills the variables it knows and leaves the others for the agent', () => {
    expect(
      fillVariables('Hi {contact_name} of {company}, {agent_name} here {unknown}', {
        contact_name: 'Kavita',
        company: null,
        agent_name: 'Sunil',
      }),
    ).toBe('Hi Kavita of {company}, Sunil here {unknown}');
    expect(fillVariables('नमस्ते {contact_name} जी', { contact_name: 'रमेश' })).toBe('नमस्ते रमेश जी');
  });
  it('matches by shortcut first, then by text', () => {
    const list = [
      { shortcut: 'price', text: 'Our demo is free' },
      { shortcut: 'demo', text: 'Book a demo' },
    ];
    expect(matchCanned(list, 'demo').map((r) => r.shortcut)).toEqual(['demo', 'price']);
    expect(matchCanned(list, 'zzz')).toEqual([]);
  });
  it('uses the workspace’s list, or the defaults when it has none', () => {
    expect(cannedReplies({})).toBe(defaultCannedReplies);
    expect(cannedReplies({ canned_replies: [{ shortcut: 'a', text: 'A' }, { shortcut: 'b' }, null] })).toEqual([
      { shortcut: 'a', text: 'A' },
    ]);
  });
});

describe('times', () => {
  it('reads as people say them', () => {
    expect(ago(hoursAgo(0.001), now)).toBe('just now');
    expect(ago(hoursAgo(0.5), now)).toBe('30 min ago');
    expect(ago(hoursAgo(5), now)).toBe('5 h ago');
    expect(ago(hoursAgo(30), now)).toBe('yesterday');
    expect(duration(125 * 60_000)).toBe('2 h 5 min');
  });
});
