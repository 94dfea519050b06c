// An event's waiting list served, one workflow per event (`waiting-list-<eventId>`): on each signal that seats may be
// back, and on a slow timer as a backstop, one pass settles the offers out and picks the next entries; each offer is
// the booking saga itself, started as a child for the entry's customer. It ends when nobody is waiting or holding an
// offer (a join or a returned seat starts it again), and continues as new before its history grows long.
//
// Why a child booking saga rather than an activity that claims seats: the offer then is an ordinary booking in every
// respect (the same hold, expiry, payment, cancellation and release, the same row and facts, its saga in the Web UI
// under the waiting list's), so there is one source of truth for holding seats and no second path that could drift
// from it. ABANDON lets an offer outlive the run that made it (continue-as-new, or the list emptied); the pass reads
// each offer's outcome from its booking row, not from the child's result, so any later run can settle it.
import {
  continueAsNew,
  condition,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { OfferToMake, WaitingListActivities } from '../activities/waiting-list.activities.ts';
import { EVENT_BOOKINGS_ACTIVITIES } from './activity-options.ts';
import { bookingWorkflowId } from './booking-messages.ts';
import { bookingWorkflow } from './booking.workflow.ts';
import { BOOKING_STATUS, CUSTOMER_ID, EVENT_ID } from './search-attributes.ts';
import { TASK_QUEUES } from './task-queues.ts';
import { seatsMayBeBackSignal, type WaitingListInput, type WaitingListResult, type WaitingListTotals } from './waiting-list-messages.ts';

const lists = proxyActivities<WaitingListActivities>(EVENT_BOOKINGS_ACTIVITIES);

/** The backstop: a signal lost on its way (a fact missed, a start raced) waits this long at most. */
const BACKSTOP = '30 seconds';
/** While an offer's booking is not held yet, the next pass comes soon, to tell its customer. */
const SOON = '2 seconds';
/** Passes per run: each is a handful of history events, so a run stays well below the history limits. */
const PASSES_PER_RUN = 400;

export async function waitingListWorkflow(input: WaitingListInput): Promise<WaitingListResult> {
  let nudged = false;
  setHandler(seatsMayBeBackSignal, () => void (nudged = true));
  const totals: WaitingListTotals = { passes: 0, offersMade: 0, accepted: 0, lapsed: 0, ...input.totals };
  const progress = (state: string, waiting: number, offered: number) =>
    setCurrentDetails(
      `**${state}**\n\nwaiting: ${waiting}\n\noffered now: ${offered}\n\noffers made: ${totals.offersMade}\n\n` +
        `accepted: ${totals.accepted}\n\nlapsed: ${totals.lapsed}\n\npasses: ${totals.passes}`,
    );

  for (let pass = 1; ; pass++) {
    nudged = false;
    const result = await lists.serveWaitingList(input.eventId);
    for (const offer of result.offers) await startOffer(offer);
    totals.passes++;
    totals.offersMade += result.offers.length;
    totals.accepted += result.accepted;
    totals.lapsed += result.lapsed;
    if (result.waiting === 0 && result.offered === 0) {
      progress('done: nobody is waiting', 0, 0);
      return { eventId: input.eventId, ...totals };
    }
    // The event is off sale (cancelled, over): once its last offers are settled nothing more can be offered.
    if (!result.onSale && result.offered === 0) {
      progress('done: the event is no longer on sale', result.waiting, 0);
      return { eventId: input.eventId, ...totals };
    }
    progress(`pass ${totals.passes}`, result.waiting, result.offered);
    if (pass >= PASSES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof waitingListWorkflow>({ eventId: input.eventId, totals });
    }
    await condition(() => nudged, result.unsettled > 0 ? SOON : BACKSTOP);
  }
}

/**
 * Starts the offer's booking saga, without a claimed hold: the saga holds the seats itself, for the offer window.
 * Its id comes from the entry and attempt, so a pass that makes the same offer again finds the saga already running.
 */
async function startOffer(offer: OfferToMake): Promise<void> {
  try {
    await startChild(bookingWorkflow, {
      workflowId: bookingWorkflowId(offer.bookingId),
      taskQueue: TASK_QUEUES.bookings,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: BOOKING_STATUS, value: 'PENDING' },
        { key: EVENT_ID, value: offer.eventId },
        { key: CUSTOMER_ID, value: offer.customerId },
      ],
      staticSummary: `Waiting-list offer ${offer.bookingId} for event ${offer.eventId}`,
      staticDetails: `Entry ${offer.entryId}; ${offer.seats} seat(s)`,
      args: [
        {
          bookingId: offer.bookingId,
          customerId: offer.customerId,
          eventId: offer.eventId,
          selection: { sectionId: offer.sectionId, quantity: offer.seats },
          holdTtlMs: offer.holdTtlMs,
          requestedAt: new Date().toISOString(),
        },
      ],
    });
  } catch (err) {
    // Started already (by an earlier pass, or run) and perhaps ended: the booking row says how it went.
    if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
  }
}
