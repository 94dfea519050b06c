// The Temporal worker of each domain service: its task queue, its activities and, for bookings, the workflows.
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { ServiceName } from '../common/config.ts';
import type { Orm } from '../common/db/orm.ts';
import { createPlatformActivities } from '../activities/platform.activities.ts';
import { TASK_QUEUES, WORKFLOW_TASK_QUEUE } from '../workflows/task-queues.ts';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerDeps {
  service: ServiceName;
  orm: Orm;
  connection: NativeConnection;
  namespace: string;
  /** A prebuilt workflow bundle (tests bundle once per run); without it the worker bundles at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

function activitiesFor(deps: WorkerDeps): object {
  return { ...createPlatformActivities({ service: deps.service, orm: deps.orm }) };
}

export async function createServiceWorker(deps: WorkerDeps): Promise<Worker> {
  const taskQueue = TASK_QUEUES[deps.service];
  const hostsWorkflows = taskQueue === WORKFLOW_TASK_QUEUE;
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue,
    activities: activitiesFor(deps),
    ...(hostsWorkflows ? (deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }) : {}),
  });
}
