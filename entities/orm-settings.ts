// Which entities and migrations belong to which service's database.
import { fileURLToPath } from 'node:url';
import type { EntitySchema } from '@mikro-orm/core';
import type { Config, ServiceName } from '../common/config.ts';
import type { ServiceOrmSettings } from '../common/db/orm.ts';
import { InboxMessage } from './messaging/inbox-message.entity.ts';
import { OutboxMessage } from './messaging/outbox-message.entity.ts';
import { Booking, BookingHistory } from './bookings/booking.entity.ts';
import { Payment, PaymentTransaction, Refund } from './payments/payment.entity.ts';
import { EventRecord, PriceTier } from './events/event.entity.ts';
import { Venue, VenueSeat, VenueSection } from './events/venue.entity.ts';
import { UserNotification } from './users/notification.entity.ts';
import { UserPreference } from './users/preference.entity.ts';
import { UserSession } from './users/session.entity.ts';
import { UserAccount } from './users/user-account.entity.ts';

const MESSAGING = [OutboxMessage, InboxMessage];

const ENTITIES: Record<ServiceName, EntitySchema<any, any>[]> = {
  users: [...MESSAGING, UserAccount, UserSession, UserPreference, UserNotification],
  events: [...MESSAGING, Venue, VenueSection, VenueSeat, EventRecord, PriceTier],
  bookings: [...MESSAGING, Booking, BookingHistory],
  payments: [...MESSAGING, Payment, PaymentTransaction, Refund],
};

export function migrationsPath(service: ServiceName): string {
  return fileURLToPath(new URL(`./${service}/migrations`, import.meta.url));
}

export function ormSettings(service: ServiceName, config: Pick<Config, 'services' | 'databasePoolMax'>): ServiceOrmSettings {
  return {
    clientUrl: config.services[service].databaseUrl,
    entities: ENTITIES[service],
    migrationsPath: migrationsPath(service),
    poolMax: config.databasePoolMax,
  };
}
