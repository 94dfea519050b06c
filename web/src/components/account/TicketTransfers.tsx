// Sending a ticket to another Eventix account: the offer by email, the ticket's offers so far, and taking one back
// while it is pending. Nothing moves until the receiver accepts.
import { useState, type FormEvent } from 'react';
import { api, idempotencyKey } from '../../api/client.ts';
import { must, problemOf, type Problem } from '../../api/problems.ts';
import { Field } from '../common/Field.tsx';
import { ProblemMessage } from '../common/ProblemMessage.tsx';
import { useAction } from '../common/use-action.ts';
import type { Ticket, Transfer } from './types.ts';
import { useLoaded } from '../common/use-loaded.ts';

const TRANSFER_WORDS: Record<Transfer['status'], string> = {
  pending: 'waiting for them to accept',
  accepted: 'accepted',
  declined: 'declined',
  cancelled: 'taken back',
};

function OfferForm({ ticketId, onOffered }: { ticketId: string; onOffered: () => Promise<void> }) {
  const [email, setEmail] = useState('');
  const { run, busy, problem } = useAction();

  const offer = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      await must(
        api.bookings.POST('/tickets/{id}/transfers', {
          params: { path: { id: ticketId }, header: { 'idempotency-key': idempotencyKey() } },
          body: { email },
        }),
      );
      setEmail('');
      await onOffered();
    });
  };

  return (
    <form onSubmit={offer} className="inline-form" aria-label="Send this ticket">
      <Field
        label="Their Eventix account email"
        field="email"
        type="email"
        problem={problem}
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        required
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Sending…' : 'Offer the ticket'}
      </button>
      <ProblemMessage problem={problem} />
    </form>
  );
}

function OfferList({ offers, onChanged }: { offers: Transfer[]; onChanged: () => Promise<void> }) {
  const [problem, setProblem] = useState<Problem>();
  const takeBack = async (id: string) => {
    try {
      await must(api.bookings.POST('/tickets/transfers/{id}/cancel', { params: { path: { id } } }));
      await onChanged();
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  if (offers.length === 0) return null;
  return (
    <>
      <ul className="transfer-list" aria-label="Offers of this ticket">
        {offers.map((o) => (
          <li key={o.id}>
            To {o.toEmail}: {TRANSFER_WORDS[o.status]}
            {o.status === 'pending' && o.direction === 'outgoing' && (
              <button type="button" onClick={() => takeBack(o.id)}>
                Take back the offer to {o.toEmail}
              </button>
            )}
          </li>
        ))}
      </ul>
      <ProblemMessage problem={problem} />
    </>
  );
}

export function TicketTransfers({ ticket }: { ticket: Ticket }) {
  const history = useLoaded(
    async () => (await must(api.bookings.GET('/tickets/{id}/transfers', { params: { path: { id: ticket.id } } }))).items,
    [ticket.id],
  );
  const holder = ticket.status === 'valid' && ticket.printCode !== null;
  const pending = history.data?.some((o) => o.status === 'pending') ?? false;
  return (
    <section aria-labelledby="transfer-heading">
      <h2 id="transfer-heading">Send to someone else</h2>
      <ProblemMessage problem={history.problem} />
      <OfferList offers={history.data ?? []} onChanged={history.reload} />
      {holder && !pending && <OfferForm ticketId={ticket.id} onOffered={history.reload} />}
      {!holder && <p>Only the ticket’s holder can send a valid ticket.</p>}
    </section>
  );
}
