// API problems (problem+json) in words for people: a sentence per stable code the box office meets, the API's own
// detail otherwise, and the field errors by field so forms can show each next to its input.

export interface Problem {
  status: number;
  code: string;
  detail?: string;
  errors?: { field: string; message: string }[];
  retryAfterSeconds?: number;
}

const WORDS: Record<string, string> = {
  INVALID_CREDENTIALS: 'That email and password do not match an account.',
  EMAIL_TAKEN: 'An account with this email already exists. Sign in instead?',
  TOO_MANY_ATTEMPTS: 'Too many attempts. Wait a moment and try again.',
  VALIDATION_FAILED: 'Some fields need another look.',
  TOKEN_INVALID: 'Your session has ended. Please sign in again.',
  TOKEN_EXPIRED: 'Your session has ended. Please sign in again.',
  FORBIDDEN: 'Your account may not do this.',
  NOT_FOUND: 'This could not be found. It may have been removed.',
  EVENT_NOT_FOUND: 'This event could not be found.',
  EVENT_NOT_ON_SALE: 'This event is not on sale right now.',
  EVENT_STATE_CONFLICT: 'The event’s status does not allow this any more. Reload the page to see where it stands.',
  EVENT_NOT_STARTED: 'An event can be marked as held only once it has started.',
  UNPRICED_SECTIONS: 'Every section with seats needs a price before the event can be published.',
  VENUE_NOT_FOUND: 'This venue could not be found.',
  VENUE_TIME_ZONE_INVALID: 'Pick a time zone from the list, such as Europe/Berlin.',
  SEATS_UNAVAILABLE: 'Some of these seats were just taken by someone else. Pick others.',
  SEAT_UNAVAILABLE: 'Some of these seats were just taken by someone else. Pick others.',
  NOT_ENOUGH_SEATS: 'There are not enough free seats together in this section.',
  TOO_MANY_SEATS: 'That is more seats than one customer may book for this event.',
  HOLDS_BUSY: 'Many people are booking right now. Try again in a moment.',
  HOLD_LIMIT_EXCEEDED: 'You already hold as many seats of this event as one customer may. Pay for or release them first.',
  HOLD_FAILED: 'Your seats could not be held just now. Nothing was held: try again.',
  HOLD_NOT_RECORDED: 'Your seats could not be held just now. Nothing was held: try again.',
  SESSION_REVOKED: 'Your session has ended. Please sign in again.',
  AUTH_UNAVAILABLE: 'Eventix could not confirm your session just now. Try again in a moment.',
  SEAT_CLAIM_TIMEOUT: 'The box office is very busy. Try again in a few seconds.',
  BOOKING_OUTCOME_PENDING: 'Your booking is still being processed. Check My bookings in a moment.',
  BOOKING_NOT_FOUND: 'This booking could not be found.',
  BOOKING_EXPIRED: 'Your hold expired and the seats were released. Pick your seats again.',
  HOLD_EXPIRED: 'Your hold expired and the seats were released. Pick your seats again.',
  PAYMENT_DECLINED: 'Your card was declined. Try another card.',
  CARD_DECLINED: 'Your card was declined. Try another card.',
  INSUFFICIENT_FUNDS: 'Your card was declined for insufficient funds. Try another card.',
  EXPIRED_CARD: 'Your card has expired. Try another card.',
  PROCESSING_ERROR: 'The card network had a problem. Try again.',
  PAYMENT_FAILED: 'The payment could not be completed and nothing was charged. Try again or use another card.',
  PAYMENT_NOT_RECORDED: 'The payment could not be started and nothing was charged. Try again.',
  CANCELLATION_NOT_ALLOWED: 'This booking can no longer be cancelled under the event’s policy.',
  CANCELLATION_CLOSED: 'The cancellation deadline for this event has passed.',
  BOOKING_NOT_CANCELLABLE: 'This booking has ended and cannot be cancelled.',
  TICKETS_TRANSFERRED: 'A ticket of this booking was sent to someone else, so only Eventix staff can cancel it now.',
  NO_TICKETS: 'This booking has no valid tickets of yours to print.',
  TICKET_NOT_FOUND: 'This ticket could not be found.',
  NOT_TICKET_HOLDER: 'Only the ticket’s holder can change it.',
  TICKET_NOT_VALID: 'This ticket is no longer valid.',
  TICKET_NAME_LOCKED: 'The event has started: the name on the ticket can no longer change.',
  TRANSFER_RECEIVER_UNKNOWN: 'There is no Eventix account with this email. Ask them to create one first.',
  TRANSFER_TO_SELF: 'This is your own email: the ticket is already yours.',
  TRANSFER_RECEIVER_CANNOT_HOLD: 'Tickets cannot be sent to a door staff account.',
  TRANSFER_PENDING: 'This ticket is already offered to someone. Take that offer back first.',
  TRANSFER_CLOSED: 'The event starts too soon to send tickets on.',
  TRANSFER_NOT_PENDING: 'This offer was already accepted, declined or taken back.',
  TRANSFER_NOT_FOUND: 'This offer could not be found.',
  NOTIFICATION_NOT_FOUND: 'This notification could not be found.',
  SESSION_NOT_FOUND: 'That device is already signed out.',
  SERVICE_UNAVAILABLE: 'Part of Eventix is not reachable right now. Try again shortly.',
  UPSTREAM_TIMEOUT: 'Eventix took too long to answer. Your request may still complete: check before trying again.',
  UPSTREAM_CONNECTION_LOST: 'The connection was lost. Your request may still complete: check before trying again.',
  RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
  TICKET_ALREADY_USED: 'This ticket has already been used.',
  TICKET_VOID: 'This ticket is void.',
  TICKET_WRONG_EVENT: 'This ticket is for another event.',
  TICKET_INVALID_SIGNATURE: 'This is not a valid Eventix ticket.',
  TICKET_MALFORMED: 'This code is not an Eventix ticket.',
  TICKET_CODE_EXPIRED: 'This code has expired. Ask the holder to show the live code in the app.',
  TICKET_PRINT_CODE_REFUSED: 'Printed tickets are not accepted at this event. Ask for the live code in the app.',
  SCANNER_NOT_GRANTED: 'This door account is not allowed to scan for this event.',
  SCANNER_TOKEN_RESTRICTED: 'A door account can only scan tickets. Sign in with another account for this.',
  TICKET_UNKNOWN: 'This ticket is not known to Eventix.',
  TICKET_EXPIRED: 'This ticket is no longer valid: the event is over.',
  TICKET_NOT_INSIDE: 'This ticket is not inside, so it cannot be let out.',
  REENTRY_NOT_ALLOWED: 'This ticket went out, and this event does not allow coming back in.',
  BOOKING_NOT_HELD: 'This booking is no longer waiting for payment. Its page shows what became of it.',
  SEATS_NO_LONGER_HELD: 'Your hold ran out before the payment finished, so nothing was charged. Pick your seats again.',
  IDEMPOTENCY_KEY_REUSED: 'This request clashed with an earlier one. Reload the page and try again.',
  IDEMPOTENCY_KEY_IN_USE: 'Your previous attempt is still being processed. Wait a moment, then check before trying again.',
  ACCOUNT_DEACTIVATED: 'This account has been deactivated. Contact the organizer if you think this is a mistake.',
  INCORRECT_CVC: 'The card’s security code is wrong. Try again or use another card.',
  FRAUD_SUSPECTED: 'The card was declined. Use another card.',
  INVALID_PAYMENT_METHOD: 'This card cannot be used. Try another card.',
  NETWORK_ERROR: 'Eventix could not be reached. Check your connection and try again.',
  ON_SALE_NOT_SET: 'This event has no waiting room. Reload the page to choose seats.',
  WAITING_ROOM_OFF: 'This event no longer sells through a waiting room. Reload the page to choose seats.',
  EVENT_SOLD_OUT: 'The event has sold out, so the queue is closed. Join the waiting list for seats that come back.',
  NOT_IN_QUEUE: 'You are not in the queue for this event. Join it to be admitted.',
  QUEUE_TICKET_NOT_YOURS: 'This queue place belongs to another account. Join the queue with your own.',
  TOO_MANY_REQUESTS: 'Too many tries to join from this device or account. Wait a moment and try again.',
  ADMISSION_REQUIRED: 'This event sells through a waiting room: join the queue and wait for your turn before holding seats.',
  ADMISSION_EXPIRED: 'Your turn to choose seats ran out before you held any. Join the queue again for a new place.',
  ADMISSION_USED: 'Your turn has already been used for a hold. Find those seats in My bookings.',
  ADMISSION_SEAT_LIMIT: 'That is more seats than one turn in the queue may hold for this event. Pick fewer.',
  EVENT_NOT_SOLD_OUT: 'Seats are still free for this request: choose them on the seat map instead.',
  WAITING_LIST_SEAT_LIMIT: 'That is more seats than one customer may ask for at this event. Ask for fewer.',
  WAITING_LIST_ENTRY_NOT_FOUND: 'You are not on the waiting list for this event.',
  WAITING_LIST_OFFER_ACCEPTED: 'You paid for the seats offered to you, so you can no longer leave the list. Cancel the booking instead.',
  OFFER_NOT_CANCELLED: 'You have left the waiting list, but the seats held for you could not be released yet. Press Leave again.',
  SEATS_NOT_READ: 'The free seats could not be checked just now. Nothing was changed: try again.',
  SECTION_NOT_FOUND: 'That section is not part of this event. Pick another.',
};

