// A booking's history as the API records it: each transition with its time, who made it and why.
import { actorWords, statusWords } from './booking-words.ts';
import type { BookingDetail } from './types.ts';

const time = (iso: string) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));

export function BookingHistory({ history }: { history: BookingDetail['history'] }) {
  if (history.length === 0) return <p>Nothing has happened to this booking yet.</p>;
  return (
    <ol className="booking-history" aria-label="Booking history">
      {history.map((h, i) => (
        <li key={`${h.at}-${i}`}>
          <time dateTime={h.at}>{time(h.at)}</time>{' '}
          <strong>{h.from ? `${statusWords(h.from)} → ${statusWords(h.to)}` : statusWords(h.to)}</strong>
          <span className="sub">
            {actorWords(h.actor)}: {h.reason}
          </span>
        </li>
      ))}
    </ol>
  );
}
