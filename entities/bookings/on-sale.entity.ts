// An event's on-sale as the bookings service runs it: its settings, and its waiting room (one entry per account). The
// hot paths (join, admit, use) are single SQL statements in domain/bookings/queue.ts and admission.ts; these
// definitions name the columns for everything else.
import { defineEntity, p } from '@mikro-orm/core';

export const QUEUE_STATES = ['waiting', 'admitted', 'used', 'expired', 'sold_out', 'left'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export const OnSale = defineEntity({
  name: 'OnSale',
  tableName: 'on_sale',
  properties: {
    eventId: p.uuid().primary(),
    opensAt: p.datetime(),
    waitingRoom: p.boolean(),
    /** Admissions per minute; null is the automatic rate (domain/bookings/on-sale.ts says how it is chosen). */
    admissionRatePerMinute: p.integer().nullable(),
    admissionTtlSeconds: p.integer().default(600),
    /** Seats one admission may hold; null leaves the platform's own limit per customer. */
    maxSeatsPerCustomer: p.integer().nullable(),
    joinsPerAddressPerMinute: p.integer().default(30),
    /** The HMAC key of the event's queue tickets and admission tokens (base64url, 256 bits). */
    tokenSecret: p.string().length(64).hidden(),
    /** The rate the admitter admits at now (the automatic rate as last chosen), for the queue's wait estimates. */
    currentRatePerMinute: p.integer().nullable(),
    /** When the admitter ranked the pre-queue. */
    openedAt: p.datetime().nullable(),
    soldOutAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
});

export const QueueEntry = defineEntity({
  name: 'QueueEntry',
  tableName: 'queue_entry',
  properties: {
    eventId: p.uuid().primary(),
    customerId: p.uuid().primary(),
    /** Arrival order (an identity column the database fills). */
    seq: p.bigint().persist(false),
    joinedAt: p.datetime(),
    /** Admission order: null in the pre-queue until the opening shuffles it. */
    rank: p.bigint().nullable(),
    state: p.enum(QUEUE_STATES).default('waiting'),
    admissionId: p.uuid().nullable(),
    admittedAt: p.datetime().nullable(),
    expiresAt: p.datetime().nullable(),
    usedAt: p.datetime().nullable(),
    /** The booking that used the admission: its retry (the same Idempotency-Key) may use it again. */
    bookingId: p.uuid().nullable(),
  },
});

export type OnSaleRow = InstanceType<typeof OnSale.class>;
export type QueueEntryRow = InstanceType<typeof QueueEntry.class>;
