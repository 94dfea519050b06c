// One seat of the map: a grid cell coloured and marked by its status (a symbol too, never colour alone), named in words.
import { memo } from 'react';
import { seatLabel, type SeatLook } from './seat-words.ts';
import { seatmapStats } from './seatmap-stats.ts';

const MARK: Record<SeatLook, string> = { available: '', selected: '✓', held: '–', sold: '×', blocked: '' };

interface SeatCellProps {
  seatId: string;
  section: string;
  row: string;
  number: number;
  price: string;
  look: SeatLook;
  accessible: boolean;
  focusable: boolean;
  place: string;
}

export const SeatCell = memo(function SeatCell({ seatId, section, row, number, price, look, accessible, focusable, place }: SeatCellProps) {
  seatmapStats().cellsPainted += 1;
  const takeable = look === 'available' || look === 'selected';
  return (
    <div
      role="gridcell"
      className={`seat seat-${look}${accessible ? ' seat-accessible' : ''}`}
      data-seat={seatId}
      data-place={place}
      tabIndex={focusable ? 0 : -1}
      aria-selected={look === 'selected'}
      aria-disabled={takeable ? undefined : true}
      aria-label={seatLabel(section, row, number, price, look, accessible)}
    >
      {/* A text node, not an element: at 20,000 seats every element counts. The cell's name is its aria-label. */}
      {accessible && !MARK[look] ? '♿' : MARK[look]}
    </div>
  );
});
