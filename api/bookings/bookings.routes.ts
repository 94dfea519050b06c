// The bookings service's routes: start a booking saga and answer with its hold, pay, cancel, list and read bookings.
import { createRoute, z } from '@hono/zod-openapi';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { MiddlewareHandler } from 'hono';
import { authenticate, principalOf, sessionOpen } from '../../common/auth/middleware.ts';
import type { SessionCheck } from '../../common/auth/sessions.ts';
import type { Principal, TokenVerifier } from '../../common/auth/verify.ts';
import type { Config } from '../../common/config.ts';
import type { Orm } from '../../common/db/orm.ts';
import {
  BAD_INPUT,
  IdParamSchema,
  NEEDS_TOKEN,
  TOKEN_PROBLEMS,
  MONEY_ROUTE_PROBLEMS,
  idempotencyKeyHeader,
  jsonAnswer,
  jsonBody,
  problemAnswer,
} from '../../common/http/openapi.ts';
import { PageQuerySchema, pageOf } from '../../common/http/pagination.ts';
import { HttpProblem } from '../../common/http/problem.ts';
import type { ServiceApp } from '../../common/http/service-app.ts';
import type { Metrics } from '../../common/observability/metrics.ts';
import { bookingHistory, bookingIdFor, catalogOf, findBooking, listBookings, type CatalogEntry } from '../../domain/bookings/bookings.ts';
import { BOOKING_STATUSES, Booking, type BookingRow } from '../../entities/bookings/booking.entity.ts';
import type {
  BookingInput,
  BookingView,
  CancelRequest,
  CancellationInput,
  HoldAnswer,
  PayAnswer,
  PayRequest,
  SeatSelection,
} from '../../workflows/booking-types.ts';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/task-queues.ts';
import { precheckAvailability } from './availability-precheck.ts';

export interface BookingsRouteDeps {
  orm: Orm;
  client: Client;
  verifier: TokenVerifier;
  /** Money routes (hold, pay, cancel) also need the caller's session to be open right now. */
  sessions: SessionCheck;
  config: Pick<Config, 'bookings' | 'services' | 'temporal'>;
  metrics: Metrics;
}

const SeatSchema = z.object({
  seatId: z.uuid(),
  label: z.string(),
  section: z.string(),
  priceMinor: z.number().int(),
  currency: z.string(),
});

const BookingSchema = z
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

const BookingDetailSchema = BookingSchema.extend({
  refundedMinor: z.number().int(),
  createdAt: z.string(),
  workflowUrl: z.string().openapi({ description: 'This booking’s saga in the Temporal Web UI' }),
  history: z.array(z.object({ from: z.string().nullable(), to: z.string(), at: z.string(), actor: z.string(), reason: z.string() })),
}).openapi('BookingDetail');

const NewBookingSchema = z
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

const PaySchema = z
  .object({
    gateway: z.string().min(1).max(32).default('test').openapi({ example: 'test' }),
    paymentMethod: z.string().min(1).max(128).openapi({ example: 'pm_card_visa' }),
  })
  .openapi('Payment request');

const CancelBodySchema = z.object({ reason: z.string().trim().max(500).optional() }).openapi('BookingCancellation');

const STATUS_OF: Record<string, 404 | 409 | 422> = {
  EVENT_NOT_FOUND: 404,
  SEAT_NOT_FOUND: 422,
  BOOKING_NOT_FOUND: 404,
};

function viewOfRow(b: BookingRow, event: CatalogEntry | null = null): z.infer<typeof BookingSchema> {
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

const viewOfWorkflow = (v: BookingView): z.infer<typeof BookingSchema> => ({
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
  workflowId: `booking-${v.bookingId}`,
});

/** A refusal from the workflow (an update's validator or answer) as the HTTP problem it stands for. */
function refusal(code: string, message: string, errors?: { field: string; message: string }[]): HttpProblem {
  return new HttpProblem(STATUS_OF[code] ?? 409, code, message, errors);
}

function updateRefusal(err: unknown): never {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)
    throw refusal(err.cause.type ?? 'BOOKING_NOT_HELD', err.cause.message);
  if (err instanceof WorkflowNotFoundError) throw refusal('BOOKING_NOT_HELD', 'This booking is no longer open.');
  throw err;
}

