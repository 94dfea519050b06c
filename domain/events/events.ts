// Events: drafted at a venue, priced per section, published (the seat inventory is created then), cancelled, completed.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { afterCursor, cursorKeys, toPage } from '../../common/http/pagination.ts';
import { containsPattern } from '../../common/db/like.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { enqueueEvent } from '../../common/messaging/outbox.ts';
import type { Orm } from '../../common/db/orm.ts';
import { eventCancelledV1, eventPublishedV1, eventUpdatedV1 } from '../../contracts/events.ts';
import {
  DEFAULT_CANCELLATION_POLICY,
  EventRecord,
  PriceTier,
  type CancellationPolicy,
  type EventRow,
  type EventStatus,
  type PriceTierRow,
} from '../../entities/events/event.entity.ts';
import { Venue, VenueSection } from '../../entities/events/venue.entity.ts';
import { SEAT_CHANGES_CHANNEL } from './seats.ts';

export const PRODUCER = 'events';

export interface EventsContext {
  orm: Orm;
  /** Called after a commit that wrote outbox rows, so they are relayed at once. */
  published(): void;
}

export interface EventInput {
  venueId: string;
  title: string;
  description?: string;
  startsAt: Date;
  endsAt?: Date | null;
  salesOpenAt?: Date | null;
  salesCloseAt?: Date | null;
  /** Default: customers may cancel until the start, and nothing is kept. */
  cancellationPolicy?: CancellationPolicy;
}

export type EventChange = Partial<Omit<EventInput, 'venueId'>>;

function notFound(): DomainError {
  return new DomainError('not_found', 'EVENT_NOT_FOUND', 'No event with this id.');
}

function wrongState(event: EventRow, action: string, allowed: EventStatus[]): DomainError {
  return new DomainError(
    'conflict',
    'EVENT_STATE_CONFLICT',
    `Cannot ${action} an event that is ${event.status} (only when ${allowed.join(' or ')}).`,
  );
}

/** Dates must make sense together: ends after it starts, sales open before they close and close by the end. */
function checkDates(event: Pick<EventRow, 'startsAt' | 'endsAt' | 'salesOpenAt' | 'salesCloseAt'>): void {
  const errors = [];
  if (event.endsAt && event.endsAt <= event.startsAt) errors.push({ field: 'endsAt', message: 'must be after startsAt' });
  if (event.salesOpenAt && event.salesCloseAt && event.salesOpenAt >= event.salesCloseAt) {
    errors.push({ field: 'salesCloseAt', message: 'must be after salesOpenAt' });
  }
  const end = event.endsAt ?? event.startsAt;
  if (event.salesCloseAt && event.salesCloseAt > end) errors.push({ field: 'salesCloseAt', message: 'must not be after the event' });
  if (errors.length) throw new DomainError('invalid', 'VALIDATION_FAILED', 'The event dates are not consistent.', { errors });
}

/** A policy copied field by field; a percentage fee above 100 would keep more than the price. */
function policyOf(policy: CancellationPolicy): CancellationPolicy {
  if (policy.feeKind === 'percent' && policy.feeValue > 100) {
    throw new DomainError('invalid', 'VALIDATION_FAILED', 'The cancellation fee is not valid.', {
      errors: [{ field: 'cancellationPolicy.feeValue', message: 'a percentage is at most 100' }],
    });
  }
  return {
    customersMayCancel: policy.customersMayCancel,
    deadlineHoursBeforeStart: policy.deadlineHoursBeforeStart,
    feeKind: policy.feeKind,
    feeValue: policy.feeKind === 'none' ? 0 : policy.feeValue,
  };
}

/** Tells every events instance, when the transaction commits, that the event itself changed (they drop their copy). */
async function announceEventChange(em: EntityManager, eventId: string): Promise<void> {
  await em.execute('select pg_notify(?, ?)', [SEAT_CHANGES_CHANNEL, JSON.stringify({ eventId, seats: [], details: true })]);
}

async function facts(em: EntityManager, event: EventRow) {
  const venue = await em.findOneOrFail(Venue, { id: event.venueId });
  return {
    eventId: event.id,
    title: event.title,
    venueId: venue.id,
    venueName: venue.name,
    venueAddress: venue.address ?? null,
    timeZone: venue.timeZone,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt?.toISOString() ?? null,
    status: event.status,
  };
}

/**
 * After a venue changed (its name, address or time zone): each of its published events publishes event.updated with
 * the new details, and every events instance drops its copy of them.
 */
export async function announceVenueChange(em: EntityManager, venueId: string): Promise<void> {
  const events = await em.find(EventRecord, { venueId, status: 'published' });
  for (const event of events) enqueueEvent(em, eventUpdatedV1, await facts(em, event), PRODUCER);
  await em.flush();
  for (const event of events) await announceEventChange(em, event.id);
}

