// One row of a section: its label and its seats. Memoised on the row object and the row's selection, so a live change
// elsewhere never repaints it.
import { memo } from 'react';
import type { SeatRow } from './seat-layout.ts';
import { STATUS_OF_LETTER } from './seat-layout.ts';
import { SeatCell } from './SeatCell.tsx';

interface SeatRowViewProps {
  section: string;
  rowIndex: number;
  row: SeatRow;
  price: string;
  /** The columns selected in this row, joined by commas ('' for none): a string, so memo compares it by value. */
  selectedCols: string;
  /** The column that takes the Tab stop in this row, or -1. */
  focusCol: number;
}

export const SeatRowView = memo(function SeatRowView({ section, rowIndex, row, price, selectedCols, focusCol }: SeatRowViewProps) {
  const selected = new Set(selectedCols ? selectedCols.split(',').map(Number) : []);
  return (
    <div role="row" className="seat-row">
      <div role="rowheader" className="seat-row-label">
        <span className="visually-hidden">Row </span>
        {row.row}
      </div>
      {row.seatIds.map((seatId, col) => (
        <SeatCell
          key={seatId}
          seatId={seatId}
          section={section}
          row={row.row}
          number={row.numbers[col]!}
          price={price}
          look={selected.has(col) ? 'selected' : STATUS_OF_LETTER[row.status[col]!]!}
          accessible={row.accessible.has(row.numbers[col]!)}
          focusable={col === focusCol}
          place={`${rowIndex}:${col}`}
        />
      ))}
    </div>
  );
});