/** The problem a failed call answered (with its Retry-After, when it says how long to wait), or a network failure as one. */
export function problemOf(error: unknown, response?: Response): Problem {
  const retryAfter = Number(response?.headers.get('retry-after'));
  const wait = retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {};
  if (error && typeof error === 'object' && 'code' in error && typeof (error as Problem).code === 'string') {
    const p = error as Problem;
    return { ...p, ...wait, status: p.status ?? response?.status ?? 0 };
  }
  return { status: response?.status ?? 0, code: response ? 'UNEXPECTED' : 'NETWORK_ERROR', ...wait };
}

/** The problem in words, never a bare code. */
export function describeProblem(problem: Problem): string {
  const words = WORDS[problem.code];
  if (words) return words;
  if (problem.detail) return problem.detail;
  if (problem.status >= 500) return 'Something went wrong on our side. Try again in a moment.';
  return 'That did not work. Please try again.';
}

/** A field's message, by the field names the API uses (`email`, `sections.0.name`, …). */
export function fieldError(problem: Problem | undefined, field: string): string | undefined {
  return problem?.errors?.find((e) => e.field === field || e.field.startsWith(`${field}.`))?.message;
}

/** A call's data, or throws its problem: for code that shows the problem where it is caught. */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result;
  try {
    result = await call;
  } catch {
    throw problemOf(undefined);
  }
  if (result.error !== undefined || result.data === undefined) throw problemOf(result.error, result.response);
  return result.data;
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'code' in value && 'status' in value;
}

/**
 * Whether the request may have been carried out all the same: no answer, or a 5xx (the gateway's timeouts, an outcome
 * still pending). A retry of the same action must then send the same Idempotency-Key, so it joins the first instead of
 * acting twice; only a definite refusal (4xx) makes the next try a new action.
 */
export function mayHaveHappened(problem: Problem): boolean {
  return problem.status === 0 || problem.status >= 500;
}
