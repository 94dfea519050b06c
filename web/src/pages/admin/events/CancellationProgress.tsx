// How far the refunds of a cancelled event have gone. The event-cancellation saga's own progress is not served by
// the API, so this counts the event's bookings by status (admins see everyone's) and polls while any remain open.
import { useEffect, useState } from 'react';
import { api } from '../../../api/client.ts';
import type { components } from '../../../api/bookings.gen.ts';
import { must, problemOf, type Problem } from '../../../api/problems.ts';
import { ProblemMessage } from '../../../components/common/ProblemMessage.tsx';

type Status = NonNullable<components['schemas']['Booking']['status']>;
const OPEN: Status[] = ['PENDING', 'HELD', 'PAYING', 'CONFIRMED'];
const DONE: Status[] = ['CANCELLED', 'REFUNDED'];
const POLL_MS = 2_000;
const PAGE = 100;

interface Counts {
  open: number;
  done: number;
  /** A count reached a full page: there are at least this many. */
  more: boolean;
}

async function countOf(eventId: string, status: Status): Promise<{ n: number; more: boolean }> {
  const page = await must(api.bookings.GET('/bookings', { params: { query: { eventId, status, limit: PAGE } } }));
  return { n: page.items.length, more: page.nextCursor !== null };
}

async function counts(eventId: string): Promise<Counts> {
  const [open, done] = await Promise.all([
    Promise.all(OPEN.map((s) => countOf(eventId, s))),
    Promise.all(DONE.map((s) => countOf(eventId, s))),
  ]);
  const sum = (list: { n: number }[]) => list.reduce((n, c) => n + c.n, 0);
  return { open: sum(open), done: sum(done), more: [...open, ...done].some((c) => c.more) };
}

export function CancellationProgress({ eventId }: { eventId: string }) {
  const [now, setNow] = useState<Counts>();
  const [problem, setProblem] = useState<Problem>();

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const found = await counts(eventId);
        if (!live) return;
        setNow(found);
        setProblem(undefined);
        if (found.open > 0) timer = setTimeout(() => void poll(), POLL_MS);
      } catch (err) {
        if (!live) return;
        setProblem(problemOf(err));
        timer = setTimeout(() => void poll(), POLL_MS * 2);
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [eventId]);

  const at = (n: number) => `${n}${now?.more ? '+' : ''}`;
  return (
    <section aria-labelledby="cancellation-progress" className="cancellation-progress">
      <h2 id="cancellation-progress">Refunds</h2>
      <ProblemMessage problem={problem} />
      <p role="status" aria-live="polite">
        {!now
          ? 'Counting the bookings of this event…'
          : now.open > 0
            ? `Cancelling: ${at(now.open)} bookings still to cancel or refund, ${at(now.done)} done. This page follows along.`
            : `Every booking is cancelled or refunded (${at(now.done)} in all).`}
      </p>
      {now && now.open > 0 && <progress max={now.open + now.done} value={now.done} aria-label="Bookings cancelled or refunded" />}
    </section>
  );
}
