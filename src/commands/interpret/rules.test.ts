import { describe, expect, it } from 'vitest';
import { CommandSchema } from '../command.ts';
import { readEvalSet, scoreSet } from './eval-set.ts';
import { interpretRules } from './rules.ts';

const ctx = { now: new Date('2026-03-10T10:00:00+05:30'), timeZone: 'Asia/Kolkata' };
const read = (text: string) => interpretRules(text, ctx).command;

describe('interpretRules: new leads', () => {
  it("reads the spec's comma form by position", () => {
    expect(read('New lead: Orbit Textiles, Kavita Rao, 98450 12345, Trade fair, Sunil')).toEqual({
      intent: 'create_lead', company: 'Orbit Textiles', contact_name: 'Kavita Rao', phone: '98450 12345', source: 'Trade fair', assignee: 'Sunil',
    });
  });

  it('reads a paraphrase with labels, a source phrase and "give it to"', () => {
    expect(read('pls add lead Nimbus Labs — contact Arjun Mehta +91 90000 11111, came via Google Ads, give it to Rekha')).toEqual({
      intent: 'create_lead', company: 'Nimbus Labs', contact_name: 'Arjun Mehta', phone: '+91 90000 11111', source: 'Google Ads', assignee: 'Rekha',
    });
  });

  it('keeps Indian phone formats as written', () => {
    for (const phone of ['+91 98765 43210', '098765-43210', '(98765) 43210', '9845012345', '+91-99887-76655']) {
      expect(read(`new lead Acme Corp, Ravi Kumar, ${phone}`)).toMatchObject({ company: 'Acme Corp', contact_name: 'Ravi Kumar', phone });
    }
  });

  it('takes the email and drops honorifics from names', () => {
    expect(read('new lead: Sunrise Foods, Mr. Deepak Verma, deepak@sunrise.in')).toEqual({
      intent: 'create_lead', company: 'Sunrise Foods', contact_name: 'Deepak Verma', email: 'deepak@sunrise.in',
    });
    expect(read('naya lead: Patel Agro, Hitesh bhai, 9898989898')).toMatchObject({ contact_name: 'Hitesh' });
  });

  it('reads Hinglish and Devanagari leads, with the assignee after "ko"', () => {
    expect(read('ek naya lead aaya hai Patel Agro se, contact Hitesh ji 9898989898, Amit ko assign karo')).toEqual({
      intent: 'create_lead', company: 'Patel Agro', contact_name: 'Hitesh', phone: '9898989898', assignee: 'Amit',
    });
    expect(read('नया लीड: शर्मा ट्रेडर्स, रमेश शर्मा, 98765 43210, वेबसाइट, नेहा')).toEqual({
      intent: 'create_lead', company: 'शर्मा ट्रेडर्स', contact_name: 'रमेश शर्मा', phone: '98765 43210', source: 'वेबसाइट', assignee: 'नेहा',
    });
  });

  it('reads "lead from X" as the company unless X is a known source', () => {
    expect(read('There is a lead from Greenleaf Organics, contact is Meera (9823012345)')).toMatchObject({ company: 'Greenleaf Organics', contact_name: 'Meera' });
    expect(read('new lead from trade fair: RK Enterprises, Ramesh Khanna 9000011111')).toMatchObject({ company: 'RK Enterprises', source: 'trade fair' });
  });
});

