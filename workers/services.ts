// The one registry of domain services: every process, the tests' in-process platform and `npm start` read it.
import { SERVICE_NAMES, type Config, type ServiceName } from '../common/config.ts';
import { openServiceOrm, recreateDatabase, type ServiceOrmSettings } from '../common/db/orm.ts';
import { queueName, deadLetterQueue } from '../common/messaging/queues.ts';
import { bookingsService } from './bookings.service.ts';
import { eventsService } from './events.service.ts';
import { paymentsService } from './payments.service.ts';
import { ormSettingsOf } from './service-runtime.ts';
import type { Service } from './service-manifest.ts';
import { usersService } from './users.service.ts';

/** A name in the service directory without its manifest here (or under another name) does not compile. */
export const SERVICES = {
  users: usersService,
  events: eventsService,
  bookings: bookingsService,
  payments: paymentsService,
} as const satisfies { [Name in ServiceName]: Service<Name> };

/** A service's database settings: its entities and migrations, at the configured address. */
export function ormSettings(service: ServiceName, config: Pick<Config, 'services' | 'databasePoolMax'>): ServiceOrmSettings {
  return ormSettingsOf(SERVICES[service], config);
}

/** Every queue (and dead-letter queue) the services declare on this exchange. */
export function consumerQueues(config: Pick<Config, 'rabbitmq'>): string[] {
  return Object.values(SERVICES).flatMap((service: Service) =>
    service.purposes.flatMap((purpose) => {
      const queue = queueName(config.rabbitmq.exchange, service.name, purpose);
      return [queue, deadLetterQueue(queue)];
    }),
  );
}

/**
 * Every service's database dropped, created again and migrated, one service after the other: done once before the
 * processes start, so two processes of one service never race to migrate.
 */
export async function recreateServiceDatabases(config: Pick<Config, 'services' | 'databasePoolMax'>): Promise<void> {
  for (const service of SERVICE_NAMES) {
    await recreateDatabase(config.services[service].databaseUrl);
    await (await openServiceOrm(ormSettings(service, config), { migrate: true })).close();
  }
}