/** The time zone of each of these venues (UTC for one not found). */
export async function venueTimeZones(em: EntityManager, venueIds: string[]): Promise<Map<string, string>> {
  if (venueIds.length === 0) return new Map();
  const venues = await em.find(Venue, { id: { $in: [...new Set(venueIds)] } }, { fields: ['id', 'timeZone'] });
  return new Map(venues.map((v) => [v.id, v.timeZone]));
}

export async function createEvent(ctx: EventsContext, input: EventInput): Promise<EventRow> {
  const em = ctx.orm.em.fork();
  if (!(await em.findOne(Venue, { id: input.venueId }))) {
    throw new DomainError('invalid', 'VALIDATION_FAILED', 'The request is not valid.', {
      errors: [{ field: 'venueId', message: 'no venue with this id' }],
    });
  }
  const event = em.create(EventRecord, {
    id: randomUUID(),
    venueId: input.venueId,
    title: input.title.trim(),
    description: input.description ?? '',
    status: 'draft',
    startsAt: input.startsAt,
    endsAt: input.endsAt ?? null,
    salesOpenAt: input.salesOpenAt ?? null,
    salesCloseAt: input.salesCloseAt ?? null,
    publishedAt: null,
    cancellationPolicy: policyOf(input.cancellationPolicy ?? DEFAULT_CANCELLATION_POLICY),
  });
  checkDates(event);
  await em.flush();
  return event;
}

