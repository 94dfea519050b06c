// Check-in at the door: every scan, online or uploaded later by an offline scanner, is checked against the event's
// keys and then against the ticket's row, and ends as one checkin row whatever it answered. A ticket is admitted by
// one atomic update (valid → used), so however many gates scan it at once, exactly one admits it.
import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompactSign, importJWK, type JWK } from 'jose';
import type { Orm } from '../../common/db/orm.ts';
import { enqueueEvent } from '../../common/messaging/outbox.ts';
import { ticketCheckedInV1 } from '../../contracts/tickets.ts';
import type { CheckInResult } from '../../entities/bookings/ticket.entity.ts';
import { PRODUCER } from './bookings.ts';
import { admitsUntil, doorRules, type DoorRules } from './door.ts';
import { checkScan, publicKeySet, type VerifyingKey } from './ticket-codes.ts';
import { keysByKid, signingKey, verifyingKeys } from './ticket-keys.ts';

/** What a scan can end as: the stored results of CheckIn, and an exit refused by an event without re-entry. */
export type ScanResult = CheckInResult | 'REENTRY_NOT_ALLOWED';
export type ScanDirection = 'in' | 'out';

/** Refusals about the ticket's state (the code itself was good): a conflict, not a bad code. */
export const STATE_REFUSALS = [
  'TICKET_ALREADY_USED',
  'TICKET_VOID',
  'TICKET_WRONG_EVENT',
  'TICKET_NOT_INSIDE',
  'REENTRY_NOT_ALLOWED',
] as const satisfies readonly ScanResult[];
/** Refusals of the code: it is not a ticket we can admit, whatever its state. */
export const CODE_REFUSALS = [
  'TICKET_MALFORMED',
  'TICKET_INVALID_SIGNATURE',
  'TICKET_EXPIRED',
  'TICKET_CODE_EXPIRED',
  'TICKET_PRINT_CODE_REFUSED',
  'TICKET_UNKNOWN',
] as const satisfies readonly ScanResult[];
export type StateRefusal = (typeof STATE_REFUSALS)[number];
export type CodeRefusal = (typeof CODE_REFUSALS)[number];

export function isStateRefusal(result: ScanResult): result is StateRefusal {
  return (STATE_REFUSALS as readonly string[]).includes(result);
}

export interface Scan {
  eventId: string;
  /** What the scanner read; any string (a scan that is no ticket code is still recorded, as TICKET_MALFORMED). */
  code: string;
  gate: string;
  device: string;
  direction: ScanDirection;
  /**
   * The scanner's own id of the scan, per event: the same id again at the same event (a retried request, a repeated
   * upload) is applied once; at another event it is another scan.
   */
  scanId?: string;
  /** Who scanned: the account of the token. */
  scannedBy: string;
  /** When the scanner read it: now online; the device's time for an uploaded offline scan. */
  scannedAt: Date;
  offline: boolean;
}

export interface ScannedTicket {
  id: string;
  seatLabel: string;
  section: string;
  holderName: string;
}

export interface ScanOutcome {
  result: ScanResult;
  /** Admitted or exited; refused with the reason. */
  admitted: boolean;
  message: string;
  /** The ticket the code named, when we could tell (null for a code that names none, or a forgery). */
  ticketId: string | null;
  ticket: ScannedTicket | null;
  gate: string;
  at: Date;
  /** With TICKET_ALREADY_USED: the admission that used the ticket. */
  usedAt?: Date;
  usedGate?: string;
  /** The scan id was seen before: this is the stored outcome, and nothing changed. */
  repeated: boolean;
}

/**
 * What a batch of scans needs once: the event's keys (and those of other events named by the codes), its rules, and
 * until when it admits by the catalog (which decides for a code past its printed `exp`: the event may have moved).
 */
export interface DoorContext {
  eventId: string;
  keys: VerifyingKey[];
  rules: DoorRules;
  admitsUntil: Date | null;
}

