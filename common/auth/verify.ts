// The one access-token check of Eventix, used by the gateway and by every service.
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { AuthConfig } from '../config.ts';
import { HttpProblem } from '../http/problem.ts';
import { createServiceClient, UpstreamUnavailable } from '../http/service-client.ts';
import type { Logger } from '../logger.ts';
import { TOKEN_ALGORITHMS } from './keys.ts';

/** The `typ` header of an Eventix access token (RFC 9068). Refresh tokens are opaque and never JWTs. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** user: a customer; admin: runs the platform; scanner: door staff, whose token only scans tickets (see allowScanner). */
export const ROLES = ['user', 'admin', 'scanner'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  userId: string;
  role: Role;
  sessionId: string;
  expiresAt: Date;
}

/** Header parameters that point at keys: a token never chooses the key it is checked with. */
const KEY_POINTERS = ['jku', 'jwk', 'x5u', 'x5c'];
const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'exp', 'iat', 'sid', 'role'];
const ClaimsSchema = z.object({ sub: z.uuid(), sid: z.uuid(), role: z.enum(ROLES), exp: z.number() });

export function unauthorized(code: string, detail: string): HttpProblem {
  return new HttpProblem(401, code, detail);
}

/** The 401 for a token whose session was ended (logout, revocation, refresh-token reuse, deactivation). */
export function sessionEnded(): HttpProblem {
  return unauthorized('SESSION_REVOKED', 'The session of this token has been ended.');
}

export interface TokenVerifier {
  /** Answers who the token speaks for, or throws a 401 HttpProblem (503 when no key can be fetched). */
  verify(token: string): Promise<Principal>;
}

export interface VerifierOptions {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  clockToleranceSeconds?: number;
  /** Sessions known to be revoked (the gateway learns them from RabbitMQ). */
  isRevoked?: (sessionId: string) => boolean;
}

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  return {
    async verify(token) {
      let header;
      try {
        header = decodeProtectedHeader(token);
      } catch {
        throw unauthorized('TOKEN_INVALID', 'The access token is not a signed JWT.');
      }
      if (KEY_POINTERS.some((name) => name in header)) {
        throw unauthorized('TOKEN_INVALID', 'The access token names its own key; Eventix only uses its published keys.');
      }
      if (typeof header.kid !== 'string') throw unauthorized('TOKEN_INVALID', 'The access token names no key id.');
      let payload;
      try {
        ({ payload } = await jwtVerify(token, options.keys, {
          algorithms: [...TOKEN_ALGORITHMS],
          issuer: options.issuer,
          audience: options.audience,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: REQUIRED_CLAIMS,
          clockTolerance,
        }));
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw unauthorized('TOKEN_EXPIRED', 'The access token has expired.');
        if (err instanceof KeysUnavailableError) throw new HttpProblem(503, 'AUTH_UNAVAILABLE', 'Token keys cannot be fetched right now.');
        if (err instanceof errors.JOSEError) throw unauthorized('TOKEN_INVALID', `The access token was refused (${err.code}).`);
        throw err;
      }
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) throw unauthorized('TOKEN_INVALID', 'The access token carries malformed claims.');
      if (options.isRevoked?.(claims.data.sid)) throw sessionEnded();
      return {
        userId: claims.data.sub,
        role: claims.data.role,
        sessionId: claims.data.sid,
        expiresAt: new Date(claims.data.exp * 1000),
      };
    },
  };
}

export function verifierFor(auth: Pick<AuthConfig, 'issuer' | 'audience'>, keys: JWTVerifyGetKey, isRevoked?: (sid: string) => boolean) {
  return createTokenVerifier({ issuer: auth.issuer, audience: auth.audience, keys, isRevoked });
}

/** Keys the process holds itself (the users service checks tokens against its own key set). */
export function localKeys(jwks: JSONWebKeySet): JWTVerifyGetKey {
  return createLocalJWKSet(jwks);
}

export class KeysUnavailableError extends errors.JOSEError {
  static override code = 'EVENTIX_KEYS_UNAVAILABLE';
  override code = 'EVENTIX_KEYS_UNAVAILABLE';
}

export interface RemoteKeysOptions {
  /** Base URLs of the users service instances; only these are ever asked for keys. */
  urls: string[];
  logger?: Logger;
  fetch?: typeof fetch;
  /** An unknown kid triggers a refetch at most this often. */
  refetchCooldownMs?: number;
  /** Keys older than this are fetched again, so a withdrawn key stops working. */
  maxAgeMs?: number;
}

const JwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string() })).min(1) });

/** The users service's published keys: cached, fetched again on an unknown kid (at most once per cooldown). */
export function remoteKeys(options: RemoteKeysOptions): JWTVerifyGetKey {
  const cooldownMs = options.refetchCooldownMs ?? 5_000;
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const users = createServiceClient({ service: 'users', instances: options.urls, fetch: options.fetch });
  let cached: { keySet: JWTVerifyGetKey; fetchedAt: number } | undefined;
  let inFlight: Promise<void> | undefined;

  async function fetchOnce(): Promise<void> {
    try {
      const jwks = (await users.getJson('/.well-known/jwks.json', JwksSchema)) as JSONWebKeySet;
      cached = { keySet: createLocalJWKSet(jwks), fetchedAt: Date.now() };
    } catch (err) {
      if (!(err instanceof UpstreamUnavailable)) throw err;
      options.logger?.warn({ failures: err.failures }, 'token keys could not be fetched from the users service');
      throw new KeysUnavailableError(`token keys unavailable (${err.message})`);
    }
  }

  function refresh(): Promise<void> {
    inFlight ??= fetchOnce().finally(() => (inFlight = undefined));
    return inFlight;
  }

  return async (header, token) => {
    if (!cached) await refresh();
    // Stale keys are refreshed, but kept when the users service cannot be reached right now.
    else if (Date.now() - cached.fetchedAt > maxAgeMs) await refresh().catch(() => undefined);
    try {
      return await cached!.keySet(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || Date.now() - cached!.fetchedAt < cooldownMs) throw err;
      await refresh();
      return cached!.keySet(header, token);
    }
  };
}
