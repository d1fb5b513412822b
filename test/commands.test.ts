// The sales-team bot end to end: a member's WhatsApp message (signed webhook) → ingest → routing →
// the command → CRM rows, the reply to the sender and the assignee's notification out through the
// fake Graph API. Also the in-app channel (POST /app) and the simulator.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { activities, conversations, notes, users } from '../src/db/schema/index.ts';
import { drainJobs } from './helpers/app.ts';
import { PHONES, teamBench } from './helpers/team-bot.ts';

const { app, deps, team, send, notificationsTo, graphTo, leadBy, tasksOf, activityTypes, indiaAt, seedLead } =
  await teamBench();

describe('new lead', () => {
  it('creates, assigns, confirms in English and notifies the assignee on WhatsApp', async () => {
    const t = await team();
    const reply = await send(t, 'meera', 'New lead: Orbit Textiles, Kavita Rao, 98450 12345, Trade fair, Sunil');
    expect(reply).toMatch(
      /^✅ Lead created by Meera and assigned to Sunil: Orbit Textiles \(Kavita Rao, \+919845012345, Trade fair\)\. I've let Sunil know\./,
    );
    const lead = await leadBy(t, 'Orbit Textiles');
    expect(lead).toMatchObject({
      contactName: 'Kavita Rao',
      phone: '+919845012345',
      source: 'Trade fair',
      assigneeId: t.ids.sunil,
      createdById: t.ids.meera,
      status: 'new',
    });
    const [created] = await deps.db.select().from(activities).where(eq(activities.leadId, lead.id));
    expect(created).toMatchObject({
      type: 'lead.created',
      text: 'Lead created by Meera Kapoor and assigned to Sunil Shah',
      actorId: t.ids.meera,
    });
    expect(await notificationsTo(t, 'sunil')).toEqual([
      'New lead for you from Meera: Orbit Textiles (Kavita Rao, +919845012345, Trade fair).',
    ]);
    // Out through the fake Graph API as the window template (Sunil never wrote in).
    const sent = graphTo(t, 'sunil');
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({ type: 'template', template: { name: 'team_update' } });
    expect(JSON.stringify(sent[0].body)).toContain('New lead for you from Meera');
  });

  it('in Hinglish and Hindi (Devanagari assignee), defaulting to the sender when nobody is named', async () => {
    const t = await team();
    const hinglish = await send(
      t,
      'meera',
      'Naya lead: Nimbus Labs, Arjun Mehta, +91 90000 11111, Google Ads se aaya, Rekha ko de do',
    );
    expect(hinglish).toMatch(
      /^✅ Lead ban gayi: Nimbus Labs \(Arjun Mehta, \+919000011111, Google Ads\)\. Meera ne banayi, Rekha ko assign ki\. Rekha ko bata diya hai\./,
    );
    expect((await leadBy(t, 'Nimbus Labs')).assigneeId).toBe(t.ids.rekha);
    expect(await notificationsTo(t, 'rekha')).toEqual([
      expect.stringMatching(/^Meera ne aapko nayi lead di: Nimbus Labs/),
    ]);

    const hindi = await send(t, 'meera', 'नई लीड: ऑर्बिट टेक्सटाइल्स, कविता राव, 98450 12345, ट्रेड फेयर, सुनील');
    expect(hindi).toMatch(
      /^✅ लीड बन गई: ऑर्बिट टेक्सटाइल्स \(कविता राव, \+919845012345, ट्रेड फेयर\)। Meera ने बनाई, Sunil को असाइन की।/,
    );
    expect((await leadBy(t, 'ऑर्बिट टेक्सटाइल्स')).assigneeId).toBe(t.ids.sunil);

    const mine = await send(t, 'amit', 'add lead Zeta Corp');
    expect(mine).toMatch(/assigned to you: Zeta Corp\./);
    expect((await leadBy(t, 'Zeta Corp')).assigneeId).toBe(t.ids.amit);
    expect(await notificationsTo(t, 'amit')).toEqual([]);
  });

  it('asks who an unknown assignee is, then takes the answer', async () => {
    const t = await team();
    const ask = await send(t, 'meera', 'New lead: Acme Corp, Ravi, 98111 22222, Website, Rohan');
    expect(ask).toMatch(
      /I don't know a team member called "Rohan"\. The team: .*Amit Verma.*Sunil Shah.*\. Who should it go to\?/,
    );
    expect(await leadBy(t, 'Acme Corp')).toBeUndefined();
    const done = await send(t, 'meera', 'Neha');
    expect(done).toMatch(/assigned to Neha: Acme Corp/);
    expect((await leadBy(t, 'Acme Corp')).assigneeId).toBe(t.ids.neha);
    expect(await notificationsTo(t, 'neha')).toHaveLength(1);
  });

  it('says which lead already has the phone number', async () => {
    const t = await team();
    await send(t, 'meera', 'New lead: Orbit Textiles, Kavita Rao, 98450 12345, Trade fair, Sunil');
    const dup = await send(t, 'meera', 'New lead: Orbit Fabrics, Kavita, 098450-12345, Website');
    expect(dup).toMatch(/098450-12345 is already on the lead Orbit Textiles \(assigned to Sunil\)/);
    expect(await leadBy(t, 'Orbit Fabrics')).toBeUndefined();
  });
});

