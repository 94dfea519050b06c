// The ticket routes: a booking's tickets and their PDF, the tickets a customer holds, one ticket and the name on it;
// and the PDF of a booking's tickets for the users service's confirmation email (platform processes only).
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { GATEWAY_PROOF_HEADER } from '../../common/http/client-address.ts';
import { BAD_INPUT, IdParamSchema, NEEDS_TOKEN, TOKEN_PROBLEMS, jsonAnswer, jsonBody, problemAnswer } from '../../common/http/openapi.ts';
import { PageQuerySchema, pageOf } from '../../common/http/pagination.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import type { BookingsAccess } from './bookings.deps.ts';
import { TicketListSchema, TicketRenameSchema, TicketSchema } from './schemas.ts';

const tags = ['Tickets'];
const SCANNER_REFUSED = { 403: problemAnswer('A scanner token, which may only check tickets in (SCANNER_TOKEN_RESTRICTED)') };
const DETAILS_PENDING = {
  503: {
    ...problemAnswer('The event’s details have not reached the bookings service yet (EVENT_DETAILS_PENDING); retry after Retry-After'),
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' as const } } },
  },
};
const TICKET_NOT_FOUND = { 404: problemAnswer('No ticket of yours with this id (TICKET_NOT_FOUND)') };

/** The platform secret the gateway and the services send; the internal route answers no one else. */
const PLATFORM_SECRET = 'platformSecret';
const NEEDS_PLATFORM_SECRET = { security: [{ [PLATFORM_SECRET]: [] }] };

const pdfAnswer = (description: string) => ({
  description,
  headers: {
    'Content-Disposition': {
      description: 'attachment; filename="eventix-<booking reference>.pdf"',
      schema: { type: 'string' as const },
    },
  },
  content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
});

export const bookingTicketsRoute = createRoute({
  method: 'get',
  path: '/bookings/{id}/tickets',
  tags,
  summary: 'A booking’s tickets, one per seat',
  description:
    'For the booking’s customer or an admin. Tickets are issued when the booking is confirmed and voided when it is cancelled or ' +
    'refunded. The barcodes (printCode, rotating) are shown only on the tickets the caller holds: a ticket sent to another ' +
    'account is listed without them.',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: {
    200: jsonAnswer(TicketListSchema, 'The booking’s tickets (none before it is confirmed)'),
    404: problemAnswer('No booking of yours (BOOKING_NOT_FOUND)'),
    ...SCANNER_REFUSED,
    ...TOKEN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const bookingTicketsPdfRoute = createRoute({
  method: 'get',
  path: '/bookings/{id}/tickets.pdf',
  tags,
  summary: 'A booking’s tickets as a PDF to print, one ticket a page',
  description:
    'The valid tickets of the booking that the caller holds (an admin: all of them), each page with its seat, holder and the ' +
    'barcode the door scans (the static print code; a door may accept only the app’s live code).',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: {
    200: pdfAnswer('The tickets, application/pdf'),
    404: problemAnswer('No valid ticket of yours in this booking (NO_TICKETS)'),
    ...DETAILS_PENDING,
    ...SCANNER_REFUSED,
    ...TOKEN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const myTicketsRoute = createRoute({
  method: 'get',
  path: '/tickets',
  tags,
  summary: 'The tickets I hold, of any booking, newest first',
  description: 'Tickets of the caller’s own bookings and those sent to them; void and used ones too (see `status`).',
  ...NEEDS_TOKEN,
  request: { query: PageQuerySchema },
  responses: {
    200: jsonAnswer(pageOf(TicketSchema).openapi('TicketPage'), 'One page'),
    ...SCANNER_REFUSED,
    ...TOKEN_PROBLEMS,
    422: problemAnswer('The request is not valid (VALIDATION_FAILED, with the offending fields; INVALID_CURSOR)'),
  },
});

export const ticketRoute = createRoute({
  method: 'get',
  path: '/tickets/{id}',
  tags,
  summary: 'One ticket, with its barcodes for its holder',
  description: 'For its holder, the customer who booked it, or an admin; the barcodes only for the holder (and admins).',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: {
    200: jsonAnswer(TicketSchema, 'The ticket'),
    ...TICKET_NOT_FOUND,
    ...SCANNER_REFUSED,
    ...TOKEN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const renameTicketRoute = createRoute({
  method: 'patch',
  path: '/tickets/{id}',
  tags,
  summary: 'Change the name on a ticket',
  description: 'Only its holder, only while it is valid, and only until the event starts.',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema, body: jsonBody(TicketRenameSchema) },
  responses: {
    200: jsonAnswer(TicketSchema, 'The ticket with its new name'),
    403: problemAnswer('Not the ticket’s holder (NOT_TICKET_HOLDER), or a scanner token (SCANNER_TOKEN_RESTRICTED)'),
    ...TICKET_NOT_FOUND,
    409: problemAnswer('The ticket is void or used (TICKET_NOT_VALID), or its event has started (TICKET_NAME_LOCKED)'),
    ...TOKEN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const internalTicketsPdfRoute = createRoute({
  method: 'get',
  path: '/internal/bookings/{id}/tickets.pdf',
  tags: ['Internal'],
  summary: 'A booking’s tickets as a PDF, for the confirmation email (for the users service)',
  description:
    'The valid tickets of the booking its customer still holds. Answers only requests that carry the platform secret (X-Eventix-Gateway).',
  ...NEEDS_PLATFORM_SECRET,
  request: { params: IdParamSchema },
  responses: {
    200: pdfAnswer('The tickets, application/pdf'),
    403: problemAnswer('Not a platform process (FORBIDDEN)'),
    404: problemAnswer('No such booking (BOOKING_NOT_FOUND), or none of its tickets is valid and its customer’s (NO_TICKETS)'),
    ...DETAILS_PENDING,
    ...BAD_INPUT,
  },
});

export interface TicketHandlers {
  /** Refuses a caller without the platform secret before its request is read at all. */
  platformOnly: MiddlewareHandler<AppEnv>;
  bookingTickets: RouteHandler<typeof bookingTicketsRoute, AppEnv>;
  bookingTicketsPdf: RouteHandler<typeof bookingTicketsPdfRoute, AppEnv>;
  myTickets: RouteHandler<typeof myTicketsRoute, AppEnv>;
  ticket: RouteHandler<typeof ticketRoute, AppEnv>;
  renameTicket: RouteHandler<typeof renameTicketRoute, AppEnv>;
  internalTicketsPdf: RouteHandler<typeof internalTicketsPdfRoute, AppEnv>;
}

export function registerTicketRoutes(app: ServiceApp, access: BookingsAccess, handlers: TicketHandlers): void {
  app.openAPIRegistry.registerComponent('securitySchemes', PLATFORM_SECRET, {
    type: 'apiKey',
    in: 'header',
    name: GATEWAY_PROOF_HEADER,
    description: 'The secret shared by the gateway and the services (GATEWAY_SECRET).',
  });
  app.openapi({ ...bookingTicketsRoute, middleware: access.signedIn }, handlers.bookingTickets);
  app.openapi({ ...bookingTicketsPdfRoute, middleware: access.signedIn }, handlers.bookingTicketsPdf);
  app.openapi({ ...myTicketsRoute, middleware: access.signedIn }, handlers.myTickets);
  app.openapi({ ...ticketRoute, middleware: access.signedIn }, handlers.ticket);
  app.openapi({ ...renameTicketRoute, middleware: access.signedIn }, handlers.renameTicket);
  app.openapi({ ...internalTicketsPdfRoute, middleware: [handlers.platformOnly] as MiddlewareHandler[] }, handlers.internalTicketsPdf);
}
