// Payments: charges idempotent by key, refunds that never exceed the capture, and a log row for every gateway call.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../common/auth/verify.ts';
import type { Orm } from '../../common/db/orm.ts';
import { afterCursor, cursorKeys, toPage } from '../../common/http/pagination.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { enqueueEvent } from '../../common/messaging/outbox.ts';
import { paymentCapturedV1, paymentRefundedV1 } from '../../contracts/payments.ts';
import {
  Payment,
  PaymentTransaction,
  Refund,
  type PaymentRow,
  type PaymentStatus,
  type PaymentTransactionRow,
  type RefundRow,
} from '../../entities/payments/payment.entity.ts';
import {
  GatewayRejectedError,
  GatewayUnavailableError,
  type ChargeOutcome,
  type PaymentGateway,
  type RefundOutcome,
} from './gateways/gateway.ts';

export const PRODUCER = 'payments';

export interface PaymentsContext {
  orm: Orm;
  gateways: Map<string, PaymentGateway>;
  /** How long a gateway call may take before Eventix stops waiting (and retries with the same key). */
  gatewayTimeoutMs: number;
  /** Called after a commit that wrote outbox rows, so they are relayed at once. */
  published(): void;
}

export interface ChargeInput {
  bookingId: string;
  customerId: string;
  amountMinor: number;
  currency: string;
  gateway: string;
  paymentMethod: string;
  /** The same key answers the first result; the gateway sees it too, so a capture never happens twice. */
  idempotencyKey: string;
}

function gatewayOf(ctx: PaymentsContext, name: string): PaymentGateway {
  const gateway = ctx.gateways.get(name);
  if (!gateway) {
    throw new DomainError('invalid', 'UNKNOWN_GATEWAY', `No payment gateway named "${name}" here; see GET /payments/gateways.`, {
      errors: [{ field: 'gateway', message: `one of: ${[...ctx.gateways.keys()].join(', ')}` }],
    });
  }
  return gateway;
}

type CallResult = { outcome: 'succeeded' | 'declined'; reference: string | null; errorCode?: string; response: Record<string, unknown> };

/**
 * Runs one gateway call with its log row: written (and committed) before the call, completed after it, so a crash
 * in between still leaves a trace. Gateway trouble is `unavailable` (worth retrying), a refusal `invalid`.
 */
async function logged<T>(
  ctx: PaymentsContext,
  entry: {
    paymentId: string;
    kind: PaymentTransactionRow['kind'];
    amountMinor: number;
    idempotencyKey: string;
    request: Record<string, unknown>;
  },
  call: (signal: AbortSignal) => Promise<T>,
  describe: (result: T) => CallResult,
): Promise<T> {
  const em = ctx.orm.em.fork();
  const startedAt = new Date();
  const row = em.create(PaymentTransaction, {
    id: randomUUID(),
    ...entry,
    response: null,
    outcome: 'pending',
    gatewayReference: null,
    errorCode: null,
    startedAt,
    finishedAt: null,
    durationMs: null,
  });
  await em.flush();
  const finish = async (fields: Partial<PaymentTransactionRow>) => {
    const finishedAt = new Date();
    em.assign(row, { ...fields, finishedAt, durationMs: finishedAt.getTime() - startedAt.getTime() });
    await em.flush();
  };
  try {
    const result = await call(AbortSignal.timeout(ctx.gatewayTimeoutMs));
    const described = describe(result);
    await finish({
      outcome: described.outcome,
      gatewayReference: described.reference,
      errorCode: described.errorCode ?? null,
      response: described.response,
    });
    return result;
  } catch (err) {
    const code = err instanceof GatewayUnavailableError || err instanceof GatewayRejectedError ? err.code : 'INTERNAL_ERROR';
    await finish({ outcome: 'error', errorCode: code, response: { error: (err as Error).message } });
    if (err instanceof GatewayUnavailableError) throw new DomainError('unavailable', err.code, err.message);
    if (err instanceof GatewayRejectedError) throw new DomainError('invalid', err.code, err.message);
    throw err;
  }
}

/**
 * Charges once per idempotency key. The payment row is found or made by its key; a finished payment answers as it
 * did the first time; a pending one asks the gateway with the same key, so overlapping attempts capture once.
 */
export async function charge(ctx: PaymentsContext, input: ChargeInput): Promise<PaymentRow> {
  const gateway = gatewayOf(ctx, input.gateway);
  const payment = await paymentOfKey(ctx, input);
  if (payment.status !== 'PENDING') return payment;
  const outcome = await askGatewayToCharge(ctx, gateway, payment, input);
  const settled = await settleCharge(ctx, payment, outcome);
  ctx.published();
  return settled;
}