describe('qualification', () => {
  it('qualifies, asks for the missing details in one question, and saves the next answer to that lead', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Orbit Textiles', 'sunil');
    const ask = await send(t, 'sunil', 'Lead qualified for Orbit Textiles');
    expect(ask).toMatch(
      /^✅ Orbit Textiles is now qualified\.\nTo complete Orbit Textiles, send me the address, turnover, current system, challenges in one message/,
    );
    expect((await leadBy(t, 'Orbit Textiles')).status).toBe('qualified');
    const saved = await send(
      t,
      'sunil',
      'Address: 12 MG Road Pune, Turnover: 5 Cr, Current system: Tally, Challenges: manual billing',
    );
    expect(saved).toBe(
      '✅ Saved for Orbit Textiles: address: 12 MG Road Pune; turnover: 5 Cr; current system: Tally; challenges: manual billing.',
    );
    expect(await leadBy(t, 'Orbit Textiles')).toMatchObject({
      address: '12 MG Road Pune',
      turnover: '5 Cr',
      currentSystem: 'Tally',
      challenges: 'manual billing',
    });
    expect(await activityTypes(lead.id)).toEqual(['lead.created', 'status.changed', 'lead.details_added']);
    const [conv] = await deps.db
      .select()
      .from(conversations)
      .where(
        and(
          eq(conversations.workspaceId, t.workspaceId),
          eq(conversations.memberId, t.ids.sunil),
          eq(conversations.channel, 'whatsapp'),
        ),
      );
    expect(conv.state).not.toHaveProperty('pending');
  });

  it('in Hinglish: a partial answer keeps asking for the rest; an unlabelled answer still counts', async () => {
    const t = await team();
    await seedLead(t, 'Nimbus Labs', 'rekha');
    const ask = await send(t, 'rekha', 'Nimbus Labs ka lead qualify ho gaya');
    expect(ask).toMatch(
      /^✅ Nimbus Labs qualified ho gayi\.\nNimbus Labs ki ye details ek message mein bhej do: address, turnover, current system, challenges/,
    );
    const part = await send(t, 'rekha', 'turnover 8 cr hai aur abhi Tally use karte hai');
    expect(part).toMatch(
      /^Nimbus Labs ke liye save kiya: turnover: 8 cr; current system: Tally\.\nAbhi bhi baaki: address, challenges\./,
    );
    const rest = await send(t, 'rekha', 'Andheri East Mumbai, 8 cr, Tally, stock visibility nahi hai');
    expect(rest).toMatch(/^✅ Nimbus Labs ke liye save kiya: address: Andheri East Mumbai/);
    expect(await leadBy(t, 'Nimbus Labs')).toMatchObject({
      address: 'Andheri East Mumbai',
      challenges: 'stock visibility nahi',
    });
  });

  it('in Hindi, with the company in Devanagari matching the Latin lead', async () => {
    const t = await team();
    await seedLead(t, 'Orbit Textiles', 'sunil');
    const ask = await send(t, 'sunil', 'ऑर्बिट टेक्सटाइल्स की लीड क्वालिफाई हो गई');
    expect(ask).toMatch(
      /^✅ Orbit Textiles क्वालिफाइड हो गई।\nOrbit Textiles की ये जानकारी एक मैसेज में भेजें: पता, टर्नओवर, मौजूदा सिस्टम, चुनौतियाँ/,
    );
    const saved = await send(t, 'sunil', 'पता: 12 एमजी रोड पुणे, टर्नओवर: 5 करोड़, मौजूदा सिस्टम: टैली, चुनौतियाँ: मैनुअल बिलिंग');
    expect(saved).toMatch(/^✅ Orbit Textiles के लिए सेव किया: पता: 12 एमजी रोड पुणे; टर्नओवर: 5 करोड़/);
    expect((await leadBy(t, 'Orbit Textiles')).turnover).toBe('5 करोड़');
  });

  it('in English, with the company in Latin matching a lead stored in Devanagari', async () => {
    // found by a new user's trial: a lead added in Hindi was not found by its Latin spelling
    const t = await team();
    await seedLead(t, 'गुप्ता ट्रेडर्स', 'sunil');
    const reply = await send(t, 'sunil', 'Gupta Traders ke saath kal subah 11 baje meeting fix karo');
    expect(reply).toMatch(/^📅 गुप्ता ट्रेडर्स ke saath meeting .+ fix ho gaya/);
    expect((await leadBy(t, 'गुप्ता ट्रेडर्स')).status).toBe('meeting_scheduled');
  });
});

