// What a place in the queue means for the customer, one view per state: the pre-queue before the opening, the
// position while waiting, the turn to hold seats with its countdown, and the ends (expired, used, sold out).
import { Link } from '../../app/router.tsx';
import { eventTime } from '../common/format.ts';
import { AdmissionCountdown } from './AdmissionCountdown.tsx';
import type { OnSale, QueuePlace } from './queue-api.ts';
import { aheadWords, waitWords } from './queue-words.ts';

export interface PlaceDetailsProps {
  place: QueuePlace;
  onSale: OnSale;
  timeZone: string;
  /** The turn's countdown reached zero. */
  onTurnEnded: () => void;
}

function PreQueue({ onSale, timeZone }: { onSale: OnSale; timeZone: string }) {
  return (
    <>
      <p>
        <strong>You are in the queue.</strong> The sale opens on {eventTime(onSale.opensAt, timeZone)}.
      </p>
      <p>
        At the opening, everyone who joined before it is given a place at random, so joining early gives no advantage and nobody loses out
        by arriving a little late. There is no need to refresh: your place shows here on its own.
      </p>
    </>
  );
}

function Waiting({ place }: { place: QueuePlace }) {
  return (
    <>
      <p className="queue-position">
        Your place in the queue: <strong>{place.position ?? '…'}</strong>
      </p>
      <p>
        {place.peopleAhead !== null && aheadWords(place.peopleAhead)}{' '}
        {place.estimatedWaitSeconds !== null && `Estimated wait: ${waitWords(place.estimatedWaitSeconds)}.`}
      </p>
      <p className="hint">Keep this page open: when it is your turn, the seat map opens here.</p>
    </>
  );
}

function Admitted({ place, onSale, onTurnEnded }: Omit<PlaceDetailsProps, 'timeZone'>) {
  const limit = onSale.maxSeatsPerCustomer;
  return (
    <>
      <p>
        <strong>It is your turn.</strong> Choose your seats below and hold them before your turn runs out; then you have the usual time to
        pay.
        {limit !== null && ` You may hold up to ${limit} ${limit === 1 ? 'seat' : 'seats'}.`}
      </p>
      {place.admission && <AdmissionCountdown expiresAt={place.admission.expiresAt} onEnded={onTurnEnded} />}
    </>
  );
}

export function PlaceDetails({ place, onSale, timeZone, onTurnEnded }: PlaceDetailsProps) {
  switch (place.state) {
    case 'pre_queue':
      return <PreQueue onSale={onSale} timeZone={timeZone} />;
    case 'waiting':
      return <Waiting place={place} />;
    case 'admitted':
      return <Admitted place={place} onSale={onSale} onTurnEnded={onTurnEnded} />;
    case 'expired':
      return (
        <p>
          <strong>Your turn ran out</strong> before you held any seats, so it passed to the next person in the queue. You can join again:
          you get a new place at the back of the queue.
        </p>
      );
    case 'used':
      return (
        <p>
          <strong>You held seats with your turn.</strong> Pay for them before the hold runs out: they are in{' '}
          <Link href="/account/bookings">My bookings</Link>.
        </p>
      );
    case 'sold_out':
      return (
        <p>
          <strong>The event sold out</strong> while you were in the queue. Join the waiting list below: seats that come back are offered to
          the people on it in turn.
        </p>
      );
  }
}

/** The state in one sentence, for screen readers: told when it changes. */
export function stateSentence(place: QueuePlace): string {
  switch (place.state) {
    case 'pre_queue':
      return 'You are in the queue. Your place is drawn at the opening.';
    case 'waiting':
      return '';
    case 'admitted':
      return 'It is your turn: choose your seats and hold them.';
    case 'expired':
      return 'Your turn ran out before you held seats.';
    case 'used':
      return 'You held seats with your turn.';
    case 'sold_out':
      return 'The event sold out. You can join the waiting list.';
  }
}
