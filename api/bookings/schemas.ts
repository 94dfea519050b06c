// What the bookings routes read and answer: request, booking and ticket schemas, and a booking as the API shows it.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { markOutcomePending } from '../../common/http/idempotency.ts';
import { problemAnswer } from '../../common/http/openapi.ts';
import { ProblemSchema, problemBody } from '../../common/http/problem.ts';
import { text } from '../../common/http/text.ts';
import { traceFields } from '../../common/observability/tracing.ts';
import type { CatalogEntry } from '../../domain/bookings/bookings.ts';
import { BOOKING_STATUSES, type BookingRow } from '../../entities/bookings/booking.entity.ts';
import { TICKET_STATUSES } from '../../entities/bookings/ticket.entity.ts';
import { bookingWorkflowId } from '../../workflows/booking-messages.ts';
import { FREE_GATEWAY, type BookingView } from '../../workflows/booking-types.ts';

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

const CancellationTermsSchema = z
  .object({
    policy: z.object({
      customersMayCancel: z.boolean(),
      deadlineHoursBeforeStart: z.number().int(),
      feeKind: z.enum(['none', 'fixed', 'percent']),
      feeValue: z.number().int().openapi({ description: 'Minor units for a fixed fee, a percentage of the price for a percent fee' }),
    }),
    closesAt: z.string().nullable().openapi({ description: 'Customers may cancel until then; null when they may not at all' }),
    customerMayCancelNow: z.boolean(),
    feeMinor: z.number().int().openapi({ description: 'What a customer’s cancellation keeps of the price' }),
    refundNowMinor: z.number().int().openapi({ description: 'What a customer’s cancellation would refund now' }),
  })
  .openapi('CancellationTerms', {
    description:
      'The event’s cancellation policy as it stands now (the policy in force when a cancel arrives applies) and what it means for this booking; admins may always cancel and refund',
  });

export const BookingDetailSchema = BookingSchema.extend({
  refundedMinor: z.number().int().openapi({ description: 'Refunded so far (minor units), by partial refunds or a cancellation' }),
  cancellation: CancellationTermsSchema.nullable().openapi({
    description: 'For a CONFIRMED booking, the terms of cancelling it now; null otherwise, or when the events service cannot be asked',
  }),
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
    admissionToken: text({ min: 1, max: 4096 }).optional().openapi({
      description:
        'While the event’s waiting room is on: the admission token from GET /events/{id}/queue/me (state admitted). It holds once; a hold refused for seats taken gives it back',
    }),
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
    gateway: text({ min: 1, max: 32 })
      .default('test')
      .openapi({
        example: 'test',
        description: `A gateway from GET /payments/gateways, or "${FREE_GATEWAY}" for a booking whose total is 0 (nothing is charged)`,
      }),
    paymentMethod: text({ min: 1, max: 128 })
      .optional()
      .openapi({ example: 'pm_card_visa', description: `Required for every gateway but "${FREE_GATEWAY}", which ignores it` }),
  })
  .refine((b) => b.gateway === FREE_GATEWAY || b.paymentMethod !== undefined, {
    message: `a payment method is required unless the gateway is "${FREE_GATEWAY}"`,
    path: ['paymentMethod'],
  })
  .openapi('PaymentRequest');

export const CancelBodySchema = z
  .object({ reason: text({ max: 500, trim: true, kind: 'paragraph' }).optional() })
  .openapi('BookingCancellation');

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

/** How soon a client may ask again after 503 BOOKING_OUTCOME_PENDING. */
export const OUTCOME_PENDING_RETRY_AFTER_SECONDS = 3;

/** A 503 of the hold, pay and cancel routes: a problem that may also name the booking whose status shows the outcome. */
export const OutcomePendingProblemSchema = ProblemSchema.extend({
  bookingId: z.uuid().optional().openapi({ description: 'With BOOKING_OUTCOME_PENDING: the booking the request is about' }),
  booking: z.string().optional().openapi({
    example: '/bookings/3f1c2b8e-4a5d-4e6f-8a7b-9c0d1e2f3a4b',
    description:
      'With BOOKING_OUTCOME_PENDING: GET this (under the API’s base, /api/v1 through the gateway) to see the outcome; the Location header names the same booking',
  }),
}).openapi('OutcomePendingProblem');

/** A problem answered with Retry-After (a 429, or a 503 worth retrying in a moment), its header declared. */
export function retryAfterProblemAnswer(description: string) {
  return {
    ...problemAnswer(description),
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' as const } } },
  };
}

