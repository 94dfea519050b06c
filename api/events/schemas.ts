// Request and response bodies of the events service, declared once for validation and OpenAPI.
import { z } from '@hono/zod-openapi';
import { PageQuerySchema, pageOf } from '../../common/http/pagination.ts';
import { text } from '../../common/http/text.ts';
import { DEFAULT_CANCELLATION_POLICY, EVENT_STATUSES, type EventRow, type PriceTierRow } from '../../entities/events/event.entity.ts';
import type { VenueLayout } from '../../domain/events/venues.ts';
import type { MapSeat } from '../../domain/events/seats.ts';

// ISO 8601 with an offset, in years a ticket can be for; PostgreSQL refuses some the format allows (the year 0).
const EARLIEST = Date.UTC(1900, 0, 1);
const AFTER_LATEST = Date.UTC(10_000, 0, 1);
const datetime = z.iso
  .datetime({ offset: true })
  .refine((value) => Date.parse(value) >= EARLIEST && Date.parse(value) < AFTER_LATEST, 'must be between 1900-01-01 and 9999-12-31 (UTC)')
  .openapi({ example: '2027-03-01T19:30:00Z' });
const seatLabelList = z.array(text({ min: 1, max: 40 })).max(10_000);

const RowSchema = z.object({
  label: text({ min: 1, max: 16, trim: true }).openapi({ example: 'A' }),
  seats: z
    .union([z.number().int().min(0).max(500), z.array(z.number().int().min(1).max(10_000)).max(500)])
    .openapi({ description: 'How many seats (numbered from 1), or their numbers', example: 30 }),
});

const SectionInputSchema = z
  .object({
    name: text({ min: 1, max: 120, trim: true }).openapi({ example: 'Orchestra' }),
    rows: z.array(RowSchema).max(200).optional(),
    rowRange: z
      .object({
        from: text({ max: 1 }).regex(/^[A-Z]$/),
        to: text({ max: 1 }).regex(/^[A-Z]$/),
        seatsPerRow: z.number().int().min(1).max(500),
      })
      .optional()
      .openapi({
        description: 'Shorthand for rows `from`..`to` (single letters) of `seatsPerRow` seats each',
        example: { from: 'A', to: 'T', seatsPerRow: 30 },
      }),
    accessible: seatLabelList
      .optional()
      .openapi({ description: 'Seat labels ("A-1") reserved for wheelchair users', example: ['A-1', 'A-2'] }),
    blocked: seatLabelList.optional().openapi({ description: 'Seat labels never sold', example: ['T-30'] }),
  })
  .refine((s) => (s.rows === undefined) !== (s.rowRange === undefined), { message: 'give either rows or rowRange', path: ['rows'] });

/** Checked for a known zone by the handler (422 VENUE_TIME_ZONE_INVALID), here only for its shape. */
const timeZoneField = text({ min: 1, max: 64, trim: true }).openapi({
  description: 'The venue’s IANA time zone, in which its events’ times are shown (an unknown one: 422 VENUE_TIME_ZONE_INVALID)',
  example: 'Europe/Berlin',
});

export const VenueInputSchema = z
  .object({
    name: text({ min: 1, max: 200, trim: true }).openapi({ example: 'Eventix Arena' }),
    city: text({ max: 120, trim: true }).optional(),
    address: text({ max: 300, trim: true }).optional(),
    timeZone: timeZoneField.optional().openapi({ description: 'Default UTC' }),
    sections: z.array(SectionInputSchema).min(1).max(100),
  })
  .openapi('VenueInput');

export const VenuePatchSchema = z
  .object({
    name: text({ min: 1, max: 200, trim: true }).optional(),
    city: text({ max: 120, trim: true }).nullable().optional(),
    address: text({ max: 300, trim: true }).nullable().optional(),
    timeZone: timeZoneField.optional(),
  })
  .openapi('VenueChange', {
    description: 'The venue’s details; its seat layout stays (events are sold on it). Published events there announce the change.',
  });

export type VenueInputBody = z.infer<typeof VenueInputSchema>;

/** Copies a request body into the domain's layout, expanding row ranges. */
export function venueInput(body: VenueInputBody) {
  return {
    name: body.name,
    city: body.city ?? null,
    address: body.address ?? null,
    timeZone: body.timeZone,
    sections: body.sections.map((section) => ({
      name: section.name,
      accessible: section.accessible,
      blocked: section.blocked,
      rows:
        section.rows ??
        Array.from({ length: Math.max(0, section.rowRange!.to.charCodeAt(0) - section.rowRange!.from.charCodeAt(0) + 1) }, (_, i) => ({
          label: String.fromCharCode(section.rowRange!.from.charCodeAt(0) + i),
          seats: section.rowRange!.seatsPerRow,
        })),
    })),
  };
}

export const VenueSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    city: z.string().nullable(),
    address: z.string().nullable(),
    timeZone: z.string().openapi({ description: 'IANA time zone', example: 'Europe/Berlin' }),
    seatCount: z.number().int(),
    sections: z.array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        seats: z.array(
          z.object({
            seatId: z.uuid(),
            row: z.string(),
            number: z.number().int(),
            label: z.string(),
            accessible: z.boolean(),
            blocked: z.boolean(),
          }),
        ),
      }),
    ),
  })
  .openapi('Venue');

