// Ticket transfers: the holder offers a ticket to another registered account, which accepts (the ticket moves to it
// with a new generation, so every code sent before is void), declines, or the holder cancels the offer. One open offer
// per ticket; none once the event is about to start.
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../common/auth/verify.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { afterCursor, cursorKeys, toPage } from '../../common/http/pagination.ts';
import { enqueueEvent } from '../../common/messaging/outbox.ts';
import { ticketTransferredV1 } from '../../contracts/tickets.ts';
import { Ticket, TicketTransfer, type TicketRow, type TicketTransferRow } from '../../entities/bookings/ticket.entity.ts';
import { PRODUCER } from './bookings.ts';
import { eventSummariesOf, eventSummaryOf, factSummary } from './subscriptions.ts';
import { reissue, UNKNOWN_HOLDER_NAME } from './tickets.ts';

/** Minutes before the start after which an event's tickets stay where they are, when its door policy names none. */
export const DEFAULT_TRANSFER_CUTOFF_MINUTES = 60;

export type TransferStatus = TicketTransferRow['status'];

export interface TransferView {
  id: string;
  ticketId: string;
  bookingId: string;
  eventId: string;
  seatLabel: string;
  section: string;
  /** Seen from the caller: offered to them, or offered by them. */
  direction: 'incoming' | 'outgoing' | 'other';
  status: TransferStatus;
  fromUserId: string;
  fromName: string | null;
  toUserId: string;
  toEmail: string;
  event: { title: string | null; startsAt: string | null };
  createdAt: string;
  decidedAt: string | null;
}

const ticketNotFound = () => new DomainError('not_found', 'TICKET_NOT_FOUND', 'No ticket of yours with this id.');
const transferNotFound = () => new DomainError('not_found', 'TRANSFER_NOT_FOUND', 'No transfer of yours with this id.');

interface Receiver {
  userId: string;
  email: string;
  name: string;
  role: string;
}

/** A registered account by its email, from the customer projection (emails compared without case). */
async function receiverByEmail(em: EntityManager, email: string): Promise<Receiver | undefined> {
  const [row] = await em.execute<{ user_id: string; email: string; name: string | null; role: string }[]>(
    // Two accounts may share an address for a moment (one changed it away, the other to it): the newest fact wins.
    'select user_id, email, name, role from customer where lower(email) = lower(?) order by occurred_at desc limit 1',
    [email.trim()],
  );
  return row && { userId: row.user_id, email: row.email, name: row.name ?? '', role: row.role };
}

async function customerName(em: EntityManager, userId: string): Promise<string | null> {
  const [row] = await em.execute<{ name: string | null }[]>('select name from customer where user_id = ?', [userId]);
  return row?.name?.trim() || null;
}

async function transferCutoffMinutes(em: EntityManager, eventId: string): Promise<number> {
  const [row] = await em.execute<{ transfer_cutoff_minutes: number }[]>(
    'select transfer_cutoff_minutes from door_policy where event_id = ?',
    [eventId],
  );
  return row?.transfer_cutoff_minutes ?? DEFAULT_TRANSFER_CUTOFF_MINUTES;
}

/**
 * Refuses once the event is within its transfer cutoff of its start. An event the catalog has not heard of has no
 * known start: nothing to refuse on.
 */
async function ensureTransfersOpen(em: EntityManager, ticket: TicketRow, now: Date): Promise<void> {
  const { startsAt } = await eventSummaryOf(em, ticket.eventId);
  if (!startsAt) return;
  const minutes = await transferCutoffMinutes(em, ticket.eventId);
  const closesAt = new Date(Date.parse(startsAt) - minutes * 60_000);
  if (now >= closesAt) {
    throw new DomainError(
      'conflict',
      'TRANSFER_CLOSED',
      `Tickets of this event can be sent to another account until ${minutes} minutes before it starts (${closesAt.toISOString()}).`,
    );
  }
}

function ensureValid(ticket: TicketRow): void {
  if (ticket.status !== 'valid') {
    throw new DomainError('conflict', 'TICKET_NOT_VALID', `The ticket is ${ticket.status === 'void' ? 'void' : 'already used'}.`);
  }
}