async function lockEvent(em: EntityManager, eventId: string): Promise<EventRow> {
  const event = await em.findOne(EventRecord, { id: eventId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!event) throw notFound();
  return event;
}

export async function updateEvent(ctx: EventsContext, eventId: string, change: EventChange): Promise<EventRow> {
  const event = await ctx.orm.em.fork().transactional(async (em) => {
    const event = await lockEvent(em, eventId);
    if (event.status !== 'draft' && event.status !== 'published') throw wrongState(event, 'change', ['draft', 'published']);
    if (change.title !== undefined) event.title = change.title.trim();
    if (change.description !== undefined) event.description = change.description;
    if (change.startsAt !== undefined) event.startsAt = change.startsAt;
    if (change.endsAt !== undefined) event.endsAt = change.endsAt;
    if (change.salesOpenAt !== undefined) event.salesOpenAt = change.salesOpenAt;
    if (change.salesCloseAt !== undefined) event.salesCloseAt = change.salesCloseAt;
    // Bookings are cancelled under the policy in force when the customer cancels (see the bookings cancel route).
    if (change.cancellationPolicy !== undefined) event.cancellationPolicy = policyOf(change.cancellationPolicy);
    checkDates(event);
    if (event.status === 'published') enqueueEvent(em, eventUpdatedV1, await facts(em, event), PRODUCER);
    await em.flush();
    await announceEventChange(em, eventId);
    return event;
  });
  ctx.published();
  return event;
}

export interface TierInput {
  sectionId: string;
  name: string;
  priceMinor: number;
}

/** Replaces an event's price tiers (one per section); only while it is a draft. */
export async function setPriceTiers(ctx: EventsContext, eventId: string, currency: string, tiers: TierInput[]): Promise<PriceTierRow[]> {
  return ctx.orm.em.fork().transactional(async (em) => {
    const event = await lockEvent(em, eventId);
    if (event.status !== 'draft') throw wrongState(event, 'reprice', ['draft']);
    const sections = new Set((await em.find(VenueSection, { venueId: event.venueId })).map((s) => s.id));
    const errors = tiers.flatMap((tier, i) => {
      const problems = [];
      if (!sections.has(tier.sectionId)) problems.push({ field: `tiers.${i}.sectionId`, message: 'not a section of this event’s venue' });
      if (tiers.findIndex((t) => t.sectionId === tier.sectionId) !== i)
        problems.push({ field: `tiers.${i}.sectionId`, message: 'section priced twice' });
      return problems;
    });
    if (errors.length) throw new DomainError('invalid', 'VALIDATION_FAILED', 'The price tiers are not valid.', { errors });
    await em.nativeDelete(PriceTier, { eventId });
    const rows = tiers.map((tier) => em.create(PriceTier, { id: randomUUID(), eventId, currency, ...tier }));
    await em.flush();
    await announceEventChange(em, eventId);
    return rows;
  });
}

export async function priceTiers(em: EntityManager, eventId: string): Promise<PriceTierRow[]> {
  return em.find(PriceTier, { eventId });
}

/**
 * Publishes a draft: every section with seats for sale must have a price. The seat inventory (one row per
 * sellable seat, at its section's price) is created in the same transaction.
 */
export async function publishEvent(ctx: EventsContext, eventId: string): Promise<EventRow> {
  const event = await ctx.orm.em.fork().transactional(async (em) => {
    const event = await lockEvent(em, eventId);
    if (event.status !== 'draft') throw wrongState(event, 'publish', ['draft']);
    const unpriced = await em.execute<{ name: string; id: string }[]>(
      `select distinct sec.id, sec.name, sec.position from venue_section sec
       join venue_seat seat on seat.section_id = sec.id and not seat.blocked
       where sec.venue_id = ? and not exists (select 1 from price_tier t where t.event_id = ? and t.section_id = sec.id)
       order by sec.position`,
      [event.venueId, event.id],
    );
    if (unpriced.length) {
      throw new DomainError(
        'conflict',
        'UNPRICED_SECTIONS',
        `Every section with seats for sale needs a price tier before publishing; missing: ${unpriced.map((s) => s.name).join(', ')}.`,
        { errors: unpriced.map((s) => ({ field: `sections.${s.id}`, message: `section "${s.name}" has no price tier` })) },
      );
    }
    await em.execute(
      `insert into seat_inventory (event_id, seat_id, section_id, status, price_minor, currency)
       select ?, seat.id, seat.section_id, 'available', t.price_minor, t.currency
       from venue_seat seat join price_tier t on t.section_id = seat.section_id and t.event_id = ?
       where seat.venue_id = ? and not seat.blocked`,
      [event.id, event.id, event.venueId],
    );
    event.status = 'published';
    event.publishedAt = new Date();
    enqueueEvent(em, eventPublishedV1, await facts(em, event), PRODUCER);
    await em.flush();
    await announceEventChange(em, eventId);
    return event;
  });
  ctx.published();
  return event;
}

export async function cancelEvent(ctx: EventsContext, eventId: string, reason: string | null): Promise<EventRow> {
  const event = await ctx.orm.em.fork().transactional(async (em) => {
    const event = await lockEvent(em, eventId);
    if (event.status !== 'draft' && event.status !== 'published') throw wrongState(event, 'cancel', ['draft', 'published']);
    const wasPublished = event.status === 'published';
    event.status = 'cancelled';
    if (wasPublished) enqueueEvent(em, eventCancelledV1, { ...(await facts(em, event)), reason }, PRODUCER);
    await em.flush();
    await announceEventChange(em, eventId);
    return event;
  });
  ctx.published();
  return event;
}

export async function completeEvent(ctx: EventsContext, eventId: string): Promise<EventRow> {
  const event = await ctx.orm.em.fork().transactional(async (em) => {
    const event = await lockEvent(em, eventId);
    if (event.status !== 'published') throw wrongState(event, 'complete', ['published']);
    if (event.startsAt > new Date())
      throw new DomainError('conflict', 'EVENT_NOT_STARTED', 'An event can be completed once it has started.');
    event.status = 'completed';
    enqueueEvent(em, eventUpdatedV1, await facts(em, event), PRODUCER);
    await em.flush();
    await announceEventChange(em, eventId);
    return event;
  });
  ctx.published();
  return event;
}

/** The event; drafts and other unpublished events only for admins (404 for everyone else). */
export async function getEvent(em: EntityManager, eventId: string, options: { admin: boolean }): Promise<EventRow> {
  const event = await em.findOne(EventRecord, { id: eventId });
  if (!event || (!options.admin && event.status === 'draft')) throw notFound();
  return event;
}

export interface EventQuery {
  limit: number;
  cursor?: string;
  status?: EventStatus;
  from?: Date;
  to?: Date;
  venueId?: string;
  q?: string;
}

/** Events soonest first. The public sees published events only; admins may ask for any status. */
export async function listEvents(em: EntityManager, query: EventQuery, options: { admin: boolean }) {
  const status = options.admin ? query.status : 'published';
  const like = containsPattern(query.q);
  const rows = await em.find(
    EventRecord,
    {
      $and: [
        status ? { status } : {},
        query.venueId ? { venueId: query.venueId } : {},
        query.from ? { startsAt: { $gte: query.from } } : {},
        query.to ? { startsAt: { $lt: query.to } } : {},
        like ? { $or: [{ title: { $ilike: like } }, { description: { $ilike: like } }] } : {},
        afterCursor(query.cursor, 'startsAt', 'asc'),
      ],
    },
    { orderBy: { startsAt: 'asc', id: 'asc' }, limit: query.limit + 1 },
  );
  return toPage(rows, query.limit, cursorKeys('startsAt'), (e) => e);
}
