// A Temporal namespace of one test file's own on the run's dev server, with workers on the real task queue names
// that run the real workflow bundle over stub activities. The services' real workers poll the same queue names in
// the default namespace at the same time; a namespace apart keeps every task of these workflows away from them.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll } from 'vitest';
import type { BookingsActivities } from '../../activities/bookings.activities.ts';
import type { EventsActivities } from '../../activities/events.activities.ts';
import type { PaymentsActivities } from '../../activities/payments.activities.ts';
import { SEARCH_ATTRIBUTES } from '../../common/infra/temporal-cli.ts';
import { installTemporalRuntime } from '../../common/temporal/runtime.ts';
import { TASK_QUEUES } from '../../workflows/task-queues.ts';
import { testConfig, testLogger, workflowBundle } from './context.ts';
import { until } from './wait.ts';

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

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/** Registers a namespace with the search attributes the workflows upsert, and waits until it takes work. */
async function registerNamespace(connection: Connection, namespace: string): Promise<void> {
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  const names = SEARCH_ATTRIBUTES.map((attribute) => attribute.split('=')[0]!);
  // The frontend learns of a new namespace from its cache, which refreshes a moment after registration.
  await until(
    () =>
      connection.operatorService
        .addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(names.map((n) => [n, KEYWORD])) })
        .then(
          () => true,
          () => false,
        ),
    30_000,
    100,
  );
  await until(
    async () => {
      const known = await connection.operatorService.listSearchAttributes({ namespace });
      return names.every((n) => n in (known.customAttributes ?? {}));
    },
    30_000,
    100,
  );
}

/** Starts the bookings (workflows), events and payments workers of a fresh namespace over the given activities. */
export async function startStubTemporal(activities: StubActivitySets): Promise<StubTemporal> {
  installTemporalRuntime(testLogger());
  const { address } = testConfig().temporal;
  const namespace = `stubs-${randomUUID()}`;
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
