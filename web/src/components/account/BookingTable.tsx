// The customer's bookings as a table: event and when, seats, amount, status, and a link to each booking's page.
import { Link } from '../../app/router.tsx';
import { money } from '../common/format.ts';
import { seatsWords } from './booking-words.ts';
import { BookingStatusBadge } from './BookingStatusBadge.tsx';
import type { Booking } from './types.ts';

function eventName(booking: Booking): string {
  return booking.event?.title ?? 'Event details on their way';
}

function amount(booking: Booking): string {
  if (booking.amountMinor === null || !booking.currency) return '—';
  return booking.amountMinor === 0 ? 'Free' : money(booking.amountMinor, booking.currency);
}

function when(booking: Booking): string {
  if (!booking.event) return '';
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(booking.event.startsAt));
}

export function BookingTable({ bookings }: { bookings: Booking[] }) {
  return (
    <table className="account-table">
      <caption className="visually-hidden">Your bookings, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Seats</th>
          <th scope="col">Amount</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {bookings.map((b) => (
          <tr key={b.id}>
            <th scope="row">
              <Link href={`/account/bookings/${b.id}`}>{eventName(b)}</Link>
              {b.event && <small className="sub">{`${when(b)} · ${b.event.venueName}`}</small>}
            </th>
            <td>{seatsWords(b.seats)}</td>
            <td>{amount(b)}</td>
            <td>
              <BookingStatusBadge status={b.status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
