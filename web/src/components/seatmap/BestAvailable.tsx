// "Best available N in section X": the hold API picks the seats (POST /bookings with a section and a quantity).
import { useState, type FormEvent } from 'react';
import type { SeatLayout } from './seat-layout.ts';

interface BestAvailableProps {
  layout: SeatLayout;
  busy: boolean;
  canHold: boolean;
  /** The most seats one hold may ask for here (an admission's limit); 20 when not said. */
  maxQuantity?: number | undefined;
  onHold: (section: string, quantity: number) => void;
}

export function BestAvailable({ layout, busy, canHold, maxQuantity = 20, onHold }: BestAvailableProps) {
  const onSale = layout.sections.filter((s) => s.priceMinor !== null);
  const [section, setSection] = useState(onSale[0]?.sectionId ?? '');
  const [quantity, setQuantity] = useState(Math.min(2, maxQuantity));
  if (onSale.length === 0) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onHold(section, quantity);
  };
  return (
    <form className="best-available" onSubmit={submit} aria-labelledby="best-heading">
      <h3 id="best-heading">Or let us choose</h3>
      <div className="field">
        <label htmlFor="best-quantity">Seats</label>
        <input
          id="best-quantity"
          type="number"
          min={1}
          max={maxQuantity}
          value={quantity}
          onChange={(e) => setQuantity(Math.min(maxQuantity, Math.max(1, Number(e.target.value) || 1)))}
        />
      </div>
      <div className="field">
        <label htmlFor="best-section">Section</label>
        <select id="best-section" value={section} onChange={(e) => setSection(e.target.value)}>
          {onSale.map((s) => (
            <option key={s.sectionId} value={s.sectionId}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={busy || !canHold}>
        Hold the best {quantity} available
      </button>
    </form>
  );
}