/** The headers of 503 BOOKING_OUTCOME_PENDING, declared on the routes that answer it. */
export const OUTCOME_PENDING_HEADERS = {
  'Retry-After': {
    description: `With BOOKING_OUTCOME_PENDING: seconds to wait before retrying (${OUTCOME_PENDING_RETRY_AFTER_SECONDS})`,
    schema: { type: 'integer' as const },
  },
  Location: {
    description: 'With BOOKING_OUTCOME_PENDING: the booking whose status shows the outcome, relative to the request’s URL',
    schema: { type: 'string' as const },
  },
};

/** A route's 503 that may be BOOKING_OUTCOME_PENDING, with its headers and the booking it names. */
export function outcomePendingAnswer(description: string) {
  return {
    description,
    headers: OUTCOME_PENDING_HEADERS,
    content: { 'application/problem+json': { schema: OutcomePendingProblemSchema } },
  };
}

/**
 * 503 BOOKING_OUTCOME_PENDING: the saga did not answer within the bound (worker or Temporal away, a slow card network).
 * The request was handed on and may still complete, so the answer points at the booking and, for a keyed request, at
 * the retry that returns the outcome. `location` is relative to the request's own URL, which the gateway prefixes.
 */
export function outcomePending(c: Context, bookingId: string, location: string, keyed: boolean) {
  // The work goes on: a keyed request's claim stays for its retry to join.
  markOutcomePending(c);
  const requestId = c.get('requestId' as never) as string | undefined;
  const traceId = traceFields().traceId;
  const then = keyed
    ? 'a retry with the same Idempotency-Key returns the outcome'
    : 'look there before sending the request again (an Idempotency-Key would make a retry return the outcome)';
  const detail =
    'The booking saga did not answer in time. The request was taken and may still complete: the booking’s status ' +
    `(GET /bookings/${bookingId}) will show the outcome, and ${then}.`;
  const body = {
    ...problemBody(503, 'BOOKING_OUTCOME_PENDING', detail, {
      instance: c.req.path,
      ...(requestId ? { requestId } : {}),
      ...(traceId ? { traceId } : {}),
    }),
    bookingId,
    booking: `/bookings/${bookingId}`,
  };
  const headers = {
    'content-type': 'application/problem+json',
    'retry-after': String(OUTCOME_PENDING_RETRY_AFTER_SECONDS),
    location,
  };
  return { body, headers };
}

const EventSummarySchema = z
  .object({
    title: z.string().nullable(),
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    venueName: z.string().nullable(),
    venueAddress: z.string().nullable(),
    timeZone: z.string().nullable().openapi({ description: 'The venue’s IANA time zone, in which to show the times' }),
  })
  .openapi('TicketEvent', { description: 'From the event catalog projection; null fields until the event’s facts have arrived' });

export const TicketSchema = z
  .object({
    id: z.uuid(),
    bookingId: z.uuid(),
    eventId: z.uuid(),
    seatLabel: z.string().openapi({ example: 'Stalls A-12' }),
    section: z.string(),
    holderName: z.string().openapi({ description: 'The name on the ticket; its holder may change it until the event starts' }),
    status: z.enum(TICKET_STATUSES),
    generation: z.number().int().openapi({ description: 'Raised by every transfer: the codes of an earlier generation are void' }),
    issuedAt: z.string(),
    voidedAt: z.string().nullable(),
    voidReason: z.string().nullable(),
    usedAt: z.string().nullable().openapi({ description: 'When the door admitted it (cleared by an exit where re-entry is allowed)' }),
    usedGate: z.string().nullable(),
    event: EventSummarySchema,
    printCode: z.string().nullable().openapi({
      description:
        'The static barcode (a signed code) a printed ticket carries; only for the ticket’s holder, null otherwise and for a void ticket',
    }),
    rotating: z
      .object({
        secret: z.string().openapi({ description: 'base64url: the ticket’s own secret, from which the app computes the live code' }),
        periodSeconds: z.number().int().openapi({ description: 'How long one live code is current' }),
        currentCode: z.string().openapi({ description: 'The live code now: `<printCode>.<window>.<otp>`' }),
      })
      .nullable()
      .openapi({ description: 'What the app shows at the door; with printCode, only for the holder' }),
  })
  .openapi('Ticket');

export const TicketListSchema = z.object({ items: z.array(TicketSchema) }).openapi('BookingTickets');

export const TicketRenameSchema = z
  .object({ holderName: text({ min: 1, max: 200, trim: true }).openapi({ example: 'Ada Lovelace' }) })
  .openapi('TicketRename');
