// The door of an event: its rules (print codes, re-entry, transfer cut-off), until when it admits, who may scan there,
// and the check that a caller may use the event's check-in routes.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../common/auth/verify.ts';
import { DomainError } from '../../common/errors/domain-error.ts';

// Plain SQL over door_policy and scanner_grant (DoorPolicy, ScannerGrant in entities/bookings/ticket.entity.ts) and the
// event_catalog projection.

export interface DoorRules {
  /** Whether the static code of a printed (PDF) ticket is accepted, or only the app's rotating code. */
  printCodesAccepted: boolean;
  /** Whether an exit scan makes a used ticket valid again, so its holder may come back in. */
  reentryAllowed: boolean;
  /** Minutes before the event starts after which tickets can no longer be sent to another account. */
  transferCutoffMinutes: number;
}

/** The rules of an event without a policy row (the column defaults of door_policy). */
export const DEFAULT_DOOR_RULES: DoorRules = { printCodesAccepted: true, reentryAllowed: false, transferCutoffMinutes: 60 };

export async function doorRules(em: EntityManager, eventId: string): Promise<DoorRules & { updatedAt: Date | null }> {
  const [row] = await em.execute<
    { print_codes_accepted: boolean; reentry_allowed: boolean; transfer_cutoff_minutes: number; updated_at: Date }[]
  >('select print_codes_accepted, reentry_allowed, transfer_cutoff_minutes, updated_at from door_policy where event_id = ?', [eventId]);
  if (!row) return { ...DEFAULT_DOOR_RULES, updatedAt: null };
  return {
    printCodesAccepted: row.print_codes_accepted,
    reentryAllowed: row.reentry_allowed,
    transferCutoffMinutes: row.transfer_cutoff_minutes,
    updatedAt: new Date(row.updated_at),
  };
}

/** How long after its start an event without a known end admits (the print codes' own `exp` rule). */
export const ADMITS_AFTER_START_MS = 24 * 60 * 60_000;

/**
 * Until when the event admits tickets, by this service's catalog now: its end, or a day after its start when the end
 * is unknown; null for an event the catalog does not know. A code's `exp` was the event's end when it was printed:
 * this is what a postponed event's door goes by instead.
 */
export async function admitsUntil(em: EntityManager, eventId: string): Promise<Date | null> {
  const [row] = await em.execute<{ starts_at: Date; ends_at: Date | null }[]>(
    'select starts_at, ends_at from event_catalog where event_id = ?',
    [eventId],
  );
  if (!row) return null;
  if (row.ends_at) return new Date(row.ends_at);
  return new Date(new Date(row.starts_at).getTime() + ADMITS_AFTER_START_MS);
}

/** Replaces the event's rules; they apply to the next scan (a running offline pack keeps the rules it was made with). */
export async function setDoorRules(em: EntityManager, eventId: string, rules: DoorRules): Promise<DoorRules & { updatedAt: Date }> {
  const updatedAt = new Date();
  await em.execute(
    `insert into door_policy (event_id, print_codes_accepted, reentry_allowed, transfer_cutoff_minutes, updated_at)
     values (?, ?, ?, ?, ?)
     on conflict (event_id) do update set print_codes_accepted = excluded.print_codes_accepted,
       reentry_allowed = excluded.reentry_allowed, transfer_cutoff_minutes = excluded.transfer_cutoff_minutes,
       updated_at = excluded.updated_at`,
    [eventId, rules.printCodesAccepted, rules.reentryAllowed, rules.transferCutoffMinutes, updatedAt],
  );
  return { ...rules, updatedAt };
}

export interface ScannerGrantView {
  userId: string;
  grantedBy: string;
  grantedAt: Date;
}

interface GrantRow {
  user_id: string;
  granted_by: string;
  granted_at: Date;
}

const GRANTS = 'select user_id, granted_by, granted_at from scanner_grant';

function grantView(row: GrantRow): ScannerGrantView {
  return { userId: row.user_id, grantedBy: row.granted_by, grantedAt: new Date(row.granted_at) };
}

/** Lets an account scan at the event's doors; granting again keeps the first grant. */
export async function grantScanner(em: EntityManager, eventId: string, userId: string, grantedBy: string): Promise<ScannerGrantView> {
  await em.execute(`insert into scanner_grant (event_id, user_id, granted_by, granted_at) values (?, ?, ?, ?) on conflict do nothing`, [
    eventId,
    userId,
    grantedBy,
    new Date(),
  ]);
  const [grant] = await em.execute<GrantRow[]>(`${GRANTS} where event_id = ? and user_id = ?`, [eventId, userId]);
  return grantView(grant!);
}

/** Takes the grant away: the account's next scan at this event is refused. */
export async function revokeScanner(em: EntityManager, eventId: string, userId: string): Promise<void> {
  const removed = await em.execute<{ user_id: string }[]>(
    'delete from scanner_grant where event_id = ? and user_id = ? returning user_id',
    [eventId, userId],
  );
  if (removed.length === 0) throw new DomainError('not_found', 'SCANNER_GRANT_NOT_FOUND', 'This account may not scan at this event.');
}

export async function listScanners(em: EntityManager, eventId: string): Promise<ScannerGrantView[]> {
  const grants = await em.execute<GrantRow[]>(`${GRANTS} where event_id = ? order by granted_at, user_id`, [eventId]);
  return grants.map(grantView);
}

/**
 * Who may scan at an event and read its counts: an admin, or a scanner granted for it. A customer's token is refused
 * outright; a scanner of another event is told it has no grant here.
 */
export async function assertMayScan(em: EntityManager, principal: Principal, eventId: string): Promise<void> {
  if (principal.role === 'admin') return;
  if (principal.role !== 'scanner') {
    throw new DomainError('forbidden', 'FORBIDDEN', 'Only door staff of this event (or an admin) may scan its tickets.');
  }
  const [grant] = await em.execute('select 1 from scanner_grant where event_id = ? and user_id = ?', [eventId, principal.userId]);
  if (!grant) throw new DomainError('forbidden', 'SCANNER_NOT_GRANTED', 'This scanner account has no grant for this event.');
}
