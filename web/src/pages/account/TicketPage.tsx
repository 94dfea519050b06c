// One ticket: event, seat, status and the name on it, the live entry code for its holder, and sending it on.
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { must } from '../../api/problems.ts';
import { Link } from '../../app/router.tsx';
import { ticketStatusWords } from '../../components/account/booking-words.ts';
import { HolderNameForm } from '../../components/account/HolderNameForm.tsx';
import { LiveTicketCode } from '../../components/account/LiveTicketCode.tsx';
import { TicketTransfers } from '../../components/account/TicketTransfers.tsx';
import type { Ticket } from '../../components/account/types.ts';
import { useLoaded } from '../../components/common/use-loaded.ts';
import { eventTime } from '../../components/common/format.ts';
import { Loading } from '../../components/common/Loading.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';

function TicketFacts({ ticket }: { ticket: Ticket }) {
  const { event } = ticket;
  return (
    <dl className="facts">
      <dt>When</dt>
      <dd>{event.startsAt ? eventTime(event.startsAt, event.timeZone ?? 'UTC') : 'To be announced'}</dd>
      <dt>Where</dt>
      <dd>{[event.venueName, event.venueAddress].filter(Boolean).join(', ') || 'To be announced'}</dd>
      <dt>Seat</dt>
      <dd>{ticket.seatLabel}</dd>
      <dt>Status</dt>
      <dd>
        <span className={`status status-${ticket.status === 'valid' ? 'ok' : 'muted'}`}>{ticketStatusWords(ticket.status)}</span>
        {ticket.usedAt &&
          ` (admitted ${new Date(ticket.usedAt).toLocaleString('en-GB')}${ticket.usedGate ? ` at ${ticket.usedGate}` : ''})`}
      </dd>
    </dl>
  );
}

export function TicketPage({ params }: { params: Record<string, string> }) {
  const id = params.id!;
  const loaded = useLoaded(() => must(api.bookings.GET('/tickets/{id}', { params: { path: { id } } })), [id]);
  // A rename answers the ticket as it is now: shown at once, without another round trip.
  const [renamed, setRenamed] = useState<Ticket>();
  const ticket = renamed?.id === id ? renamed : loaded.data;

  if (loaded.problem) return <ProblemMessage problem={loaded.problem} />;
  if (!ticket) return <Loading what="the ticket" />;
  return (
    <article className="account-page ticket-page">
      <p>
        <Link href={`/account/bookings/${ticket.bookingId}`}>← The booking</Link>
      </p>
      <h1>{ticket.event.title ?? 'Ticket'}</h1>
      <div className="ticket-layout">
        <LiveTicketCode ticket={ticket} />
        <div>
          <TicketFacts ticket={ticket} />
          <HolderNameForm ticket={ticket} onRenamed={setRenamed} />
        </div>
      </div>
      <TicketTransfers ticket={ticket} />
    </article>
  );
}
