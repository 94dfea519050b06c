// Request and response bodies of the events service, declared once for validation and OpenAPI.
import { z } from '@hono/zod-openapi';
import { PageQuerySchema, pageOf } from '../../common/http/pagination.ts';
import { EVENT_STATUSES, type EventRow, type PriceTierRow } from '../../entities/events/event.entity.ts';
import type { VenueLayout } from '../../domain/events/venues.ts';

const datetime = z.iso.datetime({ offset: true }).openapi({ example: '2027-03-01T19:30:00Z' });
const seatLabelList = z.array(z.string().min(1).max(40)).max(10_000);

const RowSchema = z.object({
  label: z.string().trim().min(1).max(16).openapi({ example: 'A' }),
  seats: z
    .union([z.number().int().min(0).max(500), z.array(z.number().int().min(1).max(10_000)).max(500)])
    .openapi({ description: 'How many seats (numbered from 1), or their numbers', example: 30 }),
});

const SectionInputSchema = z
  .object({
    name: z.string().trim().min(1).max(120).openapi({ example: 'Orchestra' }),
    rows: z.array(RowSchema).max(200).optional(),
    rowRange: z
      .object({ from: z.string().regex(/^[A-Z]$/), to: z.string().regex(/^[A-Z]$/), seatsPerRow: z.number().int().min(1).max(500) })
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

export const VenueInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ example: 'Eventix Arena' }),
    city: z.string().trim().max(120).optional(),
    address: z.string().trim().max(300).optional(),
    sections: z.array(SectionInputSchema).min(1).max(100),
  })
  .openapi('VenueInput');

export type VenueInputBody = z.infer<typeof VenueInputSchema>;

/** Copies a request body into the domain's layout, expanding row ranges. */
export function venueInput(body: VenueInputBody) {
  return {
    name: body.name,
    city: body.city ?? null,
    address: body.address ?? null,
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

export const EventInputSchema = z
  .object({
    venueId: z.uuid(),
    title: z.string().trim().min(1).max(200).openapi({ example: 'Hamlet' }),
    description: z.string().max(10_000).optional(),
    startsAt: datetime,
    endsAt: datetime.nullable().optional(),
    salesOpenAt: datetime.nullable().optional().openapi({ description: 'Default: as soon as it is published' }),
    salesCloseAt: datetime.nullable().optional().openapi({ description: 'Default: when the event starts' }),
  })
  .openapi('EventInput');

export const EventPatchSchema = EventInputSchema.omit({ venueId: true }).partial().openapi('EventChange');

export const CancelSchema = z.object({ reason: z.string().trim().max(500).optional() }).openapi('Cancellation');

export const PricesInputSchema = z
  .object({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR')
      .openapi({ example: 'EUR' }),
    tiers: z
      .array(
        z.object({
          sectionId: z.uuid(),
          name: z.string().trim().min(1).max(80).openapi({ example: 'Orchestra' }),
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
    prices: z.array(PriceTierSchema),
  })
  .openapi('Event');

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function eventView(event: EventRow, tiers: PriceTierRow[] = []): z.infer<typeof EventSchema> {
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
    prices: tiers.map((t) => ({ sectionId: t.sectionId, name: t.name, priceMinor: t.priceMinor, currency: t.currency.trim() })),
  };
}

export const EventPageSchema = pageOf(EventSchema.omit({ prices: true })).openapi('EventPage');
export const EventQuerySchema = PageQuerySchema.extend({
  status: z.enum(EVENT_STATUSES).optional().openapi({ description: 'Admins only; everyone else sees published events' }),
  from: datetime.optional().openapi({ description: 'Starting at or after' }),
  to: datetime.optional().openapi({ description: 'Starting before' }),
  venueId: z.uuid().optional(),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Part of the title or description' }),
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
