// The waiting-list routes' handlers: thin over domain/bookings/waiting-list.ts. A join or a leave also nudges the
// event's waiting-list workflow (starting it when it is not running), which makes the offers.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { principalOf } from '../../common/auth/middleware.ts';
import type { Config } from '../../common/config.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { sharedOnSaleCache } from '../../domain/bookings/on-sale.ts';
import {
  joinWaitingList,
  leaveWaitingList,
  myEntry,
  SEATS_PER_CUSTOMER_DEFAULT,
  setOfferWindow,
  waitingListOverview,
  waitingListSeatLimit,
  type EntryView,
} from '../../domain/bookings/waiting-list.ts';
import { eventsFreeSeats, type FreeSeats } from '../../domain/bookings/waiting-list-seats.ts';
import { bookingWorkflowId, cancelSignal } from '../../workflows/booking-messages.ts';
import { TASK_QUEUES } from '../../workflows/task-queues.ts';
import { seatsMayBeBackSignal, waitingListWorkflowId } from '../../workflows/waiting-list-messages.ts';
import type { waitingListWorkflow } from '../../workflows/waiting-list.workflow.ts';
import { withinDeadline } from './booking-saga-client.ts';
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

/** The bookings process's configuration as these handlers read it: the platform's limit per customer, when it says. */
type WaitingListConfig = BookingsRouteDeps['config'] & { events?: Pick<Config['events'], 'maxSeatsPerCustomer'> };

/** A leave whose offer could not be cancelled is answered with this; the retry cancels it again. */
const OFFER_CANCEL_RETRY_AFTER_SECONDS = 2;

export function waitingListHandlers(
  deps: Pick<BookingsRouteDeps, 'orm' | 'client'> & { config: WaitingListConfig },
  freeSeats: FreeSeats = eventsFreeSeats(deps.config.services.events.urls),
): WaitingListHandlers {
  const nudge = waitingListNudge(deps.client);
  const onSale = sharedOnSaleCache(deps.orm);
  const perCustomerMax = deps.config.events?.maxSeatsPerCustomer ?? SEATS_PER_CUSTOMER_DEFAULT;
  // A nudge that fails (Temporal away) loses nothing: a returned seat's fact nudges again, and the workflow's timer.
  const nudgeSoon = (eventId: string) => nudge(eventId).catch(() => undefined);
  /** Asks the offer's saga to cancel its booking (it releases the seats); a saga that has ended has nothing to cancel. */
  const cancelOffer = async (bookingId: string, customerId: string) => {
    const saga = deps.client.workflow.getHandle(bookingWorkflowId(bookingId));
    const request = { actor: `customer:${customerId}`, reason: 'left the waiting list' };
    try {
      await withinDeadline(deps.client, Date.now() + deps.config.bookings.sagaAnswerMs, () => saga.signal(cancelSignal, request));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return;
      throw new DomainError(
        'unavailable',
        'OFFER_NOT_CANCELLED',
        'You have left the waiting list, but the booking held for your offer could not be cancelled right now: leave again to cancel it (its seats are released at its expiry otherwise).',
        { retryAfterSeconds: OFFER_CANCEL_RETRY_AFTER_SECONDS },
      );
    }
  };
  return {
    join: async (c) => {
      const eventId = c.req.valid('param').id;
      const { seats, sectionId } = c.req.valid('json');
      const customerId = principalOf(c).userId;
      const maxSeats = waitingListSeatLimit(perCustomerMax, await onSale.get(eventId));
      const join = { eventId, customerId, seats, sectionId, maxSeats };
      const { view, created } = await joinWaitingList(deps.orm.em.fork(), join, () => freeSeats(eventId));
      if (created) await nudgeSoon(eventId);
      return c.json(entryBody(view), created ? 201 : 200);
    },
    myEntry: async (c) => c.json(entryBody(await myEntry(deps.orm.em.fork(), c.req.valid('param').id, principalOf(c).userId)), 200),
    leave: async (c) => {
      const eventId = c.req.valid('param').id;
      const principal = principalOf(c);
      // The entry is left first (so no pass offers it anything more), then its open offer's booking is cancelled: the
      // saga releases the seats, and the cancelled booking's fact nudges the list on to the next entry.
      const { view, cancel } = await leaveWaitingList(deps.orm.em.fork(), eventId, principal.userId);
      if (cancel) {
        await cancelOffer(cancel, principal.userId);
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
