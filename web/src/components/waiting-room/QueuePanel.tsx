// The event's waiting room as the customer sees it: what it is, joining it (signed in), the place as it changes, the
// turn to hold seats, leaving it, and joining again after a turn that ran out. Changes are told to screen readers
// politely: a new state at once, the position now and then.
import { serverNow } from '../../api/clock.ts';
import { Link } from '../../app/router.tsx';
import { eventTime } from '../common/format.ts';
import { Loading } from '../common/Loading.tsx';
import { ProblemMessage } from '../common/ProblemMessage.tsx';
import { useAction } from '../common/use-action.ts';
import { useCalmValue } from '../common/use-calm-value.ts';
import { PlaceDetails, stateSentence } from './PlaceDetails.tsx';
import { joinQueue, leaveQueue, type OnSale, type QueuePlace } from './queue-api.ts';
import { positionSentence } from './queue-words.ts';
import type { QueueFollow } from './use-queue-place.ts';

/** A screen reader hears the position at most this often. */
const POSITION_TOLD_EVERY_MS = 30_000;

interface QueuePanelProps {
  eventId: string;
  timeZone: string;
  onSale: OnSale;
  /** undefined while the session is being restored. */
  signedIn: boolean | undefined;
  queue: QueueFollow;
  /** The turn's countdown reached zero. */
  onTurnEnded: () => void;
  /** A join was refused because the event sold out. */
  onSoldOut: () => void;
}

/** The states in which a place may be left (a used one has its booking; the others are over). */
const LEAVABLE = new Set<QueuePlace['state']>(['pre_queue', 'waiting', 'admitted']);

function Intro({ onSale, timeZone }: { onSale: OnSale; timeZone: string }) {
  const open = onSale.openedAt !== null || new Date(onSale.opensAt).getTime() <= serverNow();
  return (
    <p>
      {open ? 'The sale is open. ' : `The sale opens on ${eventTime(onSale.opensAt, timeZone)}. `}
      To keep it fair, this event sells through a queue: join it, and when it is your turn you have a few minutes to choose and hold your
      seats.
      {!open && ' Everyone who joins before the opening gets a place drawn at random.'}
    </p>
  );
}

function Announcer({ place }: { place: QueuePlace | null | undefined }) {
  const position = useCalmValue(place?.state === 'waiting' ? positionSentence(place) : '', POSITION_TOLD_EVERY_MS);
  const said = place ? (place.state === 'waiting' ? position : stateSentence(place)) : '';
  return (
    <p className="visually-hidden" aria-live="polite">
      {said}
    </p>
  );
}

export function QueuePanel({ eventId, timeZone, onSale, signedIn, queue, onTurnEnded, onSoldOut }: QueuePanelProps) {
  const action = useAction();
  const { place } = queue;
  const join = () =>
    action.run(async () => {
      try {
        queue.keep(await joinQueue(eventId));
      } catch (err) {
        if ((err as { code?: string }).code === 'EVENT_SOLD_OUT') onSoldOut();
        throw err;
      }
    });
  const leave = () =>
    action.run(async () => {
      await leaveQueue(eventId);
      queue.keep(null);
    });

  return (
    <section className="waiting-room" aria-labelledby="waiting-room-heading">
      <h2 id="waiting-room-heading">Waiting room</h2>
      {(!place || place.state === 'expired') && <Intro onSale={onSale} timeZone={timeZone} />}
      {signedIn === false && (
        <p>
          <Link href={`/signin?next=${encodeURIComponent(`/events/${eventId}`)}`}>Sign in</Link> to join the queue.
        </p>
      )}
      {signedIn && place === undefined && !queue.problem && <Loading what="your place in the queue" />}
      {place && <PlaceDetails place={place} onSale={onSale} timeZone={timeZone} onTurnEnded={onTurnEnded} />}
      {place && LEAVABLE.has(place.state) && (
        <p className="hint">{queue.live ? 'Your place updates live.' : 'Reconnecting: your place is checked every few seconds.'}</p>
      )}
      <Announcer place={place} />
      <ProblemMessage problem={action.problem ?? queue.problem} />
      <div className="actions">
        {signedIn && (place === null || place?.state === 'expired') && (
          <button type="button" onClick={() => void join()} disabled={action.busy}>
            {place ? 'Join the queue again' : 'Join the queue'}
          </button>
        )}
        {place && LEAVABLE.has(place.state) && (
          <button type="button" className="secondary" onClick={() => void leave()} disabled={action.busy}>
            Leave the queue
          </button>
        )}
      </div>
    </section>
  );
}
