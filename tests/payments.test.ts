// Payments against the real database: charges once per key, refunds never beyond the capture, a log row per call,
// declines with stable codes; the Stripe adapter against stripe-mock; the HTTP API's object-level checks.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { createPaymentsActivities } from '../activities/payments.activities.ts';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { GatewayRejectedError } from '../domain/payments/gateways/gateway.ts';
import { paymentsContext } from '../domain/payments/gateways/registry.ts';
import { StripeGateway, chargeOutcome } from '../domain/payments/gateways/stripe-gateway.ts';
import type { TestGateway } from '../domain/payments/gateways/test-gateway.ts';
import { charge, refund, type ChargeInput, type PaymentsContext } from '../domain/payments/payments.ts';
import { ormSettings } from '../workers/services.ts';
import type { DomainServiceHandle } from '../workers/service-runtime.ts';
import { startService, testConfig, testLogger } from './support/context.ts';
import { caller, type Caller } from './support/http.ts';
import { codeOf } from './support/problems.ts';
import { ADMIN, newCustomer, signIn } from './support/users.ts';

function chargeInput(overrides: Partial<ChargeInput> = {}): ChargeInput {
  return {
    bookingId: randomUUID(),
    customerId: randomUUID(),
    amountMinor: 100,
    currency: 'EUR',
    gateway: 'test',
    paymentMethod: 'pm_card_visa',
    idempotencyKey: `${randomUUID()}:1`,
    ...overrides,
  };
}

describe('payments', () => {
  const config = testConfig();
  let orm: Orm;
  let ctx: PaymentsContext;
  let gateway: TestGateway;

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('payments', config), { migrate: false });
    ctx = paymentsContext(config, orm);
    gateway = ctx.gateways.get('test') as TestGateway;
  });
  afterAll(async () => orm?.close());

  const captures = async (key: string) =>
    (await gateway.ledger({ idempotencyKeyPrefix: key })).filter((op) => op.kind === 'charge' && op.outcome === 'captured');
  const facts = async (paymentId: string, routingKey: string) =>
    Number(
      (
        await orm.em
          .fork()
          .execute<{ n: string }[]>(
            `select count(*) as n from outbox_message where routing_key = ? and payload->'data'->>'paymentId' = ?`,
            [routingKey, paymentId],
          )
      )[0]!.n,
    );

  it('captures once when two charges with one idempotency key overlap', async () => {
    const input = chargeInput();
    const [a, b] = await Promise.all([charge(ctx, input), charge(ctx, input)]);
    expect(a.id).toBe(b.id);
    expect([a.status, b.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(await captures(input.idempotencyKey)).toHaveLength(1);
    const payments = await orm.em.fork().execute('select id from payment where booking_id = ?', [input.bookingId]);
    expect(payments).toHaveLength(1);
    expect(await facts(a.id, 'payment.captured.v1')).toBe(1);
    // A later retry answers the first result without asking the gateway again.
    const calls = (await orm.em.fork().execute('select id from payment_transaction where payment_id = ?', [a.id])).length;
    expect((await charge(ctx, input)).status).toBe('SUCCEEDED');
    expect((await orm.em.fork().execute('select id from payment_transaction where payment_id = ?', [a.id])).length).toBe(calls);
    // The same key for another payment is refused.
    expect(await codeOf(charge(ctx, { ...input, amountMinor: 999 }))).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('ends a declined card FAILED with its decline code, as a non-retryable activity failure', async () => {
    const activities = createPaymentsActivities(ctx);
    for (const [method, code] of [
      ['pm_card_visa_chargeDeclined', 'CARD_DECLINED'],
      ['pm_card_visa_chargeDeclinedInsufficientFunds', 'INSUFFICIENT_FUNDS'],
      ['pm_card_chargeDeclinedExpiredCard', 'EXPIRED_CARD'],
    ] as const) {
      const input = chargeInput({ paymentMethod: method });
      const err = await activities.chargePayment(input).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ type: code, nonRetryable: true });
      const [row] = await orm.em
        .fork()
        .execute<{ status: string; failure_code: string }[]>('select status, failure_code from payment where idempotency_key = ?', [
          input.idempotencyKey,
        ]);
      expect(row).toEqual({ status: 'FAILED', failure_code: code });
      expect(await captures(input.idempotencyKey)).toHaveLength(0);
    }
  });

  it('retries a processing error with the same key and captures once', async () => {
    const input = chargeInput({ paymentMethod: 'pm_card_chargeDeclinedProcessingError' });
    const first = await createPaymentsActivities(ctx)
      .chargePayment(input)
      .catch((e: unknown) => e);
    // Gateway trouble is left to the retry policy: a retryable failure typed by its code.
    expect(first).toBeInstanceOf(ApplicationFailure);
    expect(first).toMatchObject({ type: 'PROCESSING_ERROR', nonRetryable: false });
    expect((await createPaymentsActivities(ctx).chargePayment(input)).status).toBe('SUCCEEDED');
    expect(await captures(input.idempotencyKey)).toHaveLength(1);
    const log = await orm.em.fork().execute<{ outcome: string; error_code: string | null; finished_at: string | null }[]>(
      `select t.outcome, t.error_code, t.finished_at from payment_transaction t join payment p on p.id = t.payment_id
         where p.idempotency_key = ? order by t.started_at`,
      [input.idempotencyKey],
    );
    expect(log.map((l) => [l.outcome, l.error_code])).toEqual([
      ['error', 'PROCESSING_ERROR'],
      ['succeeded', null],
    ]);
    expect(log.every((l) => l.finished_at !== null)).toBe(true);
  });

  it('refunds 30 and 50 of 100, refuses a further 30, and is REFUNDED after the last 20', async () => {
    const payment = await charge(ctx, chargeInput({ amountMinor: 100 }));
    const part = (amountMinor: number) => refund(ctx, { paymentId: payment.id, amountMinor, idempotencyKey: randomUUID(), reason: 'test' });
    expect((await part(30)).payment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedMinor: 30 });
    expect((await part(50)).payment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedMinor: 80 });
    const refused = await part(30).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'conflict', code: 'REFUND_EXCEEDS_CAPTURED' });
    expect((refused as Error).message).toContain('Only 20');
    expect((await part(20)).payment).toMatchObject({ status: 'REFUNDED', refundedMinor: 100 });
    const ledger = await gateway.ledger({ chargeId: payment.gatewayReference! });
    expect(ledger.filter((op) => op.kind === 'refund').map((op) => op.amount_minor)).toEqual([30, 50, 20]);
    expect(await facts(payment.id, 'payment.refunded.v1')).toBe(3);
    expect(await codeOf(part(1))).toBe('PAYMENT_NOT_REFUNDABLE');
  });

  it('refuses the second of two concurrent refunds that together exceed the capture, and replays a refund by key', async () => {
    const payment = await charge(ctx, chargeInput({ amountMinor: 100 }));
    const outcomes = await Promise.all(
      [60, 60].map((amountMinor) => codeOf(refund(ctx, { paymentId: payment.id, amountMinor, idempotencyKey: randomUUID() }))),
    );
    expect(outcomes.sort()).toEqual(['REFUND_EXCEEDS_CAPTURED', 'ok']);
    const key = randomUUID();
    const first = await refund(ctx, { paymentId: payment.id, idempotencyKey: key });
    expect(first.refund.amountMinor).toBe(40);
    const again = await refund(ctx, { paymentId: payment.id, idempotencyKey: key });
    expect(again.refund.id).toBe(first.refund.id);
    expect(again.payment).toMatchObject({ status: 'REFUNDED', refundedMinor: 100 });
    expect((await gateway.ledger({ chargeId: payment.gatewayReference! })).filter((op) => op.kind === 'refund')).toHaveLength(2);
  });

  it('refuses an unknown gateway and an unknown payment method with clear errors', async () => {
    expect(await codeOf(charge(ctx, chargeInput({ gateway: 'paypal' })))).toBe('UNKNOWN_GATEWAY');
    expect(await codeOf(charge(ctx, chargeInput({ paymentMethod: 'pm_card_nonsense' })))).toBe('INVALID_PAYMENT_METHOD');
  });
});

