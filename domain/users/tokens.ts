// Access tokens (short-lived signed JWTs) and refresh tokens (opaque, stored as hashes).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKeys } from '../../common/auth/keys.ts';
import { ACCESS_TOKEN_TYPE, type Role } from '../../common/auth/verify.ts';
import type { AuthConfig } from '../../common/config.ts';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export function issueAccessToken(
  keys: SigningKeys,
  auth: Pick<AuthConfig, 'issuer' | 'audience' | 'accessTokenTtlSeconds'>,
  subject: { userId: string; role: Role; sessionId: string },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: subject.role, sid: subject.sessionId })
    .setProtectedHeader({ alg: keys.active.alg, kid: keys.active.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setSubject(subject.userId)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + auth.accessTokenTtlSeconds)
    .sign(keys.active.privateKey);
}

/** A new refresh token: 256 random bits, prefixed so it is recognisable in a leak scanner. */
export function newRefreshToken(): string {
  return `ertk_${randomBytes(32).toString('base64url')}`;
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
