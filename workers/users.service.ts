// The users service: accounts, authentication, sessions, preferences and notifications, with the mail they send.
import { fileURLToPath } from 'node:url';
import { registerUsersRoutes } from '../api/users/users.routes.ts';
import { loadSigningKeys } from '../common/auth/keys.ts';
import { localKeys, verifierFor } from '../common/auth/verify.ts';
import { createMailer } from '../common/mail/mailer.ts';
import { IdempotencyRecord } from '../common/http/idempotency-record.entity.ts';
import { MESSAGING_ENTITIES } from '../common/messaging/messaging.entities.ts';
import { UserNotification } from '../entities/users/notification.entity.ts';
import { UserPreference } from '../entities/users/preference.entity.ts';
import { UserSession } from '../entities/users/session.entity.ts';
import { UserAccount } from '../entities/users/user-account.entity.ts';
import { ensureDefaultAdmin } from '../domain/users/accounts.ts';
import { bookingsTicketsPdf, notificationsSubscription } from '../domain/users/subscriptions.ts';
import { TASK_QUEUES } from '../workflows/task-queues.ts';
import { defineService, type ConnectedDeps } from './service-manifest.ts';
import type { SigningKeys } from '../common/auth/keys.ts';
import type { UsersContext } from '../domain/users/context.ts';

/** What the users domain operations need, from the connected service. */
export function usersContext(deps: ConnectedDeps & { keys: SigningKeys }): UsersContext {
  return { orm: deps.orm, keys: deps.keys, auth: deps.config.auth, logger: deps.logger, published: () => deps.outbox.kick() };
}

export const usersService = defineService({
  name: 'users',
  description: 'Accounts, authentication, sessions, preferences and notifications.',
  data: {
    entities: [...MESSAGING_ENTITIES, IdempotencyRecord, UserAccount, UserSession, UserPreference, UserNotification],
    migrationsPath: fileURLToPath(new URL('../entities/users/migrations', import.meta.url)),
  },
  async open({ config, revoked }, onClose) {
    // Only this service holds the signing keys; it checks its own tokens with their public halves, and refuses the
    // sessions the revocation feed names as every other service does.
    const keys = await loadSigningKeys(config);
    const mailer = createMailer(config.mail.smtpUrl);
    onClose(() => Promise.resolve(mailer.close()));
    return { verifier: verifierFor(config.auth, localKeys(keys.jwks), (sid) => revoked.has(sid)), keys, mailer };
  },
  subscriptions: {
    // The confirmation email carries the tickets' PDF, which the bookings service renders for platform processes.
    notifications: ({ mailer, config, gatewaySecret }) =>
      notificationsSubscription({ mailer, ticketsPdf: bookingsTicketsPdf(config.services.bookings.urls, gatewaySecret) }),
  },
  onStart: async (deps) => void (await ensureDefaultAdmin(usersContext(deps), deps.config.env)),
  routes: (app, deps) => registerUsersRoutes(app, { ctx: usersContext(deps), verifier: deps.verifier, gatewaySecret: deps.gatewaySecret }),
  worker: { taskQueue: TASK_QUEUES.users, activities: () => ({}) },
});
