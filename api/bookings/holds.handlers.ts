// The hold route's handler: the seats are claimed in the events service first (POST /internal/holds, hold id = the
// booking id), and only a claim that holds them starts the saga, which adopts the claimed hold as its own. In a rush
// most requests lose, and a loser costs one claim, answered at once, and no saga.
//
// Where a crash or a race can fall between the claim and the saga:
// - The claim holds its seats until now + the hold TTL, the expiry the saga's own hold would have had, so the saga
//   adopts it as it is: no extra step to extend it before the customer hears `expiresAt`. If this process dies after
//   the claim and before the saga starts, the seats stay held until that expiry, like any unpaid hold: a retry with
//   the same Idempotency-Key claims again (the same hold id answers the same hold) and starts the saga with it; a
//   request without a key has no retry that could find it, and the seats lapse at their expiry.
// - A saga that could not start gives its claim back at once (POST /internal/holds/{id}/release). A release that
//   comes first bars the claim (it answers HOLD_RELEASED), and a claim that commits first has its seats freed by the
//   release: the events service orders the two on the hold's row.
// - A saga already under way for this key (started by a request whose claim went unanswered) runs its own hold step
//   with the same hold id, so it gets the very hold the claim made.
// - With no events instance answering the claim (none reachable, or none with a usable answer), the saga starts
//   without one and its hold step decides alone.
// - A claim has its own time to be answered (CLAIM_TIMEOUT_MS, 10 s, across the events instances), longer than other
//   internal calls: in a rush claims queue on the events service, and a slow claim is not an unreachable one. One that
//   is not answered in that time starts no saga (the saga's hold step would queue on the same service): the answer is
//   503 SEAT_CLAIM_TIMEOUT with Retry-After. The claim may have been made all the same: without a key it is given
//   back, with one it stays for the retry, which claims the same hold id and gets that hold.
// - One bookings process has at most MAX_CLAIMS_IN_FLIGHT claims in flight. A hold beyond them is answered 429
//   HOLDS_BUSY with Retry-After at once, claims nothing and starts nothing: waiting in a queue here would only add to
//   the claims' time on the events service.
//
// While an event's waiting room is on, a hold first uses the customer's admission (domain/bookings/admission.ts): one
// statement, before the claim. A hold that comes to no booking (refused, busy, its claim unanswered, its saga not
// started or ended holding nothing, its client gone before the saga) gives it back; one whose outcome is not known
// keeps it for its booking. A retry with the same Idempotency-Key uses it again, after its expiry too, and a key whose
// booking exists needs none. Events without a waiting room pay a map lookup.
//
// A request whose client went away before the answer (the gateway's timeout fired, or its client disconnected: the
// gateway then aborts the call here) holds nothing for it when it carried no Idempotency-Key, as nobody could ever
// come back for it: its claim is given back, or its saga is asked to cancel. With a key the hold is kept for the
// retry that replays it, and lapses at its expiry if none comes.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { principalOf } from '../../common/auth/middleware.ts';
import type { Config } from '../../common/config.ts';
import { DomainError, type DomainErrorKind } from '../../common/errors/domain-error.ts';
import { GATEWAY_PROOF_HEADER } from '../../common/http/client-address.ts';
import { idempotencyRunOf } from '../../common/http/idempotency.ts';
import { createServiceClient, UpstreamUnavailable } from '../../common/http/service-client.ts';
import { UpstreamPool } from '../../common/http/upstream-pool.ts';
import { gatewaySecret } from '../../common/secrets.ts';
import { checkAdmissionSeats, giveAdmissionBack, readAdmission, useAdmission, type Admission } from '../../domain/bookings/admission.ts';
import { bookingIdFor } from '../../domain/bookings/bookings.ts';
import { sharedOnSaleCache } from '../../domain/bookings/on-sale.ts';
import type { HoldResult } from '../../domain/events/seats.ts';
import { Booking, type BookingRow } from '../../entities/bookings/booking.entity.ts';
import { bookingWorkflowId, cancelSignal } from '../../workflows/booking-messages.ts';
import type { BookingInput, SeatSelection } from '../../workflows/booking-types.ts';
import { SagaAnswerPending, holdWithStart, keyedUpdateId, refusalOf, withinDeadline } from './booking-saga-client.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import type { HoldHandler } from './holds.routes.ts';
import { outcomePending, viewOfRow, viewOfWorkflow } from './schemas.ts';

