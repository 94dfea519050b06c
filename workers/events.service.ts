// The events service: venues, seat maps, events, price tiers and live seat availability; the seat activities of the
// booking saga run on its task queue.
import { fileURLToPath } from 'node:url';
import { createEventsActivities } from '../activities/events.activities.ts';
import { eventCancellationStarter } from '../api/events/event-cancellation.ts';
import { registerEventsRoutes } from '../api/events/events.routes.ts';
import { loadDemoData } from '../domain/events/demo.ts';
import type { EventsContext } from '../domain/events/events.ts';
import { SeatFeed } from '../domain/events/seat-feed.ts';
import { SeatState } from '../domain/events/seat-state.ts';
import { rememberingVerifier } from '../common/auth/middleware.ts';
import { salesSubscription } from '../domain/events/subscriptions.ts';
import { EventRecord, PriceTier } from '../entities/events/event.entity.ts';
import { Venue, VenueSeat, VenueSection } from '../entities/events/venue.entity.ts';
import { IdempotencyRecord } from '../common/http/idempotency-record.entity.ts';
import { MESSAGING_ENTITIES } from '../common/messaging/messaging.entities.ts';
import { TASK_QUEUES } from '../workflows/task-queues.ts';
import { remoteAuth } from './remote-auth.ts';
import { defineService, type ConnectedDeps } from './service-manifest.ts';

export function eventsContext(deps: Pick<ConnectedDeps, 'orm' | 'outbox'>): EventsContext {
  return { orm: deps.orm, published: () => deps.outbox.kick() };
}

export const eventsService = defineService({
  name: 'events',
  description: 'Venues, seat maps, events, price tiers and live seat availability.',
  data: {
    entities: [...MESSAGING_ENTITIES, IdempotencyRecord, Venue, VenueSection, VenueSeat, EventRecord, PriceTier],
    migrationsPath: fileURLToPath(new URL('../entities/events/migrations', import.meta.url)),
  },
  async open(base, onClose) {
    // Seat changes of every events instance, for the live availability stream.
    const seatFeed = await SeatFeed.open(base.config.services.events.databaseUrl, base.logger);
    onClose(() => seatFeed.close());
    const seatState = new SeatState(base.orm, seatFeed);
    onClose(() => Promise.resolve(seatState.close()));
    const auth = remoteAuth(base);
    return {
      ...auth,
      // Readers present the same token again and again: each is verified once, revocations still apply at once.
      verifier: rememberingVerifier(auth.verifier, (sid) => base.revoked.has(sid)),
      seatFeed,
      seatState,
    };
  },
  subscriptions: { sales: () => salesSubscription() },
  onStart: async (deps) => {
    if (deps.config.events.demoData) await loadDemoData(eventsContext(deps), deps.logger);
  },
  routes: (app, deps) =>
    registerEventsRoutes(app, {
      ctx: eventsContext(deps),
      verifier: deps.verifier,
      sessions: deps.sessions,
      feed: deps.seatFeed,
      seats: deps.seatState,
      startEventCancellation: eventCancellationStarter(deps.temporal.client, deps.config.bookings.eventCancellationParallelism),
      gatewaySecret: deps.gatewaySecret,
      maxSeatsPerCustomer: deps.config.events.maxSeatsPerCustomer,
    }),
  worker: {
    taskQueue: TASK_QUEUES.events,
    activities: ({ orm, config }) => createEventsActivities({ orm, maxSeatsPerCustomer: config.events.maxSeatsPerCustomer }),
  },
});
