// Venues: a layout of sections, rows and seats, checked as a whole and written in one transaction.
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, type FieldError } from '../../common/errors/domain-error.ts';
import { announceVenueChange, type EventsContext } from './events.ts';
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
  /** IANA name; default UTC. */
  timeZone?: string;
  sections: SectionLayout[];
}

export type VenueChange = Partial<Pick<VenueInput, 'name' | 'city' | 'address' | 'timeZone'>>;

/**
 * The zone's canonical IANA name (as this process's time zone data spells it), or undefined when it knows no such
 * zone. Offsets ("+01:00") are not zones: a venue's clock changes with daylight saving time.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(zone)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function timeZoneOf(zone: string): string {
  const canonical = canonicalTimeZone(zone);
  if (!canonical) {
    throw new DomainError('invalid', 'VENUE_TIME_ZONE_INVALID', `"${zone}" is not an IANA time zone (such as Europe/Berlin).`, {
      errors: [{ field: 'timeZone', message: 'not a known IANA time zone' }],
    });
  }
  return canonical;
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
  if (input.timeZone !== undefined) timeZoneOf(input.timeZone);
  const errors = layoutProblems(input);
  if (errors.length) throw new DomainError('invalid', 'VALIDATION_FAILED', 'The venue layout is not valid.', { errors });
  return em.transactional(async (tx) => {
    const venue = tx.create(Venue, {
      id: randomUUID(),
      name: input.name.trim(),
      city: input.city ?? null,
      address: input.address ?? null,
      timeZone: timeZoneOf(input.timeZone ?? 'UTC'),
    });
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
  if (!venue) throw venueNotFound();
  const sections = await em.find(VenueSection, { venueId }, { orderBy: { position: 'asc' } });
  const seats = await em.find(VenueSeat, { venueId }, { orderBy: { rowPosition: 'asc', number: 'asc' } });
  return { venue, sections: sections.map((section) => ({ ...section, seats: seats.filter((seat) => seat.sectionId === section.id) })) };
}

/**
 * Changes a venue's name, city, address or time zone (its layout stays: events are priced and sold on it). Every
 * published event there tells the other services in the same transaction, so tickets show the new details.
 */
export async function updateVenue(ctx: EventsContext, venueId: string, change: VenueChange): Promise<VenueLayout> {
  const timeZone = change.timeZone === undefined ? undefined : timeZoneOf(change.timeZone);
  await ctx.orm.em.fork().transactional(async (em) => {
    const venue = await em.findOne(Venue, { id: venueId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!venue) throw venueNotFound();
    if (change.name !== undefined) venue.name = change.name.trim();
    if (change.city !== undefined) venue.city = change.city;
    if (change.address !== undefined) venue.address = change.address;
    if (timeZone !== undefined) venue.timeZone = timeZone;
    await em.flush();
    await announceVenueChange(em, venueId);
  });
  ctx.published();
  return getVenueLayout(ctx.orm.em.fork(), venueId);
}

function venueNotFound(): DomainError {
  return new DomainError('not_found', 'VENUE_NOT_FOUND', 'No venue with this id.');
}