type HoldContext = Parameters<HoldHandler>[0];

/**
 * How long the events service may take to answer a seat claim, all its instances together. Well above the 3 s of other
 * internal calls, as claims queue on the events service in a rush; well below the saga's answer bound
 * (BOOKING_SAGA_ANSWER_MS, 20 s by default), so a claim that holds late still has time to start its saga.
 */
export const CLAIM_TIMEOUT_MS = 10_000;
/** Claims one bookings process has in flight at most; a hold beyond them is answered 429 HOLDS_BUSY at once. */
export const MAX_CLAIMS_IN_FLIGHT = 64;
/** A claim is answered in a few milliseconds when the events service keeps up: a busy process is free again soon. */
const HOLDS_BUSY_RETRY_AFTER_SECONDS = 1;
/** A claim that took ten seconds says the events service is far behind: give it a moment before asking again. */
const CLAIM_TIMEOUT_RETRY_AFTER_SECONDS = 5;

export interface ClaimLimits {
  timeoutMs: number;
  maxInFlight: number;
}

export const CLAIM_LIMITS: ClaimLimits = { timeoutMs: CLAIM_TIMEOUT_MS, maxInFlight: MAX_CLAIMS_IN_FLIGHT };

export function holdHandler(deps: BookingsRouteDeps, limits: ClaimLimits = CLAIM_LIMITS): HoldHandler {
  const claims = seatClaims(deps.config, fetch, limits);
  return async (c) => {
    const timer = deps.metrics.holdDuration.startTimer();
    try {
      return await hold(deps, claims, c);
    } catch (err) {
      const refused = err instanceof DomainError && (err.kind === 'conflict' || err.kind === 'rate_limited');
      if (refused) deps.metrics.holdsRefused.inc({ reason: err.code });
      throw err;
    } finally {
      timer();
    }
  };
}

async function hold(deps: BookingsRouteDeps, claims: SeatClaims, c: HoldContext) {
  const deadline = Date.now() + deps.config.bookings.sagaAnswerMs;
  const principal = principalOf(c);
  const body = c.req.valid('json');
  const selection: SeatSelection = body.seats
    ? { seatIds: [...new Set(body.seats)] }
    : { sectionId: body.section!, quantity: body.quantity! };
  const key = c.req.valid('header')['idempotency-key'];
  const bookingId = bookingIdFor(principal.userId, key);
  const holdTtlMs = deps.config.bookings.holdTtlSeconds * 1000;
  // Nobody can come back for a request without a key: once its client is gone, what it holds is given back.
  const abandoned = () => key === undefined && c.req.raw.signal.aborted;
  const known = await deps.orm.em.fork().findOne(Booking, { id: bookingId, customerId: principal.userId });
  // While the event's waiting room is on, the hold uses an admission before anything is claimed.
  const admission = known ? undefined : await admissionFor(deps, body, principal.userId, selection, bookingId);
  const progress: HoldProgress = { booking: 'none' };
  try {
    return await holdAdmitted(deps, claims, c, { bookingId, selection, key, holdTtlMs, deadline, known, abandoned }, progress);
  } catch (err) {
    // No booking came of this try: the admission is the customer's again, for other seats or a retry in a moment.
    if (admission && progress.booking === 'none') {
      await giveAdmissionBack(deps.orm.em.fork(), admission, bookingId).catch(() => undefined);
    }
    throw err;
  }
}

interface HoldRequest {
  bookingId: string;
  selection: SeatSelection;
  key: string | undefined;
  holdTtlMs: number;
  deadline: number;
  known: BookingRow | null;
  abandoned: () => boolean;
}

/**
 * How far a hold got, for its admission: `none` while no booking can have come of it (nothing started, or its saga
 * ended holding nothing), `maybe` once its saga may run. A hold that fails while `none` gives its admission back; one
 * whose outcome is unknown (BOOKING_OUTCOME_PENDING) or whose booking exists keeps it bound to that booking, so a retry
 * with the same Idempotency-Key joins it.
 */
