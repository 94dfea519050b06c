// A saved venue's seats (a flat list per section) grouped into rows for the map preview.
import type { Venue } from './known-venues.ts';
import type { PreviewSection } from './VenueMapPreview.tsx';

export function previewOfVenue(venue: Venue): PreviewSection[] {
  return venue.sections.map((section) => {
    const rows = new Map<string, PreviewSection['rows'][number]>();
    for (const seat of section.seats) {
      const row = rows.get(seat.row) ?? { label: seat.row, seats: [] };
      row.seats.push({ number: seat.number, accessible: seat.accessible, blocked: seat.blocked });
      rows.set(seat.row, row);
    }
    return { name: section.name, rows: [...rows.values()] };
  });
}
