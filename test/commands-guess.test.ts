// The team bot never acts on a guess (issue 11), end to end through the signed WhatsApp webhook:
// a name that matches no lead closely is a question, risky commands are echoed to confirm, a second
// meeting is asked about, the lifecycle commands (won, lost, call, score, fields) and chit-chat.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deals, notes } from '../src/db/schema/index.ts';
import { teamBench } from './helpers/team-bot.ts';

const { app, deps, team, send, notificationsTo, leadBy, tasksOf, activityTypes, indiaAt, seedLead } = await teamBench();

const cancelled = { en: 'OK, cancelled.', hinglish: 'Theek hai, cancel kar diya.', hi: 'ठीक है, रद्द कर दिया।' };

describe('no silent fuzzy match', () => {
  it('asks about a lead that only looks like another, changes nothing until "1", and any answer can be abandoned', async () => {
    const t = await team();
    const green = await seedLead(t, 'Green Valley Foods', 'amit');
    const blue = await seedLead(t, 'Blue Ocean Logistics', 'amit');
    const before = (await notificationsTo(t, 'amit')).length;
    const ask = await send(t, 'meera', 'Schedule meeting with Patel Foods tomorrow 3pm');
    expect(ask).toBe(
      'No lead called Patel Foods — did you mean Green Valley Foods? Reply 1 for yes, or send the lead as `New lead: …`',
    );
    expect(await tasksOf(green.id)).toHaveLength(0);
    expect(await notificationsTo(t, 'amit')).toHaveLength(before);
    expect(await send(t, 'meera', '1')).toMatch(/^📅 Meeting with Green Valley Foods scheduled for .+3:00 pm/);
    const [task] = await tasksOf(green.id);
    expect(task.dueAt!.toISOString()).toBe(indiaAt(1, 15).toISOString());

    expect(await send(t, 'meera', 'Reassign Pacific Logistics to Sunil')).toMatch(
      /^No lead called Pacific Logistics — did you mean Blue Ocean Logistics\? Reply 1 for yes/,
    );
    expect(await send(t, 'meera', 'chhodo')).toBe(cancelled.en);
    expect((await leadBy(t, 'Blue Ocean Logistics')).assigneeId).toBe(t.ids.amit);
    // Abandoned: a later "1" answers nothing.
    expect(await send(t, 'meera', '1')).not.toMatch(/reassigned/);
    expect((await leadBy(t, 'Blue Ocean Logistics')).assigneeId).toBe(t.ids.amit);

    expect(await send(t, 'meera', 'Pacific Logistics ko Sunil ko de do')).toMatch(
      /^Pacific Logistics naam ki koi lead nahi/,
    );
    expect(await send(t, 'meera', 'रहने दो')).toBe(cancelled.hi);
    expect(await send(t, 'meera', 'Reassign Pacific Logistics to Sunil')).toMatch(/^No lead called/);
    expect(await send(t, 'meera', 'cancel')).toBe(cancelled.en);
    expect((await leadBy(t, 'Blue Ocean Logistics')).assigneeId).toBe(t.ids.amit);
    // "haan" answers "did you mean …?" like "1" (then the reassignment of Amit's lead is confirmed).
    await send(t, 'meera', 'Pacific Logistics ko Sunil ko de do');
    expect(await send(t, 'meera', 'haan')).toBe('Blue Ocean Logistics ko Amit se lekar Sunil ko dein? 1 haan / 2 nahi');
    expect(blue.id).toBeDefined();
  });

  it('still takes a clear typo of one lead, and a part of its name', async () => {
    const t = await team();
    await seedLead(t, 'Green Valley Foods', 'amit');
    expect(await send(t, 'amit', 'add activity for green valey foods, sent the price list')).toBe(
      '📝 Added to Green Valley Foods: sent the price list',
    );
    expect(await send(t, 'amit', 'add activity for Green Valley, called the owner')).toBe(
      '📝 Added to Green Valley Foods: called the owner',
    );
  });
});