describe('interpretRules: lead lifecycle', () => {
  it('qualifies in all three languages, with typos', () => {
    expect(read('Lead qualified for Orbit Textiles')).toEqual({ intent: 'qualify_lead', company: 'Orbit Textiles' });
    expect(read('Orbit Textiles ka lead qualify ho gaya')).toEqual({ intent: 'qualify_lead', company: 'Orbit Textiles' });
    expect(read('ऑर्बिट टेक्सटाइल्स की लीड क्वालिफाई हो गई')).toEqual({ intent: 'qualify_lead', company: 'ऑर्बिट टेक्सटाइल्स' });
    expect(read('lead qualifed for mehta & sons')).toEqual({ intent: 'qualify_lead', company: 'mehta & sons' });
  });

  it('reads a details answer and keeps commas inside a value', () => {
    expect(read('Address: 12 MG Road Pune, Turnover: 5 Cr, Current system: Tally, Challenges: manual billing')).toEqual({
      intent: 'provide_details', address: '12 MG Road Pune', turnover: '5 Cr', current_system: 'Tally', challenges: 'manual billing',
    });
    expect(read('Address - Plot 7, MIDC Nashik; turnover ~3 Cr')).toMatchObject({ address: 'Plot 7, MIDC Nashik', turnover: '~3 Cr' });
    expect(read('Nimbus Labs ka turnover 4 cr hai aur wo Zoho use karte hai')).toEqual({
      intent: 'provide_details', company: 'Nimbus Labs', turnover: '4 cr', current_system: 'Zoho',
    });
  });

  it('schedules with date, time and assignee, in English, Hinglish and Hindi', () => {
    expect(read('Schedule meeting with Orbit Textiles on 12/3 at 3pm assigned to Sunil')).toEqual({
      intent: 'schedule_meeting', company: 'Orbit Textiles', at: '2026-03-12T15:00:00+05:30', assignee: 'Sunil',
    });
    expect(read('Nimbus Labs ke saath parso shaam 5 baje meeting fix karo, Rekha ko assign karo')).toEqual({
      intent: 'schedule_meeting', company: 'Nimbus Labs', at: '2026-03-12T17:00:00+05:30', assignee: 'Rekha',
    });
    expect(read('ऑर्बिट टेक्सटाइल्स की डेमो कल 4 बजे शेड्यूल करो')).toEqual({
      intent: 'schedule_demo', company: 'ऑर्बिट टेक्सटाइल्स', at: '2026-03-11T16:00:00+05:30',
    });
    expect(read('shedule demo for nimbus labs on 18/3 at 11:30am')).toEqual({ intent: 'schedule_demo', company: 'nimbus labs', at: '2026-03-18T11:30:00+05:30' });
  });

  it('never invents a time, an assignee or a note', () => {
    expect(read('pls schedule a meeting with greenleaf organics')).toEqual({ intent: 'schedule_meeting', company: 'greenleaf organics' });
    expect(read('Demo done for Orbit Textiles.')).toEqual({ intent: 'demo_done', company: 'Orbit Textiles' });
  });

  it('reschedules to the new time, also when the old one is named ("kal ki jagah parso")', () => {
    expect(read('Orbit wali meeting somvar dopahar 2 baje shift kar do')).toEqual({ intent: 'reschedule_meeting', company: 'Orbit', at: '2026-03-16T14:00:00+05:30' });
    expect(read('Nimbus Labs ka demo kal ki jagah parso 3 baje rakh do')).toEqual({ intent: 'reschedule_demo', company: 'Nimbus Labs', at: '2026-03-12T15:00:00+05:30' });
    expect(read('reschdule meeting with sunrise foods to 16/3 11am')).toMatchObject({ intent: 'reschedule_meeting', company: 'sunrise foods' });
  });

  it('answers unknown, unsure, for a reschedule without a new time (the contract needs one)', () => {
    const { command, confidence } = interpretRules('please reschedule the Orbit meeting', ctx);
    expect(command).toEqual({ intent: 'unknown' });
    expect(confidence).toBeLessThan(0.5);
  });

  it('splits the company from the note when a meeting or demo is done', () => {
    expect(read('Meeting done for Orbit Textiles, they want a trial.')).toEqual({ intent: 'meeting_done', company: 'Orbit Textiles', note: 'they want a trial' });
    expect(read('Demo ho gaya Nimbus Labs ka, unko pricing chahiye')).toEqual({ intent: 'demo_done', company: 'Nimbus Labs', note: 'unko pricing chahiye' });
    expect(read('Nimbus ki meeting ho gayi, client khush tha')).toEqual({ intent: 'meeting_done', company: 'Nimbus', note: 'client khush tha' });
    expect(read('meeting dun with zenith motors')).toEqual({ intent: 'meeting_done', company: 'zenith motors' });
  });

  it('does not read "demo dena hai" (a demo to give) as done', () => {
    expect(read('Kaveri Exports ko demo dena hai kal 5 baje')).toMatchObject({ intent: 'schedule_demo', company: 'Kaveri Exports' });
  });

  it('logs an activity with the note in the user\'s words', () => {
    expect(read('Add activity for Orbit Textiles, Called the client, they asked for a new proposal.')).toEqual({
      intent: 'add_activity', company: 'Orbit Textiles', note: 'Called the client, they asked for a new proposal',
    });
    expect(read('निंबस लैब्स के लिए नोट: क्लाइंट ने डेमो वीडियो माँगा')).toEqual({ intent: 'add_activity', company: 'निंबस लैब्स', note: 'क्लाइंट ने डेमो वीडियो माँगा' });
  });

  it('reassigns, including "X ko Y ko de do"', () => {
    expect(read('Reassign Orbit Textiles to Rekha')).toEqual({ intent: 'reassign_lead', company: 'Orbit Textiles', assignee: 'Rekha' });
    expect(read('Nimbus Labs ko Sunil ko de do')).toEqual({ intent: 'reassign_lead', company: 'Nimbus Labs', assignee: 'Sunil' });
    expect(read('Orbit ko Rekha ko de do')).toEqual({ intent: 'reassign_lead', company: 'Orbit', assignee: 'Rekha' });
  });

  it('stops follow-ups', () => {
    expect(read('stop follow-ups for Orbit')).toEqual({ intent: 'stop_followups', company: 'Orbit' });
    expect(read('Sunrise Foods ke follow-ups band karo')).toEqual({ intent: 'stop_followups', company: 'Sunrise Foods' });
  });
});

