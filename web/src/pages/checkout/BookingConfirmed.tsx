// The success screen: the booking is CONFIRMED; its tickets' seats, and the way to the tickets themselves.
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import type { components } from '../../api/bookings.gen.ts';
import { must, problemOf, type Problem } from '../../api/problems.ts';
import { Link } from '../../app/router.tsx';
import { Loading } from '../../components/common/Loading.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';
import type { Booking } from './use-booking.ts';

type Ticket = components['schemas']['Ticket'];

export function BookingConfirmed({ booking }: { booking: Booking }) {
  const [tickets, setTickets] = useState<Ticket[]>();
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    must(api.bookings.GET('/bookings/{id}/tickets', { params: { path: { id: booking.id } } })).then(
      ({ items }) => setTickets(items),
      (err: unknown) => setProblem(problemOf(err)),
    );
  }, [booking.id]);

  return (
    <section className="booking-confirmed" aria-labelledby="confirmed-heading">
      <h1 id="confirmed-heading" tabIndex={-1}>
        Booking confirmed
      </h1>
      <p role="status">Your booking is CONFIRMED. Enjoy {booking.event?.title ?? 'the event'}!</p>
      <ProblemMessage problem={problem} />
      {!tickets && !problem && <Loading what="your tickets" />}
      {tickets && (
        <ul className="ticket-seats" aria-label="Your tickets">
          {tickets.map((t) => (
            <li key={t.id}>Ticket for {t.seatLabel}</li>
          ))}
        </ul>
      )}
      <p>
        <Link href={`/account/bookings/${booking.id}`}>See your tickets</Link>
      </p>
    </section>
  );
}
