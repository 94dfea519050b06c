// One seat of the grid laid over the drawing: focusable, selectable and named in words (status, price, wheelchair
// space); the canvas beneath shows its colour and mark.
import { memo } from 'react';
import { seatLabel, type SeatLook } from './seat-words.ts';
import { seatmapStats } from './seatmap-stats.ts';

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
  seatmapStats().cellsRendered += 1;
  const takeable = look === 'available' || look === 'selected';
  return (
    <div
      role="gridcell"
      className={`seat-cell${takeable ? '' : ' seat-cell-taken'}`}
      data-seat={seatId}
      data-place={place}
      tabIndex={focusable ? 0 : -1}
      aria-selected={look === 'selected'}
      aria-disabled={takeable ? undefined : true}
      aria-label={seatLabel(section, row, number, price, look, accessible)}
    />
  );
});
