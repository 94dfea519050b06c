// Hono middleware over the verification module: who is calling, and may they.
import type { Context, MiddlewareHandler } from 'hono';
import { HttpProblem } from '../http/problem.ts';
import { requestHeader } from '../http/request-headers.ts';
import { sessionEnded, unauthorized, type Principal, type Role, type TokenVerifier } from './verify.ts';

export type AuthVariables = { principal?: Principal; accessToken?: string; scannerAllowed?: boolean };

/**
 * A scanner token (door staff) is a weaker credential kept on shared devices at the doors: it may only scan and read
 * counts. Every route refuses it unless the route opted in with `allowScanner` placed before `authenticate`/`identify`.
 */
export const SCANNER_TOKEN_RESTRICTED = 'SCANNER_TOKEN_RESTRICTED';

/** Marks the route as one a scanner token may call (check-in routes, the caller's own session); place it first. */
export const allowScanner: MiddlewareHandler<{ Variables: AuthVariables }> = async (c, next) => {
  c.set('scannerAllowed', true);
  await next();
};

function refuseRestrictedScanner(c: Context, principal: Principal): void {
  if (principal.role === 'scanner' && c.get('scannerAllowed' as never) !== true) {
    throw new HttpProblem(403, SCANNER_TOKEN_RESTRICTED, 'A scanner token may only be used for check-in at the doors.');
  }
}

/** The bearer token of a request; undefined when there is no Authorization header, 401 when it is not a bearer token. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+([\w.~+/=-]+)\s*$/i.exec(header);
  if (!match) throw unauthorized('TOKEN_INVALID', 'The Authorization header must be "Bearer <access token>".');
  return match[1];
}

/**
 * Verifies the caller's token (never an identity header) and keeps the principal for the handlers. A scanner token is
 * refused (403 SCANNER_TOKEN_RESTRICTED) unless `allowScanner` came first.
 */
export function authenticate(verifier: TokenVerifier): MiddlewareHandler<{ Variables: AuthVariables }> {
  const known = identify(verifier);
  return async (c, next) => {
    if (requestHeader(c, 'authorization') === undefined) {
      throw unauthorized('AUTHENTICATION_REQUIRED', 'This route needs an access token (Authorization: Bearer …).');
    }
    await known(c, next);
  };
}

export function principalOf(c: Context): Principal {
  const principal = c.get('principal' as never) as Principal | undefined;
  if (!principal) throw unauthorized('AUTHENTICATION_REQUIRED', 'This route needs an access token (Authorization: Bearer …).');
  return principal;
}

export function requireRole(role: Role): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (principalOf(c).role !== role) throw new HttpProblem(403, 'FORBIDDEN', `This route is for the ${role} role only.`);
    await next();
  };
}

/**
 * Knows the caller when a token is sent (admins see more), lets anonymous callers through; a bad token is still a 401,
 * and a scanner token a 403 unless the route allows scanners.
 */
export function identify(verifier: TokenVerifier): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const token = bearerToken(requestHeader(c, 'authorization'));
    if (token !== undefined) {
      const principal = await verifier.verify(token);
      refuseRestrictedScanner(c, principal);
      c.set('principal', principal);
      c.set('accessToken', token);
    }
    await next();
  };
}

/** After `authenticate`: refuses a token whose session has been ended, asking the session's owner (money routes). */
export function sessionOpen(check: (sessionId: string) => Promise<void>): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    await check(principalOf(c).sessionId);
    await next();
  };
}

export function isAdmin(c: Context): boolean {
  return (c.get('principal' as never) as Principal | undefined)?.role === 'admin';
}

/** Verified tokens a process remembers at most; past it the memory starts afresh (a cold cache only costs a verify). */
const VERIFIED_TOKENS_MAX = 10_000;

/**
 * A verifier that remembers each token it verified until the token expires, so a client presenting the same token
 * again costs a map lookup instead of a signature check. Every answer from memory is checked again against the
 * revoked sessions and the expiry, so a revocation applies to a remembered token at once; refused tokens are never
 * remembered.
 */
export function rememberingVerifier(verifier: TokenVerifier, isRevoked: (sessionId: string) => boolean): TokenVerifier {
  const verified = new Map<string, Principal>();
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt.getTime() > Date.now()) {
          if (isRevoked(known.sessionId)) throw sessionEnded();
          return known;
        }
        verified.delete(token);
      }
      const principal = await verifier.verify(token);
      if (verified.size >= VERIFIED_TOKENS_MAX) verified.clear();
      verified.set(token, principal);
      return principal;
    },
  };
}
