// Where a seat sits in its section's drawing, in CSS pixels: one source for the canvas, the grid laid over it and
// the click that finds the seat under the pointer.

/** A seat's side. */
export const SEAT = 18;
/** From one seat to the next, across and down. */
export const PITCH = 20;
/** The row labels' column, left of the seats. */
export const LABEL = 36;
/**
 * Rows per canvas tile: a tall section is several canvases, each well inside the browser's canvas size limits (2,500
 * CSS pixels high, 10,000 device pixels at a ratio of 4). Few and large, as each canvas costs the browser a set-up of
 * its own before its first drawing.
 */
export const TILE_ROWS = 125;

export function seatX(col: number): number {
  return LABEL + col * PITCH;
}

export function seatY(row: number): number {
  return row * PITCH;
}

/** The row and column under a point of the section's drawing, or undefined between seats and beside the rows. */
export function spotAt(x: number, y: number): { row: number; col: number } | undefined {
  if (x < LABEL || y < 0) return undefined;
  const row = Math.floor(y / PITCH);
  const col = Math.floor((x - LABEL) / PITCH);
  if (y - seatY(row) >= SEAT || x - seatX(col) >= SEAT) return undefined;
  return { row, col };
}
