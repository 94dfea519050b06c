// Cancelling a booking: a held one releases its seats; a confirmed one shows the event's policy and what a
// cancellation would refund now (as the API works it out) before the customer confirms.
import { useState } from 'react';
import { api, idempotencyKey } from '../../api/client.ts';
import { must, problemOf, type Problem } from '../../api/problems.ts';
import { money } from '../common/format.ts';
import { ProblemMessage } from '../common/ProblemMessage.tsx';
import { policyWords } from './booking-words.ts';
import type { Booking, BookingDetail } from './types.ts';

const RELEASABLE = new Set(['PENDING', 'HELD']);

function Terms({ booking }: { booking: BookingDetail }) {
  const terms = booking.cancellation;
  const currency = booking.currency ?? 'EUR';
  if (!terms) return <p>The event’s cancellation terms cannot be read right now.</p>;
  return (
    <>
      <p>{policyWords(terms, currency)}</p>
      {terms.customerMayCancelNow ? (
        <p>
          Cancelling now would refund <strong>{money(terms.refundNowMinor, currency)}</strong>
          {terms.feeMinor > 0 ? ` (a fee of ${money(terms.feeMinor, currency)} is kept)` : ''}.
        </p>
      ) : (
        <p>This booking can no longer be cancelled.</p>
      )}
    </>
  );
}

export function CancelBooking({ booking, onCancelled }: { booking: BookingDetail; onCancelled: (answer: Booking) => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  // One key per cancellation the customer confirms: a retried click joins it instead of cancelling twice.
  const [key] = useState(idempotencyKey);

  const held = RELEASABLE.has(booking.status);
  const confirmed = booking.status === 'CONFIRMED';
  if (!held && !confirmed) return null;
  const mayCancel = held || booking.cancellation?.customerMayCancelNow !== false;

  const cancel = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const answer = await must(
        api.bookings.POST('/bookings/{id}/cancel', { params: { path: { id: booking.id }, header: { 'idempotency-key': key } }, body: {} }),
      );
      setAsking(false);
      await onCancelled(answer);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="cancel-booking" aria-labelledby="cancel-heading">
      <h2 id="cancel-heading">Cancel</h2>
      {held ? <p>Nothing has been paid yet: cancelling releases the seats.</p> : <Terms booking={booking} />}
      {mayCancel && !asking && (
        <button type="button" onClick={() => setAsking(true)}>
          Cancel this booking
        </button>
      )}
      {asking && (
        <div className="confirm" role="group" aria-label="Confirm the cancellation">
          <p>
            {held
              ? 'Release these seats and cancel the booking?'
              : `Cancel the booking and get ${money(booking.cancellation?.refundNowMinor ?? 0, booking.currency ?? 'EUR')} back?`}
          </p>
          <button type="button" className="danger" onClick={cancel} disabled={busy}>
            {busy ? 'Cancelling…' : 'Yes, cancel the booking'}
          </button>
          <button type="button" onClick={() => setAsking(false)} disabled={busy}>
            Keep the booking
          </button>
        </div>
      )}
      <ProblemMessage problem={problem} />
    </section>
  );
}
