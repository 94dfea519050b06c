// Whether an error means the database could not be reached or went away under the statement (restarting, shutting
// down, out of connections): a moment's outage, answered 503 with Retry-After, never a 500 for a request that was fine.
import { DriverException } from '@mikro-orm/core';

/** Errors of the socket to the database: refused, reset, unreachable, timed out. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * SQLSTATEs of a server that is going or not yet there: 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
 * connect now (starting up), 53300 too many connections; and class 08 (connection exception) except 08P01, which is a
 * malformed statement (a NUL byte), not the connection.
 */
const UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '53300']);

/** What pg and its pool say, without a code, when a connection dies under a query or cannot be had in time. */
const UNAVAILABLE_MESSAGES = /Connection terminated|connection error|timeout exceeded when trying to connect/i;

function unavailableHere(err: object): boolean {
  const { code, sqlState, message } = err as { code?: unknown; sqlState?: unknown; message?: unknown };
  // Before SQLSTATEs: EPIPE has their shape (five capitals) but is the socket's.
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  const state = typeof sqlState === 'string' ? sqlState : typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  if (state) return UNAVAILABLE_SQLSTATES.has(state) || (state.startsWith('08') && state !== '08P01');
  // A driver error carries its cause; a plain pg error only its message.
  return (err instanceof DriverException || err instanceof Error) && typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/**
 * True for an error (or one of its causes) that says the database is away. Errors from HTTP calls to other services
 * (a fetch's TypeError) are not read here: their callers answer for them.
 */
export function databaseUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof TypeError) return false;
    if (unavailableHere(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
