// The bookings service's own booking facts, for the waiting list: a booking of an event that ends (expired,
// cancelled, refunded) may have given seats back, and one confirmed may be an offer accepted. Either way the event's
// waiting-list workflow is told to look, but only when the event has entries still to serve.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Subscription } from '../../common/messaging/consumer.ts';
import { on } from '../../common/messaging/fact-handler.ts';
import { bookingCancelledV1, bookingConfirmedV1, bookingExpiredV1 } from '../../contracts/bookings.ts';

/** Tells the event's waiting-list workflow to look now (starting it when it is not running). */
export type NudgeWaitingList = (eventId: string) => Promise<void>;

export function waitingListSubscription(nudge: NudgeWaitingList): Omit<Subscription, 'purpose'> {
  // A failed nudge fails the fact, which comes again: the workflow's timer is the backstop behind that.
  const look = async (em: EntityManager, eventId: string) => {
    if (await hasOpenEntries(em, eventId)) await nudge(eventId);
  };
  const options = { orderKey: (fact: { data: { eventId: string } }) => fact.data.eventId };
  return {
    handlers: [
      on(bookingExpiredV1, (em: EntityManager, { data }) => look(em, data.eventId), options),
      on(bookingCancelledV1, (em: EntityManager, { data }) => look(em, data.eventId), options),
      on(bookingConfirmedV1, (em: EntityManager, { data }) => look(em, data.eventId), options),
    ],
  };
}

async function hasOpenEntries(em: EntityManager, eventId: string): Promise<boolean> {
  const rows = await em.execute(`select 1 from waiting_list_entry where event_id = ? and state in ('waiting', 'offered') limit 1`, [
    eventId,
  ]);
  return rows.length > 0;
}
