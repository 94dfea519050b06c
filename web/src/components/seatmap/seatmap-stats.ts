// Counters the seat map keeps about its own drawing, on `window.__seatmapStats` for the browser benchmark: how many
// seat cells were painted in all, and when the last live change and the last selection were applied.
export interface SeatmapStats {
  cellsPainted: number;
  changesApplied: number;
  lastChangeAt: number;
}

declare global {
  interface Window {
    __seatmapStats?: SeatmapStats;
  }
}

export function seatmapStats(): SeatmapStats {
  return (window.__seatmapStats ??= { cellsPainted: 0, changesApplied: 0, lastChangeAt: 0 });
}