/** Finds or makes the payment of this idempotency key; a key already used for another payment is a conflict. */
async function paymentOfKey(ctx: PaymentsContext, input: ChargeInput): Promise<PaymentRow> {
  const em = ctx.orm.em.fork();
  await em.execute(
    `insert into payment (id, booking_id, customer_id, amount_minor, currency, gateway, status, idempotency_key, created_at)
     values (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?) on conflict (idempotency_key) do nothing`,
    // created_at from here, in milliseconds like every cursor of the list
    [randomUUID(), input.bookingId, input.customerId, input.amountMinor, input.currency, input.gateway, input.idempotencyKey, new Date()],
  );
  const payment = await em.findOneOrFail(Payment, { idempotencyKey: input.idempotencyKey });
  if (
    payment.bookingId !== input.bookingId ||
    payment.customerId !== input.customerId ||
    payment.amountMinor !== input.amountMinor ||
    payment.currency.trim() !== input.currency ||
    payment.gateway !== input.gateway
  ) {
    throw new DomainError('conflict', 'IDEMPOTENCY_KEY_REUSED', 'This idempotency key belongs to a different payment.');
  }
  return payment;
}

function askGatewayToCharge(
  ctx: PaymentsContext,
  gateway: PaymentGateway,
  payment: PaymentRow,
  input: ChargeInput,
): Promise<ChargeOutcome> {
  return logged(
    ctx,
    {
      paymentId: payment.id,
      kind: 'charge',
      amountMinor: input.amountMinor,
      idempotencyKey: input.idempotencyKey,
      request: { amountMinor: input.amountMinor, currency: input.currency, paymentMethod: input.paymentMethod, gateway: input.gateway },
    },
    (signal) =>
      gateway.charge({
        amountMinor: input.amountMinor,
        currency: input.currency,
        paymentMethod: input.paymentMethod,
        idempotencyKey: input.idempotencyKey,
        metadata: { paymentId: payment.id, bookingId: input.bookingId },
        signal,
      }),
    (result) =>
      result.outcome === 'succeeded'
        ? { outcome: 'succeeded', reference: result.reference, response: result.raw }
        : { outcome: 'declined', reference: result.reference, errorCode: result.code, response: result.raw },
  );
}

/** Records the gateway's answer on the payment and, for a capture, the fact that reports it, in one transaction. */
function settleCharge(ctx: PaymentsContext, payment: PaymentRow, outcome: ChargeOutcome): Promise<PaymentRow> {
  return ctx.orm.em.fork().transactional(async (tx) => {
    // Only the attempt that moves the payment out of PENDING reports it: overlapping attempts publish one fact.
    const moved =
      outcome.outcome === 'succeeded'
        ? await tx.execute<{ id: string }[]>(
            `update payment set status = 'SUCCEEDED', captured_minor = amount_minor, gateway_reference = ?, updated_at = now()
             where id = ? and status = 'PENDING' returning id`,
            [outcome.reference, payment.id],
          )
        : await tx.execute<{ id: string }[]>(
            `update payment set status = 'FAILED', failure_code = ?, failure_message = ?, gateway_reference = ?, updated_at = now()
             where id = ? and status = 'PENDING' returning id`,
            [outcome.code, outcome.message, outcome.reference, payment.id],
          );
    if (moved.length && outcome.outcome === 'succeeded') {
      enqueueEvent(
        tx,
        paymentCapturedV1,
        {
          paymentId: payment.id,
          bookingId: payment.bookingId,
          customerId: payment.customerId,
          amountMinor: payment.amountMinor,
          currency: payment.currency.trim(),
          gateway: payment.gateway,
          gatewayReference: outcome.reference,
        },
        PRODUCER,
      );
      await tx.flush();
    }
    return tx.findOneOrFail(Payment, { id: payment.id }, { refresh: true });
  });
}

export interface RefundInput {
  paymentId: string;
  /** Minor units; the rest of the captured amount when absent. */
  amountMinor?: number;
  /**
   * Without `amountMinor`: what the payment keeps (a cancellation fee). All that is left above it is refunded, worked
   * out under the payment's lock, so a refund made meanwhile never makes the payment keep more than this.
   */
  keepMinor?: number;
  reason?: string | null;
  idempotencyKey: string;
}

type RefundOfPayment = { refund: RefundRow; payment: PaymentRow };

/**
 * Refunds part or all of a captured payment. The amount is reserved under the payment's row lock first, so two
 * refunds together never exceed the capture; the gateway is then asked with the refund's key.
 */
