// The users service's reactions: a notification for each fact about a customer's bookings, tickets and payments, and
// the matching email when their preferences want it. The booking confirmation is the tickets' email (ticket.issued,
// with the PDF); booking.confirmed itself adds nothing the customer does not get from it and the payment receipt.
import type { EntityManager } from '@mikro-orm/postgresql';
import { GATEWAY_PROOF_HEADER } from '../../common/http/client-address.ts';
import { createServiceClient } from '../../common/http/service-client.ts';
import type { Mailer, MailAttachment } from '../../common/mail/mailer.ts';
import type { Subscription } from '../../common/messaging/consumer.ts';
import { on } from '../../common/messaging/fact-handler.ts';
import { bookingCancelledV1, bookingConfirmedV1, bookingExpiredV1 } from '../../contracts/bookings.ts';
import { paymentCapturedV1, paymentRefundedV1 } from '../../contracts/payments.ts';
import { ticketsIssuedV1, ticketTransferredV1 } from '../../contracts/tickets.ts';
import { waitingListOfferedV1 } from '../../contracts/waiting-list.ts';
import { UserAccount } from '../../entities/users/user-account.entity.ts';
import { UserPreference } from '../../entities/users/preference.entity.ts';
import {
  bookingCancelled,
  emailOf,
  holdExpired,
  paymentReceipt,
  refundIssued,
  ticketsIssued,
  ticketTransferred,
  waitingListOffered,
  type Message,
} from './emails.ts';
import { addNotification } from './profile.ts';

/**
 * A booking's tickets as one PDF (every valid ticket, one page each); null when the booking has no valid ticket any
 * more (cancelled since); throws when it cannot be had right now.
 */
export type TicketsPdf = (bookingId: string) => Promise<Buffer | null>;

export interface NotificationDeps {
  mailer: Mailer;
  ticketsPdf: TicketsPdf;
}

export function notificationsSubscription(deps: NotificationDeps): Omit<Subscription, 'purpose'> {
  const notify = notifier(deps.mailer);
  // A customer's notifications in the order their facts arrived.
  const options = { orderKey: (fact: { data: { customerId: string } }) => fact.data.customerId };
  return {
    // The confirmation email went out on booking.confirmed before tickets existed; ticket.issued sends it now.
    retiredRoutingKeys: [bookingConfirmedV1.routingKey],
    handlers: [
      on(
        ticketsIssuedV1,
        (em, { data }) => notify(em, data.customerId, () => ticketsIssued(data), ticketsAttachment(deps.ticketsPdf, data)),
        options,
      ),
      on(
        bookingExpiredV1,
        async (em, { data }) => {
          const waitingListOffer = await wasWaitingListOffer(em, data.customerId, data.bookingId);
          await notify(em, data.customerId, () => holdExpired(data, { waitingListOffer }));
        },
        options,
      ),
      on(bookingCancelledV1, (em, { data }) => notify(em, data.customerId, () => bookingCancelled(data)), options),
      on(paymentCapturedV1, (em, { data }) => notify(em, data.customerId, () => paymentReceipt(data)), options),
      on(paymentRefundedV1, (em, { data }) => notify(em, data.customerId, () => refundIssued(data)), options),
      on(waitingListOfferedV1, (em, { data }) => notify(em, data.customerId, () => waitingListOffered(data)), options),
      on(ticketTransferredV1, (em, { data }) => tellBothSides(em, notify, data), {
        orderKey: (fact: { data: { ticketId: string } }) => fact.data.ticketId,
      }),
    ],
    // The email goes out before the commit: in a batch, another fact's failure would roll this one back and send it
    // again. One fact per transaction, and many transactions at once, since a mail server takes its time.
    maxBatch: 1,
    lanes: 8,
  };
}

type Notify = ReturnType<typeof notifier>;

/**
 * The confirmation's PDF, named after the booking; fetched only when an email is actually sent. Null when the tickets
 * were voided since (the booking was cancelled before the email went out): no email then, the inbox still tells.
 */
