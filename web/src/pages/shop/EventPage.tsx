// An event's page: what, when (in the venue's time zone) and where, the price per section and what is left. The
// seat map and the hold go below (web/src/components/seatmap).
import { api } from '../../api/client.ts';
import type { components } from '../../api/events.gen.ts';
import { must } from '../../api/problems.ts';
import { eventTime, money } from '../../components/common/format.ts';
import { Loading } from '../../components/common/Loading.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';
import { useLoaded } from '../../components/common/use-loaded.ts';
import { EventSeats } from './EventSeats.tsx';

type EventView = components['schemas']['Event'];
type Venue = components['schemas']['Venue'];
type Availability = components['schemas']['Availability'];

interface EventDetails {
  event: EventView;
  venue: Venue;
  availability: Availability;
}

async function loadEvent(id: string): Promise<EventDetails> {
  const event = await must(api.events.GET('/events/{id}', { params: { path: { id } } }));
  const [venue, availability] = await Promise.all([
    must(api.events.GET('/venues/{id}', { params: { path: { id: event.venueId } } })),
    must(api.events.GET('/events/{id}/availability', { params: { path: { id } } })),
  ]);
  return { event, venue, availability };
}

function PriceList({ availability }: { availability: Availability }) {
  return (
    <table className="prices">
      <caption>Prices and seats left</caption>
      <thead>
        <tr>
          <th scope="col">Section</th>
          <th scope="col">Price</th>
          <th scope="col">Seats left</th>
        </tr>
      </thead>
      <tbody>
        {availability.sections.map((s) => (
          <tr key={s.sectionId}>
            <th scope="row">{s.section}</th>
            <td>{s.priceMinor !== null && s.currency ? money(s.priceMinor, s.currency) : 'Not on sale'}</td>
            <td>
              {s.available} of {s.total}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EventPage({ params }: { params: Record<string, string> }) {
  const id = params.id!;
  const { data: details, problem } = useLoaded(() => loadEvent(id), [id]);

  if (problem) return <ProblemMessage problem={problem} />;
  if (!details) return <Loading what="the event" />;
  const { event, venue, availability } = details;
  return (
    <article className="event-page">
      <h1>{event.title}</h1>
      <p className="when">{eventTime(event.startsAt, event.timeZone)}</p>
      <p className="where">
        {venue.name}
        {venue.address ? `, ${venue.address}` : ''}
      </p>
      {event.description && <p>{event.description}</p>}
      {event.status === 'cancelled' && <p className="problem">This event was cancelled.</p>}
      <PriceList availability={availability} />
      {event.onSale ? <EventSeats event={event} /> : <p>Seats are not on sale right now.</p>}
    </article>
  );
}
