// `npm run bench:seatmap`: the event page's seat map at 20,000 seats in Chromium, on the platform as the benchmarks run
// it. Figures, each from what the canvas shows (its pixels), as a person sees it: the time from navigation to the whole
// map drawn (every seat painted, by the map's own counter `window.__seatmapStats`), and to a seat clicked at that
// moment shown selected; the time from a click on a seat to its selected paint; and how many seats are repainted (and
// grid cells rendered) when one seat changes live. The reference in the same run: a bare canvas drawing 20,000
// rectangles, the least any drawing of this many seats could cost on this machine. Results go to
// data/bench/seatmap.json.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { holdSeats } from '../../domain/events/seats.ts';
import { LABEL, PITCH, SEAT, TILE_ROWS } from '../../web/src/components/seatmap/seat-geometry.ts';
import { launchBrowser } from '../../tests/web/support.ts';
import { ensureWebBuild } from '../web.ts';
import { eventOnSale } from './support/events.ts';
import { BENCH_DIR, startBenchPlatform } from './support/platform.ts';
import { machine } from './support/results.ts';

/**
 * What the page-side functions below use of the browser: this script is compiled without the DOM's types, and each
 * function runs in the page, where `globalThis` is the window (the casts vanish when the function is sent there).
 */
interface Box {
  left: number;
  top: number;
  width: number;
}
interface Canvas2d {
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
}
interface Node2d {
  tagName: string;
  width: number;
  getBoundingClientRect(): Box;
  querySelectorAll(selector: string): ArrayLike<Node2d>;
  getContext(kind: '2d'): Canvas2d;
  dispatchEvent(event: unknown): boolean;
}
interface Page2d {
  document: {
    querySelectorAll(selector: string): ArrayLike<Node2d>;
    querySelector(selector: string): Node2d | null;
    elementFromPoint(x: number, y: number): Node2d | null;
  };
  innerHeight: number;
  scrollTo(x: number, y: number): void;
  MouseEvent: new (type: string, init: { bubbles: boolean; clientX: number; clientY: number }) => unknown;
  requestAnimationFrame: (this: void, callback: () => void) => number;
  __seatmapStats?: { cellsPainted: number; cellsRendered: number; changesApplied: number; lastChangeAt: number };
  __bench?: BenchHelpers;
}
/** Installed in the page before its scripts run: clicks where a person would, and reads what the canvas shows. */
interface BenchHelpers {
  /** The colour drawn inside a seat (beside its mark), as "r,g,b". */
  colourOf(section: number, row: number, col: number): string;
  /** Clicks the seat on screen, at its middle; answers false when it is not on screen. */
  click(section: number, row: number, col: number): boolean;
  /** Scrolls the page so the row of the section is in the middle of the screen. */
  reveal(section: number, row: number): void;
  /** Resolves at the frame after `check` first holds. */
  paintedWhen(check: () => boolean): Promise<number>;
}

