// The hold ran out (the API says EXPIRED): the seats are on sale again, and the way back to the map.
import { Link } from '../../app/router.tsx';
import type { Booking } from './use-booking.ts';

export function HoldExpired({ booking }: { booking: Booking }) {
  return (
    <section aria-labelledby="expired-heading">
      <h1 id="expired-heading">Your hold has expired</h1>
      <p role="alert">The time to pay ran out and the seats were released. They are on sale again.</p>
      <p>
        <Link href={`/events/${booking.eventId}`}>Choose seats again</Link>
      </p>
    </section>
  );
}