interface HoldProgress {
  booking: 'none' | 'maybe';
}

/**
 * The admission a hold of an event with its waiting room on uses (none when the event has no waiting room). The token
 * is checked first (no admission: ADMISSION_REQUIRED, whatever else is asked), then the seats it may hold. A lapsed
 * token is let through to useAdmission, which accepts it only for the booking it was used for already.
 */
async function admissionFor(
  deps: BookingsRouteDeps,
  body: { eventId: string; admissionToken?: string | undefined },
  customerId: string,
  selection: SeatSelection,
  bookingId: string,
): Promise<Admission | undefined> {
  const record = await sharedOnSaleCache(deps.orm).get(body.eventId);
  if (!record?.waitingRoom) return undefined;
  const admission = await readAdmission(record, body.admissionToken, customerId);
  checkAdmissionSeats(record, 'seatIds' in selection ? selection.seatIds.length : selection.quantity);
  await useAdmission(deps.orm.em.fork(), admission, bookingId);
  return admission;
}

async function holdAdmitted(deps: BookingsRouteDeps, claims: SeatClaims, c: HoldContext, request: HoldRequest, progress: HoldProgress) {
  const principal = principalOf(c);
  const body = c.req.valid('json');
  const { bookingId, selection, key, holdTtlMs, deadline, known, abandoned } = request;

  // A booking with a record has its saga already: the saga answers, as it holds (or held) the seats itself.
  let claimedHold: HoldResult | undefined;
  if (!known) {
    const claim = await claims.claim({
      holdId: bookingId,
      eventId: body.eventId,
      customerId: principal.userId,
      selection,
      until: new Date(Date.now() + holdTtlMs).toISOString(),
    });
    if (claim.outcome === 'busy') throw holdsBusy();
    if (claim.outcome === 'timed-out') {
      // It may have been made: nobody can come back for it without a key, and a release bars it if it is still on its way.
      if (key === undefined) await claims.release(bookingId).catch(() => undefined);
      throw claimTimedOut(claim.afterMs, key !== undefined);
    }
    // HOLD_RELEASED: this key's booking gave its seats up (its saga ended, or could not start); the saga path answers
    // what became of it. Any other refusal is the answer, and no saga starts.
    if (claim.outcome === 'refused' && claim.error.code !== 'HOLD_RELEASED') throw claim.error;
    if (claim.outcome === 'held') claimedHold = claim.hold;
    if (claimedHold && abandoned()) {
      await claims.release(bookingId).catch(() => undefined);
      throw requestAbandoned();
    }
  }

  const input: BookingInput = {
    bookingId,
    customerId: principal.userId,
    eventId: body.eventId,
    selection,
    holdTtlMs,
    requestedAt: new Date().toISOString(),
    ...(claimedHold ? { claimedHold } : {}),
  };
  let answer;
  progress.booking = 'maybe';
  try {
    answer = await holdWithStart(deps.client, input, {
      deadline,
      updateId: keyedUpdateId('hold', principal.userId, key, idempotencyRunOf(c)),
    });
  } catch (err) {
    if (err instanceof SagaAnswerPending) {
      // The saga may still hold the seats: if its client is gone, it is asked to cancel, which it does once held.
      if (abandoned()) await cancelAbandoned(deps.client, bookingId, principal.userId, deadline);
      const pending = outcomePending(c, bookingId, `bookings/${bookingId}`, key !== undefined);
      return c.json(pending.body, 503, pending.headers);
    }
    // The saga of this key has finished: the request is answered from the booking record.
    if (err instanceof WorkflowExecutionAlreadyStartedError && known) return c.json(viewOfRow(known), 200);
    // The saga of this key ended before its booking could be written: this key can hold nothing now, and a hold
    // claimed for it just now has no saga to adopt it.
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      progress.booking = 'none';
      if (claimedHold) await claims.release(bookingId).catch(() => undefined);
      throw new DomainError(
        'conflict',
        'BOOKING_KEY_SPENT',
        'A booking started with this Idempotency-Key ended before it held any seats; send a new key to try again.',
      );
    }
    // The saga could not start: a claim nobody can come back for (no key) is given back at once, unless the saga turns
    // out to run after all. A keyed request's claim stays for its retry, which claims the same hold id, gets this
    // hold and starts the saga with it; with no retry it lapses at its expiry like any unpaid hold. The admission is
    // given back unless the saga may run (Temporal cannot say it does not).
    if (await sagaNeverStarted(deps.client, bookingId, deadline)) {
      progress.booking = 'none';
      if (claimedHold && key === undefined) await claims.release(bookingId).catch(() => undefined);
    }
    throw err;
  }
  if (!answer.ok) {
    // The saga refused the hold and ended: it holds nothing.
    progress.booking = 'none';
    throw refusalOf(answer, { errors: answer.seatIds.map((id) => ({ field: `seats.${id}`, message: 'is already taken' })) });
  }
  if (abandoned()) {
    await cancelAbandoned(deps.client, bookingId, principal.userId, deadline);
    throw requestAbandoned();
  }
  return c.json(viewOfWorkflow(answer.booking), 201);
}

