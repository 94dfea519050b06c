// An event's waiting list after it sold out: one entry per account and event, served in list order, and each entry's
// offer (a real booking held for the customer). The serving rules live in domain/bookings/waiting-list.ts.
import { defineEntity, p } from '@mikro-orm/core';

/**
 * waiting: in the list; offered: a booking is held for it right now; accepted: that booking was paid; lapsed: the
 * offer ran out (or was cancelled) unpaid; left: the customer left the list.
 */
export const WAITING_LIST_STATES = ['waiting', 'offered', 'accepted', 'lapsed', 'left'] as const;
export type WaitingListState = (typeof WAITING_LIST_STATES)[number];

export const WaitingListEntry = defineEntity({
  name: 'WaitingListEntry',
  tableName: 'waiting_list_entry',
  properties: {
    id: p.uuid().primary(),
    eventId: p.uuid(),
    customerId: p.uuid(),
    /** List order (an identity column the database fills). */
    position: p.bigint().persist(false),
    seats: p.integer(),
    /** The section asked for; null takes seats in any one section. */
    sectionId: p.uuid().nullable(),
    state: p.enum(WAITING_LIST_STATES).default('waiting'),
    /** Offers made for it: the offer's booking id is derived from the entry id and this count. */
    attempt: p.integer().default(0),
    /** Passes in which a later entry was served while this one waited (the rule for entries of several seats). */
    passedOver: p.integer().default(0),
    offerBookingId: p.uuid().nullable(),
    /** The section the current offer holds its seats in (the entry's, or the one chosen for an entry that takes any). */
    offerSectionId: p.uuid().nullable(),
    offerExpiresAt: p.datetime().nullable(),
    /** The customer was told of the current offer (its fact is in the outbox). */
    offerNotified: p.boolean().default(false),
    joinedAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

/** An event's waiting-list settings; an event without a row uses the defaults. */
export const WaitingListPolicy = defineEntity({
  name: 'WaitingListPolicy',
  tableName: 'waiting_list_policy',
  properties: {
    eventId: p.uuid().primary(),
    /** How long an offer's seats are held for the customer to pay. */
    offerWindowSeconds: p.integer(),
    updatedAt: p.datetime(),
  },
});

export type WaitingListEntryRow = InstanceType<typeof WaitingListEntry.class>;
export type WaitingListPolicyRow = InstanceType<typeof WaitingListPolicy.class>;
