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
  SEATS_UNAVAILABLE: 'Some of these seats were just taken by someone else. Pick others.',
  SEAT_UNAVAILABLE: 'Some of these seats were just taken by someone else. Pick others.',
  NOT_ENOUGH_SEATS: 'There are not enough free seats together in this section.',
  TOO_MANY_SEATS: 'That is more seats than one customer may book for this event.',
  HOLDS_BUSY: 'Many people are booking right now. Try again in a moment.',
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
  CANCELLATION_NOT_ALLOWED: 'This booking can no longer be cancelled under the event’s policy.',
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
  NETWORK_ERROR: 'Eventix could not be reached. Check your connection and try again.',
};

/** The problem a failed call answered, or a network failure as one. */
export function problemOf(error: unknown, response?: Response): Problem {
  if (error && typeof error === 'object' && 'code' in error && typeof (error as Problem).code === 'string') {
    const p = error as Problem;
    return { ...p, status: p.status ?? response?.status ?? 0 };
  }
  return { status: response?.status ?? 0, code: response ? 'UNEXPECTED' : 'NETWORK_ERROR' };
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
