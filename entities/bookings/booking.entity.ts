// A booking as the saga leaves it, and its history of transitions.
import { defineEntity, p } from '@mikro-orm/core';

export const BOOKING_STATUSES = ['PENDING', 'HELD', 'PAYING', 'CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED', 'REFUNDED'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export interface BookedSeat {
  seatId: string;
  label: string;
  section: string;
  priceMinor: number;
  currency: string;
}

export const Booking = defineEntity({
  name: 'Booking',
  tableName: 'booking',
  properties: {
    id: p.uuid().primary(),
    customerId: p.uuid(),
    eventId: p.uuid(),
    status: p.enum(BOOKING_STATUSES),
    selection: p.json<Record<string, unknown>>(),
    seats: p.json<BookedSeat[]>(),
    amountMinor: p.integer().nullable(),
    currency: p.string().length(3).nullable(),
    expiresAt: p.datetime().nullable(),
    paymentId: p.uuid().nullable(),
    refundedMinor: p.integer().default(0),
    failureCode: p.string().length(64).nullable(),
    workflowId: p.string().length(200),
    createdAt: p.datetime(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export const BookingHistory = defineEntity({
  name: 'BookingHistory',
  tableName: 'booking_history',
  properties: {
    bookingId: p.uuid().primary(),
    /** The workflow that made the transition: booking or cancellation. */
    source: p.string().length(32).primary(),
    seq: p.integer().primary(),
    fromStatus: p.string().length(16).nullable(),
    toStatus: p.string().length(16),
    at: p.datetime(),
    actor: p.string().length(64),
    reason: p.text(),
  },
});

export type BookingRow = InstanceType<typeof Booking.class>;
export type BookingHistoryRow = InstanceType<typeof BookingHistory.class>;
