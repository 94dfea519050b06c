// Which facts each service consumes, and the queues that makes on the broker.
import type { Config, ServiceName } from '../common/config.ts';
import { queueName, deadLetterQueue, type Subscription } from '../common/messaging/consumer.ts';
import type { Mailer } from '../common/mail/mailer.ts';
import { bookingsSubscriptions } from '../domain/bookings/subscriptions.ts';
import { eventsSubscriptions } from '../domain/events/subscriptions.ts';
import { usersSubscriptions } from '../domain/users/subscriptions.ts';

export function subscriptionsFor(service: ServiceName, deps: { mailer?: Mailer }): Subscription[] {
  switch (service) {
    case 'users':
      return usersSubscriptions({ mailer: deps.mailer ?? refuseMail });
    case 'events':
      return eventsSubscriptions();
    case 'bookings':
      return bookingsSubscriptions();
    case 'payments':
      return [];
  }
}

const refuseMail: Mailer = {
  send: () => Promise.reject(new Error('this process sends no mail')),
  close: () => undefined,
};

/** Every queue (and dead-letter queue) the services declare on this exchange. */
export function consumerQueues(config: Pick<Config, 'rabbitmq'>): string[] {
  const services: ServiceName[] = ['users', 'events', 'bookings', 'payments'];
  return services.flatMap((service) =>
    subscriptionsFor(service, {}).flatMap((s) => {
      const queue = queueName(config.rabbitmq.exchange, service, s.purpose);
      return [queue, deadLetterQueue(queue)];
    }),
  );
}
