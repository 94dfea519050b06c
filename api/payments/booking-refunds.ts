// Refunds of a booking's payment go through the booking: the refund route starts (or, for a retried request, joins)
// the booking-refund workflow on the bookings task queue, so the booking shows the refund and a full one cancels it.
import { createHash } from 'node:crypto';
import { ServiceError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DomainError } from '../../common/errors/domain-error.ts';
import { bookingWorkflowId } from '../../workflows/booking-messages.ts';
import { bookingRefundWorkflow, bookingRefundWorkflowId, type BookingRefundInput } from '../../workflows/booking-refund.workflow.ts';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/task-queues.ts';

/** How long the route waits for the refund before it answers 503 (a retry with the same key gets the outcome). */
const REFUND_WAIT_MS = 20_000;

/** Temporal could not be asked: nothing was refunded, and the same request may be sent again. */
const temporalAway = (err: unknown): never => {
  if (err instanceof ServiceError) {
    throw new DomainError('unavailable', 'REFUND_UNAVAILABLE', 'Refunds cannot be started right now; retry with the same Idempotency-Key.');
  }
  throw err;
};

/** Whether the payment's booking has a saga here: a payment no booking saga names is refunded on its own. */
export async function hasBookingSaga(client: Client, bookingId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(bookingWorkflowId(bookingId)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    return temporalAway(err);
  }
}

/** A short, stable name of an idempotency key: the workflow id's tail and the booking history lines' source. */
export const refundTag = (idempotencyKey: string): string => createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16);

/** Refunds through the booking and answers the key of the refund made, or throws the refusal as the DomainError it stands for. */
export async function refundThroughBooking(client: Client, input: BookingRefundInput): Promise<string> {
  const workflowId = bookingRefundWorkflowId(input.bookingId, input.tag);
  const handle = await client.workflow
    .start(bookingRefundWorkflow, {
      workflowId,
      taskQueue: WORKFLOW_TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Refund of booking ${input.bookingId}'s payment`,
    })
    .catch((err: unknown) => {
      // A finished request with this key: its answer is the answer.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle<typeof bookingRefundWorkflow>(workflowId);
      return temporalAway(err);
    });
  const answer = await Promise.race([
    handle.result(),
    new Promise<undefined>((r) => setTimeout(() => r(undefined), REFUND_WAIT_MS).unref()),
  ]);
  if (!answer) {
    throw new DomainError('unavailable', 'REFUND_PENDING', 'The refund is under way; retry with the same Idempotency-Key for its outcome.');
  }
  if (!answer.ok) throw new DomainError(answer.kind, answer.code, answer.message);
  return answer.refundKey;
}
