// The waiting list of a sold-out event (/events/{id}/waiting-list…): customers join with the seats they want, read
// their entry and its offer, and leave; admins read the list's figures and set the offer window.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireRole } from '../../common/auth/middleware.ts';
import { ADMIN_PROBLEMS, BAD_INPUT, NEEDS_TOKEN, TOKEN_PROBLEMS, jsonAnswer, jsonBody, problemAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { OFFER_WINDOW_LIMITS, WAITING_LIST_SEATS_BOUND } from '../../domain/bookings/waiting-list.ts';
import { PASSED_OVER_LIMIT } from '../../domain/bookings/waiting-list-offers.ts';
import { WAITING_LIST_STATES } from '../../entities/bookings/waiting-list.entity.ts';
import type { BookingsAccess } from './bookings.deps.ts';
import { retryAfterProblemAnswer } from './schemas.ts';

const tags = ['Waiting list'];
const adminTags = ['Admin: waiting list'];

const EventParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'The event' }) });

export const JoinWaitingListSchema = z
  .object({
    seats: z.number().int().min(1).max(WAITING_LIST_SEATS_BOUND).openapi({
      example: 2,
      description:
        'Seats wanted together, in one section: at least 1, and no more than one customer may hold of the event (the platform’s limit per customer, SEATS_PER_CUSTOMER_MAX, 10 by default, and while the event sells through its waiting room its on-sale’s `maxSeatsPerCustomer`); more is 422 WAITING_LIST_SEAT_LIMIT',
    }),
    sectionId: z.uuid().optional().openapi({ description: 'The section wanted; without it, seats in any one section' }),
  })
  .openapi('WaitingListJoin');

const OfferSchema = z
  .object({
    bookingId: z.uuid().openapi({ description: 'The booking held for you: pay it (POST /bookings/{id}/pay) to accept the offer' }),
    expiresAt: z.iso.datetime().nullable().openapi({ description: 'Until when the seats are held; null for a moment, until they are' }),
  })
  .openapi('WaitingListOffer');

export const WaitingListEntrySchema = z
  .object({
    entryId: z.uuid(),
    eventId: z.uuid(),
    seats: z.number().int(),
    sectionId: z.uuid().nullable(),
    state: z.enum(WAITING_LIST_STATES).openapi({
      description:
        'waiting (in the list), offered (seats are held for you: see `offer`), accepted (you paid), lapsed (the offer ran out unpaid), left',
    }),
    position: z.number().int().nullable().openapi({ description: 'Your place while waiting (1 is served next); null otherwise' }),
    joinedAt: z.iso.datetime(),
    offer: OfferSchema.nullable().openapi({ description: 'The current (or last) offer; null before the first' }),
  })
  .openapi('WaitingListEntry');

export const WaitingListOverviewSchema = z
  .object({
    eventId: z.uuid(),
    length: z.number().int().openapi({ description: 'Entries still to serve: waiting or holding an offer' }),
    entries: z.record(z.enum(WAITING_LIST_STATES), z.number().int()).openapi({ description: 'Entries by state, every state named' }),
    offers: z
      .object({ made: z.number().int(), accepted: z.number().int(), lapsed: z.number().int() })
      .openapi({ description: 'Offers made (a hold refused makes another later), accepted (paid) and lapsed' }),
    offerWindowSeconds: z.number().int(),
  })
  .openapi('WaitingListOverview');

export const WaitingListSettingsSchema = z
  .object({
    offerWindowSeconds: z
      .number()
      .int()
      .min(OFFER_WINDOW_LIMITS.min)
      .max(OFFER_WINDOW_LIMITS.max)
      .openapi({ example: 900, description: 'How long an offer’s seats are held for the customer to pay (offers made from now on)' }),
  })
  .openapi('WaitingListSettings');

const NOT_ON_LIST = { 404: problemAnswer('You are not on this event’s waiting list (WAITING_LIST_ENTRY_NOT_FOUND)') };