export function venueView(layout: VenueLayout): z.infer<typeof VenueSchema> {
  return {
    id: layout.venue.id,
    name: layout.venue.name,
    city: layout.venue.city ?? null,
    address: layout.venue.address ?? null,
    timeZone: layout.venue.timeZone,
    seatCount: layout.sections.reduce((n, s) => n + s.seats.length, 0),
    sections: layout.sections.map((s) => ({
      id: s.id,
      name: s.name,
      seats: s.seats.map((seat) => ({
        seatId: seat.id,
        row: seat.rowLabel,
        number: seat.number,
        label: `${s.name} ${seat.rowLabel}-${seat.number}`,
        accessible: seat.accessible,
        blocked: seat.blocked,
      })),
    })),
  };
}

export const CancellationPolicySchema = z
  .object({
    customersMayCancel: z.boolean().openapi({ description: 'Whether customers may cancel their bookings themselves' }),
    deadlineHoursBeforeStart: z
      .number()
      .int()
      .min(0)
      .max(8_760)
      .openapi({ description: 'Customers cancel until this many hours before the start (0: until the start)', example: 48 }),
    feeKind: z.enum(['none', 'fixed', 'percent']).openapi({ description: 'What a cancellation keeps' }),
    feeValue: z.number().int().min(0).max(100_000_000).openapi({
      description: 'Minor units for a fixed fee, a whole percentage of the price for a percent fee; never more than the price',
      example: 500,
    }),
  })
  .refine((p) => p.feeKind !== 'percent' || p.feeValue <= 100, { message: 'a percentage is at most 100', path: ['feeValue'] })
  .openapi('CancellationPolicy', {
    description: 'Admins may always cancel and refund; after the start no customer refund is possible',
  });

export const EventInputSchema = z
  .object({
    venueId: z.uuid(),
    title: text({ min: 1, max: 200, trim: true }).openapi({ example: 'Hamlet' }),
    description: text({ max: 10_000, kind: 'paragraph' }).optional(),
    startsAt: datetime,
    endsAt: datetime.nullable().optional(),
    salesOpenAt: datetime.nullable().optional().openapi({ description: 'Default: as soon as it is published' }),
    salesCloseAt: datetime.nullable().optional().openapi({ description: 'Default: when the event starts' }),
    cancellationPolicy: CancellationPolicySchema.optional().openapi({
      description: 'Default: customers may cancel until the start, and nothing is kept',
    }),
  })
  .openapi('EventInput');

export const EventPatchSchema = EventInputSchema.omit({ venueId: true }).partial().openapi('EventChange');

export const CancelSchema = z.object({ reason: text({ max: 500, trim: true, kind: 'paragraph' }).optional() }).openapi('Cancellation');

export const PricesInputSchema = z
  .object({
    currency: text({ max: 3 })
      .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR')
      .openapi({ example: 'EUR' }),
    tiers: z
      .array(
        z.object({
          sectionId: z.uuid(),
          name: text({ min: 1, max: 80, trim: true }).openapi({ example: 'Orchestra' }),
          priceMinor: z.number().int().min(0).max(100_000_000).openapi({ description: 'Integer minor units (cents)', example: 8500 }),
        }),
      )
      .min(1)
      .max(100),
  })
  .openapi('PriceTiersInput');

const PriceTierSchema = z
  .object({ sectionId: z.uuid(), name: z.string(), priceMinor: z.number().int(), currency: z.string() })
  .openapi('PriceTier');

export const EventSchema = z
  .object({
    id: z.uuid(),
    venueId: z.uuid(),
    title: z.string(),
    description: z.string(),
    status: z.enum(EVENT_STATUSES),
    startsAt: z.string(),
    endsAt: z.string().nullable(),
    salesOpenAt: z.string().nullable(),
    salesCloseAt: z.string().nullable(),
    publishedAt: z.string().nullable(),
    onSale: z.boolean().openapi({ description: 'Published and inside its sales window now' }),
    cancellationPolicy: CancellationPolicySchema,
    timeZone: z
      .string()
      .openapi({ description: 'The venue’s IANA time zone, in which the event’s times are shown', example: 'Europe/Berlin' }),
    checkedIn: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'Admins only: tickets inside now (admissions less exits, from the door’s scans; a few seconds behind)' }),
    prices: z.array(PriceTierSchema),
  })
  .openapi('Event');

