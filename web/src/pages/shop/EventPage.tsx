// An event's page: what, when (in the venue's time zone) and where, the price per section and what is left. The
// seat map and the hold go below (web/src/components/seatmap). The event, its seat map (which names the venue) and
// the counts are loaded side by side: none waits for another.
import { api } from '../../api/client.ts';
import type { components } from '../../api/events.gen.ts';
import { must } from '../../api/problems.ts';
import { eventTime, money } from '../../components/common/format.ts';
import { Loading } from '../../components/common/Loading.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';
import { useLoaded } from '../../components/common/use-loaded.ts';
import { EventSeats } from './EventSeats.tsx';

type EventView = components['schemas']['Event'];
type Availability = components['schemas']['Availability'];
type SeatMap = components['schemas']['CompactSeatMapWithVenue'];

interface EventDetails {
  event: EventView;
  seats: SeatMap;
  availability: Availability;
}

async function loadEvent(id: string): Promise<EventDetails> {
  const path = { params: { path: { id } } };
  const [event, seats, availability] = await Promise.all([
    must(api.events.GET('/events/{id}', path)),
    must(api.events.GET('/events/{id}/seats/compact', path)),
    must(api.events.GET('/events/{id}/availability', path)),
  ]);
  return { event, seats, availability };
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
  const { event, seats, availability } = details;
  const { venue } = seats;
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
      {event.onSale ? <EventSeats key={event.id} event={event} seats={seats} /> : <p>Seats are not on sale right now.</p>}
    </article>
  );
}
