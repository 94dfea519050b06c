// The payment activities under Temporal's retries: a charge whose first attempt times out after the gateway captured
// still captures once; a declined card fails at once and is not retried.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createPaymentsActivities } from '../activities/payments.activities.ts';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { installTemporalRuntime } from '../common/temporal/runtime.ts';
import { connectTemporal, type Temporal } from '../common/temporal/temporal.ts';
import { paymentsContext } from '../domain/payments/gateways/registry.ts';
import type { TestGateway } from '../domain/payments/gateways/test-gateway.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig, testLogger } from './support/context.ts';
import type { chargeOnce } from './workflows/charge.workflow.ts';

describe('payment activities under Temporal', () => {
  // The slow test card answers after 2.5 s; the activity gives up on an attempt after 1 s.
  const config = testConfig({ TEST_GATEWAY_SLOW_MS: '2500' });
  const workflowQueue = `test-charge-${randomUUID()}`;
  const paymentsQueue = `test-payments-${randomUUID()}`;
  let orm: Orm;
  let temporal: Temporal;
  let connection: NativeConnection;
  let workers: Worker[];
  let runs: Promise<void>[];
  let gateway: TestGateway;

  beforeAll(async () => {
    installTemporalRuntime(testLogger());
    orm = await openServiceOrm(ormSettings('payments', config), { migrate: false });
    const ctx = paymentsContext(config, orm);
    gateway = ctx.gateways.get('test') as TestGateway;
    temporal = await connectTemporal(config);
    connection = await NativeConnection.connect({ address: config.temporal.address });
    const bundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./workflows/charge.workflow.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    });
    workers = [
      await Worker.create({ connection, namespace: config.temporal.namespace, taskQueue: workflowQueue, workflowBundle: bundle }),
      await Worker.create({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: paymentsQueue,
        activities: createPaymentsActivities(ctx),
      }),
    ];
    runs = workers.map((w) => w.run());
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers ?? []) worker.shutdown();
    await Promise.all(runs ?? []);
    await connection?.close();
    await temporal?.close();
    await orm?.close();
  });

  function run(paymentMethod: string) {
    const input = {
      bookingId: randomUUID(),
      customerId: randomUUID(),
      amountMinor: 7_500,
      currency: 'EUR',
      gateway: 'test',
      paymentMethod,
      idempotencyKey: `${randomUUID()}:1`,
    };
    return {
      input,
      handle: temporal.client.workflow.start<typeof chargeOnce>('chargeOnce', {
        taskQueue: workflowQueue,
        workflowId: `test-charge-${randomUUID()}`,
        args: [{ taskQueue: paymentsQueue, charge: input, startToCloseMs: 1_000 }],
      }),
    };
  }

  async function attempts(handle: Awaited<ReturnType<typeof run>['handle']>): Promise<number[]> {
    const history = await handle.fetchHistory();
    return (history.events ?? []).flatMap((e) =>
      e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 0] : [],
    );
  }

  it('retries a charge whose first attempt timed out after the capture, and captures exactly once', async () => {
    const { input, handle } = run('pm_card_visa_slow');
    const started = await handle;
    const result = await started.result();
    expect(result).toMatchObject({ status: 'SUCCEEDED', capturedMinor: 7_500 });
    expect((await attempts(started)).at(-1)).toBeGreaterThanOrEqual(2);
    const captured = (await gateway.ledger({ idempotencyKeyPrefix: input.idempotencyKey })).filter((op) => op.kind === 'charge');
    expect(captured).toHaveLength(1);
    // The first attempt still finishes in the background; it must not make a second capture or a second fact.
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await gateway.ledger({ idempotencyKeyPrefix: input.idempotencyKey })).filter((op) => op.kind === 'charge')).toHaveLength(1);
    const [facts] = await orm.em
      .fork()
      .execute<{ n: string }[]>(
        `select count(*) as n from outbox_message where routing_key = 'payment.captured.v1' and payload->'data'->>'paymentId' = ?`,
        [result.paymentId],
      );
    expect(Number(facts!.n)).toBe(1);
  }, 30_000);

  it('fails a declined card at once with its decline code and does not retry it', async () => {
    const { input, handle } = run('pm_card_visa_chargeDeclinedInsufficientFunds');
    const started = await handle;
    const err = await started.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (err as WorkflowFailedError).cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect(activityFailure?.cause).toBeInstanceOf(ApplicationFailure);
    expect(activityFailure?.cause).toMatchObject({ type: 'INSUFFICIENT_FUNDS', nonRetryable: true });
    expect(await attempts(started)).toEqual([1]);
    const [payment] = await orm.em
      .fork()
      .execute<{ status: string; failure_code: string }[]>('select status, failure_code from payment where idempotency_key = ?', [
        input.idempotencyKey,
      ]);
    expect(payment).toEqual({ status: 'FAILED', failure_code: 'INSUFFICIENT_FUNDS' });
  }, 30_000);
});