describe('meetings and demos', () => {
  it('schedules with a time: task, status, the assignee notified (English)', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Orbit Textiles', 'sunil');
    const reply = await send(t, 'meera', 'Schedule meeting with Orbit Textiles tomorrow 3pm assigned to Rekha');
    expect(reply).toMatch(
      /^📅 Meeting with Orbit Textiles scheduled for .+, 3:00 pm, assigned to Rekha\. Rekha has been notified\./,
    );
    const [task] = await tasksOf(lead.id);
    expect(task).toMatchObject({ type: 'meeting', status: 'pending', assigneeId: t.ids.rekha });
    expect(task.dueAt!.toISOString()).toBe(indiaAt(1, 15).toISOString());
    expect((await leadBy(t, 'Orbit Textiles')).status).toBe('meeting_scheduled');
    expect(await notificationsTo(t, 'rekha')).toEqual([
      expect.stringMatching(/^📅 Meeting with Orbit Textiles on .+3:00 pm, scheduled for you by Meera\./),
    ]);
    expect(graphTo(t, 'rekha')).toHaveLength(1);
  });

  it('asks for a missing time and takes "kal 11 baje" as the answer (Hinglish demo)', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Nimbus Labs', 'rekha');
    const ask = await send(t, 'rekha', 'Nimbus Labs ka demo fix karo');
    expect(ask).toBe('Nimbus Labs ke saath demo kab hai? Din aur time bhejo, jaise "kal 3 baje".');
    expect(await tasksOf(lead.id)).toHaveLength(0);
    const done = await send(t, 'rekha', 'kal 11 baje');
    expect(done).toMatch(/^📅 Nimbus Labs ke saath demo .+11:00 am ko fix ho gaya\.$/);
    const [task] = await tasksOf(lead.id);
    expect(task).toMatchObject({ type: 'demo', assigneeId: t.ids.rekha });
    expect(task.dueAt!.toISOString()).toBe(indiaAt(1, 11).toISOString());
    expect((await leadBy(t, 'Nimbus Labs')).status).toBe('demo_scheduled');
  });

  it('reschedules the pending meeting (Hinglish) and records old → new; notifies the assignee', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Orbit Textiles', 'sunil');
    await send(t, 'sunil', 'Schedule meeting with Orbit Textiles tomorrow 3pm');
    const moved = await send(t, 'meera', 'Orbit wali meeting parso dopahar 2 baje shift kar do');
    expect(moved).toMatch(
      /^🔁 Orbit Textiles ke saath meeting .+3:00 pm se .+2:00 pm par shift ho gaya\. Sunil ko bata diya\./,
    );
    const all = await tasksOf(lead.id);
    expect(all).toHaveLength(1);
    expect(all[0].dueAt!.toISOString()).toBe(indiaAt(2, 14).toISOString());
    const [act] = await deps.db
      .select()
      .from(activities)
      .where(and(eq(activities.leadId, lead.id), eq(activities.type, 'meeting.rescheduled')));
    expect(act.text).toMatch(/rescheduled from .*3:00 pm to .*2:00 pm by Meera Kapoor/);
    expect((await notificationsTo(t, 'sunil')).at(-1)).toMatch(
      /^🔁 Orbit Textiles ke saath meeting .+ shift, Meera ne kiya\./,
    );
  });

  it('meeting done (English) and demo done (Hindi): task done, status, note, nurture hook', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Orbit Textiles', 'sunil');
    await send(t, 'sunil', 'Schedule meeting with Orbit Textiles tomorrow 3pm');
    const met = await send(t, 'sunil', 'Meeting done for Orbit Textiles, they want a trial.');
    expect(met).toBe('✅ Meeting with Orbit Textiles marked done. Note saved: they want a trial');
    expect((await tasksOf(lead.id))[0].status).toBe('done');
    expect((await leadBy(t, 'Orbit Textiles')).status).toBe('qualified');
    expect((await deps.db.select().from(notes).where(eq(notes.leadId, lead.id))).map((n) => n.body)).toEqual([
      'they want a trial',
    ]);

    await send(t, 'sunil', 'ऑर्बिट टेक्सटाइल्स का डेमो कल सुबह 11 बजे रखो');
    const demo = await send(t, 'sunil', 'ऑर्बिट टेक्सटाइल्स का डेमो हो गया, उनको प्राइसिंग चाहिए');
    expect(demo).toBe('✅ Orbit Textiles के साथ डेमो पूरा हो गया। नोट सेव किया: उनको प्राइसिंग चाहिए');
    expect((await leadBy(t, 'Orbit Textiles')).status).toBe('demo_done');
    expect(await activityTypes(lead.id)).toEqual(
      expect.arrayContaining([
        'meeting.scheduled',
        'meeting.completed',
        'demo.scheduled',
        'demo.completed',
        'note.added',
      ]),
    );
  });
});