export function registerBookingsRoutes(app: ServiceApp, deps: BookingsRouteDeps): void {
  const signedIn = { middleware: [authenticate(deps.verifier)] as MiddlewareHandler[], ...NEEDS_TOKEN };
  const moneyRoute = { middleware: [authenticate(deps.verifier), sessionOpen(deps.sessions)] as MiddlewareHandler[], ...NEEDS_TOKEN };
  const em = () => deps.orm.em.fork();
  const workflowUrl = (workflowId: string) =>
    `${deps.config.temporal.uiUrl}/namespaces/${encodeURIComponent(deps.config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  const actorOf = (p: Principal) => `${p.role === 'admin' ? 'admin' : 'customer'}:${p.userId}`;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/bookings',
      tags: ['Bookings'],
      summary: 'Hold seats: named seats, or the best available in a section',
      description:
        'Starts the booking saga and answers with its hold: 201 HELD with seats, prices, total and `expiresAt`, or 409 naming the seats already taken. Pay before `expiresAt`. The same `Idempotency-Key` returns the same booking.',
      ...moneyRoute,
      request: { headers: idempotencyKeyHeader('The same key returns the same booking'), body: jsonBody(NewBookingSchema) },
      responses: {
        201: jsonAnswer(BookingSchema, 'The booking, HELD'),
        200: jsonAnswer(BookingSchema, 'A replay of an Idempotency-Key whose booking has moved on'),
        404: problemAnswer('No such event (EVENT_NOT_FOUND)'),
        409: problemAnswer(
          'Seats taken (SEATS_UNAVAILABLE), sales closed (EVENT_NOT_ON_SALE) or too many seats held (HOLD_LIMIT_EXCEEDED)',
        ),
        ...MONEY_ROUTE_PROBLEMS,
        ...BAD_INPUT,
      },
    }),
    async (c) => {
      const timer = deps.metrics.holdDuration.startTimer();
      const hold = async () => {
        const principal = principalOf(c);
        const body = c.req.valid('json');
        const selection: SeatSelection = body.seats
          ? { seatIds: [...new Set(body.seats)] }
          : { sectionId: body.section!, quantity: body.quantity! };
        const bookingId = bookingIdFor(principal.userId, c.req.valid('header')['idempotency-key']);
        const known = await em().findOne(Booking, { id: bookingId, customerId: principal.userId });
        if (!known) await precheckAvailability(deps.config.services.events.urls, body.eventId, selection);

        const input: BookingInput = {
          bookingId,
          customerId: principal.userId,
          eventId: body.eventId,
          selection,
          holdTtlMs: deps.config.bookings.holdTtlSeconds * 1000,
          requestedAt: new Date().toISOString(),
        };
        const workflowId = `booking-${bookingId}`;
        const start = new WithStartWorkflowOperation('bookingWorkflow', {
          workflowId,
          taskQueue: WORKFLOW_TASK_QUEUE,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          searchAttributes: { BookingStatus: ['PENDING'], EventId: [body.eventId], CustomerId: [principal.userId] },
          staticSummary: `Booking ${bookingId} for event ${body.eventId}`,
          staticDetails: `Customer ${principal.userId}; ${'seatIds' in selection ? `${selection.seatIds.length} named seat(s)` : `${selection.quantity} best seat(s)`}`,
        });
        let answer: HoldAnswer;
        try {
          answer = await deps.client.workflow.executeUpdateWithStart<never, HoldAnswer, []>('hold', {
            startWorkflowOperation: start as never,
          });
        } catch (err) {
          // The saga of this key has finished: the request is answered from the booking record.
          if (err instanceof WorkflowExecutionAlreadyStartedError && known) return c.json(viewOfRow(known), 200);
          throw err;
        }
        if (!answer.ok) {
          throw refusal(
            answer.code,
            answer.message,
            answer.seatIds.map((id) => ({ field: `seats.${id}`, message: 'is already taken' })),
          );
        }
        return c.json(viewOfWorkflow(answer.booking), 201);
      };
      try {
        return await hold();
      } catch (err) {
        if (err instanceof HttpProblem && err.status === 409) deps.metrics.holdsRefused.inc({ reason: err.code });
        throw err;
      } finally {
        timer();
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/bookings',
      tags: ['Bookings'],
      summary: 'My bookings, newest first (admins: everyone’s)',
      ...signedIn,
      request: { query: PageQuerySchema.extend({ status: z.enum(BOOKING_STATUSES).optional(), eventId: z.uuid().optional() }) },
      responses: { 200: jsonAnswer(pageOf(BookingSchema).openapi('BookingPage'), 'One page'), ...TOKEN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => {
      const page = await listBookings(em(), c.req.valid('query'), principalOf(c));
      const catalog = await catalogOf(
        em(),
        page.items.map((b) => b.eventId),
      );
      return c.json({ ...page, items: page.items.map((b) => viewOfRow(b, catalog.get(b.eventId) ?? null)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/bookings/{id}',
      tags: ['Bookings'],
      summary: 'One booking: seats, amounts, status, expiry, payment, its full history and its saga',
      ...signedIn,
      request: { params: IdParamSchema },
      responses: {
        200: jsonAnswer(BookingDetailSchema, 'The booking'),
        404: problemAnswer('No booking of yours (BOOKING_NOT_FOUND)'),
        ...TOKEN_PROBLEMS,
        ...BAD_INPUT,
      },
    }),
    async (c) => {
      const booking = await findBooking(em(), c.req.valid('param').id, principalOf(c));
      const history = await bookingHistory(em(), booking.id);
      return c.json(
        {
          ...viewOfRow(booking, (await catalogOf(em(), [booking.eventId])).get(booking.eventId) ?? null),
          refundedMinor: booking.refundedMinor,
          createdAt: booking.createdAt.toISOString(),
          workflowUrl: workflowUrl(booking.workflowId),
          history: history.map((h) => ({
            from: h.fromStatus ?? null,
            to: h.toStatus,
            at: h.at.toISOString(),
            actor: h.actor,
            reason: h.reason,
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/bookings/{id}/pay',
      tags: ['Bookings'],
      summary: 'Pay a HELD booking: CONFIRMED, or 402 with the decline code (it stays HELD until it expires)',
      ...moneyRoute,
      request: { params: IdParamSchema, body: jsonBody(PaySchema) },
      responses: {
        200: jsonAnswer(BookingSchema, 'Paid and CONFIRMED'),
        402: problemAnswer('The payment was declined (CARD_DECLINED, INSUFFICIENT_FUNDS, …); the booking stays HELD'),
        404: problemAnswer('No booking of yours (BOOKING_NOT_FOUND)'),
        409: problemAnswer(
          'The booking is not HELD (BOOKING_NOT_HELD), or the hold lapsed while paying and the money was refunded (SEATS_NO_LONGER_HELD)',
        ),
        ...MONEY_ROUTE_PROBLEMS,
        ...BAD_INPUT,
      },
    }),
    async (c) => {
      const principal = principalOf(c);
      const booking = await findBooking(em(), c.req.valid('param').id, { ...principal, role: 'user' });
      const body = c.req.valid('json');
      const request: PayRequest = { customerId: principal.userId, gateway: body.gateway, paymentMethod: body.paymentMethod };
      const answer = await deps.client.workflow
        .getHandle(booking.workflowId)
        .executeUpdate<PayAnswer, [PayRequest]>('pay', { args: [request] })
        .catch(updateRefusal);
      if (answer.ok) return c.json(viewOfWorkflow(answer.booking), 200);
      if (answer.code === 'SEATS_NO_LONGER_HELD' || STATUS_OF[answer.code]) throw refusal(answer.code, answer.message);
      throw new HttpProblem(402, answer.code, answer.message);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/bookings/{id}/cancel',
      tags: ['Bookings'],
      summary: 'Cancel a booking: before payment the seats are released; after confirmation it is refunded and the seats return to sale',
      ...moneyRoute,
      request: { params: IdParamSchema, body: { ...jsonBody(CancelBodySchema), required: false } },
      responses: {
        200: jsonAnswer(BookingSchema, 'The booking after cancellation'),
        202: jsonAnswer(BookingSchema, 'The refund is under way; the booking shows the outcome soon'),
        404: problemAnswer('No booking of yours (BOOKING_NOT_FOUND)'),
        409: problemAnswer('The booking cannot be cancelled now (BOOKING_NOT_CANCELLABLE)'),
        ...MONEY_ROUTE_PROBLEMS,
        ...BAD_INPUT,
      },
    }),
    async (c) => {
      const principal = principalOf(c);
      const booking = await findBooking(em(), c.req.valid('param').id, principal);
      const body = (await c.req.json().catch(() => ({}))) as z.infer<typeof CancelBodySchema>;
      const reason = body.reason || (principal.role === 'admin' ? 'cancelled by an admin' : 'cancelled by the customer');
      if (booking.status !== 'CONFIRMED') {
        const view = await deps.client.workflow
          .getHandle(booking.workflowId)
          .executeUpdate<BookingView, [CancelRequest]>('cancel', { args: [{ actor: actorOf(principal), reason }] })
          .catch(updateRefusal);
        return c.json(viewOfWorkflow(view), 200);
      }
      const input: CancellationInput = {
        bookingId: booking.id,
        customerId: booking.customerId,
        eventId: booking.eventId,
        paymentId: booking.paymentId!,
        actor: actorOf(principal),
        reason,
      };
      let handle;
      try {
        handle = await deps.client.workflow.start('bookingCancellationWorkflow', {
          workflowId: `booking-cancellation-${booking.id}`,
          taskQueue: WORKFLOW_TASK_QUEUE,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          searchAttributes: { BookingStatus: ['CONFIRMED'], EventId: [booking.eventId], CustomerId: [booking.customerId] },
          staticSummary: `Cancellation of booking ${booking.id}`,
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        handle = deps.client.workflow.getHandle(`booking-cancellation-${booking.id}`);
      }
      // The refund is usually a moment; a slow gateway gets a 202 and the booking shows the outcome later.
      const finished = await Promise.race([
        handle.result().then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 10_000).unref()),
      ]);
      const after = await findBooking(em(), booking.id, principal);
      return c.json(viewOfRow(after), finished ? 200 : 202);
    },
  );
}