describe('confirm what is risky', () => {
  it('refuses an impossible date with the reason and changes nothing', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Green Valley Foods', 'amit');
    expect(await send(t, 'amit', 'Schedule meeting with Green Valley Foods on 31 Feb 3pm')).toMatch(
      /^There is no 31 February\. Send the command again with a real date/,
    );
    expect(await send(t, 'amit', 'Green Valley Foods ki meeting 30 feb ko 3 baje rakho')).toMatch(
      /^30 February nahi hoti\./,
    );
    // In numbers too: a parser would have dropped "31/02" and booked today at 11.
    expect(await send(t, 'amit', 'Schedule demo with Green Valley Foods on 31/02 at 11am')).toMatch(
      /^There is no 31 February\./,
    );
    expect(await tasksOf(lead.id)).toHaveLength(0);
  });

  it('echoes a time in the past as one line to confirm: 2 drops it, 1 does it', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Green Valley Foods', 'amit');
    const ask = await send(t, 'amit', 'Schedule meeting with Green Valley Foods yesterday 3pm');
    expect(ask).toMatch(
      /^That time has passed: schedule the meeting with Green Valley Foods for .+3:00 pm\? 1 yes \/ 2 no$/,
    );
    expect(await tasksOf(lead.id)).toHaveLength(0);
    expect(await send(t, 'amit', '2')).toBe(cancelled.en);
    expect(await tasksOf(lead.id)).toHaveLength(0);
    await send(t, 'amit', 'Schedule meeting with Green Valley Foods yesterday 3pm');
    expect(await send(t, 'amit', '1')).toMatch(/^📅 Meeting with Green Valley Foods scheduled/);
    const [task] = await tasksOf(lead.id);
    expect(task.dueAt!.toISOString()).toBe(indiaAt(-1, 15).toISOString());
  });

  it("confirms reassigning someone else's lead before moving it", async () => {
    const t = await team();
    await seedLead(t, 'Green Valley Foods', 'amit');
    expect(await send(t, 'meera', 'Reassign Green Valley Foods to Sunil')).toBe(
      'Reassign Green Valley Foods from Amit to Sunil? 1 yes / 2 no',
    );
    expect((await leadBy(t, 'Green Valley Foods')).assigneeId).toBe(t.ids.amit);
    expect(await notificationsTo(t, 'sunil')).toHaveLength(0);
    expect(await send(t, 'meera', '1')).toMatch(/^🔁 Green Valley Foods reassigned to Sunil \(was with Amit\)/);
    expect((await leadBy(t, 'Green Valley Foods')).assigneeId).toBe(t.ids.sunil);
    // In Hindi, the question and the "no" in Hindi.
    expect(await send(t, 'meera', 'Green Valley Foods की लीड राहुल को दे दो')).toMatch(/राहुल|Rahul/);
    await send(t, 'meera', 'रहने दो');
    expect(await send(t, 'meera', 'Green Valley Foods की लीड अमित को दे दो')).toBe(
      'Green Valley Foods को Sunil से लेकर Amit को दें? 1 हाँ / 2 नहीं',
    );
    expect(await send(t, 'meera', '2')).toBe(cancelled.hi);
    expect((await leadBy(t, 'Green Valley Foods')).assigneeId).toBe(t.ids.sunil);
  });
});

describe('two readings', () => {
  it('echoes a command the interpreter was unsure of, and runs it only on 1', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Orbit', 'amit');
    // "assign the demo to Rekha": a demo to book, or the lead to hand over? The rules are unsure.
    const ask = await send(t, 'meera', 'assign the Orbit demo to Rekha');
    expect(ask).toBe("I'm not sure I read that right. Schedule a demo with Orbit, for Rekha? 1 yes / 2 no");
    expect(await tasksOf(lead.id)).toHaveLength(0);
    expect(await send(t, 'meera', 'no')).toBe(cancelled.en);
    expect(await tasksOf(lead.id)).toHaveLength(0);
    await send(t, 'meera', 'assign the Orbit demo to Rekha');
    expect(await send(t, 'meera', '1')).toMatch(/^When is the demo with Orbit\?/);
  });
});