describe('the other languages of each meeting command', () => {
  it('schedules (Hindi, asking the time in Hindi), reschedules (English, Hindi) and marks done (Hinglish)', async () => {
    const t = await team();
    const orbit = await seedLead(t, 'Orbit Textiles', 'sunil');
    const nimbus = await seedLead(t, 'Nimbus Labs', 'sunil');

    expect(await send(t, 'sunil', 'ऑर्बिट टेक्सटाइल्स के साथ मीटिंग तय करो')).toBe(
      'Orbit Textiles के साथ मीटिंग कब है? दिन और समय भेजें, जैसे "कल 3 बजे"।',
    );
    expect(await send(t, 'sunil', 'कल शाम 5 बजे')).toMatch(/^📅 Orbit Textiles के साथ मीटिंग .+5:00 pm को तय हो गई।$/);
    expect((await tasksOf(orbit.id))[0].dueAt!.toISOString()).toBe(indiaAt(1, 17).toISOString());
    expect(await send(t, 'sunil', 'ऑर्बिट टेक्सटाइल्स की मीटिंग परसों दोपहर 2 बजे शिफ्ट कर दो')).toMatch(
      /^🔁 Orbit Textiles के साथ मीटिंग .+5:00 pm से .+2:00 pm पर कर दी।$/,
    );
    expect((await tasksOf(orbit.id))[0].dueAt!.toISOString()).toBe(indiaAt(2, 14).toISOString());

    expect(await send(t, 'sunil', 'Schedule demo for Nimbus Labs tomorrow 11am')).toMatch(
      /^📅 Demo with Nimbus Labs scheduled for .+11:00 am\.$/,
    );
    expect(await send(t, 'sunil', 'Reschedule demo for Nimbus Labs to day after tomorrow 4pm')).toMatch(
      /^🔁 Demo with Nimbus Labs moved from .+11:00 am to .+4:00 pm\.$/,
    );
    expect((await tasksOf(nimbus.id))[0].dueAt!.toISOString()).toBe(indiaAt(2, 16).toISOString());
    expect(await send(t, 'sunil', 'Demo ho gaya Nimbus Labs ka, unko pricing chahiye')).toBe(
      '✅ Nimbus Labs ke saath demo done mark kar diya. Note save kiya: unko pricing chahiye',
    );
    expect(await send(t, 'sunil', 'Orbit Textiles ki meeting ho gayi, client khush tha')).toBe(
      '✅ Orbit Textiles ke saath meeting done mark kar diya. Note save kiya: client khush tha',
    );
    expect((await tasksOf(nimbus.id))[0].status).toBe('done');
    expect((await leadBy(t, 'Nimbus Labs')).status).toBe('demo_done');

    expect(await send(t, 'sunil', 'मेरे परसों के टास्क दिखाओ')).toMatch(
      /^आपके टास्क, .+:\n• 2:00 pm · मीटिंग · Orbit Textiles ✓\n• 4:00 pm · डेमो · Nimbus Labs ✓$/,
    );
    expect(await send(t, 'sunil', 'Orbit Textiles ki history dikhao')).toMatch(
      /^Orbit Textiles ki history · qualified:\n• .+ · Lead bani \(Meera\)\n/,
    );
    expect(await send(t, 'sunil', 'मदद')).toMatch(/^नमस्ते Sunil! मुझे हिंदी, हिंग्लिश या अंग्रेज़ी में बताइए/);
    expect(await send(t, 'sunil', 'kuch bhi nahi pata')).toMatch(/^Sorry, samajh nahi aaya\. Aise likho:/);
  });
});

