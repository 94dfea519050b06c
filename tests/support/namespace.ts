// A Temporal namespace of one test file's own on the run's dev server. One server serves the whole run and the test
// files run in parallel on the same task queue names; a namespace apart keeps each file's workers to its own tasks.
import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../common/infra/temporal-cli.ts';
import { until } from './wait.ts';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/** A fresh namespace name; `label` says in the Web UI what it was for. */
export function namespaceName(label: string): string {
  return `${label.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}-${randomBytes(4).toString('hex')}`;
}

/** Registers a namespace with the search attributes the workflows upsert, and waits until it takes them. */
export async function registerNamespace(connection: Connection, namespace: string): Promise<void> {
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  const names = SEARCH_ATTRIBUTES.map((attribute) => attribute.split('=')[0]!);
  // The frontend may learn of a new namespace from its cache a moment after registration.
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

/** Registers a fresh namespace on the server at `address` and returns its name. */
export async function freshNamespace(address: string, label: string): Promise<string> {
  const namespace = namespaceName(label);
  const connection = await Connection.connect({ address });
  try {
    await registerNamespace(connection, namespace);
  } finally {
    await connection.close();
  }
  return namespace;
}