describe('one meeting, not two', () => {
  it('asks "move it, or add another?" when one is upcoming; 1 moves it; a reschedule phrasing just moves it', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Green Valley Foods', 'amit');
    await send(t, 'amit', 'Schedule meeting with Green Valley Foods tomorrow 3pm');
    const ask = await send(t, 'amit', 'Green Valley Foods की मीटिंग परसों दोपहर 4 बजे कर दो');
    expect(ask).toMatch(
      /^Green Valley Foods के साथ एक मीटिंग पहले से .+ को तय है। उसे .+ पर ले जाएँ, या एक और जोड़ें\? 1 ले जाएँ \/ 2 एक और जोड़ें$/,
    );
    expect(await tasksOf(lead.id)).toHaveLength(1);
    expect(await send(t, 'amit', '1')).toMatch(/^🔁 Green Valley Foods के साथ मीटिंग .+ से .+ पर कर दी।/);
    let all = await tasksOf(lead.id);
    expect(all).toHaveLength(1);
    expect(all[0].dueAt!.toISOString()).toBe(indiaAt(2, 16).toISOString());

    await send(t, 'amit', 'Schedule meeting with Green Valley Foods tomorrow 11am');
    expect(await send(t, 'amit', '2')).toMatch(/^📅 Meeting with Green Valley Foods scheduled/);
    all = (await tasksOf(lead.id)).filter((x) => x.status === 'pending');
    expect(all).toHaveLength(2);

    await send(t, 'amit', 'Move the Green Valley Foods meeting to tomorrow 5pm');
    expect((await tasksOf(lead.id)).filter((x) => x.status === 'pending')).toHaveLength(2);
  });
});

describe('lifecycle commands', () => {
  it('won and lost with a reason, calls as type call, set score, update a field, and score follows the status', async () => {
    const t = await team();
    const orbit = await seedLead(t, 'Orbit Systems', 'amit');
    const mehta = await seedLead(t, 'Mehta Motors', 'amit');
    expect((await leadBy(t, 'Orbit Systems')).score).toBe(0);
    await send(t, 'amit', 'Orbit Systems is qualified');
    const qualified = (await leadBy(t, 'Orbit Systems')).score;
    expect(qualified).toBeGreaterThan(0);

    expect(await send(t, 'amit', 'Call Orbit Systems tomorrow at 11')).toMatch(
      /^📞 Call with Orbit Systems scheduled for .+11:00 am/,
    );
    const [call] = await tasksOf(orbit.id);
    expect(call).toMatchObject({ type: 'call', status: 'pending' });
    expect(call.dueAt!.toISOString()).toBe(indiaAt(1, 11).toISOString());

    expect(await send(t, 'amit', 'Orbit ka email orbit@x.in kar do')).toBe(
      '✏️ Orbit Systems ka email ab orbit@x.in hai.',
    );
    expect((await leadBy(t, 'Orbit Systems')).email).toBe('orbit@x.in');

    expect(await send(t, 'amit', 'Set Orbit Systems score to 80')).toBe(
      '✏️ Orbit Systems score set to 80 (was ' + qualified + ').',
    );
    expect((await leadBy(t, 'Orbit Systems')).score).toBe(80);

    expect(await send(t, 'amit', 'Orbit deal pakka ho gaya')).toMatch(
      /^🎉 Orbit Systems ki deal pakki! Status ab won hai\.$/,
    );
    expect(await leadBy(t, 'Orbit Systems')).toMatchObject({ status: 'won', score: 100 });

    expect(await send(t, 'amit', 'Lead lost for Mehta Motors, they went with a competitor')).toBe(
      'Mehta Motors marked lost. Reason: they went with a competitor',
    );
    expect(await leadBy(t, 'Mehta Motors')).toMatchObject({ status: 'lost', score: 0 });
    expect((await deps.db.select().from(notes).where(eq(notes.leadId, mehta.id))).map((n) => n.body)).toEqual([
      'Lost: they went with a competitor',
    ]);
    expect(await activityTypes(mehta.id)).toContain('status.changed');
  });
});