export async function refund(ctx: PaymentsContext, input: RefundInput): Promise<RefundOfPayment> {
  const reserved = await reserveRefund(ctx, input);
  if (reserved.refund.status !== 'PENDING') return reserved;
  const outcome = await askGatewayToRefund(ctx, reserved);
  const done = await settleRefund(ctx, reserved, outcome);
  ctx.published();
  return done;
}

/**
 * Reserves the refund's amount as a PENDING refund row, in one transaction under the payment's row lock: pending
 * refunds count against what is left, so refunds together never exceed the capture. A known key answers its refund.
 */
function reserveRefund(ctx: PaymentsContext, input: RefundInput): Promise<RefundOfPayment> {
  return ctx.orm.em.fork().transactional(async (tx) => {
    const [payment] = await tx.execute<{ id: string }[]>('select id from payment where id = ? for update', [input.paymentId]);
    if (!payment) throw new DomainError('not_found', 'PAYMENT_NOT_FOUND', 'No payment with this id.');
    const current = await tx.findOneOrFail(Payment, { id: input.paymentId });
    const earlier = await tx.findOne(Refund, { paymentId: input.paymentId, idempotencyKey: input.idempotencyKey });
    if (earlier) {
      if (input.amountMinor !== undefined && earlier.amountMinor !== input.amountMinor) {
        throw new DomainError('conflict', 'IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a refund of another amount.');
      }
      return { refund: earlier, payment: current };
    }
    const amount = await refundableAmount(tx, current, input);
    const row = tx.create(Refund, {
      id: randomUUID(),
      paymentId: input.paymentId,
      amountMinor: amount,
      reason: input.reason ?? null,
      status: 'PENDING',
      gatewayReference: null,
      idempotencyKey: input.idempotencyKey,
    });
    await tx.flush();
    return { refund: row, payment: current };
  });
}

/** The amount to refund, checked against what is left once refunds already granted and reserved are taken off. */
async function refundableAmount(tx: EntityManager, current: PaymentRow, input: RefundInput): Promise<number> {
  if (current.status !== 'SUCCEEDED' && current.status !== 'PARTIALLY_REFUNDED') {
    throw new DomainError('conflict', 'PAYMENT_NOT_REFUNDABLE', `A ${current.status} payment cannot be refunded.`);
  }
  const [{ pending }] = (await tx.execute<{ pending: string }[]>(
    `select coalesce(sum(amount_minor), 0) as pending from refund where payment_id = ? and status = 'PENDING'`,
    [input.paymentId],
  )) as [{ pending: string }];
  const left = current.capturedMinor - current.refundedMinor - Number(pending);
  const amount = input.amountMinor ?? left - (input.keepMinor ?? 0);
  if (amount <= 0 || amount > left) {
    throw new DomainError(
      'conflict',
      'REFUND_EXCEEDS_CAPTURED',
      `Only ${left} (minor units of ${current.currency.trim()}) of this payment can still be refunded; asked for ${amount}.`,
      { errors: [{ field: 'amountMinor', message: `at most ${left}` }] },
    );
  }
  return amount;
}

async function askGatewayToRefund(ctx: PaymentsContext, { refund: pendingRefund, payment }: RefundOfPayment): Promise<RefundOutcome> {
  try {
    return await logged(
      ctx,
      {
        paymentId: payment.id,
        kind: 'refund',
        amountMinor: pendingRefund.amountMinor,
        idempotencyKey: pendingRefund.idempotencyKey,
        request: { amountMinor: pendingRefund.amountMinor, reference: payment.gatewayReference, reason: pendingRefund.reason },
      },
      (signal) =>
        gatewayOf(ctx, payment.gateway).refund({
          reference: payment.gatewayReference!,
          amountMinor: pendingRefund.amountMinor,
          idempotencyKey: `refund:${pendingRefund.id}`,
          reason: pendingRefund.reason ?? undefined,
          signal,
        }),
      (result) => ({ outcome: 'succeeded', reference: result.reference, response: result.raw }),
    );
  } catch (err) {
    // A refusal releases the reservation; gateway trouble keeps it for the retry with the same key.
    if (err instanceof DomainError && err.kind !== 'unavailable') {
      await ctx.orm.em.fork().nativeUpdate(Refund, { id: pendingRefund.id }, { status: 'FAILED' });
    }
    throw err;
  }
}

