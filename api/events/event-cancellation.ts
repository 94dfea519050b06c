// Starting the event-cancellation saga (on the bookings task queue) once an admin cancels a published event.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { EventCancellationInput } from '../../workflows/booking-types.ts';
import { eventCancellationWorkflow } from '../../workflows/event-cancellation.workflow.ts';
import { EVENT_ID } from '../../workflows/search-attributes.ts';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/task-queues.ts';

export type StartEventCancellation = (eventId: string, reason: string) => Promise<void>;

export function eventCancellationStarter(client: Client, parallelism: number): StartEventCancellation {
  return async (eventId, reason) => {
    const input: EventCancellationInput = { eventId, reason, parallelism };
    try {
      await client.workflow.start(eventCancellationWorkflow, {
        workflowId: `event-cancellation-${eventId}`,
        taskQueue: WORKFLOW_TASK_QUEUE,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [{ key: EVENT_ID, value: eventId }],
        staticSummary: `Cancellation of event ${eventId}: every hold cancelled, every booking refunded`,
        staticDetails: `Reason: ${reason}`,
      });
    } catch (err) {
      // Already started by an earlier request: one saga per event.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  };
}
