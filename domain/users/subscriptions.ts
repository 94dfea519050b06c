// The users service's reactions: a notification for each fact about a customer's bookings and payments, and the
// matching email when their preferences want it.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Mailer } from '../../common/mail/mailer.ts';
import type { Subscription } from '../../common/messaging/consumer.ts';
import { on } from '../../common/messaging/fact-handler.ts';
import { bookingCancelledV1, bookingConfirmedV1, bookingExpiredV1 } from '../../contracts/bookings.ts';
import { paymentCapturedV1, paymentRefundedV1 } from '../../contracts/payments.ts';
import { UserAccount } from '../../entities/users/user-account.entity.ts';
import { UserPreference } from '../../entities/users/preference.entity.ts';
import { bookingCancelled, bookingConfirmed, emailOf, holdExpired, paymentReceipt, refundIssued, type Message } from './emails.ts';
import { addNotification } from './profile.ts';

export function notificationsSubscription(deps: { mailer: Mailer }): Omit<Subscription, 'purpose'> {
  const notify = notifier(deps.mailer);
  // A customer's notifications in the order their facts arrived.
  const options = { orderKey: (fact: { data: { customerId: string } }) => fact.data.customerId };
  return {
    handlers: [
      on(bookingConfirmedV1, (em, { data }) => notify(em, data.customerId, () => bookingConfirmed(data)), options),
      on(bookingExpiredV1, (em, { data }) => notify(em, data.customerId, () => holdExpired(data)), options),
      on(bookingCancelledV1, (em, { data }) => notify(em, data.customerId, () => bookingCancelled(data)), options),
      on(paymentCapturedV1, (em, { data }) => notify(em, data.customerId, () => paymentReceipt(data)), options),
      on(paymentRefundedV1, (em, { data }) => notify(em, data.customerId, () => refundIssued(data)), options),
    ],
    // The email goes out before the commit: in a batch, another fact's failure would roll this one back and send it
    // again. One fact per transaction, and many transactions at once, since a mail server takes its time.
    maxBatch: 1,
    lanes: 8,
  };
}

/** Tells a customer of ours: an inbox entry, and the email unless their preferences turned that kind off. */
function notifier(mailer: Mailer) {
  return async (em: EntityManager, customerId: string, compose: () => Message): Promise<void> => {
    const user = await em.findOne(UserAccount, { id: customerId });
    if (!user) return; // not one of ours (or deleted): nothing to tell
    const message = compose();
    addNotification(em, { userId: user.id, ...message });
    await em.flush();
    const preference = await em.findOne(UserPreference, { userId: user.id });
    if (preference?.emailNotifications[message.kind] === false) return;
    // Sent before the commit: if it fails, the transaction rolls back and the message is retried.
    await mailer.send({ to: user.email, ...emailOf(message, user.name) });
  };
}