/** The answer to a request whose client has gone: nobody reads it, the logs do. */
function requestAbandoned(): DomainError {
  return new DomainError(
    'conflict',
    'REQUEST_ABANDONED',
    'The client went away before the answer and the request had no Idempotency-Key: nothing stays held for it.',
  );
}

/** The answer to a hold beyond the claims this process may have in flight: nothing was claimed or started. */
function holdsBusy(): DomainError {
  return new DomainError(
    'rate_limited',
    'HOLDS_BUSY',
    `Too many holds are being claimed right now; nothing was held. Retry in ${HOLDS_BUSY_RETRY_AFTER_SECONDS} s.`,
    { retryAfterSeconds: HOLDS_BUSY_RETRY_AFTER_SECONDS },
  );
}

/** The answer to a claim the events service did not answer in time: no saga started. */
function claimTimedOut(afterMs: number, keyed: boolean): DomainError {
  const kept = keyed
    ? 'If the seats were held, a retry with the same Idempotency-Key gets that hold.'
    : 'Nothing stays held for this request.';
  return new DomainError(
    'unavailable',
    'SEAT_CLAIM_TIMEOUT',
    `The seats could not be claimed within ${afterMs / 1000} s: the events service is busy. ${kept} ` +
      `Retry in ${CLAIM_TIMEOUT_RETRY_AFTER_SECONDS} s.`,
    { retryAfterSeconds: CLAIM_TIMEOUT_RETRY_AFTER_SECONDS },
  );
}

/** Asks the saga to cancel its booking (a signal: it cancels once its hold is made); failing that, the hold lapses. */
async function cancelAbandoned(client: Client, bookingId: string, customerId: string, deadline: number): Promise<void> {
  const saga = client.workflow.getHandle(bookingWorkflowId(bookingId));
  const request = { actor: `customer:${customerId}`, reason: 'the client went away before the hold was answered' };
  await withinDeadline(client, Math.max(deadline, Date.now() + 1_000), () => saga.signal(cancelSignal, request)).catch(() => undefined);
}

/** Whether Temporal says the booking's saga does not exist; any doubt (it cannot be asked) counts as no. */
async function sagaNeverStarted(client: Client, bookingId: string, deadline: number): Promise<boolean> {
  try {
    await withinDeadline(client, Math.max(deadline, Date.now() + 1_000), () =>
      client.workflow.getHandle(bookingWorkflowId(bookingId)).describe(),
    );
    return false;
  } catch (err) {
    return err instanceof WorkflowNotFoundError;
  }
}

// ---- Seat claims in the events service ----

export interface SeatClaimRequest {
  holdId: string;
  eventId: string;
  customerId: string;
  selection: SeatSelection;
  /** ISO instant the claimed seats lapse. */
  until: string;
}

export type SeatClaim =
  | { outcome: 'held'; hold: HoldResult }
  | { outcome: 'refused'; error: DomainError }
  /** No events instance gave an answer: the saga's hold step decides. */
  | { outcome: 'unanswered' }
  /** An events instance took the claim and did not answer in time: it may hold. */
  | { outcome: 'timed-out'; afterMs: number }
  /** This process has as many claims in flight as it may: nothing was sent. */
  | { outcome: 'busy' };

