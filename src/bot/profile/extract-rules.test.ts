import { describe, expect, it } from 'vitest';
import { extractProfileFacts } from './extract-rules.ts';
import { PROFILE_FACT_KEYS, ProfileExtractionSchema, ProfileFactsSchema } from './facts.ts';
import { loadFixture, scoreRows, type Score } from './score.ts';

const facts = (text: string, ctx?: Parameters<typeof extractProfileFacts>[1]) => extractProfileFacts(text, ctx).facts;

describe('extractProfileFacts', () => {
  it('reads a name from "my name is", "mera naam … hai", "mein Name ist" and "I\'m …"', () => {
    expect(facts('Hi, my name is Marie Schmidt').name).toBe('Marie Schmidt');
    expect(facts('mera naam rahul hai').name).toBe('Rahul');
    expect(facts('Hallo, mein Name ist Stefan Wagner').name).toBe('Stefan Wagner');
    expect(facts("I'm Tom. I'd like a massage").name).toBe('Tom');
    expect(facts('main Pooja bol rahi hoon').name).toBe('Pooja');
  });

  it('does not take ordinary words after "I\'m", "ich bin" or "main" for a name', () => {
    for (const text of [
      "I'm tired of waiting",
      'Ich sitze im Rollstuhl',
      'Ich bin Lehrerin',
      'main diabetic hoon',
      "I'm Dr. Shah's patient",
      'Nut allergy here',
    ]) {
      expect(facts(text).name, text).toBeUndefined();
    }
  });

  it('skips the name of someone else', () => {
    expect(facts("My wife's name is Anita").name).toBeUndefined();
    expect(facts('mera beta Aarav hai').name).toBeUndefined();
  });

  it("reads an email address in lowercase, but not the business's or a company's", () => {
    expect(facts('My email is Marie.Schmidt@Email.com').email).toBe('marie.schmidt@email.com');
    expect(facts('Is info@clinic.com your email?').email).toBeUndefined();
    expect(facts('Our office email is admin@acme.co').email).toBeUndefined();
  });

  it('keeps fears stated in English, German and Hinglish', () => {
    for (const text of [
      "I'm terrified of dental work",
      'Ich habe Angst vor Spritzen',
      'mujhe injection se darr lagta hai',
    ]) {
      expect(facts(text).special_notes, text).toEqual([expect.objectContaining({ category: 'fear' })]);
    }
  });

  it("skips other people's facts", () => {
    for (const text of [
      'my friend is scared of dentists',
      'meri wife ko allergy hai',
      'Mein Mann hat Angst vor dem Zahnarzt',
      'My son is allergic to penicillin',
      'My husband prefers Dr. Weber',
      'He can only come on weekends',
    ]) {
      expect(facts(text), text).toEqual({});
    }
  });

  it('skips negated and past facts', () => {
    for (const text of [
      "I'm not afraid of needles",
      'mujhe koi allergy nahi hai',
      'Ich habe keine Angst, alles gut',
      'mujhe darr nahi lagta',
      "I was scared of needles as a kid but I'm fine now",
      "I used to have a latex allergy but it's gone now",
      "I don't mind calls at all",
    ]) {
      expect(facts(text), text).toEqual({});
    }
  });

  it('keeps no care note from a message that takes itself back, but one that says it is no joke', () => {
    // found by a new user's trial: "…allergic to... just kidding" stored a false allergy note
    for (const text of [
      'Also my accountant is allergic to... just kidding, we need GST invoicing, do you support it?',
      'I am scared of dentists lol jk',
      'mujhe injection se dar lagta hai, mazaak tha',
    ])
      expect(facts(text).special_notes, text).toBeUndefined();
    expect(facts('mujhe injection se bahut dar lagta hai, mazaak nahi').special_notes).toEqual([
      expect.objectContaining({ category: 'fear' }),
    ]);
    expect(facts("I'm not kidding, I have diabetes").special_notes).toEqual([
      expect.objectContaining({ category: 'medical' }),
    ]);
  });

  it('finds no facts in information questions, but reads request questions', () => {
    for (const text of [
      'Do you use latex-free gloves?',
      'Is Dr. Weber working next week?',
      'kitne ka hai hair spa?',
      'What time do you close on Saturdays?',
      'Hallo, können Sie mir sagen ob Sie samstags offen haben?',
    ]) {
      expect(facts(text), text).toEqual({});
    }
    expect(facts('Can I get an appointment with Dr. Weber? She was so gentle last time').preferred_staff).toBe(
      'Dr. Weber',
    );
    expect(facts('Can I bring my mum with me for support?').special_notes).toEqual([
      expect.objectContaining({ category: 'request' }),
    ]);
  });

  it('keeps a statement made before a question in the same sentence', () => {
    expect(facts("I'm really scared of needles, is that a problem?").special_notes?.[0].category).toBe('fear');
  });

  it('finds nothing in chit-chat', () => {
    for (const text of ['ok', 'Thanks a lot!', 'haan ji', 'Danke schön, bis dann!', 'Good morning!', '👍👍', '']) {
      expect(facts(text), text).toEqual({});
    }
  });

  it('turns busy hours into before/after bounds on a 24-hour clock', () => {
    expect(facts("I prefer morning appointments, I'm usually busy after 2pm").preferred_times).toEqual({
      part_of_day: 'morning',
      before: '14:00',
    });
    expect(facts('I work until 5, so evenings only').preferred_times).toEqual({
      part_of_day: 'evening',
      after: '17:00',
    });
    expect(facts('Vor 9 Uhr geht leider nicht').preferred_times).toEqual({ after: '09:00' });
    expect(facts('shaam 6 ke baad').preferred_times).toEqual({ part_of_day: 'evening', after: '18:00' });
    expect(facts('10 baje se pehle nahi aa paunga').preferred_times).toEqual({ after: '10:00' });
    expect(facts("I can't do mornings").preferred_times).toEqual({ after: '12:00' });
  });

  it('uses lowercase English weekday names and expands weekends and weekdays', () => {
    expect(facts('Tuesdays or Thursdays after 3pm suit me best').preferred_times).toEqual({
      days: ['tuesday', 'thursday'],
      after: '15:00',
    });
    expect(facts('sirf weekend pe free hoon').preferred_times?.days).toEqual(['saturday', 'sunday']);
    expect(facts('Only after 6 pm on weekdays please').preferred_times?.days).toEqual([
      'monday',
      'tuesday',
      'wednesday',
      'thursday',
      'friday',
    ]);
    expect(facts('Montags und mittwochs passt es mir am besten').preferred_times?.days).toEqual([
      'monday',
      'wednesday',
    ]);
  });

  it('does not take a one-off slot or a ruled-out day for a preference', () => {
    for (const text of [
      'Can I come tomorrow at 4?',
      'Thanks, see you on Thursday!',
      'Kann ich morgen um 10 kommen?',
      'Fridays are impossible for me',
      'Book me for Monday 10am please',
    ]) {
      expect(facts(text).preferred_times, text).toBeUndefined();
    }
  });

  it('reads call and channel wishes', () => {
    expect(facts('call mat karna, WhatsApp pe message karo').communication_preferences).toEqual({
      no_calls: true,
      channel: 'whatsapp',
    });
    expect(facts('kein Anruf bitte').communication_preferences).toEqual({ no_calls: true });
    expect(facts('Email is better for me than WhatsApp').communication_preferences).toEqual({ channel: 'email' });
    expect(facts('mujhe call kar lena, typing nahi hoti').communication_preferences).toEqual({ channel: 'phone' });
  });

  it('reads a language request as an ISO 639-1 code, never the language of the message', () => {
    expect(facts('Bitte auf Deutsch').communication_preferences).toEqual({ language: 'de' });
    expect(facts('Hindi mein baat kar sakte hain?').communication_preferences).toEqual({ language: 'hi' });
    expect(facts("English please, I don't speak Hindi").communication_preferences).toEqual({ language: 'en' });
    expect(facts('mujhe subah ka time chahiye').communication_preferences).toBeUndefined();
  });

  it('folds a care wish into the note of the condition it belongs to', () => {
    const notes = facts('I have a latex allergy so please use latex-free gloves').special_notes;
    expect(notes).toHaveLength(1);
    expect(notes?.[0]).toMatchObject({ category: 'allergy' });
    expect(notes?.[0].text).toContain('latex-free gloves');
  });

  it('reads the staff member with a title, dropping honorifics', () => {
    expect(facts("Priya ma'am se hi karwana hai").preferred_staff).toBe('Priya');
    expect(facts('Gerne wieder bei Frau Dr. Keller').preferred_staff).toBe('Dr. Keller');
    expect(facts('Can I get Mr. Kapoor for my next lesson?').preferred_staff).toBe('Kapoor');
    expect(facts('Not Dr. Klein again please').preferred_staff).toBeUndefined();
  });

  it('keeps services the customer wants, not those they ask the price of or refuse', () => {
    expect(facts('haircut aur beard trim dono chahiye').preferred_services).toEqual(['haircut', 'beard trim']);
    expect(facts('How much is teeth whitening?').preferred_services).toBeUndefined();
    expect(facts("I don't want whitening, just a cleaning").preferred_services).toEqual(['cleaning']);
    expect(facts('I want to book a haircut for my son').preferred_services).toBeUndefined();
  });

  it('records a declined field, and a bare refusal of the field the bot asked for', () => {
    expect(facts('email nahi dena chahta').declined).toBe('email');
    expect(facts("I'd rather not share my full name").declined).toBe('name');
    expect(facts('I prefer not to share that').declined).toBeUndefined();
    expect(facts('I prefer not to share that', { askedFor: 'email' }).declined).toBe('email');
  });

  it('answers a bare name when the bot asked for it', () => {
    expect(facts('rahul sharma', { askedFor: 'name' }).name).toBe('Rahul Sharma');
    expect(facts('rahul sharma').name).toBeUndefined();
  });

  it('marks corrections so the storage layer can keep history', () => {
    expect(extractProfileFacts('Actually my name is Katherine, not Kate')).toMatchObject({
      facts: { name: 'Katherine' },
      corrects: ['name'],
    });
    expect(extractProfileFacts('sorry, I meant Tuesday')).toMatchObject({
      facts: { preferred_times: { days: ['tuesday'] } },
      corrects: ['preferred_times'],
    });
    expect(extractProfileFacts('galti ho gayi, Tuesday nahi Wednesday').facts.preferred_times).toEqual({
      days: ['wednesday'],
    });
    expect(extractProfileFacts('My name is Rahul').corrects).toBeUndefined();
    const known = { email: 'old@example.com' };
    expect(extractProfileFacts('sorry, it is new@example.com', { known }).corrects).toEqual(['email']);
  });

  it('gives a confidence in 0…1 for every fact found and for nothing else', () => {
    const result = extractProfileFacts("Hi, I'm Anna. I'm scared of needles, mornings only please. anna@example.com");
    expect(ProfileExtractionSchema.parse(result)).toEqual(result);
    expect(Object.keys(result.confidence).sort()).toEqual(Object.keys(result.facts).sort());
  });

  it('stays fast on hostile input (no regex backtracking blow-up)', () => {
    extractProfileFacts('warm up: I am Anna, scared of needles, after 5pm, Dr. Weber');
    for (const text of [
      'a'.repeat(4000),
      'a.'.repeat(1500) + '@' + 'b.'.repeat(400),
      'my name is '.repeat(350),
      '10:30 - '.repeat(400),
      'book with '.repeat(300),
    ]) {
      const started = performance.now();
      extractProfileFacts(text);
      // ~20 ms on an idle machine; catastrophic backtracking would take minutes, so the bound only
      // has to tell those apart, also on a machine busy with other work.
      expect(performance.now() - started, text.slice(0, 20)).toBeLessThan(2000);
    }
  });

  it('copes with very long and odd input', () => {
    expect(() => extractProfileFacts('a'.repeat(100_000))).not.toThrow();
    expect(() => extractProfileFacts('?!.,;:()-–— \n\n ?')).not.toThrow();
    expect(facts(undefined as unknown as string)).toEqual({});
  });
});

