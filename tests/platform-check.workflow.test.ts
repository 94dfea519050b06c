import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { SERVICE_NAMES } from '../common/config.ts';
import { installTemporalRuntime } from '../common/temporal/runtime.ts';
import { workerActivities, type OpenedDomainService } from '../workers/service-runtime.ts';
import { SERVICES } from '../workers/services.ts';
import { createServiceWorker } from '../workers/temporal-worker.ts';
import { platformCheckWorkflow } from '../workflows/platform-check.workflow.ts';
import { WORKFLOW_TASK_QUEUE } from '../workflows/task-queues.ts';
import { openService, testConfig, testLogger, testTracing, workflowBundle } from './support/context.ts';

const HISTORY_FILE = new URL('./histories/platform-check.completed.json', import.meta.url);

describe('platform check workflow', () => {
  const config = testConfig();
  const services: OpenedDomainService[] = [];
  const workers: Worker[] = [];
  const runs: Promise<void>[] = [];
  let nativeConnection: NativeConnection;
  let connection: Connection;

  beforeAll(async () => {
    installTemporalRuntime(testLogger());
    nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
    connection = await Connection.connect({ address: config.temporal.address });
    for (const service of SERVICE_NAMES) {
      const opened = await openService(service, config, testLogger());
      services.push(opened);
      const worker = await createServiceWorker({
        service,
        taskQueue: SERVICES[service].taskQueue,
        activities: workerActivities(opened),
        workflows: SERVICES[service].workflows,
        tracing: testTracing(),
        connection: nativeConnection,
        namespace: config.temporal.namespace,
        workflowBundle: workflowBundle(),
      });
      workers.push(worker);
      runs.push(worker.run());
    }
  });

  afterAll(async () => {
    for (const worker of workers) worker.shutdown();
    await Promise.all(runs);
    await Promise.all(services.map((opened) => opened.close()));
    await connection?.close();
    await nativeConnection?.close();
  });

  it("runs on the bookings queue and reaches every service's worker and database", async () => {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const handle = await client.workflow.start(platformCheckWorkflow, {
      taskQueue: WORKFLOW_TASK_QUEUE,
      workflowId: `platform-check-${Date.now()}`,
      workflowExecutionTimeout: '30 seconds',
    });
    const result = await handle.result();
    expect(result.services.map((s) => [s.service, s.database])).toEqual(
      SERVICE_NAMES.map((s) => [s, new URL(config.services[s].databaseUrl).pathname.slice(1)]),
    );
    // `RECORD_HISTORIES=1 npm run test:unit` refreshes the history that the replay test guards.
    if (process.env.RECORD_HISTORIES) writeFileSync(HISTORY_FILE, historyToJSON(await handle.fetchHistory()));
  });
});
