// Every event for its organizers, drafts included, with its status in words; a filter by status.
import { useEffect, useId, useState } from 'react';
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

export function EventsPage() {
  const [status, setStatus] = useState<Status | ''>('');
  const [events, setEvents] = useState<EventSummary[]>();
  const [problem, setProblem] = useState<Problem>();

  useEffect(() => {
    let live = true;
    setEvents(undefined);
    const query = { limit: 100, ...(status ? { status } : {}) };
    must(api.events.GET('/events', { params: { query } })).then(
      (page) => live && (setEvents(page.items), setProblem(undefined)),
      (err: unknown) => live && setProblem(problemOf(err)),
    );
    return () => {
      live = false;
    };
  }, [status]);

  return (
    <section>
      <h1>Manage events</h1>
      <div className="filters">
        <Link className="button" href="/admin/events/new">
          New event
        </Link>
        <StatusFilter value={status} onChange={setStatus} />
      </div>
      <ProblemMessage problem={problem} />
      {!events && !problem && <Loading what="events" />}
      {events && events.length === 0 && <p role="status">No events here yet.</p>}
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
    </section>
  );
}