function ticketsAttachment(ticketsPdf: TicketsPdf, fact: { bookingId: string }) {
  return async (): Promise<MailAttachment[] | null> => {
    const pdf = await ticketsPdf(fact.bookingId);
    if (!pdf) return null;
    return [{ filename: `eventix-${fact.bookingId.slice(0, 8).toUpperCase()}.pdf`, content: pdf, contentType: 'application/pdf' }];
  };
}

async function tellBothSides(em: EntityManager, notify: Notify, fact: Parameters<typeof ticketTransferred>[0]): Promise<void> {
  const accounts = await em.find(UserAccount, { id: { $in: [fact.fromUserId, fact.toUserId] } });
  const nameOf = (id: string) => accounts.find((a) => a.id === id)?.name || 'Another Eventix customer';
  const names = { from: nameOf(fact.fromUserId), to: nameOf(fact.toUserId) };
  await notify(em, fact.fromUserId, () => ticketTransferred(fact, 'from', names));
  await notify(em, fact.toUserId, () => ticketTransferred(fact, 'to', names));
}

/**
 * Tells a customer of ours: an inbox entry, and the email unless their preferences turned that kind off. An email
 * with attachments is not sent without them: if they cannot be had, the fact fails and comes again.
 */
/**
 * Whether the booking was a waiting-list offer: the customer was told of it (waiting-list.offered precedes the
 * booking's expiry in the customer's order of facts).
 */
async function wasWaitingListOffer(em: EntityManager, customerId: string, bookingId: string): Promise<boolean> {
  const rows = await em.execute<unknown[]>(
    `select 1 from user_notification where user_id = ? and kind = 'waiting_list_offer' and data->>'bookingId' = ? limit 1`,
    [customerId, bookingId],
  );
  return rows.length > 0;
}

function notifier(mailer: Mailer) {
  return async (
    em: EntityManager,
    customerId: string,
    compose: () => Message,
    attachments?: () => Promise<MailAttachment[] | null>,
  ): Promise<void> => {
    const user = await em.findOne(UserAccount, { id: customerId });
    if (!user) return; // not one of ours (or deleted): nothing to tell
    const message = compose();
    addNotification(em, { userId: user.id, ...message });
    await em.flush();
    const preference = await em.findOne(UserPreference, { userId: user.id });
    if (preference?.emailNotifications[message.kind] === false) return;
    const attached = attachments ? await attachments() : undefined;
    if (attached === null) return;
    // Sent before the commit: if it fails, the transaction rolls back and the message is retried.
    await mailer.send({ to: user.email, ...emailOf(message, user.name), ...(attached ? { attachments: attached } : {}) });
  };
}

/** Pauses between rounds of asking the bookings instances, before the fact itself fails and is redelivered. */
const PDF_RETRY_DELAYS_MS = [500, 1_500];

/**
 * Reads a booking's tickets PDF from the bookings service's internal route, proving with the platform secret that the
 * users service asks (the customer's own route needs their token, which a fact does not carry). A broker redelivers a
 * failed fact at once, so a short bookings outage is waited out here first: the email is late rather than lost.
 */
export function bookingsTicketsPdf(
  bookingsUrls: string[],
  platformSecret: string,
  options: { fetch?: typeof fetch; retryDelaysMs?: number[] } = {},
): TicketsPdf {
  const bookings = createServiceClient({ service: 'bookings', instances: bookingsUrls, timeoutMs: 10_000, fetch: options.fetch });
  const read = (bookingId: string) =>
    bookings.call(
      `/internal/bookings/${encodeURIComponent(bookingId)}/tickets.pdf`,
      async (res) => {
        if (res.status === 404 && ((await res.json().catch(() => ({}))) as { code?: unknown }).code === 'NO_TICKETS') return null;
        if (res.status !== 200) throw new Error(`answered ${res.status}`);
        const pdf = Buffer.from(await res.arrayBuffer());
        if (!pdf.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new Error('answered something that is not a PDF');
        return pdf;
      },
      { headers: { [GATEWAY_PROOF_HEADER]: platformSecret } },
    );
  return async (bookingId) => {
    for (const delay of options.retryDelaysMs ?? PDF_RETRY_DELAYS_MS) {
      try {
        return await read(bookingId);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    return read(bookingId);
  };
}
