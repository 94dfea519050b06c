// The seats picked so far, their total, and the button that holds them.
import { money } from '../common/format.ts';
import type { SeatLayout } from './seat-layout.ts';

interface SelectionSummaryProps {
  layout: SeatLayout;
  selected: ReadonlySet<string>;
  busy: boolean;
  canHold: boolean;
  onHold: () => void;
  onClear: () => void;
}

function describeSelection(layout: SeatLayout, selected: ReadonlySet<string>) {
  let total = 0;
  let currency: string | null = null;
  const labels: string[] = [];
  for (const seatId of selected) {
    const place = layout.places.get(seatId)!;
    const section = layout.sections[place.section]!;
    const row = section.rows[place.row]!;
    labels.push(`${section.name} ${row.row}-${row.numbers[place.col]}`);
    total += section.priceMinor ?? 0;
    currency ??= section.currency;
  }
  return { labels, total: currency ? money(total, currency) : '' };
}

export function SelectionSummary({ layout, selected, busy, canHold, onHold, onClear }: SelectionSummaryProps) {
  const { labels, total } = describeSelection(layout, selected);
  return (
    <section className="selection-summary" aria-labelledby="selection-heading">
      <h3 id="selection-heading">Your selection</h3>
      <p aria-live="polite">
        {labels.length === 0
          ? 'No seats selected yet. Pick seats on the map.'
          : `${labels.length} ${labels.length === 1 ? 'seat' : 'seats'}: ${labels.join(', ')}. Total ${total}.`}
      </p>
      <div className="actions">
        <button type="button" onClick={onHold} disabled={busy || !canHold || labels.length === 0}>
          {busy ? 'Holding…' : 'Hold these seats'}
        </button>
        {labels.length > 0 && (
          <button type="button" className="secondary" onClick={onClear} disabled={busy}>
            Clear selection
          </button>
        )}
      </div>
    </section>
  );
}
