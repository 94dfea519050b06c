// The ticket transfer routes: offer a ticket to another account, the offers of mine (made and received), accept,
// decline or cancel one, and a ticket's transfer history; declared with every answer they give.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { idempotencyKeyDescription, idempotencyProblems, idempotent } from '../../common/http/idempotency.ts';
import {
  BAD_INPUT,
  IdParamSchema,
  MONEY_ROUTE_PROBLEMS,
  NEEDS_TOKEN,
  TOKEN_PROBLEMS,
  idempotencyKeyHeader,
  jsonAnswer,
  jsonBody,
  problemAnswer,
} from '../../common/http/openapi.ts';
import { PageQuerySchema, pageOf } from '../../common/http/pagination.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { text } from '../../common/http/text.ts';
import { bookingsAccess, type BookingsRouteDeps } from './bookings.deps.ts';
import { transferHandlers } from './transfers.handlers.ts';

const tags = ['Tickets'];

const TRANSFER_STATUSES = ['pending', 'accepted', 'declined', 'cancelled'] as const;

export const TransferSchema = z
  .object({
    id: z.uuid(),
    ticketId: z.uuid(),
    bookingId: z.uuid(),
    eventId: z.uuid(),
    seatLabel: z.string(),
    section: z.string(),
    direction: z
      .enum(['incoming', 'outgoing', 'other'])
      .openapi({ description: 'Offered to the caller, or by the caller (`other`: an admin reading a ticket’s history)' }),
    status: z.enum(TRANSFER_STATUSES),
    fromUserId: z.uuid(),
    fromName: z.string().nullable().openapi({ description: 'The sender’s name, when the bookings service knows it' }),
    toUserId: z.uuid(),
    toEmail: z.string(),
    event: z.object({ title: z.string().nullable(), startsAt: z.string().nullable() }),
    createdAt: z.string(),
    decidedAt: z.string().nullable().openapi({ description: 'When it was accepted, declined or cancelled' }),
  })
  .openapi('TicketTransfer');

const OfferSchema = z
  .object({
    email: text({ min: 3, max: 320, trim: true })
      .pipe(z.email())
      .openapi({ description: 'The receiver’s account email (any case)', example: 'friend@example.com' }),
  })
  .openapi('TicketTransferOffer');

const TRANSFER_NOT_FOUND = { 404: problemAnswer('No transfer of yours with this id, or not yours to decide (TRANSFER_NOT_FOUND)') };
const NOT_PENDING = 'The transfer was accepted, declined or cancelled already (TRANSFER_NOT_PENDING)';

export const offerTransferRoute = createRoute({
  method: 'post',
  path: '/tickets/{id}/transfers',
  tags,
  summary: 'Offer my ticket to another Eventix account',
  description:
    'The receiver must have a customer account (found by email, without case; not a door staff account) other than the holder’s. ' +
    'The ticket must be valid, ' +
    'and the event more than its transfer cutoff (default 60 minutes) from its start. One open offer per ticket. ' +
    'Nothing moves until the receiver accepts; until then the holder may cancel.',
  ...NEEDS_TOKEN,
  request: {
    params: IdParamSchema,
    headers: idempotencyKeyHeader(idempotencyKeyDescription('A retry with the same key answers the offer it made.')),
    body: jsonBody(OfferSchema),
  },
  responses: {
    201: jsonAnswer(TransferSchema, 'The offer, pending'),
    404: problemAnswer(
      'No ticket of yours with this id (TICKET_NOT_FOUND), or no account with this email (TRANSFER_RECEIVER_UNKNOWN, with the field)',
    ),
    ...idempotencyProblems(
      'The ticket is void or used (TICKET_NOT_VALID), already offered (TRANSFER_PENDING), or the event starts too soon (TRANSFER_CLOSED)',
    ),
    ...MONEY_ROUTE_PROBLEMS,
    422: problemAnswer(
      'The request is not valid (VALIDATION_FAILED), the email is the holder’s own (TRANSFER_TO_SELF), or a door staff account’s (TRANSFER_RECEIVER_CANNOT_HOLD)',
    ),
  },
});