export async function doorContext(em: EntityManager, eventId: string, codes: string[]): Promise<DoorContext> {
  const keys = await verifyingKeys(em, eventId);
  const known = new Set(keys.map((k) => k.kid));
  // Keys of other events the codes name, so another event's ticket is told apart from a forgery.
  const others = codes.map(kidOfCode).filter((kid): kid is string => kid !== undefined && !known.has(kid));
  if (others.length > 0) keys.push(...(await keysByKid(em, others)));
  return { eventId, keys, rules: await doorRules(em, eventId), admitsUntil: await admitsUntil(em, eventId) };
}

/** The key id a code's header names, without checking anything else (checkScan does that). */
export function kidOfCode(code: string): string | undefined {
  const header = code.trim().split('.', 1)[0];
  if (!header || header.length > 512) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    const kid = (parsed as { kid?: unknown } | null)?.kid;
    return typeof kid === 'string' && kid.length > 0 && kid.length <= 64 ? kid : undefined;
  } catch {
    return undefined;
  }
}

/** Tells those waiting on the event's counts (the summary streams of this instance) that a scan was recorded. */
export interface ScanNotifier {
  notify(eventId: string): void;
  subscribe(eventId: string, listener: () => void): () => void;
}

export function scanNotifier(): ScanNotifier {
  const listeners = new Map<string, Set<() => void>>();
  return {
    notify(eventId) {
      for (const listener of listeners.get(eventId) ?? []) listener();
    },
    subscribe(eventId, listener) {
      const set = listeners.get(eventId) ?? new Set();
      set.add(listener);
      listeners.set(eventId, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(eventId);
      };
    },
  };
}

export interface ScanEffects {
  notifier?: ScanNotifier;
  /** Wakes the outbox relay after a commit that wrote a fact. */
  published?: () => void;
}

/** One scan, in a transaction of its own: checked, applied, recorded. A repeat of a scan id answers the stored outcome. */
export async function recordScan(orm: Orm, scan: Scan, door?: DoorContext, effects: ScanEffects = {}): Promise<ScanOutcome> {
  const context = door ?? (await doorContext(orm.em.fork(), scan.eventId, [scan.code]));
  const outcome = await applyOnce(orm, scan, context);
  if (!outcome.repeated) {
    effects.notifier?.notify(scan.eventId);
    if (outcome.admitted) effects.published?.();
  }
  return outcome;
}

/**
 * Applies the scan unless its (event, device, scan id) is stored already. Two requests with the same scan id at once: the
 * second's insert meets the unique index, its transaction (and any admission in it) rolls back, and it answers the
 * stored outcome of the first.
 */
async function applyOnce(orm: Orm, scan: Scan, door: DoorContext): Promise<ScanOutcome> {
  try {
    return await orm.em.fork().transactional(async (em) => {
      const stored = scan.scanId === undefined ? undefined : await storedOutcome(em, scan.eventId, scan.device, scan.scanId);
      if (stored) return stored;
      const outcome = await decide(em, scan, door);
      await insertCheckIn(em, scan, outcome);
      if (outcome.admitted && outcome.ticketId) {
        enqueueEvent(
          em,
          ticketCheckedInV1,
          {
            ticketId: outcome.ticketId,
            eventId: scan.eventId,
            gate: scan.gate,
            direction: scan.direction,
            scannedAt: scan.scannedAt.toISOString(),
          },
          PRODUCER,
        );
      }
      return outcome;
    });
  } catch (err) {
    if (!isUniqueViolation(err) || scan.scanId === undefined) throw err;
    // The row that won the unique index (event, device, scan id) is committed: this finds it.
    const stored = await storedOutcome(orm.em.fork(), scan.eventId, scan.device, scan.scanId);
    if (!stored) throw err;
    return stored;
  }
}

