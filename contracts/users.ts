// Facts the users service publishes.
import { z } from 'zod';
import { ROLES } from '../common/auth/verify.ts';
import { defineEvent } from './envelope.ts';

export const userRegisteredV1 = defineEvent(
  'user.registered',
  1,
  z.object({ userId: z.uuid(), email: z.email(), name: z.string(), role: z.enum(ROLES) }),
);

/** A user's name or email changed (their profile, or an admin); the newest fact wins. */
export const userUpdatedV1 = defineEvent(
  'user.updated',
  1,
  z.object({ userId: z.uuid(), email: z.email(), name: z.string(), role: z.enum(ROLES) }),
);

export const SESSION_REVOCATION_REASONS = [
  'logout',
  'revoked_by_user',
  'refresh_token_reuse',
  'user_deactivated',
  'revoked_by_admin',
] as const;

export const sessionRevokedV1 = defineEvent(
  'session.revoked',
  1,
  z.object({
    sessionId: z.uuid(),
    userId: z.uuid(),
    reason: z.enum(SESSION_REVOCATION_REASONS),
    revokedAt: z.iso.datetime({ offset: true }),
    /** No access token of the session outlives this instant, so a verifier may forget the revocation then. */
    tokensValidUntil: z.iso.datetime({ offset: true }),
  }),
);
