// Every job, in one list: the workers run these, and `parley serve` / `parley worker` set the
// schedules of the ones with a cron.
import { handoffWatchJob } from '../inbound/handoff-watch.ts';
import { routeJob } from '../inbound/route.ts';
import { knowledgeSweepJob, refreshJob } from '../knowledge/jobs.ts';
import { digestJob } from '../nurture/digest.ts';
import { remindJob } from '../nurture/remind.ts';
import { nurtureSweepJob } from '../nurture/sweep.ts';
import { readJob, sendJob } from '../outbound/send.ts';
import { sweepJob } from '../outbound/sweep.ts';
import type { Deps } from '../deps.ts';
import type { AnyJob } from './queue.ts';

/** Each handler's deps are a part of Deps: `satisfies` checks that the workers can give them. */
export const allJobs = [
  routeJob,
  sendJob,
  readJob,
  sweepJob,
  remindJob,
  nurtureSweepJob,
  digestJob,
  refreshJob,
  knowledgeSweepJob,
  handoffWatchJob,
] satisfies AnyJob<Deps>[];