// Fixture floors. The target is micro-F1 ≥ 0.85 on held-out messages and ≥ 90% of
// messages without facts yielding none. dev.jsonl is what the rules were developed on, so its
// floors are higher; per-key floors on the held-out set apply to keys with at least 5 items.
describe('profile fixtures', () => {
  const run = (file: string): Score => {
    const rows = loadFixture(new URL(`../../../test/fixtures/profile/${file}`, import.meta.url));
    return scoreRows(rows.map((r) => ({ expected: r.expected, actual: extractProfileFacts(r.text).facts })));
  };

  it('has at least 200 dev and 80 held-out messages, each valid and with a unique id', () => {
    const dev = loadFixture(new URL('../../../test/fixtures/profile/dev.jsonl', import.meta.url));
    const holdout = loadFixture(new URL('../../../test/fixtures/profile/holdout.jsonl', import.meta.url));
    expect(dev.length).toBeGreaterThanOrEqual(200);
    expect(holdout.length).toBeGreaterThanOrEqual(80);
    const ids = [...dev, ...holdout].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every extraction on the fixtures parses with ProfileFactsSchema', () => {
    for (const file of ['dev.jsonl', 'holdout.jsonl']) {
      for (const row of loadFixture(new URL(`../../../test/fixtures/profile/${file}`, import.meta.url))) {
        expect(ProfileFactsSchema.safeParse(extractProfileFacts(row.text).facts).success, row.id).toBe(true);
      }
    }
  });

  it('dev: micro precision and recall ≥ 0.97, every key ≥ 0.9, ≥ 97% of no-fact messages yield none', () => {
    const s = run('dev.jsonl');
    expect(s.micro.precision).toBeGreaterThanOrEqual(0.97);
    expect(s.micro.recall).toBeGreaterThanOrEqual(0.97);
    for (const key of PROFILE_FACT_KEYS) {
      expect(s.perKey[key].precision, `${key} precision`).toBeGreaterThanOrEqual(0.9);
      expect(s.perKey[key].recall, `${key} recall`).toBeGreaterThanOrEqual(0.9);
    }
    expect(s.noFacts.rate).toBeGreaterThanOrEqual(0.97);
  });

  it('holdout: micro-F1 ≥ 0.9, precision ≥ 0.9, keys with ≥ 5 items F1 ≥ 0.8, ≥ 90% of no-fact messages yield none', () => {
    const s = run('holdout.jsonl');
    expect(s.micro.f1).toBeGreaterThanOrEqual(0.9);
    expect(s.micro.precision).toBeGreaterThanOrEqual(0.9);
    for (const key of PROFILE_FACT_KEYS) {
      const k = s.perKey[key];
      if (k.tp + k.fn >= 5) expect(k.f1, `${key} f1`).toBeGreaterThanOrEqual(0.8);
    }
    expect(s.noFacts.rate).toBeGreaterThanOrEqual(0.9);
  });
});
