// Every event for its organizers, drafts included, with its status in words: a filter by status, a search, and the
// list a page at a time.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../../../api/client.ts';
import type { components, operations } from '../../../api/events.gen.ts';
import { must, problemOf, type Problem } from '../../../api/problems.ts';
import { Link } from '../../../app/router.tsx';
import { StatusBadge } from '../../../components/admin/StatusBadge.tsx';
import { eventTime } from '../../../components/common/format.ts';
import { Loading } from '../../../components/common/Loading.tsx';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';

type EventSummary = components['schemas']['EventPage']['items'][number];
type Status = NonNullable<NonNullable<operations['getEvents']['parameters']['query']>['status']>;

function StatusFilter({ value, onChange }: { value: Status | ''; onChange: (status: Status | '') => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Show</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Status | '')}>
        <option value="">Every event</option>
        <option value="draft">Drafts</option>
        <option value="published">Published</option>
        <option value="cancelled">Cancelled</option>
        <option value="completed">Completed</option>
      </select>
    </div>
  );
}

/** Events per page: the list grows by a page at a time ("Show more"), so an organizer with many events reaches them all. */
const PAGE = 50;

export function EventsPage() {
  const [status, setStatus] = useState<Status | ''>('');
  const [draftQ, setDraftQ] = useState('');
  const [q, setQ] = useState('');
  const [events, setEvents] = useState<EventSummary[]>();
  const [next, setNext] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const searchId = useId();

  const query = (cursor?: string) => ({ limit: PAGE, ...(status ? { status } : {}), ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) });

  useEffect(() => {
    let live = true;
    setEvents(undefined);
    must(api.events.GET('/events', { params: { query: query() } })).then(
      (page) => live && (setEvents(page.items), setNext(page.nextCursor), setProblem(undefined)),
      (err: unknown) => live && setProblem(problemOf(err)),
    );
    return () => {
      live = false;
    };
  }, [status, q]);

  const showMore = () => {
    if (!next) return;
    setMore(true);
    must(api.events.GET('/events', { params: { query: query(next) } }))
      .then(
        (page) => (setEvents((shown) => [...(shown ?? []), ...page.items]), setNext(page.nextCursor), setProblem(undefined)),
        (err: unknown) => setProblem(problemOf(err)),
      )
      .finally(() => setMore(false));
  };

  const search = (e: FormEvent) => {
    e.preventDefault();
    setQ(draftQ.trim());
  };

  return (
    <section>
      <h1>Manage events</h1>
      <div className="filters">
        <Link className="button" href="/admin/events/new">
          New event
        </Link>
        <StatusFilter value={status} onChange={setStatus} />
        <form className="filters" role="search" aria-label="Events" onSubmit={search}>
          <div className="field">
            <label htmlFor={searchId}>Search</label>
            <input
              id={searchId}
              type="search"
              value={draftQ}
              placeholder="Title or description"
              onChange={(e) => setDraftQ(e.target.value)}
            />
          </div>
          <button type="submit">Find events</button>
        </form>
      </div>
      <ProblemMessage problem={problem} />
      {!events && !problem && <Loading what="events" />}
      {events && events.length === 0 && <p role="status">{q ? `No events match “${q}”.` : 'No events here yet.'}</p>}
      {events && events.length > 0 && (
        <table className="admin-table">
          <caption className="visually-hidden">Events, soonest first</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Starts</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id}>
                <td>
                  <Link href={`/admin/events/${event.id}`}>{event.title}</Link>
                </td>
                <td>{eventTime(event.startsAt, event.timeZone)}</td>
                <td>
                  <StatusBadge status={event.status} />
                  {event.onSale ? ' · on sale' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {events && next && (
        <button type="button" className="secondary" onClick={showMore} disabled={more}>
          {more ? 'Loading more events…' : 'Show more events'}
        </button>
      )}
    </section>
  );
}
