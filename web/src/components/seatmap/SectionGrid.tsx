// A section of the map: its seats drawn on a canvas, and over it one keyboard grid with a single Tab stop (roving
// tabindex). Arrow keys, Home/End and Page Up/Down move between seats, Space or Enter selects, a click or tap selects
// the seat under it. The grid holds the rows on screen and the focused one; a small section holds every row.
import { useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { money } from '../common/format.ts';
import { LABEL, PITCH, SEAT, spotAt } from './seat-geometry.ts';
import type { SeatSection } from './seat-layout.ts';
import { SeatRowView } from './SeatRowView.tsx';
import { SectionCanvas } from './SectionCanvas.tsx';
import { useVisibleRows, type RowRange } from './use-visible-rows.ts';

/** A section of at most this many seats keeps every row in the grid, however little of it is on screen. */
const WHOLE_GRID_SEATS = 1_000;

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

/** The rows the grid holds: those on screen and the focused one, or all of a small section. */
function rowsInGrid(section: SeatSection, seats: number, onScreen: RowRange, focusRow: number): number[] {
  if (seats <= WHOLE_GRID_SEATS) return section.rows.map((_, i) => i);
  const rows: number[] = [];
  if (focusRow < onScreen.first) rows.push(focusRow);
  for (let i = onScreen.first; i <= onScreen.last; i++) rows.push(i);
  if (focusRow > onScreen.last) rows.push(focusRow);
  return rows;
}

export function SectionGrid({ section, selectedByRow, onToggle }: SectionGridProps) {
  const [focus, setFocus] = useState<Spot>({ row: 0, col: 0 });
  // Set when the keyboard (or a click on the drawing) moved the Tab stop: its cell takes focus once it is rendered.
  const focusPending = useRef(false);
  const grid = useRef<HTMLDivElement>(null);
  const onScreen = useVisibleRows(grid, section.rows.length);
  const price = useMemo(
    () => (section.priceMinor !== null && section.currency ? money(section.priceMinor, section.currency) : 'not on sale'),
    [section.priceMinor, section.currency],
  );
  const { seats, width } = useMemo(() => {
    const longest = Math.max(0, ...section.rows.map((r) => r.seatIds.length));
    return { seats: section.rows.reduce((n, r) => n + r.seatIds.length, 0), width: LABEL + longest * PITCH };
  }, [section.rows]);
  const rows = rowsInGrid(section, seats, onScreen, focus.row);

  useLayoutEffect(() => {
    if (!focusPending.current) return;
    focusPending.current = false;
    grid.current?.querySelector<HTMLElement>(`[data-place="${focus.row}:${focus.col}"]`)?.focus();
  }, [focus]);

  const seatAt = (at: Spot) => section.rows[at.row]?.seatIds[at.col];
  const moveTo = (at: Spot) => {
    focusPending.current = true;
    setFocus(at);
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

  const click = (e: MouseEvent<HTMLDivElement>) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-place]');
    let at: Spot | undefined;
    if (cell) {
      const [row, col] = cell.dataset.place!.split(':').map(Number) as [number, number];
      at = { row, col };
    } else {
      // A seat whose row is not in the grid yet (the page is still scrolling): found by where the pointer is.
      const box = e.currentTarget.getBoundingClientRect();
      at = spotAt(e.clientX - box.left, e.clientY - box.top);
      if (at) focusPending.current = true;
    }
    const seatId = at && seatAt(at);
    if (!at || !seatId) return;
    setFocus(at);
    onToggle(seatId);
  };

  return (
    <section className="seat-section" aria-labelledby={`section-${section.sectionId}`}>
      <h3 id={`section-${section.sectionId}`}>
        {section.name} <span className="seat-section-price">{price}</span>
      </h3>
      <div className="seat-area" style={{ width, height: Math.max(0, section.rows.length * PITCH - (PITCH - SEAT)) }}>
        <SectionCanvas section={section} selectedByRow={selectedByRow} width={width} />
        <div
          ref={grid}
          role="grid"
          aria-label={`Seats in ${section.name}`}
          aria-rowcount={section.rows.length}
          aria-multiselectable="true"
          className="seat-grid"
          onKeyDown={keyDown}
          onClick={click}
        >
          {rows.map((i) => (
            <SeatRowView
              key={i}
              section={section.name}
              rowIndex={i}
              row={section.rows[i]!}
              price={price}
              selectedCols={selectedByRow.get(i) ?? ''}
              focusCol={focus.row === i ? focus.col : -1}
            />
          ))}
        </div>
      </div>
    </section>
  );
}
