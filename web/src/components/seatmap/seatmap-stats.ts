// Counters the seat map keeps about its own drawing, on `window.__seatmapStats` for the browser benchmark: how many
// seats were painted on the canvases in all, how many grid cells were rendered, and when the last live change was
// applied.
export interface SeatmapStats {
  /** Seats drawn on the canvases: every seat once when its section appears, then one per seat that changed. */
  cellsPainted: number;
  /** Grid cells (the accessible seats over the drawing) rendered by React. */
  cellsRendered: number;
  changesApplied: number;
  lastChangeAt: number;
}

declare global {
  interface Window {
    __seatmapStats?: SeatmapStats;
  }
}

export function seatmapStats(): SeatmapStats {
  return (window.__seatmapStats ??= { cellsPainted: 0, cellsRendered: 0, changesApplied: 0, lastChangeAt: 0 });
}
