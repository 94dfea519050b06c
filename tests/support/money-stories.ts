// The real platform for stories about money, shared by the files that tell them: started once per file with an admin
// signed in and a Temporal client for the workflows' results; after every test the invariants are checked over the
// events the test used.
import { writeFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { connectTemporal, type Temporal } from '../../common/temporal/temporal.ts';
import { checkInvariants } from '../../domain/invariants.ts';
import { testConfig } from './context.ts';
import type { Caller } from './http.ts';
import { startTestPlatform, type TestPlatform } from './platform.ts';
import { ADMIN, signIn } from './users.ts';

export interface MoneyStories {
  readonly platform: TestPlatform;
  /** Through the gateway, under /api/v1. */
  readonly api: Caller;
  /** The default admin's access token. */
  readonly admin: string;
  readonly temporal: Temporal;
  /** The events a test used: the invariants after it are checked over their bookings. */
  readonly events: string[];
  /** The amounts refunded of a payment, oldest first. */
  readonly refunds: (paymentId: string) => Promise<number[]>;
}

/** Registers the file's hooks; the answer's fields are there once `beforeAll` has run. */
export function moneyStories(env: Record<string, string> = { BOOKING_HOLD_TTL_SECONDS: '60' }): MoneyStories {
  let platform: TestPlatform | undefined;
  let temporal: Temporal | undefined;
  let admin = '';
  const events: string[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the platform is not started yet: use it inside a test');
    return value;
  };

  beforeAll(async () => {
    platform = await startTestPlatform(env);
    admin = (await signIn(platform.api, ADMIN.email, ADMIN.password)).accessToken;
    temporal = await connectTemporal(testConfig());
  }, 120_000);

  afterAll(async () => {
    await temporal?.close();
    await platform?.stop();
  });

  afterEach(async () => {
    expect(await checkInvariants(started(platform).orms, { eventIds: events.splice(0), terminal: true })).toEqual([]);
  });

  return {
    get platform() {
      return started(platform);
    },
    api: (...args) => started(platform).api(...args),
    get admin() {
      return admin;
    },
    get temporal() {
      return started(temporal);
    },
    events,
    refunds: async (paymentId) => {
      const rows = await started(platform)
        .orms.payments.em.fork()
        .execute<{ amount_minor: number }[]>(
          `select amount_minor from refund where payment_id = ? and status = 'SUCCEEDED' order by created_at`,
          [paymentId],
        );
      return rows.map((r) => r.amount_minor);
    },
  };
}

/** With RECORD_HISTORIES=1, a finished workflow's history becomes the replay fixture `tests/histories/<name>.json`. */
export async function keepHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  writeFileSync(new URL(`../histories/${name}.json`, import.meta.url), `${historyToJSON(await handle.fetchHistory())}\n`);
}

/**
 * Waits for a workflow to end (the test fails if it does not within `ms`) and answers its result; with
 * RECORD_HISTORIES=1 its history becomes the replay fixture `tests/histories/<name>.json`.
 */
export async function endedWorkflow<T>(workflowId: string, name: string, ms = 30_000): Promise<T> {
  const temporal = await connectTemporal(testConfig());
  try {
    const handle = temporal.client.workflow.getHandle(workflowId);
    const result = await Promise.race([
      handle.result() as Promise<T>,
      new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${workflowId} did not end within ${ms} ms`)), ms).unref()),
    ]);
    await keepHistory(handle, name);
    return result;
  } finally {
    await temporal.close();
  }
}