function isUniqueViolation(err: unknown): boolean {
  if (err instanceof UniqueConstraintViolationException) return true;
  return (err as { code?: unknown } | null)?.code === '23505';
}

interface TicketState {
  id: string;
  event_id: string;
  seat_label: string;
  section: string;
  holder_name: string;
  status: 'valid' | 'used' | 'void';
  generation: number;
  used_at: Date | null;
  used_gate: string | null;
}

const TICKET_COLUMNS = 'id, event_id, seat_label, section, holder_name, status, generation, used_at, used_gate';

async function ticketState(em: EntityManager, ticketId: string): Promise<TicketState | undefined> {
  const [row] = await em.execute<TicketState[]>(`select ${TICKET_COLUMNS} from ticket where id = ?`, [ticketId]);
  return row;
}

function ticketView(row: TicketState): ScannedTicket {
  return { id: row.id, seatLabel: row.seat_label, section: row.section, holderName: row.holder_name };
}

const MESSAGES: Record<ScanResult, string> = {
  TICKET_MALFORMED: 'Not a ticket code.',
  TICKET_INVALID_SIGNATURE: 'The code is not signed by a key of this event.',
  TICKET_WRONG_EVENT: 'This ticket is for another event.',
  TICKET_EXPIRED: 'This ticket is not valid at this time.',
  TICKET_CODE_EXPIRED: 'This code has expired: show the live code in the app.',
  ADMITTED: 'Admitted.',
  EXITED: 'Exit recorded: the ticket may come back in.',
  TICKET_ALREADY_USED: 'This ticket has already been admitted.',
  TICKET_VOID: 'This ticket is void.',
  TICKET_PRINT_CODE_REFUSED: 'This event does not accept printed codes: show the live code in the app.',
  TICKET_NOT_INSIDE: 'This ticket is not inside: there is nothing to exit.',
  REENTRY_NOT_ALLOWED: 'This event does not allow re-entry: exits are not scanned.',
  TICKET_UNKNOWN: 'No such ticket.',
};

/** The outcome of a scan, from the code and the ticket's row; an admission or exit is made here, atomically. */
async function decide(em: EntityManager, scan: Scan, door: DoorContext): Promise<ScanOutcome> {
  const base = { gate: scan.gate, at: scan.scannedAt, repeated: false };
  const refuse = (result: ScanResult, ticket: TicketState | null, ticketId: string | null, message?: string): ScanOutcome => ({
    ...base,
    result,
    admitted: false,
    message: message ?? MESSAGES[result],
    ticketId: ticket?.id ?? ticketId,
    ticket: ticket ? ticketView(ticket) : null,
    ...(result === 'TICKET_ALREADY_USED' && ticket?.used_at ? { usedAt: new Date(ticket.used_at), usedGate: ticket.used_gate ?? '' } : {}),
  });
  // An offline scan is judged at the time it was made: its code was current then, not now. Past its printed `exp`, the
  // event's dates as the catalog knows them now decide (a printed ticket of a postponed event still gets in).
  const check = await checkScan(scan.code, door.eventId, door.keys, scan.scannedAt, { expiry: 'ignore' });
  if (!check.ok) return refuse(check.code, null, check.code === 'TICKET_WRONG_EVENT' ? (check.ticketId ?? null) : null, check.message);
  if (check.expired && !(door.admitsUntil && scan.scannedAt.getTime() < door.admitsUntil.getTime())) {
    return refuse('TICKET_EXPIRED', null, null);
  }

  const { claims } = check;
  const ticket = await ticketState(em, claims.ticketId);
  if (!ticket || ticket.event_id !== door.eventId || claims.generation > ticket.generation) {
    return refuse('TICKET_UNKNOWN', null, null);
  }
  if (claims.generation < ticket.generation) return refuse('TICKET_VOID', ticket, null, SUPERSEDED);
  if (ticket.status === 'void') return refuse('TICKET_VOID', ticket, null);
  if (check.kind === 'print' && !door.rules.printCodesAccepted) return refuse('TICKET_PRINT_CODE_REFUSED', ticket, null);

  if (scan.direction === 'out') {
    if (!door.rules.reentryAllowed) return refuse('REENTRY_NOT_ALLOWED', ticket, null);
    const [exited] = await em.execute<TicketState[]>(
      `update ticket set status = 'valid', used_at = null, used_gate = null, used_device = null
       where id = ? and status = 'used' and generation = ? returning ${TICKET_COLUMNS}`,
      [ticket.id, claims.generation],
    );
    if (exited)
      return { ...base, result: 'EXITED', admitted: true, message: MESSAGES.EXITED, ticketId: exited.id, ticket: ticketView(exited) };
    return refusedByNow(em, ticket.id, claims.generation, refuse, 'TICKET_NOT_INSIDE');
  }

  // The one statement that admits: of any number of scans at once, one finds the ticket valid.
  const [admitted] = await em.execute<TicketState[]>(
    `update ticket set status = 'used', used_at = ?, used_gate = ?, used_device = ?
     where id = ? and status = 'valid' and generation = ? returning ${TICKET_COLUMNS}`,
    [scan.scannedAt, scan.gate, scan.device, ticket.id, claims.generation],
  );
  if (admitted)
    return { ...base, result: 'ADMITTED', admitted: true, message: MESSAGES.ADMITTED, ticketId: admitted.id, ticket: ticketView(admitted) };
  return refusedByNow(em, ticket.id, claims.generation, refuse, 'TICKET_ALREADY_USED');
}

