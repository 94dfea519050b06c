// How callers address an event's waiting-list workflow: its id, and the signal that seats may have come back, defined
// once for the workflow and for the routes and subscription that send it.
import { defineSignal } from '@temporalio/workflow';

export const waitingListWorkflowId = (eventId: string): string => `waiting-list-${eventId}`;

/** Seats of the event may be free again (a booking expired, was cancelled or refunded), or someone joined: look now. */
export const seatsMayBeBackSignal = defineSignal('seatsMayBeBack');

export interface WaitingListInput {
  eventId: string;
  /** What earlier runs did, carried across continue-as-new for the progress shown. */
  totals?: WaitingListTotals;
}

export interface WaitingListTotals {
  passes: number;
  offersMade: number;
  accepted: number;
  lapsed: number;
}

export interface WaitingListResult extends WaitingListTotals {
  eventId: string;
}
