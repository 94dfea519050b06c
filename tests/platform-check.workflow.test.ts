import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { SERVICE_NAMES } from '../common/config.ts';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { installTemporalRuntime } from '../common/temporal/runtime.ts';
import { ormSettings } from '../entities/orm-settings.ts';
import { createServiceWorker } from '../workers/service-workers.ts';
import { platformCheckWorkflow } from '../workflows/platform-check.workflow.ts';
import { WORKFLOW_TASK_QUEUE } from '../workflows/task-queues.ts';
import { testConfig, testLogger, workflowBundle } from './support/context.ts';

const HISTORY_FILE = new URL('./histories/platform-check.completed.json', import.meta.url);

describe('platform check workflow', () => {
  const config = testConfig();
  const orms: Orm[] = [];
  const workers: Worker[] = [];
  const runs: Promise<void>[] = [];
  let nativeConnection: NativeConnection;
  let connection: Connection;

  beforeAll(async () => {
    installTemporalRuntime(testLogger());
    nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
    connection = await Connection.connect({ address: config.temporal.address });
    for (const service of SERVICE_NAMES) {
      const orm = await openServiceOrm(ormSettings(service, config), { migrate: false });
      orms.push(orm);
      const worker = await createServiceWorker({
        service,
        orm,
        config,
        connection: nativeConnection,
        namespace: 'default',
        workflowBundle: workflowBundle(),
      });
      workers.push(worker);
      runs.push(worker.run());
    }
  });

  afterAll(async () => {
    for (const worker of workers) worker.shutdown();
    await Promise.all(runs);
    await Promise.all(orms.map((orm) => orm.close()));
    await connection?.close();
    await nativeConnection?.close();
  });

  it("runs on the bookings queue and reaches every service's worker and database", async () => {
    const client = new Client({ connection });
    const handle = await client.workflow.start(platformCheckWorkflow, {
      taskQueue: WORKFLOW_TASK_QUEUE,
      workflowId: `platform-check-${Date.now()}`,
      workflowExecutionTimeout: '30 seconds',
    });
    const result = await handle.result();
    expect(result.services.map((s) => [s.service, s.database])).toEqual(SERVICE_NAMES.map((s) => [s, `eventix_test_${s}`]));
    // `RECORD_HISTORIES=1 npm run test:unit` refreshes the history that the replay test guards.
    if (process.env.RECORD_HISTORIES) writeFileSync(HISTORY_FILE, historyToJSON(await handle.fetchHistory()));
  });
});
