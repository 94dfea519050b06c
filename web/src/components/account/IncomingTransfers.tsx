// Tickets other customers have offered me, waiting for my answer: accept (the ticket becomes mine, with new codes)
// or decline.
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { must, problemOf, type Problem } from '../../api/problems.ts';
import { ProblemMessage } from '../common/ProblemMessage.tsx';
import type { Transfer } from './types.ts';
import { useLoaded } from '../common/use-loaded.ts';

const loadIncoming = async () =>
  (await must(api.bookings.GET('/tickets/transfers', { params: { query: { direction: 'incoming', status: 'pending' } } }))).items;

function Offer({ offer, onDecided }: { offer: Transfer; onDecided: (words: string) => Promise<void> }) {
  const [problem, setProblem] = useState<Problem>();
  const what = `${offer.event.title ?? 'an event'}, seat ${offer.seatLabel}`;
  const decide = async (choice: 'accept' | 'decline') => {
    try {
      const path = { params: { path: { id: offer.id } } };
      await must(
        choice === 'accept'
          ? api.bookings.POST('/tickets/transfers/{id}/accept', path)
          : api.bookings.POST('/tickets/transfers/{id}/decline', path),
      );
      await onDecided(choice === 'accept' ? `The ticket for ${what} is yours now.` : `You declined the ticket for ${what}.`);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <li>
      {offer.fromName ?? 'Another customer'} offers you a ticket for <strong>{what}</strong>.{' '}
      <button type="button" onClick={() => decide('accept')}>
        Accept
      </button>{' '}
      <button type="button" onClick={() => decide('decline')}>
        Decline
      </button>
      <ProblemMessage problem={problem} />
    </li>
  );
}

export function IncomingTransfers() {
  const { data, problem, reload } = useLoaded(loadIncoming, []);
  const [notice, setNotice] = useState('');
  const decided = async (words: string) => {
    setNotice(words);
    await reload();
  };
  return (
    <div className="incoming-transfers">
      <p aria-live="polite" className="notice">
        {notice}
      </p>
      {data && data.length > 0 && (
        <>
          <h2 id="incoming-heading">Tickets offered to you</h2>
          <ul className="transfer-list">
            {data.map((o) => (
              <Offer key={o.id} offer={o} onDecided={decided} />
            ))}
          </ul>
        </>
      )}
      <ProblemMessage problem={problem} />
    </div>
  );
}