export interface SeatClaims {
  claim(request: SeatClaimRequest): Promise<SeatClaim>;
  /** Gives a claim back; throws UpstreamUnavailable when no events instance could be asked (the claim then lapses). */
  release(holdId: string): Promise<void>;
}

/** The events service's refusals of a claim, each the one the saga's hold step would give. */
const CLAIM_REFUSALS: Record<string, DomainErrorKind> = {
  SEATS_UNAVAILABLE: 'conflict',
  HOLD_LIMIT_EXCEEDED: 'conflict',
  EVENT_NOT_ON_SALE: 'conflict',
  HOLD_RELEASED: 'conflict',
  EVENT_NOT_FOUND: 'not_found',
  SEAT_NOT_FOUND: 'invalid',
};

type ProblemBody = { code?: unknown; detail?: unknown; errors?: { field: string; message: string }[] };

/**
 * The claims of one bookings process, through the service client to the events instances in turn. Any answer but a
 * hold or one of the refusals above (a 5xx, a 403 from an instance without the platform secret, an instance without
 * the route) counts against that instance; a claim is idempotent per hold id, so asking the next one is safe. A claim
 * has `limits.timeoutMs` for all the instances it asks, and at most `limits.maxInFlight` are in flight at once.
 */
export function seatClaims(
  config: Pick<Config, 'services' | 'auth' | 'dataDir'>,
  doFetch: typeof fetch = fetch,
  limits: ClaimLimits = CLAIM_LIMITS,
): SeatClaims {
  const pool = new UpstreamPool('events', config.services.events.urls);
  let secret: Promise<string> | undefined;
  let inFlight = 0;
  const headers = async () => ({ [GATEWAY_PROOF_HEADER]: await (secret ??= gatewaySecret(config)), 'content-type': 'application/json' });
  const post = (body: unknown, options: { timeoutMs?: number; onTimeout?: () => void } = {}) => {
    const sent = { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
    return createServiceClient({
      service: 'events',
      instances: pool,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      fetch: (url, init) =>
        doFetch(url, { ...init, ...sent }).catch((err: unknown) => {
          if (err instanceof Error && err.name === 'TimeoutError') options.onTimeout?.();
          throw err;
        }),
    });
  };

  return {
    async claim(request) {
      if (inFlight >= limits.maxInFlight) return { outcome: 'busy' };
      inFlight++;
      // Set when an instance took the claim and gave no answer in time: it may hold, so this is no unreachable service.
      let timedOut = false;
      const events = post(request, { timeoutMs: limits.timeoutMs, onTimeout: () => (timedOut = true) });
      try {
        return await events.call('/internal/holds', (res) => readClaim(res), { headers: await headers(), budgetMs: limits.timeoutMs });
      } catch (err) {
        if (err instanceof UpstreamUnavailable)
          return timedOut ? { outcome: 'timed-out', afterMs: limits.timeoutMs } : { outcome: 'unanswered' };
        throw err;
      } finally {
        inFlight--;
      }
    },
    async release(holdId) {
      const events = post(undefined);
      await events.call(
        `/internal/holds/${encodeURIComponent(holdId)}/release`,
        async (res) => {
          if (res.status !== 200) throw new Error(`answered ${res.status}`);
          await res.body?.cancel();
        },
        { headers: await headers() },
      );
    },
  };
}

async function readClaim(res: Response): Promise<SeatClaim> {
  if (res.status === 200) return { outcome: 'held', hold: (await res.json()) as HoldResult };
  if (![404, 409, 422].includes(res.status)) throw new Error(`answered ${res.status}`);
  const problem = (await res.json()) as ProblemBody;
  const code = typeof problem.code === 'string' ? problem.code : '';
  const kind = CLAIM_REFUSALS[code];
  // Not a refusal of the claim (a route this instance does not have, a request it could not read): try the next.
  if (!kind) throw new Error(`answered ${res.status} ${code}`);
  const errors = problem.errors ?? [];
  const seatIds = errors.filter((e) => e.field.startsWith('seats.')).map((e) => e.field.slice('seats.'.length));
  const message = typeof problem.detail === 'string' ? problem.detail : code;
  return { outcome: 'refused', error: new DomainError(kind, code, message, errors.length ? { seatIds, errors } : {}) };
}
