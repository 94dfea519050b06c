// How each seat status looks, in one place for the canvas that draws the map and the legend that explains it: a fill,
// a border and a mark, so no status is told by colour alone.
import type { SeatLook } from './seat-words.ts';

export interface LookStyle {
  fill: string;
  border: string;
  /** Drawn dashed: the seat is not for sale. */
  dashed: boolean;
  mark: string;
  markColour: string;
}

// The colours of styles.css (--ok, --brand, --warn, --muted), each border at least 3:1 against the page; a seat not
// for sale has a dashed grey border, darker than --line so it stays visible.
export const LOOKS: Record<SeatLook, LookStyle> = {
  available: { fill: '#d8ecdf', border: '#106b2f', dashed: false, mark: '', markColour: '#1b1f24' },
  selected: { fill: '#0b5cad', border: '#0b5cad', dashed: false, mark: '✓', markColour: '#ffffff' },
  held: { fill: '#f6e3c3', border: '#8a5200', dashed: false, mark: '–', markColour: '#1b1f24' },
  sold: { fill: '#e4e7eb', border: '#4a5360', dashed: false, mark: '×', markColour: '#1b1f24' },
  blocked: { fill: 'transparent', border: '#7d8794', dashed: true, mark: '', markColour: '#1b1f24' },
};

/** The wheelchair mark, on an accessible seat whose status has no mark of its own. */
export const ACCESSIBLE_MARK = '♿';

export function markOf(look: SeatLook, accessible: boolean): string {
  return LOOKS[look].mark || (accessible ? ACCESSIBLE_MARK : '');
}
