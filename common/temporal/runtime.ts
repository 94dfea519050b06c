// Installs the Temporal SDK runtime once per process: its logs (core's too) go through pino, and it leaves signals to us.
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from '../logger.ts';

let installed = false;

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'debug', // worker state changes are chatty; they stay at debug in our logs
  WARN: 'warn',
  ERROR: 'error',
};

/** The tracing interceptors name the trace `trace_id`/`span_id`; our log lines say `traceId`/`spanId` everywhere. */
function traceNamed(meta: LogMetadata): LogMetadata {
  if (!('trace_id' in meta)) return meta;
  const {
    trace_id: traceId,
    span_id: spanId,
    trace_flags: _flags,
    ...rest
  } = meta as { trace_id: string; span_id: string; trace_flags?: string };
  return { ...rest, traceId, spanId };
}

/**
 * `metricsAddress` (host:port) serves the SDK's worker metrics (task slots, poll latency, activity and workflow task
 * latency) in Prometheus text at /metrics on that second port.
 */
export function installTemporalRuntime(logger: Logger, metricsAddress?: string): void {
  if (installed) return;
  installed = true;
  const child = logger.child({ component: 'temporal' });
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    // Workers of services that host no workflows say so at WARN on every start; that is by design here.
    const effective = message.startsWith('No workflows registered') ? 'DEBUG' : level;
    child[LEVELS[effective]](traceNamed(meta ?? {}), message);
  };
  const adapter: TemporalLogger = {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
  Runtime.install({
    logger: adapter,
    shutdownSignals: [],
    // The SDK core's own warnings (a failing workflow task, say) go to our log as well, not straight to stderr.
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} },
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true } } } : {}),
    },
  });
}
