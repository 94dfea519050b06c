// A section's seats drawn on canvas tiles, hidden from assistive technology (the grid laid over it names each seat).
// The first drawing paints every seat; after that only the seats whose status or selection changed are painted again.
import { useLayoutEffect, useRef } from 'react';
import { drawSeat, drawTile, tileContext, type LookAt } from './seat-canvas.ts';
import { changedColumns } from './seat-diff.ts';
import { PITCH, TILE_ROWS } from './seat-geometry.ts';
import { STATUS_OF_LETTER, type SeatRow, type SeatSection } from './seat-layout.ts';
import { seatmapStats } from './seatmap-stats.ts';
import { useDevicePixelRatio } from './use-device-pixel-ratio.ts';

interface SectionCanvasProps {
  section: SeatSection;
  /** The columns selected per row of this section, by row index. */
  selectedByRow: ReadonlyMap<number, string>;
  width: number;
}

interface Drawn {
  rows: SeatRow[];
  selectedByRow: ReadonlyMap<number, string>;
  dpr: number;
  width: number;
}

function lookAt(section: SeatSection, selectedByRow: ReadonlyMap<number, string>): LookAt {
  const selected = new Map([...selectedByRow].map(([row, cols]) => [row, new Set(cols.split(',').map(Number))]));
  return (row, col) => (selected.get(row)?.has(col) ? 'selected' : STATUS_OF_LETTER[section.rows[row]!.status[col]!]!);
}

export function SectionCanvas({ section, selectedByRow, width }: SectionCanvasProps) {
  const dpr = useDevicePixelRatio();
  const tiles = useRef<(HTMLCanvasElement | null)[]>([]);
  const drawn = useRef<Drawn>(undefined);
  const tileCount = Math.ceil(section.rows.length / TILE_ROWS);

  // Before the browser paints, so a change and its drawing reach the screen in the same frame.
  useLayoutEffect(() => {
    const before = drawn.current;
    const look = lookAt(section, selectedByRow);
    const stats = seatmapStats();
    // A canvas whose size changed was cleared by the browser: it is drawn whole again.
    const resized = !before || before.dpr !== dpr || before.width !== width || before.rows.length !== section.rows.length;
    if (resized) {
      tiles.current.forEach((canvas, tile) => {
        const ctx = canvas && tileContext(canvas, tile, dpr);
        if (ctx) stats.cellsPainted += drawTile(ctx, section, tile, width, look, dpr);
      });
    } else if (before.rows !== section.rows || before.selectedByRow !== selectedByRow) {
      section.rows.forEach((row, i) => {
        const cols = changedColumns(before.rows[i]!, row, before.selectedByRow.get(i), selectedByRow.get(i));
        if (cols.length === 0) return;
        const tile = Math.floor(i / TILE_ROWS);
        const canvas = tiles.current[tile];
        const ctx = canvas && tileContext(canvas, tile, dpr);
        if (!ctx) return;
        for (const col of cols) drawSeat(ctx, section, i, col, look(i, col), dpr);
        stats.cellsPainted += cols.length;
      });
    }
    drawn.current = { rows: section.rows, selectedByRow, dpr, width };
  }, [section, selectedByRow, dpr, width]);

  return (
    <div className="seat-canvas" aria-hidden="true">
      {Array.from({ length: tileCount }, (_, tile) => {
        const rows = Math.min(TILE_ROWS, section.rows.length - tile * TILE_ROWS);
        return (
          <canvas
            key={tile}
            ref={(canvas) => {
              tiles.current[tile] = canvas;
            }}
            width={Math.ceil(width * dpr)}
            height={Math.ceil(rows * PITCH * dpr)}
            style={{ top: tile * TILE_ROWS * PITCH, width, height: rows * PITCH }}
          />
        );
      })}
    </div>
  );
}
