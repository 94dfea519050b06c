// Admission tokens and queue tickets (JWS, HMAC-SHA256 with the event's own key from on_sale), and the use of an
// admission by a hold: marked used in one statement before any seat is claimed, given back when the hold came to no
// booking (its seats taken, the claim or the saga not made), so a customer may try again while the admission lasts.
import type { EntityManager } from '@mikro-orm/postgresql';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { DomainError } from '../../common/errors/domain-error.ts';
import type { OnSaleRecord } from './on-sale.ts';

const ALG = 'HS256';
const ISSUER = 'eventix-bookings';
const ADMISSION_AUDIENCE = 'eventix-admission';
const TICKET_AUDIENCE = 'eventix-queue';

function keyOf(record: Pick<OnSaleRecord, 'tokenSecret'>): Uint8Array {
  return Buffer.from(record.tokenSecret, 'base64url');
}

export interface Admission {
  customerId: string;
  eventId: string;
  admissionId: string;
  expiresAt: Date;
}

/** The token a hold carries: bound to the account, the event and this one admission, and void after its expiry. */
export function signAdmission(record: OnSaleRecord, admission: Admission): Promise<string> {
  return new SignJWT({ eid: admission.eventId })
    .setProtectedHeader({ alg: ALG, typ: 'admission+jwt' })
    .setIssuer(ISSUER)
    .setAudience(ADMISSION_AUDIENCE)
    .setSubject(admission.customerId)
    .setJti(admission.admissionId)
    .setExpirationTime(Math.floor(admission.expiresAt.getTime() / 1000))
    .sign(keyOf(record));
}

/** The signed proof of a place in the queue: whoever presents it must be the account it names. */
export function signQueueTicket(record: OnSaleRecord, customerId: string, seq: string): Promise<string> {
  return new SignJWT({ eid: record.eventId, seq })
    .setProtectedHeader({ alg: ALG, typ: 'queue-ticket+jwt' })
    .setIssuer(ISSUER)
    .setAudience(TICKET_AUDIENCE)
    .setSubject(customerId)
    .setIssuedAt()
    .sign(keyOf(record));
}

function admissionRequired(why: string): DomainError {
  return new DomainError(
    'forbidden',
    'ADMISSION_REQUIRED',
    `This event sells through its waiting room: a hold needs an admission token of this account for this event (${why}). Join with POST /events/{id}/queue.`,
  );
}

function admissionExpired(): DomainError {
  return new DomainError(
    'forbidden',
    'ADMISSION_EXPIRED',
    'The admission has expired unused; join the queue again (POST /events/{id}/queue) for a new place at the back.',
  );
}

/** An admission as its token names it; `lapsed` when the token's expiry has passed (see readAdmission). */
export interface PresentedAdmission extends Admission {
  lapsed: boolean;
}

/**
 * Checks the token's signature, audience, account and event (each failure is ADMISSION_REQUIRED: a forged token, or
 * another account's or event's, is no admission at all) and its expiry (ADMISSION_EXPIRED).
 */
export async function verifyAdmission(record: OnSaleRecord, token: string | undefined, customerId: string): Promise<Admission> {
  const { lapsed, ...admission } = await readAdmission(record, token, customerId);
  if (lapsed) throw admissionExpired();
  return admission;
}

/**
 * Checks the token as verifyAdmission does, but answers a lapsed token of this account and event as `lapsed` rather
 * than refusing it: a hold retried with the same Idempotency-Key after the expiry joins the booking the admission was
 * used for (useAdmission decides; a lapsed admission holds nothing new).
 */
export async function readAdmission(record: OnSaleRecord, token: string | undefined, customerId: string): Promise<PresentedAdmission> {
  if (!token) throw admissionRequired('none was sent');
  try {
    const { payload } = await jwtVerify(token, keyOf(record), {
      algorithms: [ALG],
      issuer: ISSUER,
      audience: ADMISSION_AUDIENCE,
      typ: 'admission+jwt',
      requiredClaims: ['sub', 'jti', 'exp', 'eid'],
      clockTolerance: 0,
    });
    return { ...admissionOf(record, payload, customerId), lapsed: false };
  } catch (err) {
    if (err instanceof DomainError) throw err;
    // Expired, but only a token of this account and event says so: another's stays "required". The signature and the
    // other claims were checked before the expiry (jose checks the expiry last).
    if (err instanceof joseErrors.JWTExpired) return { ...admissionOf(record, err.payload, customerId), lapsed: true };
    throw admissionRequired('the token is not valid');
  }
}