const SEATS = Number(process.env.BENCH_SEATMAP_SEATS ?? 20_000);
const RENDERS = 5;
const CLICKS = 15;
const say = (line: string) => console.log(`[bench:seatmap] ${line}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;
const figure = (xs: number[]) => ({ runs: xs.map(round), median: round(median(xs)) });

/** The fills of seat-looks.ts the figures wait for. */
const SELECTED = '11,92,173';
const HELD = '246,227,195';

function installHelpers(geometry: { seat: number; pitch: number; label: number; tileRows: number }): void {
  const page = globalThis as unknown as Page2d;
  const area = (section: number) => page.document.querySelectorAll('.seat-area')[section]!;
  const middle = (section: number, row: number, col: number) => {
    const box = area(section).getBoundingClientRect();
    return {
      x: box.left + geometry.label + col * geometry.pitch + geometry.seat / 2,
      y: box.top + row * geometry.pitch + geometry.seat / 2,
    };
  };
  page.__bench = {
    colourOf(section, row, col) {
      const tile = Math.floor(row / geometry.tileRows);
      const canvas = area(section).querySelectorAll('canvas')[tile]!;
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      // A few pixels in from the seat's corner: inside its border, clear of its mark.
      const x = (geometry.label + col * geometry.pitch + 4) * scale;
      const y = ((row - tile * geometry.tileRows) * geometry.pitch + 4) * scale;
      return Array.from(canvas.getContext('2d').getImageData(Math.floor(x), Math.floor(y), 1, 1).data)
        .slice(0, 3)
        .join(',');
    },
    click(section, row, col) {
      const { x, y } = middle(section, row, col);
      if (y < 0 || y > page.innerHeight) return false;
      const target = page.document.elementFromPoint(x, y);
      target?.dispatchEvent(new page.MouseEvent('click', { bubbles: true, clientX: x, clientY: y }));
      return Boolean(target);
    },
    reveal(section, row) {
      const top = area(section).getBoundingClientRect().top + row * geometry.pitch;
      page.scrollTo(0, top + (globalThis as unknown as { scrollY: number }).scrollY - page.innerHeight / 2);
    },
    paintedWhen(check) {
      return new Promise((done) => {
        const next = () => (check() ? page.requestAnimationFrame(() => done(performance.now())) : page.requestAnimationFrame(next));
        next();
      });
    },
  };
}

interface Render {
  /** From navigation start to the frame after every seat was drawn. */
  drawnMs: number;
  /** From navigation start to the frame showing selected a seat clicked as soon as the map was drawn. */
  clickedMs: number;
  /** When the seat map's data had arrived: what is left of the render after it is the drawing's own. */
  dataArrivedMs: number;
  /** Elements in the page once drawn. */
  elements: number;
}

/** A fresh load of the event page, and a click on a seat of its first row as soon as every seat is drawn. */
async function firstRenderAndClick(page: Page, url: string, seats: number, col: number): Promise<Render> {
  await page.goto(url);
  await page.waitForFunction((n) => ((globalThis as unknown as Page2d).__seatmapStats?.cellsPainted ?? 0) >= n, seats, {
    polling: 'raf',
    timeout: 120_000,
  });
  return page.evaluate(
    async ({ col, selected }) => {
      const bench = (globalThis as unknown as Page2d).__bench!;
      const drawnMs = await bench.paintedWhen(() => true);
      if (!bench.click(0, 0, col)) throw new Error('the first row of the map is not on screen');
      const clickedMs = await bench.paintedWhen(() => bench.colourOf(0, 0, col) === selected);
      const entry = performance.getEntriesByType('resource').find((e) => e.name.includes('/seats/compact')) as
        { responseEnd: number } | undefined;
      const elements = (globalThis as unknown as Page2d).document.querySelectorAll('*').length;
      return { drawnMs, clickedMs, dataArrivedMs: entry?.responseEnd ?? 0, elements };
    },
    { col, selected: SELECTED },
  );
}

/** Milliseconds from a click on the nth seat of the last section's last row (scrolled to) to the frame showing it selected. */
async function clickToPaint(page: Page, section: number, row: number, n: number): Promise<number> {
  return page.evaluate(
    async ({ section, row, n, selected }) => {
      const bench = (globalThis as unknown as Page2d).__bench!;
      const started = performance.now();
      if (!bench.click(section, row, n)) throw new Error(`row ${row} of section ${section} is not on screen`);
      return (await bench.paintedWhen(() => bench.colourOf(section, row, n) === selected)) - started;
    },
    { section, row, n, selected: SELECTED },
  );
}

/** Seats repainted and grid cells rendered, and milliseconds until painted, when one seat is held by someone else. */
async function liveChange(page: Page, hold: () => Promise<void>) {
  const stats = () => page.evaluate(() => ({ ...(globalThis as unknown as Page2d).__seatmapStats! }));
  const before = await stats();
  const started = Date.now();
  await hold();
  await page.waitForFunction((held) => (globalThis as unknown as Page2d).__bench!.colourOf(0, 0, 0) === held, HELD, { polling: 'raf' });
  const paintedMs = Date.now() - started;
  // A frame more, so any repaint the change set off has run.
  await page.evaluate(() => (globalThis as unknown as Page2d).__bench!.paintedWhen(() => true));
  const after = await stats();
  return {
    cellsRepainted: after.cellsPainted - before.cellsPainted,
    gridCellsRendered: after.cellsRendered - before.cellsRendered,
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
    await page.addInitScript(installHelpers, { seat: SEAT, pitch: PITCH, label: LABEL, tileRows: TILE_ROWS });
    const url = `/events/${event.eventId}`;
    // The first load meets a cold events service (the event's seats not yet in its memory), as a first customer would.
    const renders: Render[] = [];
    for (let i = 0; i < RENDERS; i++) renders.push(await firstRenderAndClick(page, url, SEATS, i));
    say(
      `first full render: ${renders.map((r) => `${round(r.drawnMs)} ms (data in at ${round(r.dataArrivedMs)} ms)`).join(', ')}; ` +
        `${renders[0]!.elements} elements in the page`,
    );
    say(`first render and a click answered: ${renders.map((r) => `${round(r.clickedMs)} ms`).join(', ')}`);
    await page.getByText('Seats update live as others book.').waitFor();

    const lastSection = event.sections.length - 1;
    // The bench's venues have rows of 20 seats.
    const lastRow = Math.ceil(event.sections[lastSection]!.seatIds.length / 20) - 1;
    await page.evaluate(({ s, r }) => (globalThis as unknown as Page2d).__bench!.reveal(s, r), { s: lastSection, r: lastRow });
    // The grid takes in the rows now on screen at the next frame.
    await page.evaluate(() => (globalThis as unknown as Page2d).__bench!.paintedWhen(() => true));
    const clicks = [];
    for (let i = 0; i < CLICKS; i++) clicks.push(await clickToPaint(page, lastSection, lastRow, i));
    say(`click to selected paint: median ${round(median(clicks))} ms`);

    const seatId = event.seatIds[0]!;
    const hold = async () => {
      const request = { holdId: randomUUID(), eventId: event.eventId, customerId: randomUUID(), selection: { seatIds: [seatId] } };
      await holdSeats(bench.platform.orms.events.em.fork(), { ...request, until: new Date(Date.now() + 600_000), maxSeatsPerCustomer: 10 });
    };
    const live = await liveChange(page, hold);
    say(
      `one live change: ${live.cellsRepainted} seats repainted, ${live.gridCellsRendered} grid cells rendered, painted ${live.paintedMs} ms after the hold`,
    );

    const canvas = [];
    for (let i = 0; i < 3; i++) canvas.push(await bareCanvas(page, SEATS));
    say(`reference, a bare canvas of ${SEATS} rectangles: median ${round(median(canvas))} ms`);

    const result = {
      seats: SEATS,
      firstFullRenderMs: figure(renders.map((r) => r.drawnMs)),
      firstRenderAndClickMs: figure(renders.map((r) => r.clickedMs)),
      seatMapDataArrivedMs: figure(renders.map((r) => r.dataArrivedMs)),
      pageElements: renders[0]!.elements,
      clickToSelectedPaintMs: figure(clicks),
      liveChange: live,
      reference: { bareCanvasRectsMs: figure(canvas) },
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
