// The bookings service: the booking API, the booking saga and every other workflow (its worker hosts them), the
// booking records and their tickets, and its projections of events, payments and customers.
import { fileURLToPath } from 'node:url';
import { createBookingsActivities } from '../activities/bookings.activities.ts';
import { registerBookingsRoutes } from '../api/bookings/bookings.routes.ts';
import { createBookingMetrics, stuckSagaMonitor } from '../domain/bookings/booking-metrics.ts';
import { customerSubscription, eventCatalogSubscription, paymentStatusSubscription } from '../domain/bookings/subscriptions.ts';
import { Booking, BookingHistory } from '../entities/bookings/booking.entity.ts';
import { Customer } from '../entities/bookings/customer.entity.ts';
import { OnSale, QueueEntry } from '../entities/bookings/on-sale.entity.ts';
import { WaitingListEntry, WaitingListPolicy } from '../entities/bookings/waiting-list.entity.ts';
import { waitingListNudge } from '../api/bookings/waiting-list.handlers.ts';
import { waitingListLengthGauge } from '../domain/bookings/waiting-list-metrics.ts';
import { waitingListSubscription } from '../domain/bookings/waiting-list-subscription.ts';
import { CheckIn, DoorPolicy, ScannerGrant, Ticket, TicketKey, TicketTransfer } from '../entities/bookings/ticket.entity.ts';
import { IdempotencyRecord } from '../common/http/idempotency-record.entity.ts';
import { MESSAGING_ENTITIES } from '../common/messaging/messaging.entities.ts';
import { TASK_QUEUES } from '../workflows/task-queues.ts';
import { remoteAuth } from './remote-auth.ts';
import { defineService } from './service-manifest.ts';
import { WORKFLOW_INTERCEPTOR_MODULES, WORKFLOWS_PATH } from './temporal-worker.ts';

export const bookingsService = defineService({
  name: 'bookings',
  description: 'Bookings and the booking saga: hold, pay, confirm, expire, cancel, refund.',
  data: {
    entities: [
      ...MESSAGING_ENTITIES,
      IdempotencyRecord,
      Booking,
      BookingHistory,
      Ticket,
      CheckIn,
      TicketKey,
      ScannerGrant,
      DoorPolicy,
      TicketTransfer,
      Customer,
      OnSale,
      QueueEntry,
      WaitingListEntry,
      WaitingListPolicy,
    ],
    migrationsPath: fileURLToPath(new URL('../entities/bookings/migrations', import.meta.url)),
  },
  open: (base) => {
    // Read from the table at each scrape, like the stuck-saga gauge.
    waitingListLengthGauge(base.orm, base.metrics.registry);
    return { ...remoteAuth(base), bookingMetrics: createBookingMetrics(base.metrics.registry) };
  },
  subscriptions: {
    'event-catalog': () => eventCatalogSubscription(),
    'payment-status': () => paymentStatusSubscription(),
    customers: () => customerSubscription(),
    'waiting-list': (deps) => waitingListSubscription(waitingListNudge(deps.temporal.client)),
  },
  routes: (app, deps) =>
    registerBookingsRoutes(app, {
      orm: deps.orm,
      client: deps.temporal.client,
      verifier: deps.verifier,
      sessions: deps.sessions,
      config: deps.config,
      metrics: deps.bookingMetrics,
    }),
  worker: {
    taskQueue: TASK_QUEUES.bookings,
    // Also the saga's local activities (its recordTransition writes): they run here, in the worker that hosts the
    // workflows, inside the workflow task that asks for them.
    activities: (deps) =>
      createBookingsActivities({
        orm: deps.orm,
        published: () => deps.outbox.kick(),
        ended: (status) => deps.bookingMetrics.bookingOutcomes.inc({ status }),
        onSale: { eventsUrls: deps.config.services.events.urls, metrics: deps.bookingMetrics },
        waitingList: { eventsUrls: deps.config.services.events.urls, metrics: deps.bookingMetrics },
      }),
    workflows: { path: WORKFLOWS_PATH, interceptorModules: WORKFLOW_INTERCEPTOR_MODULES },
  },
  // Stuck sagas are a warning on /ready (and the eventix_sagas_stuck gauge), never a reason to take traffic away.
  readiness: (deps) => [stuckSagaMonitor(deps.orm, deps.metrics.registry)],
});
