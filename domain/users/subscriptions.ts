// The users service's reactions: a notification for each fact about a customer's bookings and payments, and the
// matching email when their preferences want it.
import type { Mailer } from '../../common/mail/mailer.ts';
import type { Subscription } from '../../common/messaging/consumer.ts';
import { bookingCancelledV1, bookingConfirmedV1, bookingExpiredV1 } from '../../contracts/bookings.ts';
import type { Envelope, EventContract } from '../../contracts/envelope.ts';
import { paymentCapturedV1, paymentRefundedV1 } from '../../contracts/payments.ts';
import { UserAccount } from '../../entities/users/user-account.entity.ts';
import { UserPreference } from '../../entities/users/preference.entity.ts';
import { bookingCancelled, bookingConfirmed, emailOf, holdExpired, paymentReceipt, refundIssued, type Message } from './emails.ts';
import { addNotification } from './profile.ts';

const MESSAGES = new Map<EventContract, (data: any) => Message>([
  [bookingConfirmedV1, bookingConfirmed],
  [bookingExpiredV1, holdExpired],
  [bookingCancelledV1, bookingCancelled],
  [paymentCapturedV1, paymentReceipt],
  [paymentRefundedV1, refundIssued],
]);

export function usersSubscriptions(deps: { mailer: Mailer }): Subscription[] {
  return [
    {
      purpose: 'notifications',
      contracts: [...MESSAGES.keys()],
      async handle(em, envelope: Envelope, contract) {
        const data = envelope.data as { customerId: string };
        const user = await em.findOne(UserAccount, { id: data.customerId });
        if (!user) return; // not one of ours (or deleted): nothing to tell
        const message = MESSAGES.get(contract)!(data);
        addNotification(em, { userId: user.id, ...message });
        await em.flush();
        const preference = await em.findOne(UserPreference, { userId: user.id });
        if (preference?.emailNotifications[message.kind] === false) return;
        // Sent before the commit: if it fails, the transaction rolls back and the message is retried.
        await deps.mailer.send({ to: user.email, ...emailOf(message, user.name) });
      },
    },
  ];
}
