// The shop: events on sale, with a search and a date range; each links to its page with the seat map.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { components } from '../../api/events.gen.ts';
import { must, problemOf, type Problem } from '../../api/problems.ts';
import { Link } from '../../app/router.tsx';
import { eventTime } from '../../components/common/format.ts';
import { Loading } from '../../components/common/Loading.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';

type EventSummary = components['schemas']['EventPage']['items'][number];

interface Filters {
  q: string;
  from: string;
  to: string;
}

/** A date field's day as the start of that day in the visitor's own zone, as an ISO instant. */
const dayStart = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : undefined);

async function eventsOnSale(filters: Filters): Promise<EventSummary[]> {
  const query = {
    limit: 50,
    ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
    ...(filters.from ? { from: dayStart(filters.from) } : {}),
    // "To" includes that whole day.
    ...(filters.to ? { to: new Date(new Date(`${filters.to}T00:00:00`).getTime() + 86_400_000).toISOString() } : {}),
  };
  const page = await must(api.events.GET('/events', { params: { query } }));
  return page.items.filter((e) => e.status === 'published');
}

function EventCard({ event }: { event: EventSummary }) {
  return (
    <li className="event-card">
      <h2>
        <Link href={`/events/${event.id}`}>{event.title}</Link>
      </h2>
      <p>{eventTime(event.startsAt, event.timeZone)}</p>
      <p className={event.onSale ? 'badge on-sale' : 'badge'}>{event.onSale ? 'On sale' : 'Not on sale yet'}</p>
    </li>
  );
}

export function ShopPage() {
  const [filters, setFilters] = useState<Filters>({ q: '', from: '', to: '' });
  const [draft, setDraft] = useState<Filters>(filters);
  const [events, setEvents] = useState<EventSummary[] | undefined>();
  const [problem, setProblem] = useState<Problem>();

  useEffect(() => {
    let live = true;
    setEvents(undefined);
    eventsOnSale(filters).then(
      (found) => live && (setEvents(found), setProblem(undefined)),
      (err: unknown) => live && setProblem(problemOf(err)),
    );
    return () => {
      live = false;
    };
  }, [filters]);

  const search = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
  };

  return (
    <section>
      <h1>Events</h1>
      <form className="filters" role="search" onSubmit={search}>
        <div className="field">
          <label htmlFor="q">Search</label>
          <input
            id="q"
            type="search"
            value={draft.q}
            placeholder="Title or description"
            onChange={(e) => setDraft({ ...draft, q: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="from">From</label>
          <input id="from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="to">To</label>
          <input id="to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <button type="submit">Find events</button>
      </form>
      <ProblemMessage problem={problem} />
      {!events && !problem && <Loading what="events" />}
      {events && events.length === 0 && <p role="status">No events match. Try other words or dates.</p>}
      {events && events.length > 0 && (
        <ul className="event-list" aria-label="Events on sale">
          {events.map((event) => (
            <EventCard key={event.id} event={event} />
          ))}
        </ul>
      )}
    </section>
  );
}