describe('activities, reassignment, follow-ups', () => {
  it('adds an activity in all three languages', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Orbit Textiles', 'sunil');
    expect(
      await send(t, 'sunil', 'Add activity for Orbit Textiles, Called the client, they asked for a new proposal.'),
    ).toBe('📝 Added to Orbit Textiles: Called the client, they asked for a new proposal');
    expect(await send(t, 'sunil', 'Orbit Textiles mein activity add karo: client ko call kiya')).toBe(
      '📝 Orbit Textiles mein add kiya: client ko call kiya',
    );
    expect(await send(t, 'sunil', 'ऑर्बिट टेक्सटाइल्स के लिए नोट: क्लाइंट को कॉल किया')).toBe(
      '📝 Orbit Textiles में जोड़ा: क्लाइंट को कॉल किया',
    );
    expect((await deps.db.select().from(notes).where(eq(notes.leadId, lead.id))).map((n) => n.body)).toHaveLength(3);
  });

  it('reassigns (English, Hinglish, Hindi), moves pending tasks and notifies new and old assignee', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Nimbus Labs', 'sunil');
    await send(t, 'sunil', 'Schedule demo for Nimbus Labs tomorrow 4pm');
    // Someone else's lead: echoed to confirm first, nothing moves until "1".
    expect(await send(t, 'meera', 'Reassign Nimbus Labs to Rekha')).toBe(
      'Reassign Nimbus Labs from Sunil to Rekha? 1 yes / 2 no',
    );
    expect((await leadBy(t, 'Nimbus Labs')).assigneeId).toBe(t.ids.sunil);
    const en = await send(t, 'meera', '1');
    expect(en).toBe('🔁 Nimbus Labs reassigned to Rekha (was with Sunil). Notified Rekha and Sunil.');
    expect((await leadBy(t, 'Nimbus Labs')).assigneeId).toBe(t.ids.rekha);
    expect((await tasksOf(lead.id))[0].assigneeId).toBe(t.ids.rekha);
    expect((await notificationsTo(t, 'rekha')).at(-1)).toBe('Meera assigned Nimbus Labs to you (was with Sunil).');
    expect((await notificationsTo(t, 'sunil')).at(-1)).toBe('Meera reassigned Nimbus Labs from you to Rekha.');
    expect(await activityTypes(lead.id)).toContain('lead.reassigned');

    expect(await send(t, 'meera', 'Nimbus Labs ko Amit ko de do')).toBe(
      'Nimbus Labs ko Rekha se lekar Amit ko dein? 1 haan / 2 nahi',
    );
    expect(await send(t, 'meera', '1')).toMatch(/^🔁 Nimbus Labs ab Amit ke paas hai \(pehle Rekha ke paas thi\)\./);
    expect(await send(t, 'meera', 'निम्बस लैब्स को नेहा को दे दो')).toBe(
      'Nimbus Labs को Amit से लेकर Neha को दें? 1 हाँ / 2 नहीं',
    );
    expect(await send(t, 'meera', 'हाँ')).toMatch(/^🔁 Nimbus Labs अब Neha के पास है \(पहले Amit के पास थी\)।/);
    expect((await leadBy(t, 'Nimbus Labs')).assigneeId).toBe(t.ids.neha);
  });

  it('stops follow-ups with an activity', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Orbit Textiles', 'sunil');
    expect(await send(t, 'sunil', 'Orbit Textiles ke follow-ups band karo')).toBe(
      '🛑 Orbit Textiles ke follow-ups band kar diye.',
    );
    expect(await activityTypes(lead.id)).toContain('followups.stopped');
    expect(await send(t, 'sunil', 'stop follow-ups for Orbit Textiles')).toBe(
      '🛑 Follow-ups for Orbit Textiles stopped.',
    );
    expect(await send(t, 'sunil', 'ऑर्बिट टेक्सटाइल्स के फॉलो-अप बंद करो')).toBe('🛑 Orbit Textiles के फॉलो-अप बंद कर दिए।');
  });
});

