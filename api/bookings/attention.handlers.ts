// The attention route's handler: the bookings that need attention from the booking table, each with its workflow as
// Temporal describes it. Temporal answering slowly or not at all still lists the bookings, without their workflow.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common/lib/time.js';
import { bookingsNeedingAttention, type AttentionRow } from '../../domain/bookings/booking-metrics.ts';
import { bookingCancellationWorkflowId } from '../../workflows/booking-messages.ts';
import { BOOKING_STATUS } from '../../workflows/search-attributes.ts';
import type { AttentionHandlers } from './attention.routes.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';

/** How long one booking's workflow may take to describe before the list answers without it. */
const DESCRIBE_DEADLINE_MS = 2_000;

export function attentionHandlers(deps: Pick<BookingsRouteDeps, 'orm' | 'client' | 'config'>): AttentionHandlers {
  const { uiUrl, namespace } = deps.config.temporal;
  const urlOf = (workflowId: string) => `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return {
    attention: async (c) => {
      const page = await bookingsNeedingAttention(deps.orm, c.req.valid('query'));
      const items = await Promise.all(
        page.items.map(async (row) => {
          const workflowId = workflowOf(row);
          return {
            id: row.id,
            customerId: row.customerId,
            eventId: row.eventId,
            reason: row.reason,
            status: row.status,
            since: row.since.toISOString(),
            failureCode: row.failureCode,
            workflow: { workflowId, url: urlOf(workflowId), ...(await describeSaga(deps.client, workflowId)) },
          };
        }),
      );
      return c.json({ items, nextCursor: page.nextCursor }, 200);
    },
  };
}

/** The workflow that wrote the booking last: its cancellation, once a confirmed booking is being cancelled. */
const workflowOf = (row: AttentionRow) => (row.lastSource === 'cancellation' ? bookingCancellationWorkflowId(row.id) : row.workflowId);

async function describeSaga(client: Client, workflowId: string) {
  const unknown = { execution: null, status: null, failureCode: null, pendingActivity: null, error: null };
  try {
    return await client.withDeadline(Date.now() + DESCRIBE_DEADLINE_MS, async () => {
      const handle = client.workflow.getHandle(workflowId);
      const described = await handle.describe();
      const pending = described.raw.pendingActivities?.[0];
      const running = described.status.name === 'RUNNING';
      return {
        ...unknown,
        execution: described.status.name,
        status: described.typedSearchAttributes.get(BOOKING_STATUS) ?? null,
        failureCode: running ? null : await endedWith(handle),
        pendingActivity: pending
          ? {
              activity: pending.activityType?.name ?? 'unknown',
              attempt: pending.attempt ?? 1,
              lastFailure: pending.lastFailure?.message ?? null,
              lastStartedAt: optionalTsToDate(pending.lastStartedTime)?.toISOString() ?? null,
            }
          : null,
      };
    });
  } catch (err) {
    return { ...unknown, error: (err as Error).message };
  }
}

/** The failure code an ended saga returned (a booking's view or a cancellation's result), if it returned one. */
async function endedWith(handle: WorkflowHandle): Promise<string | null> {
  const result: unknown = await handle.result().catch(() => undefined);
  if (typeof result !== 'object' || result === null || !('failureCode' in result)) return null;
  return typeof result.failureCode === 'string' ? result.failureCode : null;
}
