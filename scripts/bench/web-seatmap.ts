// `npm run bench:seatmap`: the event page's seat map at 20,000 seats in Chromium, on the platform as the benchmarks run
// it. Figures: the time from navigation to the whole map drawn (every seat's cell in the page), the time from a click
// on a seat to its selected paint, and how many seat cells are repainted when one seat changes live (the map's own
// counter, `window.__seatmapStats`). The reference in the same run: a bare canvas drawing 20,000 rectangles, the least
// any drawing of this many seats could cost on this machine. Results go to data/bench/seatmap.json.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { holdSeats } from '../../domain/events/seats.ts';
import { launchBrowser } from '../../tests/web/support.ts';
import { ensureWebBuild } from '../web.ts';
import { eventOnSale } from './support/events.ts';
import { BENCH_DIR, startBenchPlatform } from './support/platform.ts';
import { machine } from './support/results.ts';

/**
 * What the page-side functions below use of the browser: this script is compiled without the DOM's types, and each
 * function runs in the page, where `globalThis` is the window (the casts vanish when the function is sent there).
 */
interface Cell {
  getAttribute(name: string): string | null;
  click(): void;
  querySelectorAll(selector: string): ArrayLike<Cell>;
}
interface Canvas2d {
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
}
interface Page2d {
  document: {
    querySelectorAll(selector: string): ArrayLike<Cell>;
    querySelector(selector: string): (Cell & { getContext(kind: '2d'): Canvas2d }) | null;
  };
  requestAnimationFrame: (this: void, callback: () => void) => number;
  __seatmapStats?: { cellsPainted: number; changesApplied: number; lastChangeAt: number };
}