export const myTransfersRoute = createRoute({
  method: 'get',
  path: '/tickets/transfers',
  tags,
  summary: 'My ticket transfers: offered to me and by me, newest first',
  ...NEEDS_TOKEN,
  request: {
    query: PageQuerySchema.extend({
      status: z.enum(TRANSFER_STATUSES).optional(),
      direction: z.enum(['incoming', 'outgoing']).optional().openapi({ description: 'Only offers to me, or only offers by me' }),
    }),
  },
  responses: { 200: jsonAnswer(pageOf(TransferSchema).openapi('TicketTransferPage'), 'One page'), ...TOKEN_PROBLEMS, ...BAD_INPUT },
});

export const acceptTransferRoute = createRoute({
  method: 'post',
  path: '/tickets/transfers/{id}/accept',
  tags,
  summary: 'Accept a ticket offered to me: it becomes mine, with new codes',
  description:
    'The ticket moves to the caller with a new generation: every code of the sender’s copy (printed or in an app) is ' +
    'void at once, and the caller’s ticket shows the new ones.',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: {
    200: jsonAnswer(TransferSchema, 'Accepted'),
    ...TRANSFER_NOT_FOUND,
    409: problemAnswer(
      `${NOT_PENDING}; the ticket is no longer valid or no longer the sender’s (TICKET_NOT_VALID); or the event starts too soon (TRANSFER_CLOSED)`,
    ),
    ...MONEY_ROUTE_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const declineTransferRoute = createRoute({
  method: 'post',
  path: '/tickets/transfers/{id}/decline',
  tags,
  summary: 'Decline a ticket offered to me',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: {
    200: jsonAnswer(TransferSchema, 'Declined; the ticket stays with the sender'),
    ...TRANSFER_NOT_FOUND,
    409: problemAnswer(NOT_PENDING),
    ...TOKEN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const cancelTransferRoute = createRoute({
  method: 'post',
  path: '/tickets/transfers/{id}/cancel',
  tags,
  summary: 'Take back an offer of my ticket',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: {
    200: jsonAnswer(TransferSchema, 'Cancelled; the ticket stays mine'),
    ...TRANSFER_NOT_FOUND,
    409: problemAnswer(NOT_PENDING),
    ...TOKEN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const ticketTransfersRoute = createRoute({
  method: 'get',
  path: '/tickets/{id}/transfers',
  tags,
  summary: 'A ticket’s transfers, oldest first (its holder, or an admin)',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: {
    200: jsonAnswer(z.object({ items: z.array(TransferSchema) }).openapi('TicketTransferHistory'), 'Every offer of the ticket'),
    404: problemAnswer('No ticket of yours with this id (TICKET_NOT_FOUND)'),
    ...TOKEN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export interface TransferHandlers {
  offer: RouteHandler<typeof offerTransferRoute, AppEnv>;
  mine: RouteHandler<typeof myTransfersRoute, AppEnv>;
  accept: RouteHandler<typeof acceptTransferRoute, AppEnv>;
  decline: RouteHandler<typeof declineTransferRoute, AppEnv>;
  cancel: RouteHandler<typeof cancelTransferRoute, AppEnv>;
  history: RouteHandler<typeof ticketTransfersRoute, AppEnv>;
}

/**
 * Mounts the transfer routes. Register them before any `/tickets/{id}` route: `/tickets/transfers` must not be read
 * as a ticket id. Offering and accepting give a ticket away, so the caller's session must be open right now.
 */
export function registerTransferRoutes(app: ServiceApp, deps: Pick<BookingsRouteDeps, 'orm' | 'verifier' | 'sessions'>): void {
  const access = bookingsAccess(deps);
  const handlers = transferHandlers(deps);
  app.openapi({ ...myTransfersRoute, middleware: access.signedIn }, handlers.mine);
  app.openapi({ ...acceptTransferRoute, middleware: access.money }, handlers.accept);
  app.openapi({ ...declineTransferRoute, middleware: access.signedIn }, handlers.decline);
  app.openapi({ ...cancelTransferRoute, middleware: access.signedIn }, handlers.cancel);
  app.openapi({ ...offerTransferRoute, middleware: [...access.money, idempotent(deps.orm) as MiddlewareHandler] }, handlers.offer);
  app.openapi({ ...ticketTransfersRoute, middleware: access.signedIn }, handlers.history);
}
