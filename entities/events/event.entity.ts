// An event at a venue (draft, published, cancelled, completed) and its price per section.
import { defineEntity, p } from '@mikro-orm/core';

export const EVENT_STATUSES = ['draft', 'published', 'cancelled', 'completed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/**
 * What customers may do with their bookings: cancel or not, until how many hours before the start, and the fee kept
 * (`fixed`: minor units of the event's currency; `percent`: of the booking's price; never more than the price).
 */
export interface CancellationPolicy {
  customersMayCancel: boolean;
  deadlineHoursBeforeStart: number;
  feeKind: 'none' | 'fixed' | 'percent';
  feeValue: number;
}

/** Events made before policies, and events that name none: cancel until the start, nothing kept. */
export const DEFAULT_CANCELLATION_POLICY: CancellationPolicy = {
  customersMayCancel: true,
  deadlineHoursBeforeStart: 0,
  feeKind: 'none',
  feeValue: 0,
};

export const EventRecord = defineEntity({
  name: 'EventRecord',
  tableName: 'event',
  properties: {
    id: p.uuid().primary(),
    venueId: p.uuid(),
    title: p.string().length(200),
    description: p.text().default(''),
    status: p.enum(EVENT_STATUSES).default('draft'),
    startsAt: p.datetime(),
    endsAt: p.datetime().nullable(),
    salesOpenAt: p.datetime().nullable(),
    salesCloseAt: p.datetime().nullable(),
    publishedAt: p.datetime().nullable(),
    cancellationPolicy: p.json<CancellationPolicy>().onCreate(() => ({ ...DEFAULT_CANCELLATION_POLICY })),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export const PriceTier = defineEntity({
  name: 'PriceTier',
  tableName: 'price_tier',
  properties: {
    id: p.uuid().primary(),
    eventId: p.uuid(),
    sectionId: p.uuid(),
    name: p.string().length(80),
    /** Integer minor units (cents) of `currency`. */
    priceMinor: p.integer(),
    currency: p.string().length(3),
  },
});

export type EventRow = InstanceType<typeof EventRecord.class>;
export type PriceTierRow = InstanceType<typeof PriceTier.class>;