describe('interpretRules: cancelling a meeting or demo', () => {
  it('cancels in English, with the reason as the note when one is given', () => {
    expect(read('cancel the meeting with Orbit Textiles')).toEqual({ intent: 'cancel_meeting', company: 'Orbit Textiles' });
    expect(read("call off tomorrow's demo for Orbit")).toEqual({ intent: 'cancel_demo', company: 'Orbit' });
    expect(read('Orbit demo cancelled, they postponed the budget')).toEqual({ intent: 'cancel_demo', company: 'Orbit', note: 'they postponed the budget' });
    expect(read('cancel the demo with Nimbus Labs because the CFO is travelling')).toEqual({ intent: 'cancel_demo', company: 'Nimbus Labs', note: 'the CFO is travelling' });
    expect(read('the demo with Orbit Textiles is off')).toEqual({ intent: 'cancel_demo', company: 'Orbit Textiles' });
    expect(read('we can\'t meet, cancel the demo with Orbit')).toEqual({ intent: 'cancel_demo', company: 'Orbit' });
    expect(read('pls cancle the metting with sunrise foods')).toEqual({ intent: 'cancel_meeting', company: 'sunrise foods' });
  });

  it('cancels in Hinglish and Hindi', () => {
    expect(read('Orbit ka demo cancel karo')).toEqual({ intent: 'cancel_demo', company: 'Orbit' });
    expect(read('orbit wali meeting cancel kar do')).toEqual({ intent: 'cancel_meeting', company: 'orbit' });
    expect(read('Orbit ki meeting nahi hogi, cancel')).toEqual({ intent: 'cancel_meeting', company: 'Orbit' });
    expect(read('Nimbus Labs ka demo cancel karo kyunki budget nahi hai')).toEqual({ intent: 'cancel_demo', company: 'Nimbus Labs', note: 'budget nahi hai' });
    expect(read('ऑर्बिट की मीटिंग रद्द करो')).toEqual({ intent: 'cancel_meeting', company: 'ऑर्बिट' });
    expect(read('ऑर्बिट का डेमो कैंसल कर दो')).toEqual({ intent: 'cancel_demo', company: 'ऑर्बिट' });
    expect(read('ऑर्बिट टेक्सटाइल्स की मीटिंग कैंसिल हो गई, क्लाइंट बाहर है')).toEqual({ intent: 'cancel_meeting', company: 'ऑर्बिट टेक्सटाइल्स', note: 'क्लाइंट बाहर है' });
  });

  it('is sure of a clear cancel', () => {
    expect(interpretRules('cancel the meeting with Orbit Textiles', ctx).confidence).toBeGreaterThanOrEqual(0.85);
  });

  it('keeps the near misses what they were: follow-ups, done with a cancel in the note, a move to a new time', () => {
    expect(read('Orbit ke follow-ups band karo')).toEqual({ intent: 'stop_followups', company: 'Orbit' });
    expect(read('cancel follow-ups for Orbit')).toEqual({ intent: 'stop_followups', company: 'Orbit' });
    expect(read('Meeting done for Orbit Textiles, they cancelled the AMC')).toEqual({ intent: 'meeting_done', company: 'Orbit Textiles', note: 'they cancelled the AMC' });
    expect(read('Demo ho gaya Nimbus Labs ka, unhone purana order cancel kiya')).toMatchObject({ intent: 'demo_done', company: 'Nimbus Labs' });
    expect(read("cancel Friday's meeting with Orbit and book Monday 3pm instead")).toEqual({ intent: 'reschedule_meeting', company: 'Orbit', at: '2026-03-16T15:00:00+05:30' });
    expect(read('Orbit meeting cancel karo, kal 4 baje rakh do')).toMatchObject({ intent: 'reschedule_meeting', at: '2026-03-11T16:00:00+05:30' });
    // A time that says which one, and "postponed" in the reason, do not make it a move.
    expect(read("cancel tomorrow's 3pm demo with Orbit, they postponed the budget")).toEqual({ intent: 'cancel_demo', company: 'Orbit', note: 'they postponed the budget' });
    expect(read('show cancelled meetings')).toEqual({ intent: 'list_tasks' });
    expect(read('Orbit ki meeting kal nahi, parso 3 baje')).toEqual({ intent: 'reschedule_meeting', company: 'Orbit', at: '2026-03-12T15:00:00+05:30' });
    expect(read('Orbit wali meeting somvar dopahar 2 baje shift kar do')).toMatchObject({ intent: 'reschedule_meeting' });
    expect(read('kal ki meetings dikhao')).toEqual({ intent: 'list_tasks', when: '2026-03-11' });
  });

  it('does not cancel on a question or a "don\'t cancel"', () => {
    for (const t of ['Is the Orbit demo cancelled?', 'kya Orbit ki meeting cancel ho gayi?', "don't cancel the Orbit meeting", 'Orbit ka demo cancel mat karo']) {
      const { command, confidence } = interpretRules(t, ctx);
      expect(command, t).toEqual({ intent: 'unknown' });
      expect(confidence).toBeLessThan(0.5);
    }
    expect(read('can you cancel the Orbit demo?')).toEqual({ intent: 'cancel_demo', company: 'Orbit' });
  });
});

