// The waiting-list routes' handlers: thin over domain/bookings/waiting-list.ts. A join or a leave also nudges the
// event's waiting-list workflow (starting it when it is not running), which makes the offers.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { principalOf } from '../../common/auth/middleware.ts';
import {
  joinWaitingList,
  leaveWaitingList,
  myEntry,
  setOfferWindow,
  waitingListOverview,
  type EntryView,
} from '../../domain/bookings/waiting-list.ts';
import { eventsFreeSeats, type FreeSeats } from '../../domain/bookings/waiting-list-seats.ts';
import { bookingWorkflowId, cancelSignal } from '../../workflows/booking-messages.ts';
import { TASK_QUEUES } from '../../workflows/task-queues.ts';
import { seatsMayBeBackSignal, waitingListWorkflowId } from '../../workflows/waiting-list-messages.ts';
import type { waitingListWorkflow } from '../../workflows/waiting-list.workflow.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import type { WaitingListHandlers } from './waiting-list.routes.ts';

/** Tells the event's waiting-list workflow to look now, starting it if it is not running (it ends when the list is empty). */
export function waitingListNudge(client: Client): (eventId: string) => Promise<void> {
  return async (eventId) => {
    await client.workflow.signalWithStart<typeof waitingListWorkflow, []>('waitingListWorkflow', {
      workflowId: waitingListWorkflowId(eventId),
      taskQueue: TASK_QUEUES.bookings,
      args: [{ eventId }],
      signal: seatsMayBeBackSignal,
      staticSummary: `Waiting list of event ${eventId}`,
    });
  };
}

export function entryBody({ entry, position }: EntryView) {
  return {
    entryId: entry.id,
    eventId: entry.eventId,
    seats: entry.seats,
    sectionId: entry.sectionId ?? null,
    state: entry.state,
    position,
    joinedAt: entry.joinedAt.toISOString(),
    offer: entry.offerBookingId ? { bookingId: entry.offerBookingId, expiresAt: entry.offerExpiresAt?.toISOString() ?? null } : null,
  };
}

export function waitingListHandlers(
  deps: Pick<BookingsRouteDeps, 'orm' | 'client' | 'config'>,
  freeSeats: FreeSeats = eventsFreeSeats(deps.config.services.events.urls),
): WaitingListHandlers {
  const nudge = waitingListNudge(deps.client);
  // A nudge that fails (Temporal away) loses nothing: a returned seat's fact nudges again, and the workflow's timer.
  const nudgeSoon = (eventId: string) => nudge(eventId).catch(() => undefined);
  return {
    join: async (c) => {
      const eventId = c.req.valid('param').id;
      const { seats, sectionId } = c.req.valid('json');
      const customerId = principalOf(c).userId;
      const join = { eventId, customerId, seats, sectionId };
      const { view, created } = await joinWaitingList(deps.orm.em.fork(), join, () => freeSeats(eventId));
      if (created) await nudgeSoon(eventId);
      return c.json(entryBody(view), created ? 201 : 200);
    },
    myEntry: async (c) => c.json(entryBody(await myEntry(deps.orm.em.fork(), c.req.valid('param').id, principalOf(c).userId)), 200),
    leave: async (c) => {
      const eventId = c.req.valid('param').id;
      const principal = principalOf(c);
      const { view, cancel } = await leaveWaitingList(deps.orm.em.fork(), eventId, principal.userId);
      if (cancel) {
        // The offer's saga releases its seats; the cancelled booking's fact then nudges the list on to the next entry.
        await deps.client.workflow
          .getHandle(bookingWorkflowId(cancel))
          .signal(cancelSignal, { actor: `customer:${principal.userId}`, reason: 'left the waiting list' })
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          });
        await nudgeSoon(eventId);
      }
      return c.json(entryBody(view), 200);
    },
    overview: async (c) => c.json(await waitingListOverview(deps.orm.em.fork(), c.req.valid('param').id), 200),
    settings: async (c) => {
      const eventId = c.req.valid('param').id;
      const { offerWindowSeconds } = c.req.valid('json');
      await setOfferWindow(deps.orm.em.fork(), eventId, offerWindowSeconds);
      return c.json({ offerWindowSeconds }, 200);
    },
  };
}