/** Marks the refund done, adds it to the payment and records the fact that reports it, in one transaction. */
function settleRefund(
  ctx: PaymentsContext,
  { refund: pendingRefund, payment }: RefundOfPayment,
  outcome: RefundOutcome,
): Promise<RefundOfPayment> {
  return ctx.orm.em.fork().transactional(async (tx) => {
    const moved = await tx.execute<{ id: string }[]>(
      `update refund set status = 'SUCCEEDED', gateway_reference = ?, updated_at = now() where id = ? and status = 'PENDING' returning id`,
      [outcome.reference, pendingRefund.id],
    );
    if (moved.length) {
      const [after] = (await tx.execute<{ refunded_minor: number; status: PaymentStatus }[]>(
        `update payment set refunded_minor = refunded_minor + ?,
           status = case when refunded_minor + ? >= captured_minor then 'REFUNDED' else 'PARTIALLY_REFUNDED' end, updated_at = now()
         where id = ? returning refunded_minor, status`,
        [pendingRefund.amountMinor, pendingRefund.amountMinor, payment.id],
      )) as [{ refunded_minor: number; status: 'PARTIALLY_REFUNDED' | 'REFUNDED' }];
      enqueueEvent(
        tx,
        paymentRefundedV1,
        {
          paymentId: payment.id,
          bookingId: payment.bookingId,
          customerId: payment.customerId,
          refundId: pendingRefund.id,
          amountMinor: pendingRefund.amountMinor,
          refundedTotalMinor: after.refunded_minor,
          currency: payment.currency.trim(),
          status: after.status,
          reason: pendingRefund.reason ?? null,
        },
        PRODUCER,
      );
      await tx.flush();
    }
    return {
      refund: await tx.findOneOrFail(Refund, { id: pendingRefund.id }, { refresh: true }),
      payment: await tx.findOneOrFail(Payment, { id: payment.id }, { refresh: true }),
    };
  });
}

/** Cancels a payment that never captured. A captured one must be refunded instead. */
export async function voidPayment(ctx: PaymentsContext, paymentId: string): Promise<PaymentRow> {
  const em = ctx.orm.em.fork();
  const payment = await em.findOne(Payment, { id: paymentId });
  if (!payment) throw new DomainError('not_found', 'PAYMENT_NOT_FOUND', 'No payment with this id.');
  if (payment.status === 'FAILED') return payment;
  if (payment.status !== 'PENDING') throw new DomainError('conflict', 'PAYMENT_CAPTURED', 'This payment has captured; refund it instead.');
  if (payment.gatewayReference) {
    await logged(
      ctx,
      {
        paymentId,
        kind: 'void',
        amountMinor: payment.amountMinor,
        idempotencyKey: `void:${paymentId}`,
        request: { reference: payment.gatewayReference },
      },
      () => gatewayOf(ctx, payment.gateway).void(payment.gatewayReference!, `void:${paymentId}`),
      (result) => ({ outcome: 'succeeded', reference: payment.gatewayReference ?? null, response: result.raw }),
    );
  }
  await em.nativeUpdate(
    Payment,
    { id: paymentId, status: 'PENDING' },
    { status: 'FAILED', failureCode: 'VOIDED', failureMessage: 'Voided before capture.' },
  );
  return em.findOneOrFail(Payment, { id: paymentId }, { refresh: true });
}

/** One payment with its gateway calls and refunds. A customer sees only their own (404 otherwise); admins see all. */
export async function paymentDetail(em: EntityManager, paymentId: string, viewer: Principal) {
  const payment = await em.findOne(Payment, { id: paymentId, ...(viewer.role === 'admin' ? {} : { customerId: viewer.userId }) });
  if (!payment) throw new DomainError('not_found', 'PAYMENT_NOT_FOUND', 'No payment with this id.');
  const transactions = await em.find(PaymentTransaction, { paymentId }, { orderBy: { startedAt: 'asc' } });
  const refunds = await em.find(Refund, { paymentId }, { orderBy: { createdAt: 'asc' } });
  return { payment, transactions, refunds };
}

export interface PaymentQuery {
  limit: number;
  cursor?: string;
  status?: PaymentStatus;
  bookingId?: string;
  customerId?: string;
}

/** Payments newest first: a customer's own, or anyone's for an admin. */
export async function listPayments(em: EntityManager, query: PaymentQuery, viewer: Principal) {
  const customerId = viewer.role === 'admin' ? query.customerId : viewer.userId;
  const rows = await em.find(
    Payment,
    {
      $and: [
        customerId ? { customerId } : {},
        query.status ? { status: query.status } : {},
        query.bookingId ? { bookingId: query.bookingId } : {},
        afterCursor(query.cursor, 'createdAt', 'desc'),
      ],
    },
    { orderBy: { createdAt: 'desc', id: 'desc' }, limit: query.limit + 1 },
  );
  return toPage(rows, query.limit, cursorKeys('createdAt'), (p) => p);
}
