// Live availability of one event over server-sent events: a snapshot, then each seat change in order, kept alive when idle.
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { SeatState } from '../../domain/events/seat-state.ts';
import type { AvailabilityStreamHandler } from './availability-stream.routes.ts';
import type { EventsRouteDeps } from './events.deps.ts';
import { availabilityOf, publishedSeats } from './seats.handlers.ts';

/** A comment this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;

export function availabilityStreamHandler(deps: Pick<EventsRouteDeps, 'seats'>): AvailabilityStreamHandler {
  return async (c) => {
    const { eventId } = await publishedSeats(deps.seats, c, c.req.valid('param').id);
    return streamSSE(c, (stream) => relayAvailability(stream, deps.seats, eventId));
  };
}

/** Writes run one at a time, in the order the changes arrived, so a client never sees them reordered. */
class StreamJobs {
  private readonly jobs: (() => Promise<void>)[] = [];
  private wakeUp: (() => void) | undefined;

  push(job: () => Promise<void>): void {
    this.jobs.push(job);
    this.wakeUp?.();
  }

  wake(): void {
    this.wakeUp?.();
  }

  next(): (() => Promise<void>) | undefined {
    return this.jobs.shift();
  }

  get empty(): boolean {
    return this.jobs.length === 0;
  }

  /** Until a job arrives, the stream ends, or `ms` pass. */
  async idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      setTimeout(resolve, ms);
    });
    this.wakeUp = undefined;
  }
}

async function relayAvailability(stream: SSEStreamingApi, state: SeatState, eventId: string): Promise<void> {
  let id = 0;
  const jobs = new StreamJobs();
  // Every stream of an event shares one serialised snapshot per version of the seat state.
  const snapshot = async () => {
    const seats = await state.get(eventId);
    const data = seats.memo('stream-snapshot', () =>
      JSON.stringify({ ...availabilityOf(seats), seats: seats.seats.map((s) => ({ seatId: s.seatId, status: s.status })) }),
    );
    await stream.writeSSE({ id: String(++id), event: 'snapshot', data });
  };
  // Subscribed before the snapshot, so nothing between the two is lost; the state has applied each change it tells.
  const unsubscribe = state.subscribe(eventId, (change) =>
    jobs.push(async () => {
      if (change.resync) return snapshot();
      const { seats, eventId: changed } = change;
      const availability = availabilityOf(await state.get(eventId));
      await stream.writeSSE({ id: String(++id), event: 'change', data: JSON.stringify({ eventId: changed, seats, availability }) });
    }),
  );
  stream.onAbort(() => {
    unsubscribe();
    jobs.wake();
  });
  try {
    await snapshot();
    await runJobs(stream, jobs);
  } finally {
    unsubscribe();
  }
}

async function runJobs(stream: SSEStreamingApi, jobs: StreamJobs): Promise<void> {
  while (!stream.aborted && !stream.closed) {
    const job = jobs.next();
    if (job) {
      await job();
      continue;
    }
    await jobs.idle(KEEP_ALIVE_MS);
    if (jobs.empty && !stream.aborted) await stream.write(': keep-alive\n\n');
  }
}
