// An event at a venue (draft, published, cancelled, completed) and its price per section.
import { defineEntity, p } from '@mikro-orm/core';

export const EVENT_STATUSES = ['draft', 'published', 'cancelled', 'completed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

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
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
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