function lockTicket(em: EntityManager, ticketId: string): Promise<TicketRow | null> {
  return em.findOne(Ticket, { id: ticketId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** Offers the caller's valid ticket to the registered account with this email. */
export async function offerTransfer(
  em: EntityManager,
  viewer: Principal,
  ticketId: string,
  email: string,
  now = new Date(),
): Promise<TransferView> {
  return em.transactional(async (tx) => {
    // Locked: two offers of one ticket at once are taken one after the other, so the second sees the first.
    const ticket = await lockTicket(tx, ticketId);
    if (!ticket || ticket.holderUserId !== viewer.userId) throw ticketNotFound();
    ensureValid(ticket);
    const receiver = await receiverByEmail(tx, email);
    if (!receiver) {
      throw new DomainError(
        'not_found',
        'TRANSFER_RECEIVER_UNKNOWN',
        'No Eventix account has this email; the receiver must sign up first.',
        {
          errors: [{ field: 'email', message: 'no account with this email' }],
        },
      );
    }
    if (receiver.userId === ticket.holderUserId) {
      throw new DomainError('invalid', 'TRANSFER_TO_SELF', 'The ticket is already yours.', {
        errors: [{ field: 'email', message: 'is your own account' }],
      });
    }
    if (receiver.role === 'scanner') {
      // A door staff account can only scan: a ticket sent there could never be shown at a door.
      throw new DomainError('invalid', 'TRANSFER_RECEIVER_CANNOT_HOLD', 'This account is a door staff account and cannot hold tickets.', {
        errors: [{ field: 'email', message: 'is a door staff account' }],
      });
    }
    await ensureTransfersOpen(tx, ticket, now);
    if (await tx.findOne(TicketTransfer, { ticketId, status: 'pending' })) throw transferPending();
    const transfer = tx.create(TicketTransfer, {
      id: randomUUID(),
      ticketId,
      fromUserId: ticket.holderUserId,
      toUserId: receiver.userId,
      toEmail: receiver.email,
      status: 'pending',
      createdAt: now,
      decidedAt: null,
    });
    await tx.flush();
    return (await viewsOf(tx, [transfer], viewer))[0]!;
  });
}

function transferPending(): DomainError {
  return new DomainError('conflict', 'TRANSFER_PENDING', 'The ticket is already offered to someone: cancel that offer first.');
}

/** The transfer, locked, if the caller is on the side of it that may take this step; 404 otherwise. */
async function lockTransfer(em: EntityManager, transferId: string, viewer: Principal, side: 'from' | 'to'): Promise<TicketTransferRow> {
  const mine = side === 'from' ? { fromUserId: viewer.userId } : { toUserId: viewer.userId };
  const transfer = await em.findOne(TicketTransfer, { id: transferId, ...mine }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!transfer) throw transferNotFound();
  return transfer;
}

function ensurePending(transfer: TicketTransferRow): void {
  if (transfer.status !== 'pending') {
    throw new DomainError('conflict', 'TRANSFER_NOT_PENDING', `The transfer is ${transfer.status} already.`);
  }
}

/**
 * The receiver takes the ticket, in one transaction: the offer still pending and the ticket still valid and the
 * sender's, then the ticket moves (new generation and holder), the offer is accepted and ticket.transferred is written.
 */
export async function acceptTransfer(em: EntityManager, viewer: Principal, transferId: string, now = new Date()): Promise<TransferView> {
  return em.transactional(async (tx) => {
    const transfer = await lockTransfer(tx, transferId, viewer, 'to');
    ensurePending(transfer);
    const ticket = await lockTicket(tx, transfer.ticketId);
    if (!ticket) throw transferNotFound();
    ensureValid(ticket);
    if (ticket.holderUserId !== transfer.fromUserId) {
      throw new DomainError('conflict', 'TICKET_NOT_VALID', 'The ticket no longer belongs to the account that offered it.');
    }
    await ensureTransfersOpen(tx, ticket, now);
    const moved = await reissue(tx, ticket, {
      userId: viewer.userId,
      name: (await customerName(tx, viewer.userId)) ?? UNKNOWN_HOLDER_NAME,
    });
    transfer.status = 'accepted';
    transfer.decidedAt = now;
    enqueueEvent(
      tx,
      ticketTransferredV1,
      {
        ticketId: moved.id,
        bookingId: moved.bookingId,
        eventId: moved.eventId,
        fromUserId: transfer.fromUserId,
        toUserId: viewer.userId,
        seatLabel: moved.seatLabel,
        event: factSummary(await eventSummaryOf(tx, moved.eventId)),
      },
      PRODUCER,
    );
    await tx.flush();
    return (await viewsOf(tx, [transfer], viewer))[0]!;
  });
}

/** The receiver refuses the offer; the ticket stays where it is. */
export function declineTransfer(em: EntityManager, viewer: Principal, transferId: string, now = new Date()): Promise<TransferView> {
  return closeOffer(em, viewer, transferId, 'to', 'declined', now);
}

/** The sender takes the offer back. */
export function cancelTransfer(em: EntityManager, viewer: Principal, transferId: string, now = new Date()): Promise<TransferView> {
  return closeOffer(em, viewer, transferId, 'from', 'cancelled', now);
}

async function closeOffer(
  em: EntityManager,
  viewer: Principal,
  transferId: string,
  side: 'from' | 'to',
  status: 'declined' | 'cancelled',
  now: Date,
): Promise<TransferView> {
  return em.transactional(async (tx) => {
    const transfer = await lockTransfer(tx, transferId, viewer, side);
    ensurePending(transfer);
    transfer.status = status;
    transfer.decidedAt = now;
    await tx.flush();
    return (await viewsOf(tx, [transfer], viewer))[0]!;
  });
}

export interface TransferQuery {
  limit: number;
  cursor?: string;
  status?: TransferStatus;
  direction?: 'incoming' | 'outgoing';
}

/** The caller's transfers, offered to them and by them, newest first. */
export async function myTransfers(em: EntityManager, viewer: Principal, query: TransferQuery) {
  const mine =
    query.direction === 'incoming'
      ? { toUserId: viewer.userId }
      : query.direction === 'outgoing'
        ? { fromUserId: viewer.userId }
        : { $or: [{ toUserId: viewer.userId }, { fromUserId: viewer.userId }] };
  const rows = await em.find(
    TicketTransfer,
    { $and: [mine, query.status ? { status: query.status } : {}, afterCursor(query.cursor, 'createdAt', 'desc')] },
    { orderBy: { createdAt: 'desc', id: 'desc' }, limit: query.limit + 1 },
  );
  const page = toPage(rows, query.limit, cursorKeys('createdAt'), (t) => t);
  return { items: await viewsOf(em, page.items, viewer), nextCursor: page.nextCursor };
}

/** Every transfer of a ticket, oldest first: for its holder now, or an admin. */
export async function ticketTransfers(em: EntityManager, viewer: Principal, ticketId: string): Promise<TransferView[]> {
  const ticket = await em.findOne(Ticket, { id: ticketId });
  if (!ticket || (viewer.role !== 'admin' && ticket.holderUserId !== viewer.userId)) throw ticketNotFound();
  const rows = await em.find(TicketTransfer, { ticketId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  return viewsOf(em, rows, viewer);
}

async function viewsOf(em: EntityManager, transfers: TicketTransferRow[], viewer: Principal): Promise<TransferView[]> {
  if (transfers.length === 0) return [];
  const tickets = new Map(
    (await em.find(Ticket, { id: { $in: [...new Set(transfers.map((t) => t.ticketId))] } })).map((t) => [t.id, t] as const),
  );
  const events = await eventSummariesOf(
    em,
    [...tickets.values()].map((t) => t.eventId),
  );
  const senders = new Map<string, string | null>();
  for (const t of transfers) if (!senders.has(t.fromUserId)) senders.set(t.fromUserId, await customerName(em, t.fromUserId));
  return transfers.map((t) => {
    const ticket = tickets.get(t.ticketId)!;
    const event = events.get(ticket.eventId);
    return {
      id: t.id,
      ticketId: t.ticketId,
      bookingId: ticket.bookingId,
      eventId: ticket.eventId,
      seatLabel: ticket.seatLabel,
      section: ticket.section,
      direction: t.toUserId === viewer.userId ? 'incoming' : t.fromUserId === viewer.userId ? 'outgoing' : 'other',
      status: t.status,
      fromUserId: t.fromUserId,
      fromName: senders.get(t.fromUserId) ?? null,
      toUserId: t.toUserId,
      toEmail: t.toEmail,
      event: { title: event?.title ?? null, startsAt: event?.startsAt ?? null },
      createdAt: t.createdAt.toISOString(),
      decidedAt: t.decidedAt?.toISOString() ?? null,
    };
  });
}
