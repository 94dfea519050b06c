// The checkout of one booking: its seats and total, the time left on the hold, and the payment; then the success
// screen, or the expiry once the API confirms the hold ran out.
import { statusWords } from '../../components/account/booking-words.ts';
import { useCallback, useEffect, useState } from 'react';
import { money } from '../../components/common/format.ts';
import { Loading } from '../../components/common/Loading.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';
import { Link } from '../../app/router.tsx';
import { BookingConfirmed } from './BookingConfirmed.tsx';
import { HoldCountdown } from './HoldCountdown.tsx';
import { HoldExpired } from './HoldExpired.tsx';
import { PaymentForm } from './PaymentForm.tsx';
import { useBooking, type Booking } from './use-booking.ts';

/** How often the booking is asked again once its countdown has ended, until the saga has released it. */
const EXPIRY_POLL_MS = 1000;

function HeldSeats({ booking }: { booking: Booking }) {
  return (
    <table className="held-seats">
      <caption>Your seats</caption>
      <thead>
        <tr>
          <th scope="col">Seat</th>
          <th scope="col">Price</th>
        </tr>
      </thead>
      <tbody>
        {booking.seats.map((s) => (
          <tr key={s.seatId}>
            <th scope="row">{s.label}</th>
            <td>{money(s.priceMinor, s.currency)}</td>
          </tr>
        ))}
      </tbody>
      {booking.amountMinor !== null && booking.currency && (
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td>{money(booking.amountMinor, booking.currency)}</td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}

/** After the countdown: asks the API until the booking is no longer HELD (the saga releases it at its expiry). */
function useExpiryCheck(ran: boolean, reload: () => Promise<Booking | undefined>) {
  useEffect(() => {
    if (!ran) return;
    let live = true;
    const check = async () => {
      const found = await reload();
      if (live && (!found || found.status === 'HELD' || found.status === 'PAYING')) timer = setTimeout(() => void check(), EXPIRY_POLL_MS);
    };
    let timer = setTimeout(() => void check(), 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [ran, reload]);
}

function Ended({ booking }: { booking: Booking }) {
  return (
    <section>
      <h1>Booking: {statusWords(booking.status)}</h1>
      <p>It can no longer be paid.</p>
      <p>
        <Link href={`/account/bookings/${booking.id}`}>See the booking</Link> ·{' '}
        <Link href={`/events/${booking.eventId}`}>Back to the event</Link>
      </p>
    </section>
  );
}

export function CheckoutPage({ params }: { params: Record<string, string> }) {
  const { booking, setBooking, problem, reload } = useBooking(params.bookingId!);
  const [ranOut, setRanOut] = useState(false);
  const expired = useCallback(() => setRanOut(true), []);
  useExpiryCheck(ranOut, reload);

  if (problem && !booking) return <ProblemMessage problem={problem} />;
  if (!booking) return <Loading what="your booking" />;
  if (booking.status === 'CONFIRMED') return <BookingConfirmed booking={booking} />;
  if (booking.status === 'EXPIRED') return <HoldExpired booking={booking} />;
  if (booking.status !== 'HELD' && booking.status !== 'PAYING' && booking.status !== 'PENDING') return <Ended booking={booking} />;
  return (
    <section className="checkout" aria-labelledby="checkout-heading">
      <h1 id="checkout-heading">Checkout</h1>
      {booking.event && <p className="checkout-event">{booking.event.title}</p>}
      <HeldSeats booking={booking} />
      {booking.expiresAt && <HoldCountdown expiresAt={booking.expiresAt} onExpired={expired} />}
      {ranOut ? (
        <p role="status">Checking with the box office whether your hold has ended…</p>
      ) : (
        <PaymentForm booking={booking} onPaid={setBooking} />
      )}
    </section>
  );
}