/** What an event's view shows beyond the event row: its venue's time zone; for admins, the door count. */
export interface EventExtras {
  timeZone: string;
  checkedIn?: number;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function eventView(
  event: EventRow,
  tiers: PriceTierRow[] = [],
  extras: EventExtras = { timeZone: 'UTC' },
): z.infer<typeof EventSchema> {
  const now = new Date();
  const closes = event.salesCloseAt ?? event.startsAt;
  return {
    id: event.id,
    venueId: event.venueId,
    title: event.title,
    description: event.description,
    status: event.status,
    startsAt: event.startsAt.toISOString(),
    endsAt: iso(event.endsAt),
    salesOpenAt: iso(event.salesOpenAt),
    salesCloseAt: iso(event.salesCloseAt),
    publishedAt: iso(event.publishedAt),
    onSale: event.status === 'published' && (!event.salesOpenAt || event.salesOpenAt <= now) && now < closes,
    cancellationPolicy: { ...DEFAULT_CANCELLATION_POLICY, ...event.cancellationPolicy },
    timeZone: extras.timeZone,
    ...(extras.checkedIn === undefined ? {} : { checkedIn: extras.checkedIn }),
    prices: tiers.map((t) => ({ sectionId: t.sectionId, name: t.name, priceMinor: t.priceMinor, currency: t.currency.trim() })),
  };
}

export const EventPageSchema = pageOf(EventSchema.omit({ prices: true })).openapi('EventPage');
export const EventQuerySchema = PageQuerySchema.extend({
  status: z.enum(EVENT_STATUSES).optional().openapi({ description: 'Admins only; everyone else sees published events' }),
  from: datetime.optional().openapi({ description: 'Starting at or after' }),
  to: datetime.optional().openapi({ description: 'Starting before' }),
  venueId: z.uuid().optional(),
  q: text({ min: 1, max: 100, trim: true }).optional().openapi({ description: 'Part of the title or description' }),
});

export const SeatMapSchema = z
  .object({
    eventId: z.uuid(),
    seats: z.array(
      z.object({
        seatId: z.uuid().openapi({ description: 'What a booking names' }),
        label: z.string().openapi({ example: 'Orchestra A-12' }),
        section: z.string(),
        sectionId: z.uuid(),
        row: z.string(),
        number: z.number().int(),
        accessible: z.boolean(),
        priceMinor: z.number().int().nullable(),
        currency: z.string().nullable(),
        status: z.enum(['available', 'held', 'sold', 'blocked']),
      }),
    ),
  })
  .openapi('SeatMap');

/** One letter per seat status in the compact seat map. */
export const STATUS_LETTERS = { available: 'a', held: 'h', sold: 's', blocked: 'b' } as const;

export const CompactSeatMapSchema = z
  .object({
    eventId: z.uuid(),
    sections: z.array(
      z.object({
        sectionId: z.uuid(),
        section: z.string(),
        priceMinor: z.number().int().nullable().openapi({ description: 'The price of every seat for sale in the section' }),
        currency: z.string().nullable(),
        rows: z.array(
          z.object({
            row: z.string(),
            seatIds: z.array(z.uuid()).openapi({ description: 'The seats of the row, in seat order' }),
            numbers: z.array(z.number().int()).openapi({ description: 'Their numbers, in the same order' }),
            accessible: z.array(z.number().int()).openapi({ description: 'The numbers of the accessible seats' }),
            status: z.string().openapi({
              description: 'One letter per seat, in the same order: a available, h held, s sold, b blocked (never sold)',
              example: 'aaahhsb',
            }),
          }),
        ),
      }),
    ),
  })
  .openapi('CompactSeatMap', {
    description:
      'The seat map grouped by section and row, each row one status string: the same content as the full seat map ' +
      '(a seat\'s label is "<section> <row>-<number>", its price the section\'s unless it is blocked) in a fraction of its size.',
  });

export type CompactSeatMap = z.infer<typeof CompactSeatMapSchema>;

/** The seat map (seats in section, row and number order) grouped by section and row. */
export function compactSeatMap(eventId: string, seats: readonly MapSeat[]): CompactSeatMap {
  const sections: CompactSeatMap['sections'] = [];
  let section: CompactSeatMap['sections'][number] | undefined;
  let row: CompactSeatMap['sections'][number]['rows'][number] | undefined;
  for (const seat of seats) {
    if (section?.sectionId !== seat.sectionId) {
      section = { sectionId: seat.sectionId, section: seat.section, priceMinor: null, currency: null, rows: [] };
      sections.push(section);
      row = undefined;
    }
    if (seat.status !== 'blocked' && section.priceMinor === null) {
      section.priceMinor = seat.priceMinor;
      section.currency = seat.currency;
    }
    if (row?.row !== seat.row) {
      row = { row: seat.row, seatIds: [], numbers: [], accessible: [], status: '' };
      section.rows.push(row);
    }
    row.seatIds.push(seat.seatId);
    row.numbers.push(seat.number);
    if (seat.accessible) row.accessible.push(seat.number);
    row.status += STATUS_LETTERS[seat.status];
  }
  return { eventId, sections };
}

export const AvailabilitySchema = z
  .object({
    eventId: z.uuid(),
    sections: z.array(
      z.object({
        sectionId: z.uuid(),
        section: z.string(),
        tier: z.string().nullable(),
        priceMinor: z.number().int().nullable(),
        currency: z.string().nullable(),
        total: z.number().int(),
        available: z.number().int(),
        held: z.number().int(),
        sold: z.number().int(),
      }),
    ),
    totals: z.object({ total: z.number().int(), available: z.number().int(), held: z.number().int(), sold: z.number().int() }),
  })
  .openapi('Availability');

export { IdParamSchema } from '../../common/http/openapi.ts';