describe('the Stripe adapter against stripe-mock', () => {
  const stripe = new StripeGateway({ secretKey: 'sk_test_eventix', apiUrl: inject('stripeMockUrl'), timeoutMs: 5_000 });

  it('charges, refunds and looks up with requests Stripe’s API accepts', async () => {
    const outcome = await stripe.charge({
      amountMinor: 2_500,
      currency: 'EUR',
      paymentMethod: 'pm_card_visa',
      idempotencyKey: randomUUID(),
      metadata: { bookingId: randomUUID() },
    });
    expect(outcome.reference).toMatch(/^pi_/);
    const refunded = await stripe.refund({
      reference: outcome.reference!,
      amountMinor: 1_000,
      idempotencyKey: randomUUID(),
      reason: 'customer asked',
    });
    expect(refunded.reference).toMatch(/^re_/);
    const found = await stripe.lookup(outcome.reference!);
    expect(found.reference).toBe(outcome.reference);
    expect(found.currency).toMatch(/^[A-Z]{3}$/);
    expect(typeof found.amountMinor).toBe('number');
    // Voiding cancels that very PaymentIntent: Stripe answers it with its cancellation time. (stripe-mock keeps no
    // state, so the status it answers is its fixture's, not "canceled".)
    const voided = await stripe.void(outcome.reference!, randomUUID());
    expect(voided.raw).toMatchObject({ object: 'payment_intent', id: outcome.reference, canceled_at: expect.any(Number) });
  });

  it('turns a request Stripe refuses into a non-retryable rejection', async () => {
    // stripe-mock checks each request against Stripe's published schema: a fractional amount is refused.
    const err = await stripe
      .charge({ amountMinor: 12.5, currency: 'EUR', paymentMethod: 'pm_card_visa', idempotencyKey: randomUUID(), metadata: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayRejectedError);
    expect(err).toMatchObject({ code: 'GATEWAY_REJECTED' });
  });

  it('reads PaymentIntent outcomes into Eventix’s answers and decline codes', () => {
    expect(chargeOutcome({ id: 'pi_1', status: 'succeeded' })).toMatchObject({ outcome: 'succeeded', reference: 'pi_1' });
    expect(chargeOutcome({ id: 'pi_2', status: 'requires_action' })).toMatchObject({
      outcome: 'declined',
      code: 'AUTHENTICATION_REQUIRED',
    });
    expect(
      chargeOutcome({ id: 'pi_3', status: 'requires_payment_method', last_payment_error: { decline_code: 'insufficient_funds' } }),
    ).toMatchObject({
      outcome: 'declined',
      code: 'INSUFFICIENT_FUNDS',
    });
    expect(() => chargeOutcome({ id: 'pi_4', status: 'processing' })).toThrow(/still processing/);
  });
});

describe('the payments API', () => {
  const logger = testLogger();
  let users: DomainServiceHandle;
  let payments: DomainServiceHandle;
  let call: Caller;
  let orm: Orm;

  beforeAll(async () => {
    users = await startService('users', testConfig({ SERVICE_MODE: 'api' }), logger);
    const config = testConfig({ SERVICE_MODE: 'api', USERS_URLS: `http://127.0.0.1:${users.port}` });
    payments = await startService('payments', config, logger);
    call = caller(`http://127.0.0.1:${payments.port}`);
    orm = await openServiceOrm(ormSettings('payments', config), { migrate: false });
  });
  afterAll(async () => {
    await orm?.close();
    await payments?.stop();
    await users?.stop();
  });

  it('lists the configured gateways', async () => {
    const res = await call('GET', '/payments/gateways');
    expect(res.body.items.map((g: { name: string }) => g.name).sort()).toEqual(['stripe', 'test']);
  });

  it('shows a customer only their own payments (404 for anyone else’s); admins see and refund all', async () => {
    const usersCall = caller(`http://127.0.0.1:${users.port}`);
    const [a, b] = [await newCustomer(usersCall, 'payer-a'), await newCustomer(usersCall, 'payer-b')];
    const admin = (await signIn(usersCall, ADMIN.email, ADMIN.password)).accessToken;
    const ctx = paymentsContext(testConfig(), orm);
    const paymentOfA = await charge(ctx, chargeInput({ customerId: a.id, amountMinor: 4_000 }));

    expect((await call('GET', `/payments/${paymentOfA.id}`, { token: a.accessToken })).body).toMatchObject({
      id: paymentOfA.id,
      status: 'SUCCEEDED',
      transactions: [expect.objectContaining({ kind: 'charge', outcome: 'succeeded' })],
    });
    const snoop = await call('GET', `/payments/${paymentOfA.id}`, { token: b.accessToken });
    expect(snoop.status).toBe(404);
    expect(snoop.body.code).toBe('PAYMENT_NOT_FOUND');
    expect((await call('GET', '/payments', { token: b.accessToken })).body.items).toEqual([]);
    expect((await call('GET', `/payments?customerId=${a.id}`, { token: b.accessToken })).body.items).toEqual([]);
    expect((await call('GET', '/payments', { token: a.accessToken })).body.items.map((p: { id: string }) => p.id)).toEqual([paymentOfA.id]);
    expect((await call('GET', `/payments?customerId=${a.id}`, { token: admin })).body.items.map((p: { id: string }) => p.id)).toEqual([
      paymentOfA.id,
    ]);

    expect((await call('POST', `/payments/${paymentOfA.id}/refunds`, { token: a.accessToken, body: { amountMinor: 100 } })).status).toBe(
      403,
    );
    const headers = { 'idempotency-key': randomUUID() };
    const first = await call('POST', `/payments/${paymentOfA.id}/refunds`, {
      token: admin,
      body: { amountMinor: 1_500, reason: 'seat moved' },
      headers,
    });
    expect(first.status).toBe(201);
    expect(first.body.payment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedMinor: 1_500 });
    const replay = await call('POST', `/payments/${paymentOfA.id}/refunds`, {
      token: admin,
      body: { amountMinor: 1_500, reason: 'seat moved' },
      headers,
    });
    expect(replay.body.refund.id).toBe(first.body.refund.id);
    const rest = await call('POST', `/payments/${paymentOfA.id}/refunds`, { token: admin });
    expect(rest.body.refund.amountMinor).toBe(2_500);
    expect(rest.body.payment.status).toBe('REFUNDED');
    const tooMuch = await call('POST', `/payments/${paymentOfA.id}/refunds`, { token: admin, body: { amountMinor: 1 } });
    expect(tooMuch.status).toBe(409);
    expect((await call('POST', `/payments/${paymentOfA.id}/refunds`, { token: admin, body: { amountMinor: -5 } })).status).toBe(422);
  });
});
