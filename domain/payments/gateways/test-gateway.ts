// The built-in gateway for development and tests. Its payment methods are named like Stripe's test PaymentMethods,
// and it keeps a ledger of its own (in the payments database) so tests can count real captures and refunds.
import { randomBytes } from 'node:crypto';
import type { Orm } from '../../../common/db/orm.ts';
import {
  GatewayRejectedError,
  GatewayUnavailableError,
  type ChargeOutcome,
  type ChargeRequest,
  type DeclineCode,
  type GatewayPayment,
  type PaymentGateway,
  type RefundOutcome,
  type RefundRequest,
} from './gateway.ts';

type Behaviour =
  { kind: 'succeed' } | { kind: 'decline'; code: DeclineCode; message: string } | { kind: 'processing-error' } | { kind: 'slow' };

/** The payment methods this gateway knows, and what each does. */
export const TEST_PAYMENT_METHODS: Record<string, Behaviour> = {
  pm_card_visa: { kind: 'succeed' },
  pm_card_mastercard: { kind: 'succeed' },
  pm_card_amex: { kind: 'succeed' },
  pm_card_visa_chargeDeclined: { kind: 'decline', code: 'CARD_DECLINED', message: 'Your card was declined.' },
  pm_card_visa_chargeDeclinedInsufficientFunds: {
    kind: 'decline',
    code: 'INSUFFICIENT_FUNDS',
    message: 'Your card has insufficient funds.',
  },
  pm_card_chargeDeclinedExpiredCard: { kind: 'decline', code: 'EXPIRED_CARD', message: 'Your card has expired.' },
  pm_card_chargeDeclinedIncorrectCvc: { kind: 'decline', code: 'INCORRECT_CVC', message: "Your card's security code is incorrect." },
  pm_card_chargeDeclinedFraudulent: { kind: 'decline', code: 'FRAUD_SUSPECTED', message: 'Your card was declined.' },
  /** Fails with a processing error on the first attempt of each idempotency key, then succeeds. */
  pm_card_chargeDeclinedProcessingError: { kind: 'processing-error' },
  /** Captures at once but answers only after TEST_GATEWAY_SLOW_MS: longer than any caller waits. */
  pm_card_visa_slow: { kind: 'slow' },
};

type Operation = {
  id: string;
  kind: 'charge' | 'refund' | 'void';
  idempotency_key: string;
  charge_id: string | null;
  amount_minor: number;
  currency: string | null;
  payment_method: string | null;
  outcome: string;
  decline_code: DeclineCode | null;
};

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new GatewayUnavailableError('the caller stopped waiting for the test gateway', 'GATEWAY_TIMEOUT'));
      },
      { once: true },
    );
  });
}

export class TestGateway implements PaymentGateway {
  readonly name = 'test';
  readonly description = 'Built-in test gateway (Stripe-style test payment methods such as pm_card_visa); no real money moves';
  readonly #orm: Orm;
  readonly #slowMs: number;

  constructor(options: { orm: Orm; slowMs: number }) {
    this.#orm = options.orm;
    this.#slowMs = options.slowMs;
  }

