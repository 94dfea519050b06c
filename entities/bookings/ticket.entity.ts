// Tickets: one per sold seat, issued when its booking is confirmed and voided with it; the door's scans of them; the
// keys that sign their barcodes; who may scan at an event's doors, and the door's rules for that event.
import { defineEntity, p } from '@mikro-orm/core';

export const TICKET_STATUSES = ['valid', 'used', 'void'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const Ticket = defineEntity({
  name: 'Ticket',
  tableName: 'ticket',
  properties: {
    id: p.uuid().primary(),
    bookingId: p.uuid(),
    eventId: p.uuid(),
    seatId: p.uuid(),
    seatLabel: p.string().length(160),
    section: p.string().length(120),
    /** The account the ticket belongs to: the customer who booked it, or whoever accepted it as a transfer. */
    holderUserId: p.uuid(),
    holderName: p.string().length(200),
    status: p.enum(TICKET_STATUSES),
    /** Raised by every new secret (a transfer): a code of an earlier generation is void. */
    generation: p.integer().default(1),
    issuedAt: p.datetime(),
    voidedAt: p.datetime().nullable(),
    voidReason: p.string().length(200).nullable(),
    /** The admission that used it (cleared again by an exit where the event allows re-entry). */
    usedAt: p.datetime().nullable(),
    usedGate: p.string().length(64).nullable(),
    usedDevice: p.string().length(64).nullable(),
  },
});

export const CHECKIN_RESULTS = [
  'ADMITTED',
  'EXITED',
  'TICKET_ALREADY_USED',
  'TICKET_VOID',
  'TICKET_WRONG_EVENT',
  'TICKET_INVALID_SIGNATURE',
  'TICKET_EXPIRED',
  'TICKET_CODE_EXPIRED',
  'TICKET_PRINT_CODE_REFUSED',
  'TICKET_NOT_INSIDE',
  'REENTRY_NOT_ALLOWED',
  'TICKET_MALFORMED',
  'TICKET_UNKNOWN',
] as const;
export type CheckInResult = (typeof CHECKIN_RESULTS)[number];

/** Every scan at an event's doors, admitted or refused, online or uploaded later from an offline scanner. */
export const CheckIn = defineEntity({
  name: 'CheckIn',
  tableName: 'checkin',
  properties: {
    id: p.uuid().primary(),
    eventId: p.uuid(),
    /** Null when the code named no ticket of ours (malformed, forged). */
    ticketId: p.uuid().nullable(),
    direction: p.enum(['in', 'out'] as const),
    gate: p.string().length(64),
    device: p.string().length(64),
    /** The scanner's own id of the scan: an upload repeated carries the same and is applied once. */
    deviceScanId: p.string().length(100).nullable(),
    scannedAt: p.datetime(),
    receivedAt: p.datetime(),
    offline: p.boolean().default(false),
    result: p.enum(CHECKIN_RESULTS),
    scannedBy: p.uuid(),
  },
});

/**
 * An event's ticket signing keys (Ed25519): the newest signs, every one not retired still verifies, so a rotation
 * never voids a ticket already sent. `rotationSecret` derives each ticket's secret for its rotating code.
 */
export const TicketKey = defineEntity({
  name: 'TicketKey',
  tableName: 'ticket_key',
  properties: {
    kid: p.string().length(64).primary(),
    eventId: p.uuid(),
    publicJwk: p.json<Record<string, unknown>>(),
    privateJwk: p.json<Record<string, unknown>>(),
    rotationSecret: p.string().length(64),
    createdAt: p.datetime(),
    retiredAt: p.datetime().nullable(),
  },
});

/** An account allowed to scan at one event's doors (its token must carry the scanner role). */
export const ScannerGrant = defineEntity({
  name: 'ScannerGrant',
  tableName: 'scanner_grant',
  properties: {
    eventId: p.uuid().primary(),
    userId: p.uuid().primary(),
    grantedBy: p.uuid(),
    grantedAt: p.datetime(),
  },
});

/** The door's rules for one event, set by an admin; an event without a row has the defaults. */
export const DoorPolicy = defineEntity({
  name: 'DoorPolicy',
  tableName: 'door_policy',
  properties: {
    eventId: p.uuid().primary(),
    /** Whether the static code of a printed (PDF) ticket is accepted, or only the app's rotating code. */
    printCodesAccepted: p.boolean().default(true),
    /** Whether a ticket may leave and come back in (an exit scan makes it valid again). */
    reentryAllowed: p.boolean().default(false),
    /** Minutes before the event starts after which tickets can no longer be sent to another account. */
    transferCutoffMinutes: p.integer().default(60),
    updatedAt: p.datetime(),
  },
});

/** A ticket offered to another account: it moves when the receiver accepts. */
export const TicketTransfer = defineEntity({
  name: 'TicketTransfer',
  tableName: 'ticket_transfer',
  properties: {
    id: p.uuid().primary(),
    ticketId: p.uuid(),
    fromUserId: p.uuid(),
    toUserId: p.uuid(),
    toEmail: p.string().length(320),
    status: p.enum(['pending', 'accepted', 'declined', 'cancelled'] as const),
    createdAt: p.datetime(),
    decidedAt: p.datetime().nullable(),
  },
});

export type TicketRow = InstanceType<typeof Ticket.class>;
export type CheckInRow = InstanceType<typeof CheckIn.class>;
export type TicketKeyRow = InstanceType<typeof TicketKey.class>;
export type DoorPolicyRow = InstanceType<typeof DoorPolicy.class>;
export type TicketTransferRow = InstanceType<typeof TicketTransfer.class>;
