// A sold-out event's waiting list: joining it (signed in) with the seats wanted, the entry as it goes (its place, an
// offer to pay, its end), and leaving it.
import { Link } from '../../app/router.tsx';
import { Loading } from '../common/Loading.tsx';
import { ProblemMessage } from '../common/ProblemMessage.tsx';
import { useAction } from '../common/use-action.ts';
import { EntryStatus } from './EntryStatus.tsx';
import { JoinWaitingListForm, type ListSection } from './JoinWaitingListForm.tsx';
import { useWaitingListEntry } from './use-waiting-list-entry.ts';
import { leaveWaitingList } from './waiting-list-api.ts';

interface WaitingListProps {
  eventId: string;
  sections: ListSection[];
  maxSeats: number;
  /** undefined while the session is being restored. */
  signedIn: boolean | undefined;
}

export function WaitingList({ eventId, sections, maxSeats, signedIn }: WaitingListProps) {
  const { entry, problem, keep } = useWaitingListEntry(eventId, signedIn);
  const leaving = useAction();
  const leave = () => leaving.run(async () => keep(await leaveWaitingList(eventId)));
  return (
    <section className="waiting-list" aria-labelledby="waiting-list-heading">
      <h2 id="waiting-list-heading">Waiting list</h2>
      {!entry && (
        <p>
          Every seat is taken for now. Join the waiting list: seats that come back (a hold that runs out, a cancelled booking) are held for
          the people on it in turn, and you have a while to pay for them.
        </p>
      )}
      {signedIn === false && (
        <p>
          <Link href={`/signin?next=${encodeURIComponent(`/events/${eventId}`)}`}>Sign in</Link> to join the waiting list.
        </p>
      )}
      {signedIn && entry === undefined && !problem && <Loading what="your place on the waiting list" />}
      <div aria-live="polite">{entry && <EntryStatus entry={entry} sections={sections} />}</div>
      <ProblemMessage problem={problem ?? leaving.problem} />
      {/* Never on the list, or off it (left, an offer lapsed): joining (again) is a place at the end of the list. */}
      {signedIn && (entry === null || entry?.state === 'left' || entry?.state === 'lapsed') && (
        <JoinWaitingListForm eventId={eventId} sections={sections} maxSeats={maxSeats} onJoined={keep} />
      )}
      {entry && (entry.state === 'waiting' || entry.state === 'offered') && (
        <button type="button" className="secondary" onClick={() => void leave()} disabled={leaving.busy}>
          Leave the waiting list
        </button>
      )}
    </section>
  );
}
