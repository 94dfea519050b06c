// One row of a section's grid, placed over its drawing: its label and its seats. Memoised on the row object and the
// row's selection, so a live change elsewhere never renders it again.
import { memo } from 'react';
import { seatY } from './seat-geometry.ts';
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
    // Rows off screen are left out of the grid: each row says where it is among them all.
    <div role="row" className="seat-row" aria-rowindex={rowIndex + 1} style={{ top: seatY(rowIndex) }}>
      {/* The label is drawn on the canvas; the row header names the row to screen readers. */}
      <div role="rowheader" className="visually-hidden">
        Row {row.row}
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
