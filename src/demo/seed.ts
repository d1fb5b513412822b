// The demo workspace a new user sees on first start: a small sales team selling accounting
// software, with leads in every stage, deals, tasks, notes and the history those made.
import type { DbOrTx } from '../db/client.ts';
import { createUser } from '../auth/users.ts';
import type { Actor } from '../crm/actor.ts';
import { createDeal, updateDeal } from '../crm/deals.ts';
import { createLead, updateLead } from '../crm/leads.ts';
import { addNote } from '../crm/notes.ts';
import { createTask, updateTask } from '../crm/tasks.ts';
import { createWorkspace, type Workspace } from '../crm/workspaces.ts';
import type { LeadStatus } from '../db/schema/index.ts';
import { createSequence, type SequenceInput } from '../nurture/sequences.ts';
import { enrollLead } from '../nurture/enroll.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { addDays, instantOf, wallAt } from '../lib/zone.ts';
import { seedDemoConversations } from './conversations.ts';

export const DEMO_PASSWORD = 'parley-demo';
export const DEMO_LOGIN = 'priya@demo.parley.local';

const team = [
  { name: 'Priya Sharma', email: DEMO_LOGIN, role: 'owner', phone: '+91 98100 00001' },
  { name: 'Amit Verma', email: 'amit@demo.parley.local', role: 'manager', phone: '+91 98100 00002' },
  { name: 'Rekha Iyer', email: 'rekha@demo.parley.local', role: 'agent', phone: '+91 98100 00003' },
  { name: 'Sunil Kumar', email: 'sunil@demo.parley.local', role: 'agent', phone: '+91 98100 00004' },
] as const;

type DemoLead = {
  company: string;
  contactName: string;
  phone: string;
  email?: string;
  position?: string;
  source: string;
  by: number;
  to: number;
  path: LeadStatus[];
  score: number;
  details?: { address?: string; turnover?: string; currentSystem?: string; challenges?: string; requirements?: string };
  deal?: {
    title: string;
    value: number;
    stage: 'qualification' | 'proposal' | 'negotiation' | 'won' | 'lost';
    probability: number;
  };
  tasks?: { type: 'meeting' | 'demo' | 'follow_up' | 'call'; inHours: number; done?: boolean; description?: string }[];
  note?: string;
};

const leads: DemoLead[] = [
  {
    company: 'Orbit Textiles',
    contactName: 'Kavita Rao',
    phone: '98450 12345',
    email: 'kavita@orbittextiles.in',
    position: 'Finance Head',
    source: 'Trade fair',
    by: 0,
    to: 3,
    path: ['contacted', 'qualified', 'demo_scheduled', 'demo_done'],
    score: 78,
    details: {
      address: 'Peenya Industrial Area, Bengaluru',
      turnover: '₹40 crore',
      currentSystem: 'Tally ERP 9',
      challenges: 'Month-end closing takes 10 days; GST reconciliation by hand',
    },
    deal: { title: 'Orbit Textiles — 25 user licence', value: 450000, stage: 'proposal', probability: 60 },
    tasks: [
      { type: 'demo', inHours: -48, done: true },
      { type: 'follow_up', inHours: 26, description: 'Send the proposal and the GST module brochure' },
    ],
    note: 'Very interested in the GST reconciliation module; CFO joins the next call.',
  },
  {
    company: 'Nimbus Labs',
    contactName: 'Arjun Mehta',
    phone: '+91 90000 11111',
    email: 'arjun@nimbuslabs.io',
    position: 'COO',
    source: 'Google Ads',
    by: 1,
    to: 2,
    path: ['contacted', 'qualified', 'meeting_scheduled'],
    score: 55,
    details: {
      turnover: '₹8 crore',
      currentSystem: 'Spreadsheets',
      challenges: 'No stock visibility across 3 warehouses',
    },
    tasks: [{ type: 'meeting', inHours: 28 }],
  },
  {
    company: 'Green Valley Foods',
    contactName: 'Meera Nair',
    phone: '+91 94470 22334',
    source: 'Referral',
    by: 1,
    to: 1,
    path: ['contacted', 'qualified', 'demo_scheduled', 'demo_done', 'proposal'],
    score: 70,
    deal: { title: 'Green Valley — ERP + payroll', value: 820000, stage: 'proposal', probability: 50 },
    tasks: [{ type: 'call', inHours: 3, description: 'Walk through the proposal' }],
  },
  {
    company: 'Blue Ocean Logistics',
    contactName: 'Farhan Sheikh',
    phone: '+91 98200 33445',
    source: 'Website',
    by: 0,
    to: 1,
    path: ['contacted', 'qualified', 'demo_scheduled', 'demo_done', 'proposal', 'negotiation'],
    score: 85,
    deal: { title: 'Blue Ocean — fleet accounting', value: 1250000, stage: 'negotiation', probability: 75 },
    tasks: [{ type: 'meeting', inHours: 50, description: 'Pricing discussion with the director' }],
  },
  {
    company: 'Kaveri Pharma',
    contactName: 'Dr. Sanjay Rao',
    phone: '+91 80 4123 4567',
    source: 'Trade fair',
    by: 1,
    to: 3,
    path: ['contacted', 'qualified', 'demo_done', 'won', 'customer'],
    score: 95,
    deal: { title: 'Kaveri Pharma — 40 users', value: 960000, stage: 'won', probability: 100 },
    note: 'Go-live planned next month; wants training in Kannada.',
  },
  {
    company: 'Lotus Hotels',
    contactName: 'Neha Kapoor',
    phone: '+91 99100 44556',
    source: 'Cold call',
    by: 2,
    to: 2,
    path: ['contacted', 'lost'],
    score: 10,
    note: 'Chose a competitor on price.',
  },
  {
    company: 'Metro Auto Parts',
    contactName: 'Ravi Gupta',
    phone: '+91 98111 55667',
    source: 'WhatsApp',
    by: 3,
    to: 3,
    path: [],
    score: 20,
    tasks: [{ type: 'call', inHours: 5, description: 'First call: understand their billing setup' }],
  },
  {
    company: 'Sai Electricals',
    contactName: 'Suresh Patil',
    phone: '+91 97300 66778',
    source: 'Referral',
    by: 2,
    to: 2,
    path: ['contacted'],
    score: 35,
    tasks: [{ type: 'follow_up', inHours: -20, description: 'Share pricing sheet' }],
  },
];

