// A booking's tickets: seat, name on it and status, each linking to its page with the live code.
import { Link } from '../../app/router.tsx';
import { ticketStatusWords } from './booking-words.ts';
import type { Ticket } from './types.ts';

export function BookingTickets({ tickets }: { tickets: Ticket[] }) {
  if (tickets.length === 0) return <p>Tickets are issued once the booking is confirmed.</p>;
  return (
    <ul className="ticket-list" aria-label="Tickets">
      {tickets.map((t) => (
        <li key={t.id}>
          <Link href={`/account/tickets/${t.id}`}>Ticket for {t.seatLabel}</Link>
          <span className="sub">
            {t.holderName} · {ticketStatusWords(t.status)}
            {!t.printCode && t.status === 'valid' ? ' · sent to another account' : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}
