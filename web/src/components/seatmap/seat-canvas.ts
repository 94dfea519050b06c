// Drawing a section's seats on a canvas tile. Each look (with its mark) is drawn once as a stamp, at the device's
// pixels, and every seat is a copy of a stamp: copying a small image costs the browser far less than filling and
// stroking thousands of rounded outlines. A run of seats alike in a row is one copy of a strip of that many stamps,
// so a tile of a thousand seats takes a few dozen copies. One seat is stamped again when its status or the selection
// changed.
import { LABEL, PITCH, SEAT, TILE_ROWS, seatX, seatY } from './seat-geometry.ts';
import type { SeatSection } from './seat-layout.ts';
import { LOOKS, markOf } from './seat-looks.ts';
import type { SeatLook } from './seat-words.ts';

/** The look of the seat at a row and column: its status, or selected. */
export type LookAt = (row: number, col: number) => SeatLook;

type Stamp = HTMLCanvasElement | ImageBitmap;

const RADII = [3, 3, 5, 5];
const MARK_FONT = '11px system-ui, sans-serif';
const LABEL_FONT = '12px system-ui, sans-serif';
const LABEL_COLOUR = '#4a5360';

/** The tile's 2D context, scaled to the device's pixels and moved so the tile draws in section coordinates. */
export function tileContext(canvas: HTMLCanvasElement, tile: number, dpr: number): CanvasRenderingContext2D | null {
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(dpr, 0, 0, dpr, 0, -seatY(tile * TILE_ROWS) * dpr);
  return ctx;
}

/** One seat in a look, with its top left corner at the origin. */
function drawLook(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, look: SeatLook, text: string): void {
  const style = LOOKS[look];
  ctx.beginPath();
  // Half a pixel in, so a one-pixel border falls on whole pixels.
  ctx.roundRect(0.5, 0.5, SEAT - 1, SEAT - 1, RADII);
  if (style.fill !== 'transparent') {
    ctx.fillStyle = style.fill;
    ctx.fill();
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = style.border;
  ctx.setLineDash(style.dashed ? [3, 2] : []);
  ctx.stroke();
  if (!text) return;
  ctx.font = MARK_FONT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = style.markColour;
  ctx.fillText(text, SEAT / 2, SEAT / 2 + 1);
}

/** A canvas of this many device pixels, offscreen where the browser can (else a canvas element never shown). */
function scratch(width: number, height: number): OffscreenCanvas | HTMLCanvasElement {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

/** `count` seats of a look side by side, a pitch apart, drawn once at the device's pixels. */
function makeStamp(look: SeatLook, text: string, count: number, dpr: number): Stamp | undefined {
  const canvas = scratch(Math.ceil(stripWidth(count) * dpr), Math.ceil(SEAT * dpr));
  const ctx = canvas.getContext('2d');
  if (!ctx) return undefined;
  ctx.scale(dpr, dpr);
  if (count === 1) drawLook(ctx, look, text);
  else {
    // A strip is copies of the single seat's stamp, so a seat looks the same whichever run it belongs to.
    const one = stampOf(look, text, 1, dpr);
    for (let i = 0; i < count; i++) {
      if (one) ctx.drawImage(one, i * PITCH, 0, SEAT, SEAT);
      else {
        ctx.save();
        ctx.translate(i * PITCH, 0);
        drawLook(ctx, look, text);
        ctx.restore();
      }
    }
  }
  return 'transferToImageBitmap' in canvas ? canvas.transferToImageBitmap() : canvas;
}

const stripWidth = (count: number) => count * PITCH - (PITCH - SEAT);

/** The stamps made so far, by look, mark and length, for the pixel ratio they were made at. */
let stamps = { dpr: 0, byKey: new Map<string, Stamp | undefined>() };

function stampOf(look: SeatLook, text: string, count: number, dpr: number): Stamp | undefined {
  if (stamps.dpr !== dpr) stamps = { dpr, byKey: new Map() };
  const key = `${look}:${text}:${count}`;
  if (!stamps.byKey.has(key)) stamps.byKey.set(key, makeStamp(look, text, count, dpr));
  return stamps.byKey.get(key);
}

/** `count` seats of one look from a column on, as one copy (or, where no stamp could be made, drawn in place). */
function stampRun(ctx: CanvasRenderingContext2D, row: number, col: number, count: number, look: SeatLook, text: string, dpr: number): void {
  const stamp = stampOf(look, text, count, dpr);
  if (stamp) {
    ctx.drawImage(stamp, seatX(col), seatY(row), stripWidth(count), SEAT);
    return;
  }
  for (let i = col; i < col + count; i++) {
    ctx.save();
    ctx.translate(seatX(i), seatY(row));
    drawLook(ctx, look, text);
    ctx.restore();
  }
}

const markAt = (section: SeatSection, row: number, col: number, look: SeatLook) => {
  const r = section.rows[row]!;
  return markOf(look, r.accessible.has(r.numbers[col]!));
};

/** Draws every seat and row label of the tile; answers how many seats it drew. */
export function drawTile(
  ctx: CanvasRenderingContext2D,
  section: SeatSection,
  tile: number,
  width: number,
  lookAt: LookAt,
  dpr: number,
): number {
  const first = tile * TILE_ROWS;
  const last = Math.min(section.rows.length, first + TILE_ROWS);
  ctx.clearRect(0, seatY(first), width, TILE_ROWS * PITCH);
  let drawn = 0;
  for (let row = first; row < last; row++) {
    const seats = section.rows[row]!.seatIds.length;
    // Runs of seats alike (same look, same mark), each one copy.
    for (let col = 0; col < seats;) {
      const look = lookAt(row, col);
      const text = markAt(section, row, col, look);
      let end = col + 1;
      while (end < seats && lookAt(row, end) === look && markAt(section, row, end, look) === text) end++;
      stampRun(ctx, row, col, end - col, look, text, dpr);
      col = end;
    }
    drawn += seats;
  }
  ctx.font = LABEL_FONT;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = LABEL_COLOUR;
  for (let row = first; row < last; row++) ctx.fillText(section.rows[row]!.row, LABEL - 5, seatY(row) + SEAT / 2 + 1);
  return drawn;
}

/** Draws one seat again in its look now. */
export function drawSeat(ctx: CanvasRenderingContext2D, section: SeatSection, row: number, col: number, look: SeatLook, dpr: number): void {
  // The seat and its border, nothing of its neighbours: the gap between seats is wider than the pixel cleared around.
  ctx.clearRect(seatX(col) - 1, seatY(row) - 1, SEAT + 2, SEAT + 2);
  stampRun(ctx, row, col, 1, look, markAt(section, row, col, look), dpr);
}
