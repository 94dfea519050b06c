// The handlers of events and their prices: thin adapters over the events domain, answering the event as it is after.
import type { Context } from 'hono';
import { isAdmin } from '../../common/auth/middleware.ts';
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
} from '../../domain/events/events.ts';
import type { EventRow, PriceTierRow } from '../../entities/events/event.entity.ts';
import type { CatalogHandlers } from './catalog.routes.ts';
import type { EventsRouteDeps } from './events.deps.ts';
import { eventView } from './schemas.ts';
import { conditionalJson, DETAILS_CACHE, PRIVATE_CACHE, representation, visibleSeats } from './seats.handlers.ts';

const date = (value: string | null | undefined) => (value === undefined ? undefined : value === null ? null : new Date(value));

export function catalogHandlers(deps: EventsRouteDeps): CatalogHandlers {
  const { ctx } = deps;
  const em = () => ctx.orm.em.fork();
  /** The event after a lifecycle step, as an admin sees it. */
  const afterStep = async (id: string) => {
    await deps.seats.refresh(id);
    return eventView(await getEvent(em(), id, { admin: true }), await priceTiers(em(), id));
  };

  return {
    createEvent: async (c) => {
      const body = c.req.valid('json');
      const event = await createEvent(ctx, {
        venueId: body.venueId,
        title: body.title,
        description: body.description,
        startsAt: new Date(body.startsAt),
        endsAt: date(body.endsAt),
        salesOpenAt: date(body.salesOpenAt),
        salesCloseAt: date(body.salesCloseAt),
        cancellationPolicy: body.cancellationPolicy,
      });
      return c.json(eventView(event), 201);
    },
    listEvents: async (c) => {
      const query = c.req.valid('query');
      const page = await listEvents(
        em(),
        { ...query, from: date(query.from) ?? undefined, to: date(query.to) ?? undefined },
        { admin: isAdmin(c) },
      );
      // A page lists events without their price tiers (EventPage); GET /events/{id} answers those.
      const items = page.items.map((e) => {
        const { prices, ...summary } = eventView(e);
        return summary;
      });
      return c.json({ ...page, items }, 200);
    },
    event: async (c) => {
      const seats = await visibleSeats(deps.seats, c, c.req.valid('param').id);
      const event = seats.event!;
      // Whether it is on sale changes with the clock alone, so each answer is kept per that flag.
      const view = eventView(event as EventRow, seats.tiers as PriceTierRow[]);
      const answer = seats.memo(`event:${view.onSale}`, () => representation(view));
      return conditionalJson(c, answer, event.status === 'draft' ? PRIVATE_CACHE : DETAILS_CACHE);
    },
    updateEvent: async (c) => {
      const body = c.req.valid('json');
      const event = await updateEvent(ctx, c.req.valid('param').id, {
        title: body.title,
        description: body.description,
        startsAt: date(body.startsAt) ?? undefined,
        endsAt: date(body.endsAt),
        salesOpenAt: date(body.salesOpenAt),
        salesCloseAt: date(body.salesCloseAt),
        cancellationPolicy: body.cancellationPolicy,
      });
      await deps.seats.refresh(event.id);
      return c.json(eventView(event, await priceTiers(em(), event.id)), 200);
    },
    setPrices: async (c) => {
      const id = c.req.valid('param').id;
      const body = c.req.valid('json');
      const tiers = await setPriceTiers(ctx, id, body.currency, body.tiers);
      await deps.seats.refresh(id);
      return c.json(eventView(await getEvent(em(), id, { admin: true }), tiers), 200);
    },
    publishEvent: async (c) => {
      const id = c.req.valid('param').id;
      await publishEvent(ctx, id);
      return c.json(await afterStep(id), 200);
    },
    cancelEvent: async (c) => {
      const id = c.req.valid('param').id;
      await cancel(deps, id, c);
      return c.json(await afterStep(id), 200);
    },
    completeEvent: async (c) => {
      const id = c.req.valid('param').id;
      await completeEvent(ctx, id);
      return c.json(await afterStep(id), 200);
    },
  };
}

async function cancel(deps: EventsRouteDeps, id: string, c: Context): Promise<void> {
  // The body is optional; when sent it has been validated against CancelSchema.
  const body = (await c.req.json().catch(() => ({}))) as { reason?: string };
  const before = await getEvent(deps.ctx.orm.em.fork(), id, { admin: true });
  // Cancelling again only makes sure the refunds run (after a failed start, for instance).
  if (before.status !== 'cancelled') await cancelEvent(deps.ctx, id, body.reason ?? null);
  if (before.status !== 'draft') await deps.startEventCancellation(id, body.reason ?? 'cancelled by the organizer');
}
