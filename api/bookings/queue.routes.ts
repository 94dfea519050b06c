// An event's waiting room (/events/{id}/queue…): customers join, read their place (once, or live), and leave.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import { BAD_INPUT, NEEDS_TOKEN, TOKEN_PROBLEMS, jsonAnswer, problemAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { text } from '../../common/http/text.ts';
import { PLACE_STATES } from '../../domain/bookings/queue.ts';
import type { BookingsAccess } from './bookings.deps.ts';
import { EventParam } from './on-sale.routes.ts';
import { retryAfterProblemAnswer } from './schemas.ts';

const tags = ['Waiting room'];

export const QueuePlaceSchema = z
  .object({
    eventId: z.uuid(),
    state: z.enum(PLACE_STATES).openapi({
      description:
        'pre_queue: joined before the opening, whose order the opening draws at random; waiting: in line; admitted: may hold now, with `admission`; expired: the admission lapsed unused; used: the admission held; sold_out: nothing is left (see `waitingList`)',
    }),
    position: z.number().int().nullable().openapi({ description: 'While waiting: 1 is the next to be admitted' }),
    peopleAhead: z.number().int().nullable(),
    estimatedWaitSeconds: z.number().int().nullable().openapi({ description: 'While waiting: from the admission rate now' }),
    joinedAt: z.iso.datetime(),
    ticket: z.string().openapi({
      description: 'The signed queue ticket (JWS) of this place: bound to this account and event, refused for anyone else',
    }),
    admission: z
      .object({
        token: z.string().openapi({ description: 'Send it as `admissionToken` with POST /bookings; it holds once' }),
        expiresAt: z.iso.datetime().openapi({ description: 'Hold before then, or the admission goes to the next customer' }),
      })
      .nullable()
      .openapi({ description: 'While admitted' }),
    waitingList: z.string().nullable().openapi({
      description: 'When sold out: the waiting list to join for seats that come back (POST, under the API’s base)',
    }),
  })
  .openapi('QueuePlace');

const QueueMeQuery = z.object({
  ticket: text({ min: 1, max: 2048 })
    .optional()
    .openapi({ param: { name: 'ticket', in: 'query' }, description: 'A queue ticket to check: it must be this account’s for this event' }),
});

/** The answers of the routes on a place of one's own (read, follow, leave). */
const PLACE_PROBLEMS = {
  ...TOKEN_PROBLEMS,
  404: problemAnswer(
    'The event has no on-sale settings (ON_SALE_NOT_SET), or this account has no place in its queue (NOT_IN_QUEUE: join with POST /events/{id}/queue)',
  ),
  ...BAD_INPUT,
};

export const joinQueueRoute = createRoute({
  method: 'post',
  path: '/events/{id}/queue',
  tags,
  summary: 'Join an event’s waiting room',
  description:
    'One place per account: joining again (another device, a refresh) answers the same place with 200. Before the opening the place is in the pre-queue, whose order the opening draws at random, so arriving early gives no advantage; after it, places queue in arrival order. ' +
    'A place whose admission expired unused is no place to keep: joining again gives a new place at the back, in arrival order, with a new queue ticket (201), and its old admission token is void. ' +
    'Joins are limited per client address (the on-sale’s `joinsPerAddressPerMinute`) and per account (20 a minute): past either, 429 TOO_MANY_REQUESTS with Retry-After. ' +
    'An event whose waiting room is off, that has sold out, or that is cancelled or completed takes no joins (409), even from an account with a place.',
  ...NEEDS_TOKEN,
  request: { params: EventParam },
  responses: {
    201: jsonAnswer(QueuePlaceSchema, 'Joined: a new place (the first, or one at the back after an admission expired unused)'),
    200: jsonAnswer(QueuePlaceSchema, 'Already in the queue: the same place'),
    404: problemAnswer('The event has no on-sale settings (ON_SALE_NOT_SET)'),
    409: problemAnswer(
      'The event has no waiting room (WAITING_ROOM_OFF: hold with POST /bookings directly), has sold out (EVENT_SOLD_OUT: join its waiting list), or is cancelled or completed (EVENT_NOT_ON_SALE)',
    ),
    429: retryAfterProblemAnswer('Too many joins from this address or account (TOO_MANY_REQUESTS, with Retry-After)'),
    ...TOKEN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const queueMeRoute = createRoute({
  method: 'get',
  path: '/events/{id}/queue/me',
  tags,
  summary: 'My place in the queue: state, position, people ahead, estimated wait; the admission once admitted',
  ...NEEDS_TOKEN,
  request: { params: EventParam, query: QueueMeQuery },
  responses: {
    200: jsonAnswer(QueuePlaceSchema, 'The place now'),
    403: problemAnswer('The queue ticket sent is not this account’s for this event (QUEUE_TICKET_NOT_YOURS)'),
    ...PLACE_PROBLEMS,
  },
});

export const queueStreamRoute = createRoute({
  method: 'get',
  path: '/events/{id}/queue/me/stream',
  tags,
  summary: 'My place in the queue, live (server-sent events)',
  description:
    'A `place` message at once (the same body as GET …/queue/me), then one whenever it changes (read every 2 s), until the place is admitted and used, expired or sold out. Comment lines keep an idle stream open. A missing place or on-sale is answered before the stream starts (404); a read that fails later ends the stream.',
  ...NEEDS_TOKEN,
  request: { params: EventParam },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...PLACE_PROBLEMS,
  },
});

export const leaveQueueRoute = createRoute({
  method: 'delete',
  path: '/events/{id}/queue/me',
  tags,
  summary: 'Leave the queue (an unused admission is given up with the place)',
  ...NEEDS_TOKEN,
  request: { params: EventParam },
  responses: {
    204: { description: 'Left' },
    409: problemAnswer('The place’s admission has held already (ADMISSION_USED)'),
    ...PLACE_PROBLEMS,
  },
});

export interface QueueHandlers {
  join: RouteHandler<typeof joinQueueRoute, AppEnv>;
  me: RouteHandler<typeof queueMeRoute, AppEnv>;
  stream: RouteHandler<typeof queueStreamRoute, AppEnv>;
  leave: RouteHandler<typeof leaveQueueRoute, AppEnv>;
}

export function registerQueueRoutes(app: ServiceApp, access: BookingsAccess, handlers: QueueHandlers): void {
  app.openapi({ ...joinQueueRoute, middleware: access.signedIn }, handlers.join);
  // Before /queue/me: the stream is no other route's path.
  app.openapi({ ...queueStreamRoute, middleware: access.signedIn }, handlers.stream);
  app.openapi({ ...queueMeRoute, middleware: access.signedIn }, handlers.me);
  app.openapi({ ...leaveQueueRoute, middleware: access.signedIn }, handlers.leave);
}
