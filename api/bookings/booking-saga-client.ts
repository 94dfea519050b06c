// The bookings routes' calls into Temporal, through the definitions the workflow modules export: start a saga with its
// hold, pay, cancel, start a cancellation. A refusal comes back as the DomainError it stands for.
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError, isDomainErrorKind, type DomainErrorDetails, type DomainErrorKind } from '../../common/errors/domain-error.ts';
import { bookingCancellationWorkflow } from '../../workflows/booking-cancellation.workflow.ts';
import { domainFailureOf } from '../../workflows/domain-failures.ts';
import { bookingCancellationWorkflowId, bookingWorkflowId, cancelUpdate, holdUpdate, payUpdate } from '../../workflows/booking-messages.ts';
import type {
  BookingInput,
  BookingView,
  CancelRequest,
  CancellationInput,
  HoldAnswer,
  PayAnswer,
  PayRequest,
  Refused,
} from '../../workflows/booking-types.ts';
import { bookingWorkflow } from '../../workflows/booking.workflow.ts';
import { BOOKING_STATUS, CUSTOMER_ID, EVENT_ID } from '../../workflows/search-attributes.ts';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/task-queues.ts';

/** Starts the booking's saga unless it runs already (same key, same booking), and answers with its hold. */
export function holdWithStart(client: Client, input: BookingInput): Promise<HoldAnswer> {
  const selection = input.selection;
  const start = new WithStartWorkflowOperation(bookingWorkflow, {
    workflowId: bookingWorkflowId(input.bookingId),
    taskQueue: WORKFLOW_TASK_QUEUE,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: BOOKING_STATUS, value: 'PENDING' },
      { key: EVENT_ID, value: input.eventId },
      { key: CUSTOMER_ID, value: input.customerId },
    ],
    staticSummary: `Booking ${input.bookingId} for event ${input.eventId}`,
    staticDetails: `Customer ${input.customerId}; ${'seatIds' in selection ? `${selection.seatIds.length} named seat(s)` : `${selection.quantity} best seat(s)`}`,
  });
  return client.workflow.executeUpdateWithStart(holdUpdate, { startWorkflowOperation: start });
}

/** A saga's refusal (a hold or a payment that did not go through) as the domain error it stands for. */
export function refusalOf(answer: Refused, details: DomainErrorDetails = {}): DomainError {
  // An answer from a worker older than the kind it carries is read by its code.
  const kind = isDomainErrorKind(answer.kind) ? answer.kind : answer.code.endsWith('_NOT_FOUND') ? 'not_found' : 'conflict';
  return new DomainError(kind, answer.code, answer.message, details);
}

/** Reads a failure back into the domain error it carries; `fallback` names it when the failure carries no code or kind. */
export function domainErrorOf(failure: ApplicationFailure, fallback: { kind: DomainErrorKind; code: string }): DomainError {
  const read = domainFailureOf(failure);
  const { kind, ...details } = read?.details ?? {};
  return new DomainError(kind ?? fallback.kind, read?.code ?? fallback.code, failure.message, details);
}

/** An update the saga refused (its validator) or could not take any more (it has ended). */
function updateRefused(err: unknown): never {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    throw domainErrorOf(err.cause, { kind: 'conflict', code: 'BOOKING_NOT_HELD' });
  }
  if (err instanceof WorkflowNotFoundError) throw new DomainError('conflict', 'BOOKING_NOT_HELD', 'This booking is no longer open.');
  throw err;
}

export function payBooking(client: Client, workflowId: string, request: PayRequest): Promise<PayAnswer> {
  return client.workflow
    .getHandle<typeof bookingWorkflow>(workflowId)
    .executeUpdate(payUpdate, { args: [request] })
    .catch(updateRefused);
}

/** Cancels a booking before payment; answers once its saga has ended. */
export function cancelBooking(client: Client, workflowId: string, request: CancelRequest): Promise<BookingView> {
  return client.workflow
    .getHandle<typeof bookingWorkflow>(workflowId)
    .executeUpdate(cancelUpdate, { args: [request] })
    .catch(updateRefused);
}

/** Starts the cancellation of a confirmed booking, or finds the one already under way. */
export async function startCancellation(
  client: Client,
  input: CancellationInput,
): Promise<WorkflowHandle<typeof bookingCancellationWorkflow>> {
  const workflowId = bookingCancellationWorkflowId(input.bookingId);
  try {
    return await client.workflow.start(bookingCancellationWorkflow, {
      workflowId,
      taskQueue: WORKFLOW_TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: BOOKING_STATUS, value: 'CONFIRMED' },
        { key: EVENT_ID, value: input.eventId },
        { key: CUSTOMER_ID, value: input.customerId },
      ],
      staticSummary: `Cancellation of booking ${input.bookingId}`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return client.workflow.getHandle<typeof bookingCancellationWorkflow>(workflowId);
  }
}
