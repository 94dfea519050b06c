// Temporal client and worker connections for a service process, with a reachability check for /ready.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Config } from '../config.ts';

export interface Temporal {
  client: Client;
  connection: Connection;
  check(signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export async function connectTemporal(config: Pick<Config, 'temporal'>): Promise<Temporal> {
  const { address, namespace } = config.temporal;
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: '5s' });
  } catch (err) {
    throw new Error(`Temporal is not reachable at ${address}: ${(err as Error).message}`, { cause: err });
  }
  // Starts, updates and signals carry the caller's trace context to the workflow in their headers.
  const client = new Client({ connection, namespace, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } });
  return {
    client,
    connection,
    async check(signal) {
      await connection.withAbortSignal(signal, () => connection.workflowService.getSystemInfo({}));
    },
    close: () => connection.close(),
  };
}

export async function connectWorkerConnection(config: Pick<Config, 'temporal'>): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address: config.temporal.address });
  } catch (err) {
    throw new Error(`Temporal is not reachable at ${config.temporal.address}: ${(err as Error).message}`, { cause: err });
  }
}
