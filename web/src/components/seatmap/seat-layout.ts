// The seat map as the box office draws it: sections of rows of seats from the compact seat map, each row's statuses
// one string (as the API sends them), and an index from seat id to its place so a live change touches only its row.
import type { components } from '../../api/events.gen.ts';

type Compact = components['schemas']['CompactSeatMap'];
export type SeatStatus = components['schemas']['SeatMap']['seats'][number]['status'];

export interface SeatRow {
  row: string;
  seatIds: string[];
  numbers: number[];
  accessible: ReadonlySet<number>;
  /** One letter per seat: a available, h held, s sold, b blocked. */
  status: string;
}

export interface SeatSection {
  sectionId: string;
  name: string;
  priceMinor: number | null;
  currency: string | null;
  rows: SeatRow[];
}

export interface SeatPlace {
  section: number;
  row: number;
  col: number;
}

export interface SeatLayout {
  sections: SeatSection[];
  places: ReadonlyMap<string, SeatPlace>;
}

const LETTER: Record<SeatStatus, string> = { available: 'a', held: 'h', sold: 's', blocked: 'b' };
export const STATUS_OF_LETTER: Record<string, SeatStatus> = { a: 'available', h: 'held', s: 'sold', b: 'blocked' };

export function layoutOf(compact: Compact): SeatLayout {
  const places = new Map<string, SeatPlace>();
  const sections = compact.sections.map((s, section) => ({
    sectionId: s.sectionId,
    name: s.section,
    priceMinor: s.priceMinor,
    currency: s.currency,
    rows: s.rows.map((r, row) => {
      r.seatIds.forEach((id, col) => places.set(id, { section, row, col }));
      return { row: r.row, seatIds: r.seatIds, numbers: r.numbers, accessible: new Set(r.accessible), status: r.status };
    }),
  }));
  return { sections, places };
}

/**
 * The layout with these seats' statuses applied. Only the rows that changed are new objects (and only the sections
 * holding them), so the drawing, memoised per row, repaints those rows alone.
 */
export function withStatuses(layout: SeatLayout, changes: { seatId: string; status: SeatStatus }[]): SeatLayout {
  const byRow = new Map<string, { place: SeatPlace; letter: string }[]>();
  for (const change of changes) {
    const place = layout.places.get(change.seatId);
    if (!place) continue;
    const row = layout.sections[place.section]!.rows[place.row]!;
    if (row.status[place.col] === LETTER[change.status]) continue;
    const key = `${place.section}:${place.row}`;
    byRow.set(key, [...(byRow.get(key) ?? []), { place, letter: LETTER[change.status] }]);
  }
  if (byRow.size === 0) return layout;
  const sections = [...layout.sections];
  for (const edits of byRow.values()) {
    const { section, row } = edits[0]!.place;
    const old = sections[section]!;
    const rows = old.rows === layout.sections[section]!.rows ? [...old.rows] : old.rows;
    const letters = rows[row]!.status.split('');
    for (const { place, letter } of edits) letters[place.col] = letter;
    rows[row] = { ...rows[row]!, status: letters.join('') };
    sections[section] = { ...old, rows };
  }
  return { ...layout, sections };
}

export function statusAt(layout: SeatLayout, seatId: string): SeatStatus | undefined {
  const place = layout.places.get(seatId);
  if (!place) return undefined;
  return STATUS_OF_LETTER[layout.sections[place.section]!.rows[place.row]!.status[place.col]!];
}
