// The event page's seat map and hold: the live map, the customer's selection with its total, "best available", and
// the hold that opens the checkout. Seats someone else takes meanwhile leave the selection on their own. While the
// event sells through its waiting room, this is shown to an admitted customer only, and the hold sends the admission.
import { useCallback, useEffect, useRef, useState } from 'react';
import { idempotencyKey } from '../../api/client.ts';
import type { components } from '../../api/events.gen.ts';
import { mayHaveHappened, type Problem } from '../../api/problems.ts';
import { useAuth } from '../../app/auth.tsx';
import { Link, navigate } from '../../app/router.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';
import { BestAvailable } from '../../components/seatmap/BestAvailable.tsx';
import { holdSeats, type HoldRequest } from '../../components/seatmap/hold-seats.ts';
import { statusAt, type SeatLayout } from '../../components/seatmap/seat-layout.ts';
import { SeatLegend } from '../../components/seatmap/SeatLegend.tsx';
import { SeatMap } from '../../components/seatmap/SeatMap.tsx';
import { SelectionSummary } from '../../components/seatmap/SelectionSummary.tsx';
import { useLiveSeats } from '../../components/seatmap/use-live-seats.ts';

type EventView = components['schemas']['Event'];
type CompactSeatMap = components['schemas']['CompactSeatMap'];

/** The selection without the seats that are no longer free. */
function stillFree(layout: SeatLayout, selected: ReadonlySet<string>): ReadonlySet<string> {
  const kept = [...selected].filter((id) => statusAt(layout, id) === 'available');
  return kept.length === selected.size ? selected : new Set(kept);
}

/** The customer's turn from the waiting room: what the hold sends, and what it may hold. */
export interface Admission {
  token: string;
  /** Seats this admission may hold; null when only the platform's limit per customer applies. */
  maxSeats: number | null;
}

interface EventSeatsProps {
  event: EventView;
  seats: CompactSeatMap;
  admission?: Admission | undefined;
  /** Told of every refused hold (the waiting room reads the place again after an admission's refusal). */
  onHoldRefused?: (problem: Problem) => void;
}

/** The seat map as the page loaded it, beside the event; it is kept live from here on. */
export function EventSeats({ event, seats, admission, onHoldRefused }: EventSeatsProps) {
  const { account } = useAuth();
  const { layout, live, apply } = useLiveSeats(event.id, seats);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [holdProblem, setHoldProblem] = useState<Problem>();
  // One key per selection: a repeated click on the same seats joins the first hold instead of making another.
  const key = useRef(idempotencyKey());
  /** The best-available request the key was made for: the same request again reuses it. */
  const lastBest = useRef<string>(undefined);

  useEffect(() => setSelected((s) => stillFree(layout, s)), [layout]);

  const toggle = useCallback(
    (seatId: string) => {
      if (statusAt(layout, seatId) !== 'available') return;
      key.current = idempotencyKey();
      lastBest.current = undefined;
      setHoldProblem(undefined);
      setSelected((s) => {
        const next = new Set(s);
        if (!next.delete(seatId)) next.add(seatId);
        return next;
      });
    },
    [layout],
  );

  const hold = async (request: HoldRequest) => {
    setBusy(true);
    setHoldProblem(undefined);
    const outcome = await holdSeats(event.id, request, key.current, admission?.token);
    setBusy(false);
    if ('booking' in outcome) return navigate(`/checkout/${outcome.booking.id}`);
    // Taken, but the saga has not answered yet: the booking's own page follows it.
    const pending = (outcome.problem as { bookingId?: string }).bookingId;
    if (outcome.problem.code === 'BOOKING_OUTCOME_PENDING' && pending) return navigate(`/checkout/${pending}`);
    // A hold that may have been made keeps its key, so trying again returns it rather than holding twice.
    if (!mayHaveHappened(outcome.problem)) key.current = idempotencyKey();
    setHoldProblem(outcome.problem);
    onHoldRefused?.(outcome.problem);
    if (outcome.takenSeatIds.length > 0) apply(outcome.takenSeatIds.map((seatId) => ({ seatId, status: 'held' })));
  };

  const canHold = Boolean(account);
  return (
    <section className="event-seats" aria-labelledby="seats-heading">
      <h2 id="seats-heading">Choose your seats</h2>
      <p className="hint" role="status">
        {live ? 'Seats update live as others book.' : 'Connecting to live seat updates…'} Use the arrow keys to move between seats and Space
        to select.
      </p>
      <SeatLegend />
      <SeatMap layout={layout} selected={selected} onToggle={toggle} />
      {!canHold && (
        <p>
          <Link href={`/signin?next=${encodeURIComponent(`/events/${event.id}`)}`}>Sign in</Link> to hold seats.
        </p>
      )}
      <ProblemMessage problem={holdProblem} />
      <SelectionSummary
        layout={layout}
        selected={selected}
        busy={busy}
        canHold={canHold}
        onHold={() => void hold({ seats: [...selected] })}
        onClear={() => setSelected(new Set())}
      />
      <BestAvailable
        layout={layout}
        busy={busy}
        canHold={canHold}
        maxQuantity={admission?.maxSeats ?? undefined}
        onHold={(section, quantity) => {
          if (lastBest.current !== `${section}:${quantity}`) key.current = idempotencyKey();
          lastBest.current = `${section}:${quantity}`;
          void hold({ section, quantity });
        }}
      />
    </section>
  );
}
