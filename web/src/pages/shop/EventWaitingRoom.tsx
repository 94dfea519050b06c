// An event that sells through its waiting room: the queue panel first; the seat map once it is the customer's turn,
// its hold sending the admission; the waiting list while no seat is free, or once the queue says the event sold out.
import { useCallback, useState } from 'react';
import type { components } from '../../api/events.gen.ts';
import type { Problem } from '../../api/problems.ts';
import { useAuth } from '../../app/auth.tsx';
import type { ListSection } from '../../components/waiting-list/JoinWaitingListForm.tsx';
import { WaitingList } from '../../components/waiting-list/WaitingList.tsx';
import type { OnSale } from '../../components/waiting-room/queue-api.ts';
import { QueuePanel } from '../../components/waiting-room/QueuePanel.tsx';
import { useQueuePlace } from '../../components/waiting-room/use-queue-place.ts';
import { EventSeats, type Admission } from './EventSeats.tsx';

type EventView = components['schemas']['Event'];
type CompactSeatMap = components['schemas']['CompactSeatMap'];

interface EventWaitingRoomProps {
  event: EventView;
  seats: CompactSeatMap;
  onSale: OnSale;
  /** The waiting list's sections and seat limit, and whether no seat was free when the page loaded. */
  list: { sections: ListSection[]; maxSeats: number; soldOut: boolean };
}

export function EventWaitingRoom({ event, seats, onSale, list }: EventWaitingRoomProps) {
  const { account } = useAuth();
  const signedIn = account === undefined ? undefined : account !== null;
  const queue = useQueuePlace(event.id, signedIn);
  // The admission whose countdown reached zero: its seat map closes before the API has said so.
  const [ranOut, setRanOut] = useState<string>();
  const [joinSoldOut, setJoinSoldOut] = useState(false);
  const { place, refresh } = queue;

  const admission: Admission | undefined =
    place?.state === 'admitted' && place.admission && place.admission.expiresAt !== ranOut
      ? { token: place.admission.token, maxSeats: onSale.maxSeatsPerCustomer }
      : undefined;
  const turnEnded = useCallback(() => {
    setRanOut(place?.admission?.expiresAt);
    refresh();
  }, [place?.admission?.expiresAt, refresh]);
  // A hold refused for its admission (run out, used elsewhere) means the place has moved on: read it again.
  const holdRefused = useCallback((problem: Problem) => problem.code.startsWith('ADMISSION_') && refresh(), [refresh]);

  return (
    <>
      <QueuePanel
        eventId={event.id}
        timeZone={event.timeZone}
        onSale={onSale}
        signedIn={signedIn}
        queue={queue}
        onTurnEnded={turnEnded}
        onSoldOut={() => setJoinSoldOut(true)}
      />
      {/* Keyed by the admission's expiry: a new turn (after queueing again) starts with a fresh selection and key. */}
      {admission && (
        <EventSeats key={place?.admission?.expiresAt} event={event} seats={seats} admission={admission} onHoldRefused={holdRefused} />
      )}
      {(list.soldOut || joinSoldOut || place?.state === 'sold_out') && (
        <WaitingList eventId={event.id} sections={list.sections} maxSeats={list.maxSeats} signedIn={signedIn} />
      )}
    </>
  );
}
