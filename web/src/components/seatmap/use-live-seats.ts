// An event's seat map, kept live: the compact seat map (loaded by the page, beside the event itself), then the
// availability stream (server-sent events through the gateway), whose snapshot and change messages are applied to
// the rows they touch.
import { useCallback, useEffect, useState } from 'react';
import { API_BASE } from '../../api/client.ts';
import type { components } from '../../api/events.gen.ts';
import { layoutOf, withStatuses, type SeatLayout, type SeatStatus } from './seat-layout.ts';
import { seatmapStats } from './seatmap-stats.ts';

type Availability = components['schemas']['Availability'];
type CompactSeatMap = components['schemas']['CompactSeatMap'];
type SeatStatuses = { seatId: string; status: SeatStatus }[];
/** The stream's messages, as its route describes them (the OpenAPI document types the stream as text). */
type Snapshot = Availability & { seats: SeatStatuses };
type Change = { eventId: string; seats: SeatStatuses; availability: Availability };

export interface LiveSeats {
  layout: SeatLayout;
  /** False while the stream is (re)connecting: the map may be behind. */
  live: boolean;
  /** Applies statuses learnt another way (a refused hold names the seats taken). */
  apply: (changes: SeatStatuses) => void;
}

/** The map as `compact` has it, then as the stream tells; the caller mounts it afresh for another event. */
export function useLiveSeats(eventId: string, compact: CompactSeatMap): LiveSeats {
  const [layout, setLayout] = useState(() => layoutOf(compact));
  const [live, setLive] = useState(false);
  const apply = useCallback((changes: SeatStatuses) => setLayout((l) => withStatuses(l, changes)), []);

  useEffect(() => {
    // The stream's snapshot brings the map up to date with anything that changed since it was loaded.
    const stream = follow(eventId, apply, setLive);
    return () => stream.close();
  }, [eventId, apply]);

  return { layout, live, apply };
}

/** The live seat stream, opened again (after 1 s, then longer, up to 30 s) whenever the browser gives it up for good. */
function follow(eventId: string, apply: (changes: SeatStatuses) => void, setLive: (live: boolean) => void): { close: () => void } {
  let current: EventSource | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let closed = false;
  const connect = () => {
    current = openStream(eventId, apply, (isLive) => {
      setLive(isLive);
      if (isLive) failures = 0;
    });
    // EventSource retries a dropped connection itself, but not one answered with an error status (a 503, a 429).
    current.addEventListener('error', () => {
      if (closed || current?.readyState !== EventSource.CLOSED) return;
      retry = setTimeout(connect, Math.min(30_000, 1_000 * 2 ** failures++));
    });
  };
  connect();
  return {
    close: () => {
      closed = true;
      clearTimeout(retry);
      current?.close();
    },
  };
}

function openStream(eventId: string, apply: (changes: SeatStatuses) => void, setLive: (live: boolean) => void): EventSource {
  // Every (re)connection begins with a fresh snapshot, so nothing is missed.
  const stream = new EventSource(`${API_BASE}/events/${encodeURIComponent(eventId)}/availability/stream`);
  const applied = (seats: SeatStatuses) => {
    apply(seats);
    const stats = seatmapStats();
    stats.changesApplied += 1;
    stats.lastChangeAt = performance.now();
  };
  stream.addEventListener('snapshot', (e: MessageEvent<string>) => {
    setLive(true);
    applied((JSON.parse(e.data) as Snapshot).seats);
  });
  stream.addEventListener('change', (e: MessageEvent<string>) => applied((JSON.parse(e.data) as Change).seats));
  stream.addEventListener('error', () => setLive(false));
  return stream;
}
