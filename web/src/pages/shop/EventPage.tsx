// An event's page: what, when (in the venue's time zone) and where, the price per section and what is left. The
// seat map and the hold go below (web/src/components/seatmap); an event that sells through a waiting room shows its
// queue first (EventWaitingRoom), and a sold-out event its waiting list. The event, its seat map (which names the
// venue), the counts and the on-sale are loaded side by side: none waits for another.
import { api } from '../../api/client.ts';
import type { components } from '../../api/events.gen.ts';
import { must } from '../../api/problems.ts';
import { useAuth } from '../../app/auth.tsx';
import { eventTime, money } from '../../components/common/format.ts';
import { Loading } from '../../components/common/Loading.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';
import { useLoaded } from '../../components/common/use-loaded.ts';
import { WaitingList } from '../../components/waiting-list/WaitingList.tsx';
import { loadOnSale, type OnSale } from '../../components/waiting-room/queue-api.ts';
import { EventSeats } from './EventSeats.tsx';
import { EventWaitingRoom } from './EventWaitingRoom.tsx';

type EventView = components['schemas']['Event'];
type Availability = components['schemas']['Availability'];
type SeatMap = components['schemas']['CompactSeatMapWithVenue'];

interface EventDetails {
  event: EventView;
  seats: SeatMap;
  availability: Availability;
  /** null: no on-sale settings, the event sells as it always has. */
  onSale: OnSale | null;
}

/** The platform's limit of seats per customer, as the waiting list applies it when the on-sale sets none. */
const SEATS_PER_CUSTOMER = 10;

async function loadEvent(id: string): Promise<EventDetails> {
  const path = { params: { path: { id } } };
  const [event, seats, availability, onSale] = await Promise.all([
    must(api.events.GET('/events/{id}', path)),
    must(api.events.GET('/events/{id}/seats/compact', path)),
    must(api.events.GET('/events/{id}/availability', path)),
    loadOnSale(id),
  ]);
  return { event, seats, availability, onSale };
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

/**
 * The sale below the prices: the waiting room while it is on and the event has not sold out through it, else the
 * waiting list when nothing is left, and the seat map unless the event sells only through its waiting room.
 */
function EventSale({ event, seats, availability, onSale }: EventDetails) {
  const { account } = useAuth();
  const signedIn = account === undefined ? undefined : account !== null;
  const priced = availability.sections.filter((s) => s.priceMinor !== null);
  const soldOut = onSale?.soldOutAt != null || priced.every((s) => s.available === 0);
  const sections = priced.map((s) => ({ sectionId: s.sectionId, name: s.section }));
  const maxSeats = (onSale?.waitingRoom ? onSale.maxSeatsPerCustomer : null) ?? SEATS_PER_CUSTOMER;
  if (onSale?.waitingRoom && onSale.soldOutAt === null) {
    const list = { sections, maxSeats, soldOut };
    return <EventWaitingRoom event={event} seats={seats} onSale={onSale} list={list} />;
  }
  return (
    <>
      {soldOut && <WaitingList eventId={event.id} sections={sections} maxSeats={maxSeats} signedIn={signedIn} />}
      {!onSale?.waitingRoom && <EventSeats key={event.id} event={event} seats={seats} />}
    </>
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
      {event.onSale ? <EventSale {...details} /> : <p>Seats are not on sale right now.</p>}
    </article>
  );
}
