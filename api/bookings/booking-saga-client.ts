// The bookings routes' calls into Temporal, through the definitions the workflow modules export: start a saga with its
// hold, pay, cancel, start a cancellation. A refusal comes back as the DomainError it stands for; a saga that does not
// answer by the route's deadline (worker or Temporal away, a slow card network) as SagaAnswerPending.
import { createHash } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcCancelledError,
  isGrpcDeadlineError,
  isGrpcServiceError,
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

/** How long a call may wait for the saga, and the update id that makes a repeat of a keyed request attach to the first. */
export interface SagaCall {
  /** Epoch milliseconds; past it the call gives up with SagaAnswerPending. */
  deadline?: number;
  updateId?: string;
}

const updateIdOf = (call: SagaCall) => (call.updateId ? { updateId: call.updateId } : {});

/**
 * The saga did not answer in time, or Temporal could not be reached: what was asked may still happen (an update
 * admitted while the worker is down runs when it is back). The route answers 503 and the booking shows the outcome.
 */
export class SagaAnswerPending extends Error {
  override name = 'SagaAnswerPending';
}

/**
 * The saga has ended and does not know this update: it cannot answer (the booking record tells what became of it).
 * An update the saga took still answers its outcome by id after the saga has ended, so for a keyed request this means
 * the saga never took its update.
 */
export class SagaClosed extends Error {
  override name = 'SagaClosed';
}

/**
 * The update id of a keyed request: one per caller, key, use of the key (idempotencyRunOf) and update, so every repeat
 * that joins the request (another instance, after a crash, after the saga ended) is the same update to Temporal and
 * gets the first one's outcome, while a retry after an answer that left nothing under way (a payment that could not be
 * recorded) is a new update the saga can take.
 */
export function keyedUpdateId(
  update: 'hold' | 'pay' | 'cancel',
  customerId: string,
  key: string | undefined,
  run: string | undefined,
): string | undefined {
  if (key === undefined) return undefined;
  return `${update}-${createHash('sha256')
    .update(`${customerId}:${key}:${run ?? ''}`)
    .digest('hex')}`;
}

/** gRPC's status code for a server that cannot be reached (the client's own retries gave up). */
const GRPC_UNAVAILABLE = 14;

/** Whether a failed call means Temporal did not answer in time or could not be reached (gRPC UNAVAILABLE). */
function unanswered(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err) || isGrpcCancelledError(err)) return true;
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (isGrpcServiceError(e) && Number(e.code) === GRPC_UNAVAILABLE) return true;
  }
  return false;
}

/**
 * How long past its deadline a call may still end by itself: the client's retries of an unreachable server sleep
 * between attempts without looking at the deadline, and the attempt after the sleep fails at once.
 */
const DEADLINE_GRACE_MS = 250;

/**
 * Runs Temporal calls under the deadline, gRPC's own, so every call they make fails once it has passed; past it (or
 * with Temporal unreachable), SagaAnswerPending. A call caught in a retry's sleep is not waited for: the answer goes
 * at the deadline, and the call ends by itself at its next attempt.
 */
export async function withinDeadline<T>(client: Client, deadline: number | undefined, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    if (deadline === undefined) return await call();
    const running = client.withDeadline(deadline, call);
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SagaAnswerPending('The booking saga did not answer in time.')),
        Math.max(0, deadline - Date.now()) + DEADLINE_GRACE_MS,
      );
    });
    // Whichever way the call ends after the answer has gone, nobody is waiting for it.
    running.catch(() => undefined);
    return await Promise.race([running, late]);
  } catch (err) {
    if (err instanceof SagaAnswerPending || !unanswered(err)) throw err;
    throw new SagaAnswerPending('The booking saga did not answer in time.', { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the booking's saga unless it runs already (same key, same booking), and answers with its hold. */
export function holdWithStart(client: Client, input: BookingInput, call: SagaCall = {}): Promise<HoldAnswer> {
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
  return withinDeadline(client, call.deadline, () =>
    client.workflow.executeUpdateWithStart(holdUpdate, {
      startWorkflowOperation: start,
      ...updateIdOf(call),
    }),
  );
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

/** An update the saga refused (its validator), or one it cannot take because it has ended (SagaClosed). */
function updateRefused(err: unknown): never {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    throw domainErrorOf(err.cause, { kind: 'conflict', code: 'BOOKING_NOT_HELD' });
  }
  // "workflow execution already completed", or (polling) "update not found".
  if (err instanceof WorkflowNotFoundError) throw new SagaClosed(err.message, { cause: err });
  throw err;
}

export function payBooking(client: Client, workflowId: string, request: PayRequest, call: SagaCall = {}): Promise<PayAnswer> {
  const saga = client.workflow.getHandle<typeof bookingWorkflow>(workflowId);
  return withinDeadline(client, call.deadline, () => saga.executeUpdate(payUpdate, { args: [request], ...updateIdOf(call) })).catch(
    updateRefused,
  );
}

/** Cancels a booking before payment; answers once its saga has ended. */
export function cancelBooking(client: Client, workflowId: string, request: CancelRequest, call: SagaCall = {}): Promise<BookingView> {
  const saga = client.workflow.getHandle<typeof bookingWorkflow>(workflowId);
  return withinDeadline(client, call.deadline, () => saga.executeUpdate(cancelUpdate, { args: [request], ...updateIdOf(call) })).catch(
    updateRefused,
  );
}

/** The cancellation of a confirmed booking, when one was ever started (it may have ended). */
export async function findCancellation(
  client: Client,
  bookingId: string,
  call: SagaCall = {},
): Promise<WorkflowHandle<typeof bookingCancellationWorkflow> | undefined> {
  const handle = client.workflow.getHandle<typeof bookingCancellationWorkflow>(bookingCancellationWorkflowId(bookingId));
  try {
    await withinDeadline(client, call.deadline, () => handle.describe());
    return handle;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Waits for a cancellation to end, at most until `until`: true once it has ended (a cancellation that failed outright
 * leaves the booking as its record says), false if it is still under way then.
 */
export async function cancellationEnded(
  client: Client,
  handle: WorkflowHandle<typeof bookingCancellationWorkflow>,
  until: number,
): Promise<boolean> {
  try {
    await withinDeadline(client, until, () => handle.result());
    return true;
  } catch (err) {
    if (err instanceof WorkflowFailedError) return true;
    if (err instanceof SagaAnswerPending) return false;
    throw err;
  }
}

/** Starts the cancellation of a confirmed booking, or finds the one already under way. */
export async function startCancellation(
  client: Client,
  input: CancellationInput,
  call: SagaCall = {},
): Promise<WorkflowHandle<typeof bookingCancellationWorkflow>> {
  const workflowId = bookingCancellationWorkflowId(input.bookingId);
  try {
    return await withinDeadline(client, call.deadline, () =>
      client.workflow.start(bookingCancellationWorkflow, {
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
      }),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return client.workflow.getHandle<typeof bookingCancellationWorkflow>(workflowId);
  }
}