export const joinRoute = createRoute({
  method: 'post',
  path: '/events/{id}/waiting-list',
  tags,
  summary: 'Join the waiting list of a sold-out event',
  description:
    'Only while the seats asked for cannot be booked: with that many seats free together in one section (the one asked for, or any) the answer is 409 EVENT_NOT_SOLD_OUT: book them instead. One entry per account and event: joining again (another device) answers the same entry, 200; an entry that left or whose offer lapsed joins again at the end of the list (201), once its last offer’s booking holds no seats. An event that is cancelled or completed takes no one (409 EVENT_NOT_ON_SALE). Seats that come back (an expired hold, a cancellation, a refund) are offered in list order: a booking is held for you for the event’s offer window, you are told in the app and by email, and paying it accepts the offer. ' +
    `An entry for several seats is served once that many are free together in one section; a later, smaller entry may be served first meanwhile, but after ${PASSED_OVER_LIMIT} such passes the seats of its sections are kept for it until it is served.`,
  ...NEEDS_TOKEN,
  request: { params: EventParam, body: jsonBody(JoinWaitingListSchema) },
  responses: {
    201: jsonAnswer(WaitingListEntrySchema, 'On the list'),
    200: jsonAnswer(WaitingListEntrySchema, 'Already on the list (or leaving it, its offer still being released): your entry'),
    404: problemAnswer('No event on sale with this id (EVENT_NOT_FOUND), or no such section in it (SECTION_NOT_FOUND)'),
    409: problemAnswer(
      'The seats asked for are free: book them instead (EVENT_NOT_SOLD_OUT); or the event is cancelled or completed (EVENT_NOT_ON_SALE)',
    ),
    422: problemAnswer(
      'The request is not valid (VALIDATION_FAILED, with the offending fields), or asks for more seats than one customer may hold of this event (WAITING_LIST_SEAT_LIMIT)',
    ),
    503: retryAfterProblemAnswer(
      'The event’s free seats could not be read from the events service (SEATS_NOT_READ, with Retry-After): nothing was joined; retry',
    ),
    ...TOKEN_PROBLEMS,
  },
});

export const myEntryRoute = createRoute({
  method: 'get',
  path: '/events/{id}/waiting-list/me',
  tags,
  summary: 'Your entry on the waiting list: its state, place and offer',
  ...NEEDS_TOKEN,
  request: { params: EventParam },
  responses: { 200: jsonAnswer(WaitingListEntrySchema, 'Your entry'), ...NOT_ON_LIST, ...TOKEN_PROBLEMS, ...BAD_INPUT },
});

export const leaveRoute = createRoute({
  method: 'delete',
  path: '/events/{id}/waiting-list/me',
  tags,
  summary: 'Leave the waiting list (an open offer is given up)',
  description:
    'An offer you hold is given up with it: its booking is cancelled and the seats go to the next entry. Leaving again answers the entry as it is, and cancels the offer’s booking again while it still holds its seats (so a leave answered 503 OFFER_NOT_CANCELLED is completed by its retry). An offer already paid cannot be left: cancel its booking instead.',
  ...NEEDS_TOKEN,
  request: { params: EventParam },
  responses: {
    200: jsonAnswer(WaitingListEntrySchema, 'Your entry, left'),
    409: problemAnswer('Your offer was accepted (its booking paid): cancel its booking instead (WAITING_LIST_OFFER_ACCEPTED)'),
    503: retryAfterProblemAnswer(
      'You have left the list, but the offer’s booking could not be cancelled right now (OFFER_NOT_CANCELLED, with Retry-After): leave again to cancel it',
    ),
    ...NOT_ON_LIST,
    ...TOKEN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const overviewRoute = createRoute({
  method: 'get',
  path: '/events/{id}/waiting-list',
  tags: adminTags,
  summary: 'An event’s waiting list: its length, entries by state and offers made, accepted and lapsed (admins)',
  ...NEEDS_TOKEN,
  request: { params: EventParam },
  responses: { 200: jsonAnswer(WaitingListOverviewSchema, 'The list now'), ...ADMIN_PROBLEMS, ...BAD_INPUT },
});

export const settingsRoute = createRoute({
  method: 'put',
  path: '/events/{id}/waiting-list/settings',
  tags: adminTags,
  summary: 'Set an event’s offer window (admins)',
  ...NEEDS_TOKEN,
  request: { params: EventParam, body: jsonBody(WaitingListSettingsSchema) },
  responses: { 200: jsonAnswer(WaitingListSettingsSchema, 'The settings now'), ...ADMIN_PROBLEMS, ...BAD_INPUT },
});

export interface WaitingListHandlers {
  join: RouteHandler<typeof joinRoute, AppEnv>;
  myEntry: RouteHandler<typeof myEntryRoute, AppEnv>;
  leave: RouteHandler<typeof leaveRoute, AppEnv>;
  overview: RouteHandler<typeof overviewRoute, AppEnv>;
  settings: RouteHandler<typeof settingsRoute, AppEnv>;
}

export function registerWaitingListRoutes(app: ServiceApp, access: BookingsAccess, handlers: WaitingListHandlers): void {
  const admin = [...access.signedIn, requireRole('admin') as MiddlewareHandler];
  app.openapi({ ...joinRoute, middleware: access.signedIn }, handlers.join);
  app.openapi({ ...myEntryRoute, middleware: access.signedIn }, handlers.myEntry);
  app.openapi({ ...leaveRoute, middleware: access.signedIn }, handlers.leave);
  app.openapi({ ...overviewRoute, middleware: admin }, handlers.overview);
  app.openapi({ ...settingsRoute, middleware: admin }, handlers.settings);
}
