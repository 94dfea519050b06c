// The event's bookings (GET /bookings?eventId=…, admins see everyone's), narrowed by status on the server and by a
// typed text (booking reference, seat, customer id) over the pages loaded, each with its saga in the Temporal Web UI.
import { statusWords } from '../account/booking-words.ts';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { must, problemOf, type Problem } from '../../api/problems.ts';
import { money } from '../common/format.ts';
import { Loading } from '../common/Loading.tsx';
import { ProblemMessage } from '../common/ProblemMessage.tsx';
import { sagaUrl, type BookingStatus, type BookingView, type EventSales } from './sales-data.ts';

const STATUSES: BookingStatus[] = ['PENDING', 'HELD', 'PAYING', 'CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED', 'REFUNDED'];
const PAGE = 100;

interface Loaded {
  items: BookingView[];
  nextCursor: string | null;
}

export function BookingSearch({ eventId, sales }: { eventId: string; sales: EventSales }) {
  const [status, setStatus] = useState<BookingStatus | ''>('');
  const [text, setText] = useState('');
  const [filter, setFilter] = useState('');
  const [loaded, setLoaded] = useState<Loaded>();
  const [problem, setProblem] = useState<Problem>();

  useEffect(() => {
    let live = true;
    setLoaded(undefined);
    loadPage(eventId, status, undefined).then(
      (page) => live && setLoaded(page),
      (err: unknown) => live && setProblem(problemOf(err)),
    );
    return () => {
      live = false;
    };
  }, [eventId, status]);

  const more = async () => {
    if (!loaded?.nextCursor) return;
    try {
      const page = await loadPage(eventId, status, loaded.nextCursor);
      setLoaded({ items: [...loaded.items, ...page.items], nextCursor: page.nextCursor });
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilter(text.trim().toLowerCase());
  };
  const shown = loaded?.items.filter((b) => matches(b, filter)) ?? [];

  return (
    <section className="booking-search" aria-labelledby="booking-search-title">
      <h2 id="booking-search-title">Bookings</h2>
      <form className="filters" onSubmit={submit} role="search" aria-label="Bookings">
        <div className="field">
          <label htmlFor="booking-search-text">Booking, seat or customer</label>
          <input id="booking-search-text" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="booking-search-status">Status</label>
          <select id="booking-search-status" value={status} onChange={(e) => setStatus(e.target.value as BookingStatus | '')}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusWords(s)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Search bookings</button>
      </form>
      <ProblemMessage problem={problem} />
      {!loaded ? (
        !problem && <Loading what="the bookings" />
      ) : (
        <>
          <p aria-live="polite">
            {shown.length === 0 ? 'No bookings match.' : `${shown.length} booking${shown.length === 1 ? '' : 's'} shown.`}
          </p>
          {shown.length > 0 && <BookingTable bookings={shown} sales={sales} />}
          {loaded.nextCursor && (
            <button type="button" className="secondary" onClick={() => void more()}>
              Load more bookings
            </button>
          )}
        </>
      )}
    </section>
  );
}

async function loadPage(eventId: string, status: BookingStatus | '', cursor: string | undefined): Promise<Loaded> {
  const query = { eventId, limit: PAGE, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) };
  return must(api.bookings.GET('/bookings', { params: { query } }));
}

function matches(b: BookingView, filter: string): boolean {
  if (!filter) return true;
  return [b.id, b.customerId, b.status, ...b.seats.map((s) => s.label)].some((v) => v.toLowerCase().includes(filter));
}

function BookingTable({ bookings, sales }: { bookings: BookingView[]; sales: EventSales }) {
  return (
    <table className="booking-list">
      <caption>Bookings found</caption>
      <thead>
        <tr>
          <th scope="col">Booking</th>
          <th scope="col">Status</th>
          <th scope="col">Seats</th>
          <th scope="col">Amount</th>
          <th scope="col">Saga</th>
        </tr>
      </thead>
      <tbody>
        {bookings.map((b) => (
          <tr key={b.id}>
            <th scope="row">
              <code>{b.id.slice(0, 8)}</code>
            </th>
            <td>{statusWords(b.status)}</td>
            <td>{b.seats.map((s) => s.label).join(', ')}</td>
            <td>{b.amountMinor !== null && b.currency ? money(b.amountMinor, b.currency) : '—'}</td>
            <td>
              <a href={sagaUrl(sales, b.workflowId)} target="_blank" rel="noreferrer">
                Saga of booking {b.id.slice(0, 8)}
                <span className="visually-hidden"> (opens the Temporal Web UI)</span>
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
