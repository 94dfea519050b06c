// A domain service's Temporal worker: its task queue, its activities and, where it hosts them, the workflows, traced.
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import {
  Worker,
  bundleWorkflowCode,
  type ActivityInterceptorsFactory,
  type NativeConnection,
  type WorkerOptions,
} from '@temporalio/worker';
import type { UntypedActivities } from '@temporalio/common';
import type { ServiceName } from '../common/config.ts';
import { SERVICE_ATTRIBUTE, type Tracing } from '../common/observability/tracing.ts';
import { LOCAL_ACTIVITY_TYPES } from '../workflows/booking-record.ts';
import type { ServiceWorkflows } from './service-manifest.ts';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Workflow interceptor modules, bundled with the workflows: each workflow run, update and signal is a span, and the
 * activities it schedules carry its trace context. Every workflow bundle (tests, images) must include them.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [
  createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

/** The workflows and their interceptors as one bundle, built ahead of the workers that load it (tests, the fault harness). */
export async function bundleWorkflows(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    // Only webpack's errors are worth a line: its progress would bury a test run's output.
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  return code;
}

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
  taskQueue: string;
  activities: UntypedActivities;
  /**
   * The workflows this worker hosts, if any (the bookings service hosts them all, and its activities include the ones
   * the booking saga runs locally: LOCAL_ACTIVITY_TYPES).
   */
  workflows?: ServiceWorkflows;
  tracing: Tracing;
  connection: NativeConnection;
  namespace: string;
  /** A prebuilt workflow bundle (tests bundle once per run); without it the worker bundles at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/**
 * Local activities run on the worker that runs the workflow task, never on another service's queue: a worker that
 * hosts the workflows without them would fail every saga's first task, so it does not start.
 */
function assertHostsLocalActivities(deps: WorkerDeps): void {
  const missing = LOCAL_ACTIVITY_TYPES.filter((name) => typeof deps.activities[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(`the ${deps.service} worker hosts the workflows but not their local activities: ${missing.join(', ')}`);
  }
}

export async function createServiceWorker(deps: WorkerDeps): Promise<Worker> {
  const { workflows, tracing } = deps;
  if (workflows) assertHostsLocalActivities(deps);
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities: deps.activities,
    interceptors: {
      activity: activityInterceptors(deps.service),
      // A prebuilt bundle already holds them.
      ...(workflows && !deps.workflowBundle ? { workflowModules: workflows.interceptorModules } : {}),
    },
    ...(workflows
      ? {
          ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: workflows.path }),
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
