// Workers in a namespace of their own on the run's dev server, on the real task queue names, that run the real
// workflow bundle over stub activities. The services' real workers of the same test file poll the same queue names
// in the file's namespace; a namespace apart keeps every task of these workflows away from them.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll } from 'vitest';
import type { BookingsActivities } from '../../activities/bookings.activities.ts';
import type { EventsActivities } from '../../activities/events.activities.ts';
import type { PaymentsActivities } from '../../activities/payments.activities.ts';
import { installTemporalRuntime } from '../../common/temporal/runtime.ts';
import { TASK_QUEUES } from '../../workflows/task-queues.ts';
import { testConfig, testLogger, workflowBundle } from './context.ts';
import { namespaceName, registerNamespace } from './namespace.ts';

export interface StubActivitySets {
  events: EventsActivities;
  payments: PaymentsActivities;
  bookings: BookingsActivities;
}

export interface StubTemporal {
  client: Client;
  namespace: string;
  stop(): Promise<void>;
}

/** Starts the bookings (workflows), events and payments workers of a fresh namespace over the given activities. */
export async function startStubTemporal(activities: StubActivitySets): Promise<StubTemporal> {
  installTemporalRuntime(testLogger());
  const { address } = testConfig().temporal;
  const namespace = namespaceName('stubs');
  const connection = await Connection.connect({ address });
  await registerNamespace(connection, namespace);
  const native = await NativeConnection.connect({ address });
  const options = { connection: native, namespace };
  const workers = [
    await Worker.create({
      ...options,
      taskQueue: TASK_QUEUES.bookings,
      activities: activities.bookings,
      workflowBundle: workflowBundle(),
      // The bundle's tracing interceptors hand their spans to this sink; here nobody collects them.
      sinks: { exporter: { export: { fn: () => undefined } } },
    }),
    await Worker.create({ ...options, taskQueue: TASK_QUEUES.events, activities: activities.events }),
    await Worker.create({ ...options, taskQueue: TASK_QUEUES.payments, activities: activities.payments }),
  ];
  const runs = workers.map((w) => w.run());
  return {
    client: new Client({ connection, namespace }),
    namespace,
    async stop() {
      for (const worker of workers) worker.shutdown();
      await Promise.all(runs);
      await native.close();
      await connection.close();
    },
  };
}

/**
 * A stub Temporal for one describe block: started before its tests (with the activities `activities()` gives then),
 * stopped after them. Its client is read through the returned object once the block has started.
 */
export function useStubTemporal(activities: () => StubActivitySets): { readonly client: Client } {
  let temporal: StubTemporal | undefined;
  beforeAll(async () => {
    temporal = await startStubTemporal(activities());
  }, 60_000);
  afterAll(async () => {
    await temporal?.stop();
  });
  return {
    get client() {
      return temporal!.client;
    },
  };
}
