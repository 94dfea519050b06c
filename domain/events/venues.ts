// Venues: a layout of sections, rows and seats, checked as a whole and written in one transaction.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, type FieldError } from '../../common/errors/domain-error.ts';
import {
  Venue,
  VenueSeat,
  VenueSection,
  type VenueRow,
  type VenueSeatRow,
  type VenueSectionRow,
} from '../../entities/events/venue.entity.ts';

export interface RowLayout {
  label: string;
  /** Seat numbers in this row: a count (1..n) or the explicit numbers. */
  seats: number | number[];
}

export interface SectionLayout {
  name: string;
  rows: RowLayout[];
  /** Seat labels ("A-1") of seats for wheelchair users. */
  accessible?: string[];
  /** Seat labels never sold (a pillar, a camera position). */
  blocked?: string[];
}

export interface VenueInput {
  name: string;
  city?: string | null;
  address?: string | null;
  sections: SectionLayout[];
}

export interface VenueLayout {
  venue: VenueRow;
  sections: (VenueSectionRow & { seats: VenueSeatRow[] })[];
}

export function seatLabel(seat: { rowLabel: string; number: number }): string {
  return `${seat.rowLabel}-${seat.number}`;
}

/** The largest venue one layout may describe (the biggest stadiums); a short request could otherwise ask for millions. */
export const MAX_VENUE_SEATS = 100_000;

function seatCount(input: VenueInput): number {
  return input.sections.reduce(
    (n, section) => n + section.rows.reduce((m, row) => m + (typeof row.seats === 'number' ? row.seats : row.seats.length), 0),
    0,
  );
}

function seatNumbers(row: RowLayout): number[] {
  return typeof row.seats === 'number' ? Array.from({ length: row.seats }, (_, i) => i + 1) : row.seats;
}

/** Every problem of a layout, with the path of the field at fault. */
export function layoutProblems(input: VenueInput): FieldError[] {
  // Counted before any seat is listed, so an oversized layout costs nothing.
  if (seatCount(input) > MAX_VENUE_SEATS) return [{ field: 'sections', message: `a venue has at most ${MAX_VENUE_SEATS} seats` }];
  const errors: FieldError[] = [];
  const sectionNames = new Set<string>();
  let venueSeats = 0;
  input.sections.forEach((section, s) => {
    const at = `sections.${s}`;
    const name = section.name.trim().toLowerCase();
    if (sectionNames.has(name)) errors.push({ field: `${at}.name`, message: `duplicate section name "${section.name}"` });
    sectionNames.add(name);
    const labels = new Set<string>();
    const rowLabels = new Set<string>();
    section.rows.forEach((row, r) => {
      if (rowLabels.has(row.label)) errors.push({ field: `${at}.rows.${r}.label`, message: `duplicate row "${row.label}"` });
      rowLabels.add(row.label);
      const numbers = seatNumbers(row);
      if (numbers.length === 0) errors.push({ field: `${at}.rows.${r}.seats`, message: 'a row needs at least one seat' });
      for (const number of numbers) {
        const label = seatLabel({ rowLabel: row.label, number });
        if (labels.has(label)) errors.push({ field: `${at}.rows.${r}.seats`, message: `duplicate seat label "${label}"` });
        labels.add(label);
      }
    });
    if (labels.size === 0) errors.push({ field: `${at}.rows`, message: 'a section needs at least one seat' });
    venueSeats += labels.size;
    for (const kind of ['accessible', 'blocked'] as const) {
      (section[kind] ?? []).forEach((label, i) => {
        if (!labels.has(label)) errors.push({ field: `${at}.${kind}.${i}`, message: `no seat "${label}" in section "${section.name}"` });
      });
    }
  });
  if (input.sections.length > 0 && venueSeats === 0) errors.push({ field: 'sections', message: 'a venue needs at least one seat' });
  return errors;
}

export async function createVenue(em: EntityManager, input: VenueInput): Promise<VenueLayout> {
  const errors = layoutProblems(input);
  if (errors.length) throw new DomainError('invalid', 'VALIDATION_FAILED', 'The venue layout is not valid.', { errors });
  return em.transactional(async (tx) => {
    const venue = tx.create(Venue, { id: randomUUID(), name: input.name.trim(), city: input.city ?? null, address: input.address ?? null });
    await tx.flush();
    const sections: VenueLayout['sections'] = [];
    for (const [position, layout] of input.sections.entries()) {
      const section = tx.create(VenueSection, { id: randomUUID(), venueId: venue.id, name: layout.name.trim(), position });
      await tx.flush();
      const accessible = new Set(layout.accessible ?? []);
      const blocked = new Set(layout.blocked ?? []);
      const seats = layout.rows.flatMap((row, rowPosition) =>
        seatNumbers(row).map((number) => {
          const label = seatLabel({ rowLabel: row.label, number });
          return {
            id: randomUUID(),
            venueId: venue.id,
            sectionId: section.id,
            rowLabel: row.label,
            rowPosition,
            number,
            accessible: accessible.has(label),
            blocked: blocked.has(label),
          };
        }),
      );
      await tx.insertMany(VenueSeat, seats);
      sections.push({ ...section, seats });
    }
    return { venue, sections };
  });
}

export async function getVenueLayout(em: EntityManager, venueId: string): Promise<VenueLayout> {
  const venue = await em.findOne(Venue, { id: venueId });
  if (!venue) throw new DomainError('not_found', 'VENUE_NOT_FOUND', 'No venue with this id.');
  const sections = await em.find(VenueSection, { venueId }, { orderBy: { position: 'asc' } });
  const seats = await em.find(VenueSeat, { venueId }, { orderBy: { rowPosition: 'asc', number: 'asc' } });
  return { venue, sections: sections.map((section) => ({ ...section, seats: seats.filter((seat) => seat.sectionId === section.id) })) };
}
