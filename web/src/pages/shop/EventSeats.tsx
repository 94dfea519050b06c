// Where the event page's seat map and hold go.
import type { components } from '../../api/events.gen.ts';

export function EventSeats({ event }: { event: components['schemas']['Event'] }) {
  return <p>The seat map for {event.title} opens here soon.</p>;
}
