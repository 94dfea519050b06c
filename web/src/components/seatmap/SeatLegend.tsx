// What the map's colours and marks mean.
const ENTRIES = [
  { look: 'available', mark: '', text: 'Available' },
  { look: 'selected', mark: '✓', text: 'Your selection' },
  { look: 'held', mark: '–', text: 'Held by someone else' },
  { look: 'sold', mark: '×', text: 'Sold' },
  { look: 'blocked', mark: '', text: 'Not for sale' },
  { look: 'available seat-accessible', mark: '♿', text: 'Wheelchair space' },
];

export function SeatLegend() {
  return (
    <ul className="seat-legend" aria-label="Seat map legend">
      {ENTRIES.map((e) => (
        <li key={e.text}>
          <span className={`seat seat-${e.look}`} aria-hidden="true">
            {e.mark}
          </span>
          {e.text}
        </li>
      ))}
    </ul>
  );
}
