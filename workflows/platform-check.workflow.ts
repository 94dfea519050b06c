// Platform check: asks every service's worker, on its own task queue, to answer from its own database.
import { proxyActivities } from '@temporalio/workflow';
import type { PingResult, PlatformActivities } from '../activities/platform.activities.ts';
import { PING_ACTIVITIES } from './activity-options.ts';
import { TASK_QUEUES } from './task-queues.ts';

export interface PlatformCheckResult {
  services: PingResult[];
}

export async function platformCheckWorkflow(): Promise<PlatformCheckResult> {
  const services = await Promise.all(
    Object.values(TASK_QUEUES).map((taskQueue) => proxyActivities<PlatformActivities>({ ...PING_ACTIVITIES, taskQueue }).ping()),
  );
  return { services };
}
