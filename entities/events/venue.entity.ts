// A venue and its seat layout: sections, rows and seats (some accessible, some blocked from sale).
import { defineEntity, p } from '@mikro-orm/core';

export const Venue = defineEntity({
  name: 'Venue',
  tableName: 'venue',
  properties: {
    id: p.uuid().primary(),
    name: p.string().length(200),
    city: p.string().length(120).nullable(),
    address: p.string().length(300).nullable(),
    /** IANA name (Europe/Berlin): the venue's events are shown in its local time. */
    timeZone: p.string().length(64).default('UTC'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export const VenueSection = defineEntity({
  name: 'VenueSection',
  tableName: 'venue_section',
  properties: {
    id: p.uuid().primary(),
    venueId: p.uuid(),
    name: p.string().length(120),
    position: p.integer(),
  },
});

export const VenueSeat = defineEntity({
  name: 'VenueSeat',
  tableName: 'venue_seat',
  properties: {
    id: p.uuid().primary(),
    venueId: p.uuid(),
    sectionId: p.uuid(),
    rowLabel: p.string().length(16),
    /** Order of the row within its section, front first. */
    rowPosition: p.integer(),
    number: p.integer(),
    accessible: p.boolean().default(false),
    blocked: p.boolean().default(false),
  },
});

export type VenueRow = InstanceType<typeof Venue.class>;
export type VenueSectionRow = InstanceType<typeof VenueSection.class>;
export type VenueSeatRow = InstanceType<typeof VenueSeat.class>;
