// The events service's routes: venues, events and prices (admins write, everyone reads what is published), seat maps
// and live availability.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { streamSSE } from 'hono/streaming';
import { authenticate, identify, isAdmin, requireRole, sessionOpen } from '../../common/auth/middleware.ts';
import type { SessionCheck } from '../../common/auth/sessions.ts';
import type { TokenVerifier } from '../../common/auth/verify.ts';
import {
  ADMIN_PROBLEMS,
  BAD_INPUT,
  MONEY_ROUTE_PROBLEMS,
  NEEDS_TOKEN,
  jsonAnswer,
  jsonBody,
  problemAnswer,
} from '../../common/http/openapi.ts';
import { HttpProblem } from '../../common/http/problem.ts';
import type { ServiceApp } from '../../common/http/service-app.ts';
import {
  cancelEvent,
  completeEvent,
  createEvent,
  getEvent,
  listEvents,
  priceTiers,
  publishEvent,
  setPriceTiers,
  updateEvent,
  type EventsContext,
} from '../../domain/events/events.ts';
import type { SeatFeed } from '../../domain/events/seat-feed.ts';
import type { StartEventCancellation } from './event-cancellation.ts';
import { availability, seatMap, type SectionAvailability } from '../../domain/events/seats.ts';
import { createVenue, getVenueLayout } from '../../domain/events/venues.ts';
import {
  AvailabilitySchema,
  CancelSchema,
  EventInputSchema,
  EventPageSchema,
  EventPatchSchema,
  EventQuerySchema,
  EventSchema,
  IdParamSchema,
  PricesInputSchema,
  SeatMapSchema,
  VenueInputSchema,
  VenueSchema,
  eventView,
  venueInput,
  venueView,
} from './schemas.ts';

export interface EventsRouteDeps {
  ctx: EventsContext;
  verifier: TokenVerifier;
  /** Cancelling an event refunds its bookings: the admin's session must be open right now. */
  sessions: SessionCheck;
  feed: SeatFeed | undefined;
  /** Cancels the holds and refunds the bookings of a cancelled event. */
  startEventCancellation: StartEventCancellation;
}

const EVENT_NOT_FOUND = { 404: problemAnswer('No event with this id, or one not published yet (EVENT_NOT_FOUND)') };
const STATE_CONFLICT = { 409: problemAnswer('The event is not in a state that allows this (EVENT_STATE_CONFLICT)') };

const date = (value: string | null | undefined) => (value === undefined ? undefined : value === null ? null : new Date(value));

function totals(sections: SectionAvailability[]) {
  return sections.reduce(
    (sum, s) => ({ total: sum.total + s.total, available: sum.available + s.available, held: sum.held + s.held, sold: sum.sold + s.sold }),
    { total: 0, available: 0, held: 0, sold: 0 },
  );
}