const SEATS = Number(process.env.BENCH_SEATMAP_SEATS ?? 20_000);
const CLICKS = 15;
const say = (line: string) => console.log(`[bench:seatmap] ${line}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Milliseconds from navigation start until every seat has its cell and the frame after it is painted. */
async function firstFullRender(page: Page, url: string, seats: number): Promise<{ drawnMs: number; dataArrivedMs: number }> {
  await page.goto(url);
  await page.waitForFunction(
    (n) => (globalThis as unknown as Page2d).document.querySelectorAll('.seat-grid [role=gridcell]').length >= n,
    seats,
    { polling: 'raf', timeout: 120_000 },
  );
  const drawnMs = await page.evaluate(
    () => new Promise<number>((done) => (globalThis as unknown as Page2d).requestAnimationFrame(() => done(performance.now()))),
  );
  // When the seat map's data had arrived: what is left of the render after it is the drawing's own.
  const dataArrivedMs = await page.evaluate(() => {
    const entry = performance.getEntriesByType('resource').find((e) => e.name.includes('/seats/compact')) as
      { responseEnd: number } | undefined;
    return entry?.responseEnd ?? 0;
  });
  return { drawnMs, dataArrivedMs };
}

/** Milliseconds from a click on an available seat to the frame showing it selected, for the nth seat of the last row. */
async function clickToPaint(page: Page, n: number): Promise<number> {
  return page.evaluate(async (nth) => {
    const { document, requestAnimationFrame } = globalThis as unknown as Page2d;
    const rows = document.querySelectorAll('.seat-grid [role=row]');
    const cell = rows[rows.length - 1]!.querySelectorAll('[role=gridcell]')[nth]!;
    const started = performance.now();
    cell.click();
    await new Promise<void>((done) => {
      const check = () => (cell.getAttribute('aria-selected') === 'true' ? done() : requestAnimationFrame(check));
      check();
    });
    await new Promise<void>((done) => requestAnimationFrame(done));
    return performance.now() - started;
  }, n);
}

/** Seat cells repainted, and milliseconds until painted, when one seat is held by someone else. */
async function liveChange(page: Page, hold: () => Promise<void>, seatId: string) {
  const before = await page.evaluate(() => ({ ...(globalThis as unknown as Page2d).__seatmapStats! }));
  const started = Date.now();
  await hold();
  await page.waitForFunction(
    (id) =>
      (globalThis as unknown as Page2d).document
        .querySelector(`[data-seat="${id}"]`)
        ?.getAttribute('aria-label')
        ?.endsWith('held by someone else'),
    seatId,
    {
      polling: 'raf',
    },
  );
  const paintedMs = Date.now() - started;
  // A frame more, so any repaint the change set off has run.
  await page.evaluate(() => {
    const { requestAnimationFrame } = globalThis as unknown as Page2d;
    return new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  });
  const after = await page.evaluate(() => ({ ...(globalThis as unknown as Page2d).__seatmapStats! }));
  return {
    cellsRepainted: after.cellsPainted - before.cellsPainted,
    changesApplied: after.changesApplied - before.changesApplied,
    paintedMs,
  };
}

/** The floor: a blank page's canvas drawing as many rectangles, to the frame after. */
async function bareCanvas(page: Page, seats: number): Promise<number> {
  await page.setContent('<canvas width="2000" height="2000"></canvas>');
  return page.evaluate(async (n) => {
    const { document, requestAnimationFrame } = globalThis as unknown as Page2d;
    const started = performance.now();
    const ctx = document.querySelector('canvas')!.getContext('2d');
    for (let i = 0; i < n; i++) {
      ctx.fillStyle = i % 7 === 0 ? '#f6e3c3' : '#d8ecdf';
      ctx.fillRect((i % 150) * 13, Math.floor(i / 150) * 13, 11, 11);
    }
    await new Promise<void>((done) => requestAnimationFrame(done));
    return performance.now() - started;
  }, seats);
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  ensureWebBuild(say);
  const bench = await startBenchPlatform({ profile: false, say });
  const browser = await launchBrowser();
  try {
    say(`making an event of ${SEATS} seats…`);
    const event = await eventOnSale(bench.platform, SEATS, 5_000);
    const page = await (await browser.newContext({ baseURL: bench.gatewayUrls[0], viewport: { width: 1280, height: 900 } })).newPage();
    const url = `/events/${event.eventId}`;
    const renders = [];
    for (let i = 0; i < 3; i++) renders.push(await firstFullRender(page, url, SEATS));
    say(`first full render: ${renders.map((r) => `${round(r.drawnMs)} ms (data in at ${round(r.dataArrivedMs)} ms)`).join(', ')}`);
    await page.getByText('Seats update live as others book.').waitFor();

    const clicks = [];
    for (let i = 0; i < CLICKS; i++) clicks.push(await clickToPaint(page, i));
    say(`click to selected paint: median ${round(median(clicks))} ms`);

    const seatId = event.seatIds[0]!;
    const hold = async () => {
      const request = { holdId: randomUUID(), eventId: event.eventId, customerId: randomUUID(), selection: { seatIds: [seatId] } };
      await holdSeats(bench.platform.orms.events.em.fork(), { ...request, until: new Date(Date.now() + 600_000), maxSeatsPerCustomer: 10 });
    };
    const live = await liveChange(page, hold, seatId);
    say(`one live change: ${live.cellsRepainted} seat cells repainted, painted ${live.paintedMs} ms after the hold`);

    const canvas = [];
    for (let i = 0; i < 3; i++) canvas.push(await bareCanvas(page, SEATS));
    say(`reference, a bare canvas of ${SEATS} rectangles: median ${round(median(canvas))} ms`);

    const result = {
      seats: SEATS,
      firstFullRenderMs: { runs: renders.map((r) => round(r.drawnMs)), median: round(median(renders.map((r) => r.drawnMs))) },
      seatMapDataArrivedMs: {
        runs: renders.map((r) => round(r.dataArrivedMs)),
        median: round(median(renders.map((r) => r.dataArrivedMs))),
      },
      clickToSelectedPaintMs: { runs: clicks.map(round), median: round(median(clicks)) },
      liveChange: live,
      reference: { bareCanvasRectsMs: { runs: canvas.map(round), median: round(median(canvas)) } },
      machine: machine(),
      durationS: Math.round((Date.now() - startedAt) / 1000),
    };
    mkdirSync(BENCH_DIR, { recursive: true });
    writeFileSync(join(BENCH_DIR, 'seatmap.json'), `${JSON.stringify(result, null, 2)}\n`);
    say(`written to ${join(BENCH_DIR, 'seatmap.json')}`);
  } finally {
    await browser.close();
    await bench.stop();
  }
}

await main();
