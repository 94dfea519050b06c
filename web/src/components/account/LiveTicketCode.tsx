// The ticket's live code as a QR code that changes every window, with a countdown to the next change. It is computed
// here from the ticket's secret, so it keeps changing without a network.
import { useMemo } from 'react';
import { QrCode } from './QrCode.tsx';
import type { Ticket } from './types.ts';
import { useRotatingCode } from './useRotatingCode.ts';

export function LiveTicketCode({ ticket }: { ticket: Ticket }) {
  const { id, generation, printCode, rotating } = ticket;
  const source = useMemo(
    () =>
      printCode && rotating
        ? { ticketId: id, generation, printCode, secret: rotating.secret, periodSeconds: rotating.periodSeconds }
        : undefined,
    [id, generation, printCode, rotating],
  );
  const { code, secondsLeft } = useRotatingCode(source);

  if (ticket.status !== 'valid') return <p>This ticket has no live code: it is {ticket.status === 'used' ? 'used' : 'void'}.</p>;
  if (!source) return <p>This ticket is held by another account, so its code is shown to them.</p>;
  if (!code) return <p role="status">Preparing the live code…</p>;
  return (
    <figure className="live-code">
      <QrCode value={code} label={`Live entry code for seat ${ticket.seatLabel}`} />
      <figcaption>
        <span role="timer" aria-live="off">
          New code in {secondsLeft} s
        </span>
        <br />
        Show this at the door. It changes every {source.periodSeconds} seconds, so a screenshot will not work.
      </figcaption>
    </figure>
  );
}
