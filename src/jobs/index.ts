// Every job, in one list.
import { routeJob } from '../inbound/route.ts';
import { sendJob } from '../outbound/send.ts';
import { sweepJob } from '../outbound/sweep.ts';
import type { JobDef } from './queue.ts';

export const allJobs = [routeJob, sendJob, sweepJob] as unknown as JobDef<never, unknown>[];
