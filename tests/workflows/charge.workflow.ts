// A test-only workflow: one charge through the payments activities, with the retry policy the booking saga uses.
import { proxyActivities } from '@temporalio/workflow';
import type { ChargePaymentInput, PaymentOutcome, PaymentsActivities } from '../../activities/payments.activities.ts';

export async function chargeOnce(input: {
  taskQueue: string;
  charge: ChargePaymentInput;
  startToCloseMs: number;
}): Promise<PaymentOutcome> {
  const { chargePayment } = proxyActivities<PaymentsActivities>({
    taskQueue: input.taskQueue,
    startToCloseTimeout: input.startToCloseMs,
    retry: { initialInterval: '200ms', backoffCoefficient: 1, maximumAttempts: 5 },
  });
  return chargePayment(input.charge);
}