describe('won for an amount: the deal follows the lead', () => {
  const dealsOf = (leadId: string) =>
    deps.db
      .select({ title: deals.title, value: deals.value, currency: deals.currency, stage: deals.stage })
      .from(deals)
      .where(eq(deals.leadId, leadId));
  const addDeal = async (t: Awaited<ReturnType<typeof team>>, leadId: string, title: string) => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/leads/${leadId}/deals`,
      headers: t.owner.auth,
      payload: { title, value: 10000 },
    });
    expect(res.statusCode, res.body).toBe(201);
  };

  it('no open deal: a won deal of the amount said; one open deal: closed with the amount; several: none guessed', async () => {
    const t = await team();
    const gupta = await seedLead(t, 'Gupta Traders', 'amit');
    expect(await send(t, 'meera', 'Gupta Traders won for 2.5 lakh')).toMatch(
      /^🎉 Gupta Traders won! Status is now won\. Deal "Gupta Traders": won, ₹2,50,000\. Amit has been notified\.$/,
    );
    expect(await dealsOf(gupta.id)).toEqual([{ title: 'Gupta Traders', value: 250000, currency: 'INR', stage: 'won' }]);
    expect((await notificationsTo(t, 'amit')).at(-1)).toMatch(/won, ₹2,50,000/);

    const orbit = await seedLead(t, 'Orbit Systems', 'amit');
    await addDeal(t, orbit.id, 'Orbit annual plan');
    expect(await send(t, 'amit', 'Orbit ka deal 80k mein pakka ho gaya')).toMatch(
      /^🎉 Orbit Systems ki deal pakki! Status ab won hai\. Deal "Orbit annual plan": won, ₹80,000\.$/,
    );
    expect(await dealsOf(orbit.id)).toEqual([
      { title: 'Orbit annual plan', value: 80000, currency: 'INR', stage: 'won' },
    ]);

    const mehta = await seedLead(t, 'Mehta Motors', 'amit');
    await addDeal(t, mehta.id, 'Fleet A');
    await addDeal(t, mehta.id, 'Fleet B');
    expect(await send(t, 'amit', 'closed the deal with Mehta Motors for Rs 1,20,000')).toMatch(
      /several open deals, so none was changed: set the one won \(₹1,20,000\)/,
    );
    expect((await dealsOf(mehta.id)).map((d) => d.stage)).toEqual(['qualification', 'qualification']);
    expect(await leadBy(t, 'Mehta Motors')).toMatchObject({ status: 'won' });

    // Lost closes the one open deal as lost; a number that is no amount stays in the note.
    const vega = await seedLead(t, 'Vega Motors', 'amit');
    await addDeal(t, vega.id, 'Vega fleet');
    expect(await send(t, 'amit', 'Vega Motors lost, 50000 budget too high')).toBe(
      'Vega Motors marked lost. Deal "Vega fleet": lost. Reason: 50000 budget too high',
    );
    expect((await dealsOf(vega.id)).map((d) => [d.stage, d.value])).toEqual([['lost', 10000]]);
  });
});

describe('chit-chat and help', () => {
  it('chit-chat that mentions meetings changes nothing; help questions get help', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Green Valley Foods', 'amit');
    for (const text of [
      'that demo last week went on forever haha',
      'kal wali meeting mast thi',
      'कल वाली मीटिंग बहुत अच्छी रही',
    ]) {
      const r = await send(t, 'amit', text);
      expect(r, text).not.toMatch(/📅|scheduled|fix|तय/);
    }
    expect(await tasksOf(lead.id)).toHaveLength(0);
    expect(await send(t, 'amit', 'how do I schedule a demo?')).toMatch(/^Hi Amit! Tell me what to do/);
    expect(await send(t, 'amit', 'kya kya kar sakte ho?')).toMatch(
      /^Hi Amit! Mujhe English, Hindi ya Hinglish mein bolo/,
    );
    expect(await send(t, 'amit', 'मदद चाहिए')).toMatch(/^नमस्ते Amit|^Hi Amit/);
  });

  it('stores the user text verbatim and replies in the language of the command', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Vega Motors', 'amit');
    await send(t, 'amit', 'Vega Motors ki challenges: stock tracking mushkil hai');
    expect((await leadBy(t, 'Vega Motors')).challenges).toBe('stock tracking mushkil hai');
    expect(await send(t, 'amit', 'Vega Motors का डेमो कल सुबह 11 बजे रखो')).toMatch(
      /^📅 Vega Motors के साथ डेमो .+ को तय हो गया/,
    );
    expect(lead.id).toBeDefined();
    // History lines in the reply's language.
    const hi = await send(t, 'amit', 'Vega Motors का इतिहास दिखाओ');
    expect(hi).toMatch(/^Vega Motors का इतिहास · डेमो तय:\n• .+ · लीड बनी \(Meera\)\n/);
    expect(hi).toMatch(/· स्थिति: नई → डेमो तय$|· डेमो तय हुआ/);
    expect(await send(t, 'amit', 'Vega Motors ki history dikhao')).toMatch(/· Demo fix hua/);
  });
});
