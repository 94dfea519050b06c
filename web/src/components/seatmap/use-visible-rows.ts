// Which rows of a section are on screen (and a little beyond, so scrolling finds them ready): those rows of the grid
// are real cells, so a pointer, a tap or a screen reader's touch exploration finds the seat under it.
import { useLayoutEffect, useState, type RefObject } from 'react';
import { PITCH } from './seat-geometry.ts';

/** Rows rendered beyond each edge of the screen. */
const OVERSCAN_ROWS = 10;

export interface RowRange {
  first: number;
  /** Inclusive; below `first` when no row is near the screen. */
  last: number;
}

export function useVisibleRows(area: RefObject<HTMLElement | null>, rowCount: number): RowRange {
  const [range, setRange] = useState<RowRange>({ first: 0, last: -1 });
  useLayoutEffect(() => {
    let frame = 0;
    const measure = () => {
      frame = 0;
      const el = area.current;
      if (!el) return;
      const top = el.getBoundingClientRect().top;
      const first = Math.max(0, Math.floor(-top / PITCH) - OVERSCAN_ROWS);
      const last = Math.min(rowCount - 1, Math.ceil((window.innerHeight - top) / PITCH) + OVERSCAN_ROWS);
      setRange((r) => (r.first === first && r.last === last ? r : { first, last }));
    };
    const later = () => {
      frame ||= requestAnimationFrame(measure);
    };
    measure();
    // Scrolling, a resized window, and content above the map that grows or shrinks all move rows on or off screen.
    window.addEventListener('scroll', later, { passive: true, capture: true });
    window.addEventListener('resize', later);
    const resized = new ResizeObserver(later);
    resized.observe(document.body);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', later, { capture: true });
      window.removeEventListener('resize', later);
      resized.disconnect();
    };
  }, [area, rowCount]);
  return range;
}