/** The Message Master's post-demo sequence: the assignee gets each text to forward on Day 1, 3 and 7. */
const followUps: SequenceInput = {
  name: 'After the demo',
  trigger: 'demo_done',
  steps: [
    {
      delayDays: 1,
      text: 'Hi {contact_name}, thank you for your time at the BrightBooks demo on {demo_date}! As promised, here is our GST reconciliation brochure. Happy to answer any questions. — {assignee}, BrightBooks',
      attachments: [
        {
          url: 'https://brightbooks.example/brochures/gst-reconciliation.pdf',
          caption: 'BrightBooks GST reconciliation',
          filename: 'BrightBooks-GST.pdf',
        },
      ],
    },
    {
      delayDays: 3,
      text: 'Hi {contact_name}, did your team get a chance to discuss the demo? I can set up a free 14-day trial for {company} this week.',
    },
    {
      delayDays: 7,
      text: 'Hi {contact_name}, just checking in: shall we plan the rollout for {company}? Our onboarding team can start next week.',
    },
  ],
};

// Seeding runs before the job queue starts: reminder jobs are left to nurture.sweep, which
// queues due reminders that have no job.
const noQueue = { enqueue: async () => undefined, enqueueMany: async () => undefined } as unknown as JobQueue;

/**
 * A demo task `inHours` from now, at a working hour of the workspace (10:00–18:00, on the half
 * hour) rather than whatever the clock says at seeding: an upcoming task stays upcoming, an
 * overdue one overdue.
 */
function demoDue(now: Date, inHours: number, timeZone: string): Date {
  const { date, minutes } = wallAt(now.getTime() + inHours * 3600_000, timeZone);
  const m = Math.min(Math.max(Math.round(minutes / 30) * 30, 10 * 60), 18 * 60);
  let due = instantOf(date, Math.floor(m / 60), m % 60, timeZone);
  if (inHours > 0 && due <= now.getTime()) due = instantOf(addDays(date, 1), 10, 0, timeZone);
  if (inHours < 0 && due >= now.getTime()) due = instantOf(addDays(date, -1), 17, 0, timeZone);
  return new Date(due);
}

/** Creates the demo workspace and its data. Returns the workspace. */
export async function seedDemo(db: DbOrTx, opts: { isDefault?: boolean; now?: Date } = {}): Promise<Workspace> {
  const now = opts.now ?? new Date();
  const ws = await createWorkspace(db, {
    name: 'BrightBooks Sales (demo)',
    isDefault: opts.isDefault ?? true,
    settings: {
      business_name: 'BrightBooks',
      sells: 'accounting and ERP software for small businesses',
      business_hours: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], open: '10:00', close: '19:00' },
    },
  });
  const members: Awaited<ReturnType<typeof createUser>>[] = [];
  for (const m of team) members.push(await createUser(db, ws.id, { ...m, password: DEMO_PASSWORD }));
  const actor = (i: number): Actor => ({ workspaceId: ws.id, userId: members[i].id, role: members[i].role });

  await createSequence(db, actor(0), followUps);
  for (const l of leads) {
    const by = actor(l.by);
    const lead = await createLead(db, by, {
      company: l.company,
      contactName: l.contactName,
      phone: l.phone,
      email: l.email,
      position: l.position,
      source: l.source,
      assigneeId: members[l.to].id,
    });
    const owner = actor(l.to);
    for (const status of l.path) await updateLead(db, owner, lead.id, { status });
    await updateLead(db, owner, lead.id, {
      score: l.score,
      ...l.details,
      lastContactAt: new Date(now.getTime() - 24 * 3600_000),
    });
    if (l.deal) {
      const deal = await createDeal(db, owner, lead.id, {
        title: l.deal.title,
        value: l.deal.value,
        stage: 'qualification',
        probability: 20,
      });
      if (l.deal.stage !== 'qualification')
        await updateDeal(db, owner, deal.id, { stage: l.deal.stage, probability: l.deal.probability });
    }
    for (const t of l.tasks ?? []) {
      const task = await createTask(db, owner, {
        leadId: lead.id,
        type: t.type,
        description: t.description,
        dueAt: demoDue(now, t.inHours, ws.timeZone),
        priority: l.score > 70 ? 'high' : 'medium',
      });
      if (t.done) await updateTask(db, owner, task.id, { status: 'done' });
    }
    if (l.note) await addNote(db, owner, lead.id, l.note);
    // The demo that was done yesterday started the follow-ups: its reminders are on the lead page.
    if (l.path.at(-1) === 'demo_done')
      await enrollLead(db, noQueue, {
        workspaceId: ws.id,
        leadId: lead.id,
        assigneeId: members[l.to].id,
        trigger: 'demo_done',
        triggerKey: `demo:${lead.id}`,
        at: new Date(now.getTime() - 20 * 3600_000),
        actorId: members[l.to].id,
      });
  }
  await seedDemoConversations(db, ws, members, now);
  return ws;
}
