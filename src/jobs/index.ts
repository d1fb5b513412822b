// Every job, in one list.
import { routeJob } from '../inbound/route.ts';
import { refreshJob, sweepJobDef } from '../knowledge/jobs.ts';
import { digestJob } from '../nurture/digest.ts';
import { partJob, remindJob } from '../nurture/remind.ts';
import { nurtureSweepJob } from '../nurture/sweep.ts';
import { sendJob } from '../outbound/send.ts';
import { sweepJob } from '../outbound/sweep.ts';
import type { JobDef } from './queue.ts';

// nurture.part before nurture.remind: a drain (tests) then sends a reminder's parts one per round.
export const allJobs = [
  routeJob,
  sendJob,
  sweepJob,
  partJob,
  remindJob,
  nurtureSweepJob,
  digestJob,
  refreshJob,
  sweepJobDef,
] as unknown as JobDef<never, unknown>[];
