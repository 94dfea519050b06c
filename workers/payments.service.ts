// The payments service: payment gateways, payments, the transaction log and refunds; the saga's charge, refund and
// void activities run on its task queue.
import { fileURLToPath } from 'node:url';
import { createPaymentsActivities } from '../activities/payments.activities.ts';
import { registerPaymentsRoutes } from '../api/payments/payments.routes.ts';
import { paymentsContext } from '../domain/payments/gateways/registry.ts';
import { IdempotencyRecord } from '../common/http/idempotency-record.entity.ts';
import { MESSAGING_ENTITIES } from '../common/messaging/messaging.entities.ts';
import { Payment, PaymentTransaction, Refund } from '../entities/payments/payment.entity.ts';
import { TASK_QUEUES } from '../workflows/task-queues.ts';
import { remoteAuth } from './remote-auth.ts';
import { defineService, type ConnectedDeps } from './service-manifest.ts';

const paymentsOf = (deps: ConnectedDeps) => paymentsContext(deps.config, deps.orm, () => deps.outbox.kick());

export const paymentsService = defineService({
  name: 'payments',
  description: 'Payment gateways, payments, the transaction log and refunds.',
  data: {
    entities: [...MESSAGING_ENTITIES, IdempotencyRecord, Payment, PaymentTransaction, Refund],
    migrationsPath: fileURLToPath(new URL('../entities/payments/migrations', import.meta.url)),
  },
  open: (base) => remoteAuth(base),
  routes: (app, deps) =>
    registerPaymentsRoutes(app, { ctx: paymentsOf(deps), client: deps.temporal.client, verifier: deps.verifier, sessions: deps.sessions }),
  worker: { taskQueue: TASK_QUEUES.payments, activities: (deps) => createPaymentsActivities(paymentsOf(deps)) },
});
