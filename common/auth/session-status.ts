// What the users service answers other processes about sessions: shared by the users API that serves it, the gateway
// that loads revocations and the money routes' session check.
import { z } from 'zod';

/** `GET /internal/revoked-sessions`: revocations whose access tokens may still be presented. */
export const RevocationsSchema = z.object({ items: z.array(z.object({ sessionId: z.uuid(), tokensValidUntil: z.iso.datetime() })) });

/** `GET /internal/sessions/:id`. */
export const SessionStatusSchema = z.object({ sessionId: z.uuid(), open: z.boolean() });
