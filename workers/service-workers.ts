// The Temporal worker of each domain service: its task queue, its activities and, for bookings, the workflows.
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { Worker, type ActivityInterceptorsFactory, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Config, ServiceName } from '../common/config.ts';
import { createEventsActivities } from '../activities/events.activities.ts';
import { createBookingsActivities } from '../activities/bookings.activities.ts';
import { createPaymentsActivities } from '../activities/payments.activities.ts';
import { paymentsContext } from '../domain/payments/gateways/registry.ts';
import type { Orm } from '../common/db/orm.ts';
import type { Metrics } from '../common/observability/metrics.ts';
import { createPlatformActivities } from '../activities/platform.activities.ts';
import { installTracing, SERVICE_ATTRIBUTE } from '../common/observability/tracing.ts';
import { TASK_QUEUES, WORKFLOW_TASK_QUEUE } from '../workflows/task-queues.ts';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Workflow interceptor modules, bundled with the workflows: each workflow run, update and signal is a span, and the
 * activities it schedules carry its trace context. Every workflow bundle (tests, images) must include them.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [
  createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

/** Each activity runs in a span continuing its workflow's trace, named with the service and task queue that ran it. */
function activityInterceptors(service: ServiceName): ActivityInterceptorsFactory[] {
  return [
    (ctx) => ({
      inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
      outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
    }),
    (ctx) => ({
      inbound: {
        execute: (input, next) => {
          trace.getActiveSpan()?.setAttributes({ [SERVICE_ATTRIBUTE]: service, 'temporal.task_queue': ctx.info.taskQueue });
          return next(input);
        },
      },
    }),
  ];
}

export interface WorkerDeps {
  service: ServiceName;
  orm: Orm;
  config: Config;
  /** Nudges the outbox relay after activities commit facts (it polls anyway). */
  outbox?: { kick(): void };
  metrics?: Metrics;
  connection: NativeConnection;
  namespace: string;
  /** A prebuilt workflow bundle (tests bundle once per run); without it the worker bundles at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

function activitiesFor(deps: WorkerDeps): object {
  const platform = createPlatformActivities({ service: deps.service, orm: deps.orm });
  switch (deps.service) {
    case 'events':
      return { ...platform, ...createEventsActivities({ orm: deps.orm, maxSeatsPerCustomer: deps.config.events.maxSeatsPerCustomer }) };
    case 'bookings':
      return {
        ...platform,
        ...createBookingsActivities({
          orm: deps.orm,
          published: () => deps.outbox?.kick(),
          ended: (status) => deps.metrics?.bookingOutcomes.inc({ status }),
        }),
      };
    case 'payments':
      return { ...platform, ...createPaymentsActivities(paymentsContext(deps.config, deps.orm, () => deps.outbox?.kick())) };
    default:
      return platform;
  }
}

export async function createServiceWorker(deps: WorkerDeps): Promise<Worker> {
  const taskQueue = TASK_QUEUES[deps.service];
  const hostsWorkflows = taskQueue === WORKFLOW_TASK_QUEUE;
  const tracing = installTracing(deps.service, deps.config);
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue,
    activities: activitiesFor(deps),
    interceptors: {
      activity: activityInterceptors(deps.service),
      // A prebuilt bundle already holds them.
      ...(hostsWorkflows && !deps.workflowBundle ? { workflowModules: WORKFLOW_INTERCEPTOR_MODULES } : {}),
    },
    ...(hostsWorkflows
      ? {
          ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
          // Spans made inside workflow sandboxes leave through this sink.
          sinks: {
            exporter: makeWorkflowExporter(
              tracing.workflowSpans as unknown as Parameters<typeof makeWorkflowExporter>[0],
              tracing.resource as unknown as Parameters<typeof makeWorkflowExporter>[1],
            ),
          },
        }
      : {}),
  });
}
