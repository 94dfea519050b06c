// My bookings: every booking of the signed-in customer, newest first, a page at a time.
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { must, problemOf, type Problem } from '../../api/problems.ts';
import { Link } from '../../app/router.tsx';
import { BookingTable } from '../../components/account/BookingTable.tsx';
import { IncomingTransfers } from '../../components/account/IncomingTransfers.tsx';
import type { Booking } from '../../components/account/types.ts';
import { useLoaded } from '../../components/common/use-loaded.ts';
import { Loading } from '../../components/common/Loading.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';

const loadPage = (cursor?: string) =>
  must(api.bookings.GET('/bookings', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } }));

export function BookingsPage() {
  const first = useLoaded(() => loadPage(), []);
  const [more, setMore] = useState<{ items: Booking[]; nextCursor: string | null }>();
  const [problem, setProblem] = useState<Problem>();

  const showMore = async () => {
    const cursor = more?.nextCursor ?? first.data?.nextCursor;
    if (!cursor) return;
    try {
      const page = await loadPage(cursor);
      setMore({ items: [...(more?.items ?? []), ...page.items], nextCursor: page.nextCursor });
    } catch (err) {
      setProblem(problemOf(err));
    }
  };

  if (first.problem) return <ProblemMessage problem={first.problem} />;
  if (!first.data) return <Loading what="your bookings" />;
  const bookings = [...first.data.items, ...(more?.items ?? [])];
  const nextCursor = more ? more.nextCursor : first.data.nextCursor;
  return (
    <section className="account-page">
      <h1>My bookings</h1>
      <IncomingTransfers />
      {bookings.length === 0 ? (
        <p>
          You have no bookings yet. <Link href="/">Find an event</Link>.
        </p>
      ) : (
        <BookingTable bookings={bookings} />
      )}
      <ProblemMessage problem={problem} />
      {nextCursor && (
        <button type="button" onClick={showMore}>
          Show older bookings
        </button>
      )}
    </section>
  );
}