const SUPERSEDED = 'This code was superseded by a transfer: the ticket now has a newer code.';

/**
 * The update found the ticket changed since it was read (another gate, a transfer, a void): why, as it is now. A
 * transfer committed in between gave the ticket a new generation: the scanned code is void, whatever the status.
 */
async function refusedByNow(
  em: EntityManager,
  ticketId: string,
  generation: number,
  refuse: (result: ScanResult, ticket: TicketState | null, ticketId: string | null, message?: string) => ScanOutcome,
  otherwise: ScanResult,
): Promise<ScanOutcome> {
  const now = (await ticketState(em, ticketId))!;
  if (now.generation !== generation) return refuse('TICKET_VOID', now, null, SUPERSEDED);
  if (now.status === 'void') return refuse('TICKET_VOID', now, null);
  return refuse(otherwise, now, null);
}

async function insertCheckIn(em: EntityManager, scan: Scan, outcome: ScanOutcome): Promise<void> {
  await em.execute(
    `insert into checkin (id, event_id, ticket_id, direction, gate, device, device_scan_id, scanned_at, received_at, offline, result, scanned_by)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      randomUUID(),
      scan.eventId,
      outcome.ticketId,
      scan.direction,
      scan.gate,
      scan.device,
      scan.scanId ?? null,
      scan.scannedAt,
      new Date(),
      scan.offline,
      outcome.result,
      scan.scannedBy,
    ],
  );
}

interface StoredScan {
  ticket_id: string | null;
  result: ScanResult;
  gate: string;
  scanned_at: Date;
}

/** A scan already recorded at this event under this device's scan id, as it was answered (the ticket as it is now). */
async function storedOutcome(em: EntityManager, eventId: string, device: string, scanId: string): Promise<ScanOutcome | undefined> {
  const [row] = await em.execute<StoredScan[]>(
    'select ticket_id, result, gate, scanned_at from checkin where event_id = ? and device = ? and device_scan_id = ?',
    [eventId, device, scanId],
  );
  if (!row) return undefined;
  const ticket = row.ticket_id ? await ticketState(em, row.ticket_id) : undefined;
  const admitted = row.result === 'ADMITTED' || row.result === 'EXITED';
  const usage =
    row.result === 'TICKET_ALREADY_USED' && ticket?.used_at ? { usedAt: new Date(ticket.used_at), usedGate: ticket.used_gate ?? '' } : {};
  return {
    result: row.result,
    admitted,
    message: MESSAGES[row.result] ?? 'Refused.',
    ticketId: row.ticket_id,
    ticket: ticket && (admitted || row.result !== 'TICKET_UNKNOWN') ? ticketView(ticket) : null,
    gate: row.gate,
    at: new Date(row.scanned_at),
    ...usage,
    repeated: true,
  };
}

export interface OfflineScan {
  scanId: string;
  code: string;
  gate: string;
  direction: ScanDirection;
  scannedAt: Date;
}

export interface SyncConflict {
  ticketId: string;
  admitted: { gate: string; at: Date } | null;
  refused: { scanId: string; gate: string; at: Date }[];
}

export interface SyncReport {
  results: (ScanOutcome & { scanId: string })[];
  conflicts: SyncConflict[];
}

/**
 * An offline scanner's upload: each scan applied in the order it was made, each recorded as an offline scan (a repeat
 * of a stored scan id changes nothing). A ticket admitted at two gates while offline is admitted by the earlier scan;
 * the later ones are stored as TICKET_ALREADY_USED and reported as conflicts with the admission that won.
 */
export async function syncOfflineScans(
  orm: Orm,
  input: { eventId: string; device: string; scannedBy: string; scans: OfflineScan[] },
  effects: ScanEffects = {},
): Promise<SyncReport> {
  const door = await doorContext(
    orm.em.fork(),
    input.eventId,
    input.scans.map((s) => s.code),
  );
  const ordered = input.scans
    .map((scan, index) => ({ scan, index }))
    .sort((a, b) => a.scan.scannedAt.getTime() - b.scan.scannedAt.getTime() || a.index - b.index);
  const results: SyncReport['results'] = [];
  let changed = false;
  let published = false;
  for (const { scan } of ordered) {
    const outcome = await applyOnce(
      orm,
      { ...scan, eventId: input.eventId, device: input.device, scannedBy: input.scannedBy, offline: true },
      door,
    );
    changed ||= !outcome.repeated;
    published ||= !outcome.repeated && outcome.admitted;
    results.push({ ...outcome, scanId: scan.scanId });
  }
  if (changed) effects.notifier?.notify(input.eventId);
  if (published) effects.published?.();
  return { results, conflicts: await conflictsOf(orm.em.fork(), results) };
}

/** The tickets this upload found used already, each with the admission that used it and the scans it refused. */
async function conflictsOf(em: EntityManager, results: SyncReport['results']): Promise<SyncConflict[]> {
  const refused = new Map<string, SyncConflict['refused']>();
  for (const r of results) {
    if (r.result !== 'TICKET_ALREADY_USED' || !r.ticketId) continue;
    const list = refused.get(r.ticketId) ?? [];
    list.push({ scanId: r.scanId, gate: r.gate, at: r.at });
    refused.set(r.ticketId, list);
  }
  const conflicts: SyncConflict[] = [];
  for (const [ticketId, scans] of refused) {
    // The last admission before the latest refused scan: the one that made those scans find the ticket used.
    const latest = new Date(Math.max(...scans.map((s) => s.at.getTime())));
    const [admission] = await em.execute<{ gate: string; scanned_at: Date }[]>(
      `select gate, scanned_at from checkin where ticket_id = ? and result = 'ADMITTED' and scanned_at <= ?
       order by scanned_at desc limit 1`,
      [ticketId, latest],
    );
    const fallback = results.find((r) => r.ticketId === ticketId && r.usedAt);
    const admitted = admission
      ? { gate: admission.gate, at: new Date(admission.scanned_at) }
      : fallback?.usedAt
        ? { gate: fallback.usedGate ?? '', at: fallback.usedAt }
        : null;
    conflicts.push({ ticketId, admitted, refused: scans });
  }
  return conflicts;
}

export interface CheckinSummary {
  eventId: string;
  tickets: { issued: number; valid: number; used: number; void: number };
  /** Tickets admitted and not exited. */
  inside: number;
  scans: number;
  byGate: { gate: string; admitted: number; refused: number }[];
  lastScanAt: Date | null;
}

/** The event's door counts now, from the ticket and checkin tables (so every instance's scans are in them). */
export async function checkinSummary(em: EntityManager, eventId: string): Promise<CheckinSummary> {
  const statuses = await em.execute<{ status: string; n: string }[]>(
    'select status, count(*) as n from ticket where event_id = ? group by status',
    [eventId],
  );
  const count = (status: string) => Number(statuses.find((s) => s.status === status)?.n ?? 0);
  const [scans] = await em.execute<{ n: string; last: Date | null }[]>(
    'select count(*) as n, max(scanned_at) as last from checkin where event_id = ?',
    [eventId],
  );
  const gates = await em.execute<{ gate: string; admitted: string; refused: string }[]>(
    `select gate,
       count(*) filter (where result = 'ADMITTED') as admitted,
       count(*) filter (where result not in ('ADMITTED', 'EXITED')) as refused
     from checkin where event_id = ? group by gate order by gate`,
    [eventId],
  );
  const tickets = { valid: count('valid'), used: count('used'), void: count('void') };
  return {
    eventId,
    tickets: { issued: tickets.valid + tickets.used + tickets.void, ...tickets },
    inside: tickets.used,
    scans: Number(scans?.n ?? 0),
    byGate: gates.map((g) => ({ gate: g.gate, admitted: Number(g.admitted), refused: Number(g.refused) })),
    lastScanAt: scans?.last ? new Date(scans.last) : null,
  };
}

/** The `typ` of a signed offline pack, so it is never mistaken for a ticket code (typ evx-ticket). */
export const OFFLINE_PACK_TYPE = 'evx-offline-pack';

export interface OfflinePack {
  eventId: string;
  generatedAt: Date;
  keys: { keys: JWK[] };
  rotationSecrets: { kid: string; secret: string }[];
  policy: DoorRules;
  /** Tickets void now. */
  void: string[];
  /** A transferred ticket's current generation: a code of an earlier one is void. */
  generations: Record<string, number>;
}

/**
 * What a scanner needs to check the event's codes without the network: the public keys, the rotation secrets (so it
 * can check the app's rotating codes: the pack is a door credential, to be kept like a key), the rules, and which
 * tickets are void or transferred. Tickets admitted after the pack was made are only known again on the next sync.
 */
export async function offlinePack(em: EntityManager, eventId: string): Promise<{ pack: OfflinePack; jws: string }> {
  const key = await signingKey(em, eventId);
  const keys = await verifyingKeys(em, eventId);
  const voided = await em.execute<{ id: string }[]>("select id from ticket where event_id = ? and status = 'void' order by id", [eventId]);
  const transferred = await em.execute<{ id: string; generation: number }[]>(
    'select id, generation from ticket where event_id = ? and generation > 1 order by id',
    [eventId],
  );
  const { updatedAt: _updatedAt, ...policy } = await doorRules(em, eventId);
  const pack: OfflinePack = {
    eventId,
    generatedAt: new Date(),
    keys: publicKeySet(keys),
    rotationSecrets: keys.map((k) => ({ kid: k.kid, secret: k.rotationSecret })),
    policy,
    void: voided.map((t) => t.id),
    generations: Object.fromEntries(transferred.map((t) => [t.id, t.generation])),
  };
  const privateKey = await importJWK({ ...key.privateJwk, alg: 'EdDSA' }, 'EdDSA');
  const jws = await new CompactSign(Buffer.from(JSON.stringify(pack)))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: OFFLINE_PACK_TYPE })
    .sign(privateKey);
  return { pack, jws };
}