describe('finding the lead', () => {
  it('asks which one among close matches, and "2" answers it', async () => {
    const t = await team();
    await seedLead(t, 'Nimbus Labs', 'sunil');
    const foods = await seedLead(t, 'Nimbus Foods', 'sunil');
    const ask = await send(t, 'sunil', 'Add activity for Nimbus, sent the brochure');
    expect(ask).toMatch(
      /^Which "Nimbus" do you mean\?\n1\. Nimbus (Foods|Labs) \(Kavita Rao\) · new\n2\. Nimbus (Foods|Labs) \(Kavita Rao\) · new\nReply with the number\.$/,
    );
    const second = /\n2\. (Nimbus \w+)/.exec(ask)![1];
    const done = await send(t, 'sunil', '2');
    expect(done).toBe(`📝 Added to ${second}: sent the brochure`);
    const target = second === 'Nimbus Foods' ? foods : await leadBy(t, 'Nimbus Labs');
    expect((await deps.db.select().from(notes).where(eq(notes.leadId, target.id))).map((n) => n.body)).toEqual([
      'sent the brochure',
    ]);
  });

  it('uses a single fuzzy match (typos, case) and offers to create a missing lead', async () => {
    const t = await team();
    const lead = await seedLead(t, 'Orbit Textiles', 'sunil');
    expect(await send(t, 'sunil', 'add activity for orbit textile, visited the factory')).toBe(
      '📝 Added to Orbit Textiles: visited the factory',
    );
    const none = await send(t, 'sunil', 'Add activity for Zenith Motors, called the owner');
    expect(none).toMatch(/^I couldn't find a lead called "Zenith Motors"\. Reply "yes" to create it/);
    const made = await send(t, 'sunil', 'yes');
    expect(made).toBe(
      '✅ Lead Zenith Motors created and assigned to you.\n📝 Added to Zenith Motors: called the owner',
    );
    expect((await leadBy(t, 'Zenith Motors')).assigneeId).toBe(t.ids.sunil);
    expect(lead.id).toBeDefined();
    // Devanagari finds the Latin lead; an unknown one is offered in Hindi, and "हाँ" creates it.
    expect(await send(t, 'sunil', 'ज़ेनिथ मोटर्स के लिए नोट: मालिक से बात हुई')).toBe(
      '📝 Zenith Motors में जोड़ा: मालिक से बात हुई',
    );
    expect(await send(t, 'sunil', 'डेल्टा स्टील के लिए नोट: कोटेशन भेजा')).toMatch(
      /^"डेल्टा स्टील" नाम की कोई लीड नहीं मिली। नई बनानी हो तो "हाँ" भेजें/,
    );
    expect(await send(t, 'sunil', 'haan')).toBe(
      '✅ लीड डेल्टा स्टील बना दी, आपको असाइन की।\n📝 डेल्टा स्टील में जोड़ा: कोटेशन भेजा',
    );
  });

  it("refuses an agent another agent's lead, saying why", async () => {
    const t = await team();
    const lead = await seedLead(t, 'Orbit Textiles', 'sunil');
    const no = await send(t, 'rekha', 'Meeting done for Orbit Textiles');
    expect(no).toBe(
      "Orbit Textiles is Sunil's lead. Agents can only work on their own leads; ask a manager to reassign it to you.",
    );
    expect(await activityTypes(lead.id)).toEqual(['lead.created']);
  });
});

describe('lists and history', () => {
  it('agents see their own leads and tasks; managers anyone’s or everyone’s', async () => {
    const t = await team();
    await seedLead(t, 'Orbit Textiles', 'sunil');
    await seedLead(t, 'Nimbus Labs', 'rekha');
    await send(t, 'meera', 'Schedule meeting with Orbit Textiles tomorrow 3pm');
    await send(t, 'meera', 'Schedule demo for Nimbus Labs tomorrow 5pm');

    expect(await send(t, 'sunil', 'my leads')).toBe(
      'Your leads (1):\n1. Orbit Textiles (Kavita Rao) · meeting scheduled',
    );
    expect(await send(t, 'sunil', 'Rekha ki leads dikhao')).toBe(
      'Agent sirf apni leads dekh sakte hain. Rekha ki leads ke liye manager se poochho.',
    );
    expect(await send(t, 'meera', 'show leads of Rekha')).toBe(
      "Rekha's leads (1):\n1. Nimbus Labs (Kavita Rao) · demo scheduled",
    );
    expect(await send(t, 'meera', 'show all leads')).toMatch(
      /^All leads \(2\):\n1\. Nimbus Labs .* → Rekha\n2\. Orbit Textiles .* → Sunil$/,
    );
    expect(await send(t, 'rekha', 'मेरी लीड्स दिखाओ')).toBe('आपके लीड (1):\n1. Nimbus Labs (Kavita Rao) · डेमो तय');

    const kal = await send(t, 'sunil', 'kal ke mere tasks dikhao');
    expect(kal).toMatch(/^Aapki tasks, .+:\n• 3:00 pm · Meeting · Orbit Textiles$/);
    expect(await send(t, 'sunil', 'my tasks')).toMatch(
      /^Your tasks, upcoming:\n• .+3:00 pm · Meeting · Orbit Textiles$/,
    );
    expect(await send(t, 'meera', 'Rekha ke kal ke tasks')).toMatch(
      /^Rekha ki tasks, .+:\n• 5:00 pm · Demo · Nimbus Labs$/,
    );
    expect(await send(t, 'amit', 'Sunil ke tasks dikhao')).toMatch(/^Agent sirf apni tasks dekh sakte hain/);
    expect(await send(t, 'amit', 'my tasks')).toBe('Your tasks, upcoming: nothing scheduled.');
  });

  it('shows the recent history of a lead (English, Hindi)', async () => {
    const t = await team();
    await seedLead(t, 'Orbit Textiles', 'sunil');
    await send(t, 'sunil', 'Add activity for Orbit Textiles, called the client');
    const en = await send(t, 'sunil', 'Show history of Orbit Textiles');
    expect(en).toMatch(
      /^History of Orbit Textiles · new:\n• .+ · Lead created by Meera Kapoor and assigned to Sunil Shah\n• .+ · Sunil Shah added a note: called the client$/,
    );
    const hi = await send(t, 'sunil', 'ऑर्बिट टेक्सटाइल्स की हिस्ट्री दिखाओ');
    expect(hi).toMatch(/^Orbit Textiles का इतिहास · नई:\n/);
  });
});

describe('help and not understood', () => {
  it('answers help and greetings with examples in the language, and unknown text with a hint', async () => {
    const t = await team();
    expect(await send(t, 'amit', 'hi')).toMatch(
      /^Hi Amit! Tell me what to do, in English, Hindi or Hinglish\. For example:\n• New lead:/,
    );
    expect(await send(t, 'amit', 'help')).toMatch(/^Hi Amit! Tell me what to do/);
    expect(await send(t, 'amit', 'bhai help chahiye')).toMatch(/^Hi Amit! Mujhe English, Hindi ya Hinglish mein bolo/);
    expect(await send(t, 'amit', 'the weather is lovely today')).toMatch(
      /^Sorry, I didn't understand that\. Try, for example:/,
    );
    expect(await send(t, 'amit', 'मौसम अच्छा है')).toMatch(/^माफ़ कीजिए, समझ नहीं आया।/);
  });
});

describe('other channels', () => {
  it('runs a command from the in-app channel and returns the reply in the response', async () => {
    const t = await team();
    const res = await app.inject({
      method: 'POST',
      url: '/app',
      headers: t.sessions.meera.auth,
      payload: { text: 'New lead: Metro Tiles, Suresh, 98765 43210, Website, Amit' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().reply).toMatch(/^✅ Lead created by Meera and assigned to Amit: Metro Tiles/);
    await drainJobs(deps);
    expect(await notificationsTo(t, 'amit')).toEqual([
      expect.stringMatching(/^New lead for you from Meera: Metro Tiles/),
    ]);
    expect(graphTo(t, 'amit')).toHaveLength(1);
  });

  it('runs a command from a member number in the simulator', async () => {
    const t = await team();
    const res = await app.inject({
      method: 'POST',
      url: '/api/simulator/messages',
      headers: t.owner.auth,
      payload: { from: `+${PHONES.sunil}`, text: 'add lead Delta Steel' },
    });
    expect(res.statusCode).toBe(202);
    await drainJobs(deps);
    const thread = (
      await app.inject({
        method: 'GET',
        url: `/api/simulator/messages?phone=%2B${PHONES.sunil}`,
        headers: t.owner.auth,
      })
    ).json();
    expect(thread.data.at(-1).text).toMatch(/^✅ Lead created by Sunil and assigned to you: Delta Steel\./);
    const [u] = await deps.db.select().from(users).where(eq(users.id, t.ids.sunil));
    expect((await leadBy(t, 'Delta Steel')).assigneeId).toBe(u.id);
  });
});
