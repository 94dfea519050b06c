// The venues an admin can use: those of the events and those made in this browser (the API lists no venues).
import { useEffect, useState } from 'react';
import { problemOf, type Problem } from '../../../api/problems.ts';
import { Link } from '../../../app/router.tsx';
import { knownVenues, type Venue } from '../../../components/admin/known-venues.ts';
import { Loading } from '../../../components/common/Loading.tsx';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';

export function VenuesPage() {
  const [venues, setVenues] = useState<Venue[]>();
  const [problem, setProblem] = useState<Problem>();

  useEffect(() => {
    knownVenues().then(setVenues, (err: unknown) => setProblem(problemOf(err)));
  }, []);

  return (
    <section>
      <h1>Venues</h1>
      <p>
        <Link className="button" href="/admin/venues/new">
          Draw a new venue
        </Link>
      </p>
      <p className="hint">Shown here: the venues of your events, and the venues made in this browser.</p>
      <ProblemMessage problem={problem} />
      {!venues && !problem && <Loading what="venues" />}
      {venues && venues.length === 0 && <p role="status">No venues yet. Draw the first one.</p>}
      {venues && venues.length > 0 && (
        <ul className="admin-list" aria-label="Venues">
          {venues.map((venue) => (
            <li key={venue.id}>
              <Link href={`/admin/venues/${venue.id}`}>{venue.name}</Link>{' '}
              <span className="hint">
                {venue.seatCount} seats · {venue.timeZone}
                {venue.city ? ` · ${venue.city}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
