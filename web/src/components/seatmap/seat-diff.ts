// What changed in a section between two drawings: the seats whose status letter or selection differs, row by row,
// so a live change or a click repaints those seats and nothing else.
import type { SeatRow } from './seat-layout.ts';

const columns = (cols: string | undefined) => (cols ? cols.split(',').map(Number) : []);

/** The columns of one row to paint again. */
export function changedColumns(
  before: SeatRow,
  after: SeatRow,
  selectedBefore: string | undefined,
  selectedAfter: string | undefined,
): number[] {
  const changed = new Set<number>();
  if (before !== after) {
    for (let col = 0; col < after.status.length; col++) if (before.status[col] !== after.status[col]) changed.add(col);
  }
  if (selectedBefore !== selectedAfter) {
    const was = new Set(columns(selectedBefore));
    const is = new Set(columns(selectedAfter));
    for (const col of was) if (!is.has(col)) changed.add(col);
    for (const col of is) if (!was.has(col)) changed.add(col);
  }
  return [...changed];
}
