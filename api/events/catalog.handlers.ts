// The handlers of events and their prices: thin adapters over the events domain, answering the event as it is after.
import type { EntityManager } from '@mikro-orm/postgresql';
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
  venueTimeZones,
} from '../../domain/events/events.ts';
import { checkedInCount } from '../../domain/events/subscriptions.ts';
import type { EventRow, PriceTierRow } from '../../entities/events/event.entity.ts';
import type { CatalogHandlers } from './catalog.routes.ts';
import type { EventsRouteDeps } from './events.deps.ts';
import { eventView } from './schemas.ts';
import { conditionalJson, DETAILS_CACHE, PRIVATE_CACHE, representation, visibleSeats } from './seats.handlers.ts';

const date = (value: string | null | undefined) => (value === undefined ? undefined : value === null ? null : new Date(value));

export function catalogHandlers(deps: EventsRouteDeps): CatalogHandlers {
  const { ctx } = deps;
  const em = () => ctx.orm.em.fork();
  const zones = timeZoneMemory(em);
  /** The event as an admin sees it: with the door count. */
  const adminView = async (event: EventRow, tiers: PriceTierRow[]) =>
    eventView(event, tiers, { timeZone: await zones.of(event.venueId), checkedIn: await checkedInCount(em(), event.id) });
  /** The event after a lifecycle step, as an admin sees it. */
  const afterStep = async (id: string) => {
    await deps.seats.refresh(id);
    return adminView(await getEvent(em(), id, { admin: true }), await priceTiers(em(), id));
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
      return c.json(await adminView(event, []), 201);
    },
    listEvents: async (c) => {
      const query = c.req.valid('query');
      const page = await listEvents(
        em(),
        { ...query, from: date(query.from) ?? undefined, to: date(query.to) ?? undefined },
        { admin: isAdmin(c) },
      );
      // A page lists events without their price tiers (EventPage); GET /events/{id} answers those.
      const timeZones = await venueTimeZones(
        em(),
        page.items.map((e) => e.venueId),
      );
      const items = page.items.map((e) => {
        const { prices, ...summary } = eventView(e, [], { timeZone: timeZones.get(e.venueId) ?? 'UTC' });
        return summary;
      });
      return c.json({ ...page, items }, 200);
    },
    event: async (c) => {
      const seats = await visibleSeats(deps.seats, c, c.req.valid('param').id);
      const event = seats.event! as EventRow;
      // An admin's view carries the door count, which moves with every scan: never kept, never shared.
      if (isAdmin(c)) return conditionalJson(c, representation(await adminView(event, seats.tiers as PriceTierRow[])), PRIVATE_CACHE);
      // Whether it is on sale changes with the clock alone, so each answer is kept per that flag (and the venue's zone).
      const view = eventView(event, seats.tiers as PriceTierRow[], { timeZone: await zones.of(event.venueId) });
      const answer = seats.memo(`event:${view.onSale}:${view.timeZone}`, () => representation(view));
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
      return c.json(await adminView(event, await priceTiers(em(), event.id)), 200);
    },
    setPrices: async (c) => {
      const id = c.req.valid('param').id;
      const body = c.req.valid('json');
      const tiers = await setPriceTiers(ctx, id, body.currency, body.tiers);
      await deps.seats.refresh(id);
      return c.json(await adminView(await getEvent(em(), id, { admin: true }), tiers), 200);
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

/** How long a venue's time zone is remembered: a change shows within the event details' own cache time. */
const TIME_ZONE_MEMORY_MS = 5_000;

/** Venues' time zones, remembered briefly: the event details are read far more often than a venue changes. */
function timeZoneMemory(em: () => EntityManager) {
  const known = new Map<string, { zone: string; until: number }>();
  return {
    async of(venueId: string): Promise<string> {
      const now = Date.now();
      const hit = known.get(venueId);
      if (hit && hit.until > now) return hit.zone;
      const zone = (await venueTimeZones(em(), [venueId])).get(venueId) ?? 'UTC';
      if (known.size > 10_000) known.clear();
      known.set(venueId, { zone, until: now + TIME_ZONE_MEMORY_MS });
      return zone;
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