export function registerEventsRoutes(app: ServiceApp, deps: EventsRouteDeps): void {
  const { ctx } = deps;
  const admin = { middleware: [authenticate(deps.verifier), requireRole('admin')] as MiddlewareHandler[], ...NEEDS_TOKEN };
  const adminMoney = { ...admin, middleware: [...admin.middleware, sessionOpen(deps.sessions) as MiddlewareHandler] };
  const anyone = { middleware: [identify(deps.verifier)] as MiddlewareHandler[] };
  const em = () => ctx.orm.em.fork();
  /** A published (or past) event; drafts exist only for admins. */
  const visibleEvent = (c: Context, id: string) => getEvent(em(), id, { admin: isAdmin(c) });
  const published = async (c: Context, id: string) => {
    const event = await visibleEvent(c, id);
    if (event.status === 'draft') throw new HttpProblem(409, 'EVENT_NOT_PUBLISHED', 'Seats are for sale once the event is published.');
    return event;
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/venues',
      tags: ['Venues'],
      summary: 'Create a venue with its whole seat layout',
      description:
        'Sections, rows and seats in one request. Seat labels are "<row>-<number>"; duplicates, empty rows or sections, and unknown accessible or blocked labels are refused with the fields at fault.',
      ...admin,
      request: { body: jsonBody(VenueInputSchema) },
      responses: { 201: jsonAnswer(VenueSchema, 'The venue and its layout'), ...ADMIN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => c.json(venueView(await createVenue(em(), venueInput(c.req.valid('json')))), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/venues/{id}',
      tags: ['Venues'],
      summary: 'A venue and its seat layout',
      request: { params: IdParamSchema },
      responses: { 200: jsonAnswer(VenueSchema, 'The venue'), 404: problemAnswer('No venue with this id (VENUE_NOT_FOUND)'), ...BAD_INPUT },
    }),
    async (c) => c.json(venueView(await getVenueLayout(em(), c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/events',
      tags: ['Events'],
      summary: 'Create an event at a venue, as a draft',
      ...admin,
      request: { body: jsonBody(EventInputSchema) },
      responses: { 201: jsonAnswer(EventSchema, 'The draft'), ...ADMIN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const event = await createEvent(ctx, {
        venueId: body.venueId,
        title: body.title,
        description: body.description,
        startsAt: new Date(body.startsAt),
        endsAt: date(body.endsAt),
        salesOpenAt: date(body.salesOpenAt),
        salesCloseAt: date(body.salesCloseAt),
      });
      return c.json(eventView(event), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/events',
      tags: ['Events'],
      summary: 'Events, soonest first',
      description:
        'Everyone sees published events; an admin token also shows drafts, cancelled and completed events (filter with `status`).',
      ...anyone,
      request: { query: EventQuerySchema },
      responses: { 200: jsonAnswer(EventPageSchema, 'One page'), ...BAD_INPUT },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await listEvents(
        em(),
        { ...query, from: date(query.from) ?? undefined, to: date(query.to) ?? undefined },
        { admin: isAdmin(c) },
      );
      return c.json({ ...page, items: page.items.map((e) => eventView(e)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/events/{id}',
      tags: ['Events'],
      summary: 'One event with its prices',
      ...anyone,
      request: { params: IdParamSchema },
      responses: { 200: jsonAnswer(EventSchema, 'The event'), ...EVENT_NOT_FOUND, ...BAD_INPUT },
    }),
    async (c) => {
      const event = await visibleEvent(c, c.req.valid('param').id);
      return c.json(eventView(event, await priceTiers(em(), event.id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/events/{id}',
      tags: ['Events'],
      summary: 'Change a draft or published event (title, description, dates, sales window)',
      ...admin,
      request: { params: IdParamSchema, body: jsonBody(EventPatchSchema) },
      responses: { 200: jsonAnswer(EventSchema, 'The event'), ...EVENT_NOT_FOUND, ...STATE_CONFLICT, ...ADMIN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const event = await updateEvent(ctx, c.req.valid('param').id, {
        title: body.title,
        description: body.description,
        startsAt: date(body.startsAt) ?? undefined,
        endsAt: date(body.endsAt),
        salesOpenAt: date(body.salesOpenAt),
        salesCloseAt: date(body.salesCloseAt),
      });
      return c.json(eventView(event, await priceTiers(em(), event.id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/events/{id}/prices',
      tags: ['Events'],
      summary: "Set a draft's price tiers: one per section, in integer minor units",
      ...admin,
      request: { params: IdParamSchema, body: jsonBody(PricesInputSchema) },
      responses: {
        200: jsonAnswer(EventSchema, 'The event with its prices'),
        ...EVENT_NOT_FOUND,
        ...STATE_CONFLICT,
        ...ADMIN_PROBLEMS,
        ...BAD_INPUT,
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const body = c.req.valid('json');
      const tiers = await setPriceTiers(ctx, id, body.currency, body.tiers);
      return c.json(eventView(await getEvent(em(), id, { admin: true }), tiers), 200);
    },
  );

  const transition = (
    path: string,
    summary: string,
    extra: Record<number, ReturnType<typeof problemAnswer>>,
    act: (id: string, c: Context) => Promise<unknown>,
    body?: typeof CancelSchema,
    access = admin,
  ) =>
    app.openapi(
      createRoute({
        method: 'post',
        path,
        tags: ['Events'],
        summary,
        ...access,
        request: { params: IdParamSchema, ...(body ? { body: { ...jsonBody(body), required: false } } : {}) },
        responses: {
          200: jsonAnswer(EventSchema, 'The event'),
          ...EVENT_NOT_FOUND,
          ...STATE_CONFLICT,
          ...extra,
          ...ADMIN_PROBLEMS,
          ...BAD_INPUT,
        },
      }),
      async (c) => {
        const id = c.req.valid('param').id;
        await act(id, c);
        return c.json(eventView(await getEvent(em(), id, { admin: true }), await priceTiers(em(), id)), 200);
      },
    );

  transition(
    '/events/{id}/publish',
    'Publish a draft: its seats go on sale in the sales window',
    { 409: problemAnswer('Not a draft (EVENT_STATE_CONFLICT), or a section with seats has no price (UNPRICED_SECTIONS)') },
    (id) => publishEvent(ctx, id),
  );
  transition(
    '/events/{id}/cancel',
    'Cancel a draft or published event: every hold is cancelled and every booking refunded (the event-cancellation saga)',
    { 503: MONEY_ROUTE_PROBLEMS[503] },
    async (id, c) => {
      // The body is optional; when sent it has been validated against CancelSchema.
      const body = (await c.req.json().catch(() => ({}))) as { reason?: string };
      const before = await getEvent(em(), id, { admin: true });
      // Cancelling again only makes sure the refunds run (after a failed start, for instance).
      if (before.status !== 'cancelled') await cancelEvent(ctx, id, body.reason ?? null);
      if (before.status !== 'draft') await deps.startEventCancellation(id, body.reason ?? 'cancelled by the organizer');
    },
    CancelSchema,
    adminMoney,
  );
  transition(
    '/events/{id}/complete',
    'Mark a published event as held (once it has started)',
    { 409: problemAnswer('Not published (EVENT_STATE_CONFLICT), or not started yet (EVENT_NOT_STARTED)') },
    (id) => completeEvent(ctx, id),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/events/{id}/seats',
      tags: ['Seats'],
      summary: 'The seat map: every seat with its seatId, label, section, price and status now',
      ...anyone,
      request: { params: IdParamSchema },
      responses: {
        200: jsonAnswer(SeatMapSchema, 'The seats; an expired hold reads as available'),
        ...EVENT_NOT_FOUND,
        409: problemAnswer('The event is a draft (EVENT_NOT_PUBLISHED)'),
        ...BAD_INPUT,
      },
    }),
    async (c) => {
      const event = await published(c, c.req.valid('param').id);
      return c.json({ eventId: event.id, seats: await seatMap(em(), event.id) }, 200);
    },
  );

  const availabilityOf = async (eventId: string) => {
    const sections = await availability(em(), eventId);
    return { eventId, sections, totals: totals(sections) };
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/events/{id}/availability',
      tags: ['Seats'],
      summary: 'Seats per section and price tier: total, available, held, sold',
      ...anyone,
      request: { params: IdParamSchema },
      responses: {
        200: jsonAnswer(AvailabilitySchema, 'The counts'),
        ...EVENT_NOT_FOUND,
        409: problemAnswer('The event is a draft (EVENT_NOT_PUBLISHED)'),
        ...BAD_INPUT,
      },
    }),
    async (c) => c.json(await availabilityOf((await published(c, c.req.valid('param').id)).id), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/events/{id}/availability/stream',
      tags: ['Seats'],
      summary: 'Live availability (server-sent events)',
      description:
        'First a `snapshot` message (the counts and every seat status), then one `change` message per change made by any instance of the service: `{ eventId, seats: [{ seatId, status }], availability }`. A `snapshot` is sent again whenever changes may have been missed.',
      ...anyone,
      request: { params: IdParamSchema },
      responses: {
        200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...EVENT_NOT_FOUND,
        409: problemAnswer('The event is a draft (EVENT_NOT_PUBLISHED)'),
        ...BAD_INPUT,
      },
    }),
    async (c) => {
      const event = await published(c, c.req.valid('param').id);
      const feed = deps.feed;
      if (!feed) throw new HttpProblem(503, 'STREAM_UNAVAILABLE', 'Live availability is not running on this instance.');
      return streamSSE(c, async (stream) => {
        let id = 0;
        const queue: (() => Promise<void>)[] = [];
        let wake: (() => void) | undefined;
        const push = (job: () => Promise<void>) => {
          queue.push(job);
          wake?.();
        };
        const snapshot = async () => {
          const [counts, seats] = await Promise.all([availabilityOf(event.id), seatMap(em(), event.id)]);
          await stream.writeSSE({
            id: String(++id),
            event: 'snapshot',
            data: JSON.stringify({ ...counts, seats: seats.map((s) => ({ seatId: s.seatId, status: s.status })) }),
          });
        };
        // Subscribe before the snapshot, so nothing between the two is lost.
        const unsubscribe = feed.subscribe(event.id, (change) =>
          push(async () => {
            if (change.resync) return snapshot();
            await stream.writeSSE({
              id: String(++id),
              event: 'change',
              data: JSON.stringify({ ...change, availability: await availabilityOf(event.id) }),
            });
          }),
        );
        stream.onAbort(() => {
          unsubscribe();
          wake?.();
        });
        try {
          await snapshot();
          while (!stream.aborted && !stream.closed) {
            const job = queue.shift();
            if (job) {
              await job();
              continue;
            }
            // Idle: a comment every 15 s keeps proxies from closing the stream.
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, 15_000);
            });
            wake = undefined;
            if (queue.length === 0 && !stream.aborted) await stream.write(': keep-alive\n\n');
          }
        } finally {
          unsubscribe();
        }
      });
    },
  );
}