  /** Records an operation once per idempotency key (two overlapping calls meet at the unique index). */
  async #record(operation: Omit<Operation, 'id'> & { id?: string }): Promise<{ row: Operation; first: boolean }> {
    const em = this.#orm.em.fork();
    const [inserted] = await em.execute<Operation[]>(
      `insert into test_gateway_operation (id, kind, idempotency_key, charge_id, amount_minor, currency, payment_method, outcome, decline_code)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (kind, idempotency_key) do nothing returning *`,
      [
        operation.id ?? newId('ch'),
        operation.kind,
        operation.idempotency_key,
        operation.charge_id,
        operation.amount_minor,
        operation.currency,
        operation.payment_method,
        operation.outcome,
        operation.decline_code,
      ],
    );
    if (inserted) return { row: inserted, first: true };
    const [existing] = await em.execute<Operation[]>('select * from test_gateway_operation where kind = ? and idempotency_key = ?', [
      operation.kind,
      operation.idempotency_key,
    ]);
    const same =
      existing &&
      existing.amount_minor === operation.amount_minor &&
      existing.charge_id === operation.charge_id &&
      existing.payment_method === operation.payment_method;
    if (!same) throw new GatewayRejectedError('This idempotency key was used with different parameters.', 'IDEMPOTENCY_KEY_REUSED');
    return { row: existing, first: false };
  }

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    const behaviour = TEST_PAYMENT_METHODS[request.paymentMethod];
    if (!behaviour) throw new GatewayRejectedError(`Unknown test payment method "${request.paymentMethod}".`, 'INVALID_PAYMENT_METHOD');
    if (behaviour.kind === 'processing-error') {
      const [{ attempts }] = (await this.#orm.em.fork().execute<{ attempts: number }[]>(
        `insert into test_gateway_attempt (idempotency_key, attempts) values (?, 1)
           on conflict (idempotency_key) do update set attempts = test_gateway_attempt.attempts + 1 returning attempts`,
        [request.idempotencyKey],
      )) as [{ attempts: number }];
      if (attempts === 1) throw new GatewayUnavailableError('An error occurred while processing the card; try again.', 'PROCESSING_ERROR');
    }
    const declined = behaviour.kind === 'decline' ? behaviour : undefined;
    const { row, first } = await this.#record({
      kind: 'charge',
      idempotency_key: request.idempotencyKey,
      charge_id: null,
      amount_minor: request.amountMinor,
      currency: request.currency,
      payment_method: request.paymentMethod,
      outcome: declined ? 'declined' : 'captured',
      decline_code: declined?.code ?? null,
    });
    // The money has moved; only the answer is late.
    if (behaviour.kind === 'slow' && first) await sleep(this.#slowMs, request.signal);
    const raw = { ...row };
    if (row.outcome === 'declined') {
      return {
        outcome: 'declined',
        code: row.decline_code!,
        message: declined?.message ?? 'Your card was declined.',
        reference: row.id,
        raw,
      };
    }
    return { outcome: 'succeeded', reference: row.id, raw };
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    return this.#orm.em.fork().transactional(async (em) => {
      // Refunds of one charge are decided one at a time, so together they never exceed it.
      const [charge] = await em.execute<Operation[]>(`select * from test_gateway_operation where kind = 'charge' and id = ? for update`, [
        request.reference,
      ]);
      if (!charge || charge.outcome !== 'captured')
        throw new GatewayRejectedError(`No captured charge ${request.reference}.`, 'NO_SUCH_CHARGE');
      const [earlier] = await em.execute<Operation[]>(
        `select * from test_gateway_operation where kind = 'refund' and idempotency_key = ?`,
        [request.idempotencyKey],
      );
      if (earlier) {
        if (earlier.charge_id !== request.reference || earlier.amount_minor !== request.amountMinor) {
          throw new GatewayRejectedError('This idempotency key was used with different parameters.', 'IDEMPOTENCY_KEY_REUSED');
        }
        return { reference: earlier.id, raw: { ...earlier } };
      }
      const [{ refunded }] = (await em.execute<{ refunded: string }[]>(
        `select coalesce(sum(amount_minor), 0) as refunded from test_gateway_operation where kind = 'refund' and charge_id = ?`,
        [request.reference],
      )) as [{ refunded: string }];
      if (Number(refunded) + request.amountMinor > charge.amount_minor) {
        throw new GatewayRejectedError('The refund exceeds what is left of the charge.', 'REFUND_EXCEEDS_CHARGE');
      }
      const [row] = (await em.execute<Operation[]>(
        `insert into test_gateway_operation (id, kind, idempotency_key, charge_id, amount_minor, currency, outcome)
         values (?, 'refund', ?, ?, ?, ?, 'refunded') returning *`,
        [newId('re'), request.idempotencyKey, request.reference, request.amountMinor, charge.currency],
      )) as [Operation];
      return { reference: row.id, raw: { ...row } };
    });
  }

  async void(reference: string): Promise<{ raw: Record<string, unknown> }> {
    const payment = await this.lookup(reference);
    if (payment.status === 'succeeded')
      throw new GatewayRejectedError('The charge has captured; refund it instead.', 'CHARGE_ALREADY_CAPTURED');
    return { raw: { reference, status: payment.status } };
  }

  async lookup(reference: string): Promise<GatewayPayment> {
    const [charge] = await this.#orm.em.fork().execute<(Operation & { refunded: string })[]>(
      `select c.*, coalesce((select sum(r.amount_minor) from test_gateway_operation r where r.kind = 'refund' and r.charge_id = c.id), 0) as refunded
         from test_gateway_operation c where c.kind = 'charge' and c.id = ?`,
      [reference],
    );
    if (!charge) throw new GatewayRejectedError(`No charge ${reference}.`, 'NO_SUCH_CHARGE');
    return {
      reference: charge.id,
      status: charge.outcome === 'captured' ? 'succeeded' : 'failed',
      amountMinor: charge.amount_minor,
      refundedMinor: Number(charge.refunded),
      currency: charge.currency!.trim(),
    };
  }

  /** What this gateway has captured and refunded (for tests and the development ledger). */
  async ledger(filter: { idempotencyKeyPrefix?: string; chargeId?: string } = {}) {
    return this.#orm.em
      .fork()
      .execute<Operation[]>(
        `select * from test_gateway_operation where (? :: text is null or idempotency_key like ? || '%') and (? :: text is null or id = ? or charge_id = ?) order by created_at`,
        [
          filter.idempotencyKeyPrefix ?? null,
          filter.idempotencyKeyPrefix ?? '',
          filter.chargeId ?? null,
          filter.chargeId ?? '',
          filter.chargeId ?? '',
        ],
      );
  }
}
