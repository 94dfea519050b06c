// A section of the map as one keyboard grid: a single Tab stop (roving tabindex), arrow keys, Home/End and
// Page Up/Down move between seats, Space or Enter selects, a click or tap selects the seat under it.
import { useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { money } from '../common/format.ts';
import type { SeatSection } from './seat-layout.ts';
import { SeatRowView } from './SeatRowView.tsx';

interface SectionGridProps {
  section: SeatSection;
  /** The columns selected per row of this section, by row index. */
  selectedByRow: ReadonlyMap<number, string>;
  onToggle: (seatId: string) => void;
}

type Spot = { row: number; col: number };

const MOVES: Record<string, (at: Spot, s: SeatSection) => Spot> = {
  ArrowRight: (at) => ({ ...at, col: at.col + 1 }),
  ArrowLeft: (at) => ({ ...at, col: at.col - 1 }),
  ArrowDown: (at) => ({ ...at, row: at.row + 1 }),
  ArrowUp: (at) => ({ ...at, row: at.row - 1 }),
  Home: (at) => ({ ...at, col: 0 }),
  End: (at, s) => ({ ...at, col: s.rows[at.row]!.seatIds.length - 1 }),
  PageDown: (at, s) => ({ ...at, row: s.rows.length - 1 }),
  PageUp: (at) => ({ ...at, row: 0 }),
};

function clamp(at: Spot, section: SeatSection): Spot {
  const row = Math.max(0, Math.min(section.rows.length - 1, at.row));
  return { row, col: Math.max(0, Math.min(section.rows[row]!.seatIds.length - 1, at.col)) };
}

export function SectionGrid({ section, selectedByRow, onToggle }: SectionGridProps) {
  const [focus, setFocus] = useState<Spot>({ row: 0, col: 0 });
  const grid = useRef<HTMLDivElement>(null);
  const price = useMemo(
    () => (section.priceMinor !== null && section.currency ? money(section.priceMinor, section.currency) : 'not on sale'),
    [section.priceMinor, section.currency],
  );

  const seatAt = (at: Spot) => section.rows[at.row]?.seatIds[at.col];
  const moveTo = (at: Spot) => {
    setFocus(at);
    grid.current?.querySelector<HTMLElement>(`[data-place="${at.row}:${at.col}"]`)?.focus();
  };

  const keyDown = (e: KeyboardEvent) => {
    const move = MOVES[e.key];
    if (move) {
      e.preventDefault();
      moveTo(clamp(move(focus, section), section));
    } else if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      const seatId = seatAt(focus);
      if (seatId) onToggle(seatId);
    }
  };

  const click = (e: MouseEvent) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-place]');
    if (!cell) return;
    const [row, col] = cell.dataset.place!.split(':').map(Number) as [number, number];
    setFocus({ row, col });
    onToggle(cell.dataset.seat!);
  };

  return (
    <section className="seat-section" aria-labelledby={`section-${section.sectionId}`}>
      <h3 id={`section-${section.sectionId}`}>
        {section.name} <span className="seat-section-price">{price}</span>
      </h3>
      <div
        ref={grid}
        role="grid"
        aria-label={`Seats in ${section.name}`}
        aria-rowcount={section.rows.length}
        className="seat-grid"
        onKeyDown={keyDown}
        onClick={click}
      >
        {section.rows.map((row, i) => (
          <SeatRowView
            key={row.row}
            section={section.name}
            rowIndex={i}
            row={row}
            price={price}
            selectedCols={selectedByRow.get(i) ?? ''}
            focusCol={focus.row === i ? focus.col : -1}
          />
        ))}
      </div>
    </section>
  );
}
