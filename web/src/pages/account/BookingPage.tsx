// One booking: event, seats and amount, its status and full history, its tickets (with the PDF), and cancelling it.
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { onDeviceClock } from '../../api/clock.ts';
import { must } from '../../api/problems.ts';
import { Link } from '../../app/router.tsx';
import { seatsWords, statusWords } from '../../components/account/booking-words.ts';
import { BookingHistory } from '../../components/account/BookingHistory.tsx';
import { BookingStatusBadge } from '../../components/account/BookingStatusBadge.tsx';
import { BookingTickets } from '../../components/account/BookingTickets.tsx';
import { CancelBooking } from '../../components/account/CancelBooking.tsx';
import { TicketsPdfButton } from '../../components/account/TicketsPdfButton.tsx';
import type { Booking, BookingDetail, Ticket } from '../../components/account/types.ts';
import { useLoaded } from '../../components/common/use-loaded.ts';
import { eventTime, money } from '../../components/common/format.ts';
import { Loading } from '../../components/common/Loading.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';

/** States the saga is still moving a booking out of: the page looks again until it settles. */
const MOVING = new Set(['PENDING', 'PAYING']);
const POLL_MS = 2000;

async function loadBooking(id: string): Promise<{ booking: BookingDetail; tickets: Ticket[] }> {
  const path = { params: { path: { id } } };
  const [booking, tickets] = await Promise.all([
    must(api.bookings.GET('/bookings/{id}', path)),
    must(api.bookings.GET('/bookings/{id}/tickets', path)),
  ]);
  return { booking, tickets: tickets.items };
}

/** The event's time in its venue's zone once a ticket names the zone; before that, in this browser's own. */
function startWords(startsAt: string, timeZone: string | null | undefined): string {
  if (timeZone) return eventTime(startsAt, timeZone);
  return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short' }).format(new Date(startsAt))} (your time)`;
}

function Summary({ booking, timeZone }: { booking: BookingDetail; timeZone: string | null | undefined }) {
  const currency = booking.currency ?? 'EUR';
  return (
    <dl className="facts">
      <dt>Status</dt>
      <dd>
        <BookingStatusBadge status={booking.status} />
      </dd>
      <dt>When and where</dt>
      <dd>
        {booking.event
          ? `${startWords(booking.event.startsAt, timeZone)}, ${booking.event.venueName}`
          : 'The event’s details are on their way.'}
      </dd>
      <dt>Seats</dt>
      <dd>{seatsWords(booking.seats)}</dd>
      <dt>Amount</dt>
      <dd>{booking.amountMinor === null ? '—' : money(booking.amountMinor, currency)}</dd>
      {booking.refundedMinor > 0 && (
        <>
          <dt>Refunded</dt>
          <dd>{money(booking.refundedMinor, currency)}</dd>
        </>
      )}
      {booking.status === 'HELD' && booking.expiresAt && (
        <>
          <dt>Held until</dt>
          {/* On the device's clock: the customer reads it against the clock they have, right or wrong. */}
          <dd>{new Intl.DateTimeFormat('en-GB', { timeStyle: 'medium' }).format(onDeviceClock(booking.expiresAt))}</dd>
        </>
      )}
      <dt>Reference</dt>
      <dd>
        <code>{booking.id.slice(0, 8).toUpperCase()}</code>
      </dd>
    </dl>
  );
}

export function BookingPage({ params }: { params: Record<string, string> }) {
  const id = params.id!;
  const { data, problem, reload } = useLoaded(() => loadBooking(id), [id]);
  const [notice, setNotice] = useState('');

  const status = data?.booking.status;
  useEffect(() => {
    if (!status || !MOVING.has(status)) return;
    const timer = setInterval(() => void reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [status, reload]);

  const cancelled = async (answer: Booking) => {
    await reload();
    setNotice(`The booking is now: ${statusWords(answer.status)}.`);
  };

  if (problem && !data) return <ProblemMessage problem={problem} />;
  if (!data) return <Loading what="the booking" />;
  const { booking, tickets } = data;
  const validTickets = tickets.some((t) => t.status === 'valid' && t.printCode);
  return (
    <article className="account-page">
      <p>
        <Link href="/account/bookings">← My bookings</Link>
      </p>
      <h1>{booking.event?.title ?? 'Booking'}</h1>
      <p aria-live="polite" className="notice">
        {notice}
      </p>
      <Summary booking={booking} timeZone={tickets[0]?.event.timeZone} />
      <section aria-labelledby="tickets-heading">
        <h2 id="tickets-heading">Tickets</h2>
        <BookingTickets tickets={tickets} />
        {validTickets && <TicketsPdfButton bookingId={booking.id} />}
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <BookingHistory history={booking.history} />
      </section>
      <CancelBooking booking={booking} onCancelled={cancelled} />
    </article>
  );
}
