// What the map's colours and marks mean, drawn from the same looks as the map's canvas.
import { ACCESSIBLE_MARK, LOOKS } from './seat-looks.ts';
import type { SeatLook } from './seat-words.ts';

const ENTRIES: { look: SeatLook; mark?: string; text: string }[] = [
  { look: 'available', text: 'Available' },
  { look: 'selected', text: 'Your selection' },
  { look: 'held', text: 'Held by someone else' },
  { look: 'sold', text: 'Sold' },
  { look: 'blocked', text: 'Not for sale' },
  { look: 'available', mark: ACCESSIBLE_MARK, text: 'Wheelchair space' },
];

export function SeatLegend() {
  return (
    <ul className="seat-legend" aria-label="Seat map legend">
      {ENTRIES.map((e) => {
        const style = LOOKS[e.look];
        return (
          <li key={e.text}>
            <span
              className="seat-swatch"
              aria-hidden="true"
              style={{
                background: style.fill,
                borderColor: style.border,
                borderStyle: style.dashed ? 'dashed' : 'solid',
                color: style.markColour,
              }}
            >
              {e.mark ?? style.mark}
            </span>
            {e.text}
          </li>
        );
      })}
    </ul>
  );
}