describe('interpretRules: lists, history, help', () => {
  it('lists my leads without an assignee and a named person\'s with one', () => {
    expect(read('mere leads dikhao')).toEqual({ intent: 'list_leads' });
    expect(read('Rekha ke leads dikhao')).toEqual({ intent: 'list_leads', assignee: 'Rekha' });
    expect(read('सुनील की लीड्स दिखाओ')).toEqual({ intent: 'list_leads', assignee: 'सुनील' });
  });

  it('lists tasks for a day and a person', () => {
    expect(read('aaj ke tasks')).toEqual({ intent: 'list_tasks', when: '2026-03-10' });
    expect(read('Amit ke kal ke tasks')).toEqual({ intent: 'list_tasks', assignee: 'Amit', when: '2026-03-11' });
    expect(read('kal ki meetings dikhao')).toEqual({ intent: 'list_tasks', when: '2026-03-11' });
  });

  it('shows a lead\'s history', () => {
    expect(read('Show history of Nimbus Labs')).toEqual({ intent: 'lead_history', company: 'Nimbus Labs' });
    expect(read('ऑर्बिट टेक्सटाइल्स की हिस्ट्री दिखाओ')).toEqual({ intent: 'lead_history', company: 'ऑर्बिट टेक्सटाइल्स' });
  });

  it('answers help and unknown', () => {
    for (const t of ['help', 'HELP!', 'madad chahiye', 'मदद', 'what can you do?']) expect(read(t)).toEqual({ intent: 'help' });
    for (const t of ['ok thanks', 'kya haal hai', '👍', '']) expect(read(t)).toEqual({ intent: 'unknown' });
  });
});

describe('interpretRules: behaviour', () => {
  it('ignores letter case and politeness', () => {
    expect(read('PLEASE REASSIGN ORBIT TEXTILES TO REKHA')).toEqual({ intent: 'reassign_lead', company: 'ORBIT TEXTILES', assignee: 'REKHA' });
    expect(read('bhai kindly qualify Orbit Textiles ji')).toEqual({ intent: 'qualify_lead', company: 'Orbit Textiles' });
  });

  it('is sure of clear commands and unsure of unknown ones', () => {
    expect(interpretRules('Reassign Orbit Textiles to Rekha', ctx).confidence).toBeGreaterThanOrEqual(0.8);
    expect(interpretRules('the weather is nice today', ctx).confidence).toBeLessThan(0.5);
  });

  it('always returns a valid command, whatever it is given', () => {
    const junk = ['', ' ', '...', '§¶¤', 'a'.repeat(5000), '((((', '9999999999999999999', '\u0000\u0001', 'ko ko ko de do', 'meeting meeting', '🤖'.repeat(50)];
    for (const t of junk) {
      const { command, confidence } = interpretRules(t, ctx);
      expect(CommandSchema.safeParse(command).success).toBe(true);
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
  });

  it('gives the same answer for the same input', () => {
    const t = 'Nimbus Labs ke saath parso shaam 5 baje meeting fix karo, Rekha ko assign karo';
    expect(interpretRules(t, ctx)).toEqual(interpretRules(t, ctx));
  });
});

describe('interpretRules: accuracy on the command sets', () => {
  for (const name of ['dev', 'holdout']) {
    it(`reaches ≥ 95% intent and ≥ 90% all-fields accuracy on ${name}.jsonl`, () => {
      const lines = readEvalSet(new URL(`../../../test/fixtures/commands/${name}.jsonl`, import.meta.url));
      expect(lines.length).toBeGreaterThanOrEqual(name === 'dev' ? 300 : 100);
      const score = scoreSet(lines, (text) => read(text));
      const misses = score.misses.map((m) => `${m.line.id}: ${m.wrongFields.join(',')}`);
      expect(score.intentRight / score.lines, misses.join('\n')).toBeGreaterThanOrEqual(0.95);
      expect(score.allRight / score.lines, misses.join('\n')).toBeGreaterThanOrEqual(0.9);
    });
  }
});