function admissionOf(record: OnSaleRecord, claims: JWTPayload, customerId: string): Admission {
  if (claims.eid !== record.eventId) throw admissionRequired('it is for another event');
  if (claims.sub !== customerId) throw admissionRequired('it is another account’s');
  if (typeof claims.jti !== 'string' || typeof claims.exp !== 'number') throw admissionRequired('the token is not valid');
  return { customerId, eventId: record.eventId, admissionId: claims.jti, expiresAt: new Date(claims.exp * 1000) };
}

/** Whether a queue ticket is this account's, for this event. */
export async function queueTicketIsFor(record: OnSaleRecord, ticket: string, customerId: string): Promise<boolean> {
  try {
    const { payload } = await jwtVerify(ticket, keyOf(record), {
      algorithms: [ALG],
      issuer: ISSUER,
      audience: TICKET_AUDIENCE,
      typ: 'queue-ticket+jwt',
    });
    return payload.sub === customerId && payload.eid === record.eventId;
  } catch {
    return false;
  }
}

/**
 * Uses the admission for the booking `bookingId`, in one statement: only an admitted, unexpired entry with this very
 * admission turns used. The same booking may use it again, its expiry passed or not (a retry with the same
 * Idempotency-Key joins its first try, whose booking may exist); a lapsed admission holds nothing new.
 */
export async function useAdmission(em: EntityManager, admission: Admission & { lapsed?: boolean }, bookingId: string): Promise<void> {
  const used = await em.execute<{ ok: number }[]>(
    `update queue_entry set state = 'used', used_at = coalesce(used_at, now()), booking_id = ?
     where event_id = ? and customer_id = ? and admission_id = ?
       and ((state = 'admitted' and expires_at > now()) or (state = 'used' and booking_id = ?))
     returning 1 as ok`,
    [bookingId, admission.eventId, admission.customerId, admission.admissionId, bookingId],
  );
  if (used.length > 0) return;
  const [entry] = await em.execute<{ state: string; admission_id: string | null; expired: boolean }[]>(
    `select state, admission_id, coalesce(expires_at <= now(), false) as expired from queue_entry where event_id = ? and customer_id = ?`,
    [admission.eventId, admission.customerId],
  );
  if (!entry || entry.admission_id !== admission.admissionId) {
    // A lapsed token whose place has moved on (left, or joined again at the back) is still this account's, expired.
    if (admission.lapsed) throw admissionExpired();
    throw admissionRequired('it is not this account’s admission now');
  }
  if (entry.state === 'used') {
    throw new DomainError('forbidden', 'ADMISSION_USED', 'This admission has been used by a hold already; each admission holds once.');
  }
  if (entry.state === 'expired' || entry.expired || admission.lapsed) throw admissionExpired();
  throw admissionRequired(`the place is ${entry.state}`);
}

/**
 * Gives an admission back after its hold came to no booking (refused, not started, abandoned before its saga): admitted
 * again until its own expiry, for another try. Only the use by this booking is undone.
 */
export async function giveAdmissionBack(em: EntityManager, admission: Admission, bookingId: string): Promise<void> {
  await em.execute(
    `update queue_entry set state = 'admitted', used_at = null, booking_id = null
     where event_id = ? and customer_id = ? and admission_id = ? and state = 'used' and booking_id = ?`,
    [admission.eventId, admission.customerId, admission.admissionId, bookingId],
  );
}

/** The seats one admission may hold, when its settings cap them; above it the hold is refused before anything is used. */
export function checkAdmissionSeats(record: OnSaleRecord, seats: number): void {
  if (record.maxSeatsPerCustomer !== null && seats > record.maxSeatsPerCustomer) {
    throw new DomainError(
      'invalid',
      'ADMISSION_SEAT_LIMIT',
      `An admission holds at most ${record.maxSeatsPerCustomer} seat(s) of this event; ${seats} were asked for.`,
      { errors: [{ field: 'seats', message: `at most ${record.maxSeatsPerCustomer} seat(s) per admitted customer` }] },
    );
  }
}
