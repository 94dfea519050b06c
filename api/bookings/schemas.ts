// What the bookings routes read and answer: request and booking schemas, and a booking as the API shows it.
import { z } from '@hono/zod-openapi';
import type { CatalogEntry } from '../../domain/bookings/bookings.ts';
import { BOOKING_STATUSES, type BookingRow } from '../../entities/bookings/booking.entity.ts';
import { bookingWorkflowId } from '../../workflows/booking-messages.ts';
import type { BookingView } from '../../workflows/booking-types.ts';

const SeatSchema = z.object({
  seatId: z.uuid(),
  label: z.string(),
  section: z.string(),
  priceMinor: z.number().int(),
  currency: z.string(),
});

export const BookingSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(BOOKING_STATUSES),
    customerId: z.uuid(),
    eventId: z.uuid(),
    seats: z.array(SeatSchema),
    amountMinor: z.number().int().nullable().openapi({ description: 'Integer minor units of currency' }),
    currency: z.string().nullable(),
    expiresAt: z.string().nullable().openapi({ description: 'The hold lapses then unless paid' }),
    paymentId: z.uuid().nullable(),
    failureCode: z.string().nullable().openapi({ description: 'Why the last step failed, e.g. CARD_DECLINED' }),
    workflowId: z.string(),
    event: z
      .object({ title: z.string(), venueName: z.string(), startsAt: z.string(), status: z.string() })
      .nullable()
      .openapi({ description: 'From the event catalog projection; null until the event’s facts have arrived' }),
  })
  .openapi('Booking');

export const BookingDetailSchema = BookingSchema.extend({
  refundedMinor: z.number().int(),
  createdAt: z.string(),
  workflowUrl: z.string().openapi({ description: 'This booking’s saga in the Temporal Web UI' }),
  history: z.array(z.object({ from: z.string().nullable(), to: z.string(), at: z.string(), actor: z.string(), reason: z.string() })),
}).openapi('BookingDetail');

export const NewBookingSchema = z
  .object({
    eventId: z.uuid(),
    seats: z.array(z.uuid()).min(1).max(50).optional().openapi({ description: 'Seat ids from GET /events/{id}/seats' }),
    section: z.uuid().optional().openapi({ description: 'A section id, for the best available seats' }),
    quantity: z.number().int().min(1).max(50).optional(),
  })
  .refine((b) => (b.seats !== undefined) !== (b.section !== undefined), {
    message: 'give either seats, or section and quantity',
    path: ['seats'],
  })
  .refine((b) => (b.section === undefined) === (b.quantity === undefined), {
    message: 'section and quantity go together',
    path: ['quantity'],
  })
  .openapi('NewBooking');

export const PaySchema = z
  .object({
    gateway: z.string().min(1).max(32).default('test').openapi({ example: 'test' }),
    paymentMethod: z.string().min(1).max(128).openapi({ example: 'pm_card_visa' }),
  })
  .openapi('Payment request');

export const CancelBodySchema = z.object({ reason: z.string().trim().max(500).optional() }).openapi('BookingCancellation');

export type BookingBody = z.infer<typeof BookingSchema>;

/** A booking from its record; the event from the catalog projection when known. */
export function viewOfRow(b: BookingRow, event: CatalogEntry | null = null): BookingBody {
  return {
    event,
    id: b.id,
    status: b.status,
    customerId: b.customerId,
    eventId: b.eventId,
    seats: b.seats,
    amountMinor: b.amountMinor ?? null,
    currency: b.currency?.trim() ?? null,
    expiresAt: b.expiresAt?.toISOString() ?? null,
    paymentId: b.paymentId ?? null,
    failureCode: b.failureCode ?? null,
    workflowId: b.workflowId,
  };
}

/** A booking as its saga answered an update: fresher than the record, which the saga writes a moment later. */
export function viewOfWorkflow(v: BookingView): BookingBody {
  return {
    event: null,
    id: v.bookingId,
    status: v.status,
    customerId: v.customerId,
    eventId: v.eventId,
    seats: v.seats,
    amountMinor: v.amountMinor,
    currency: v.currency,
    expiresAt: v.expiresAt,
    paymentId: v.paymentId,
    failureCode: v.failureCode,
    workflowId: bookingWorkflowId(v.bookingId),
  };
}
