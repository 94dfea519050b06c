// Money routes outside the users service ask it whether the caller's session is still open: a token stays valid
// until it expires, but a logout or revocation must stop a payment or a refund at once. While no users instance
// answers, the revocation feed may vouch instead: a session it does not name, while it is complete (loaded since its
// last subscription, and subscribed), is open unless revoked in the moment before the users service went away (its
// revocation reaches the feed once it is back). Without the feed's word the answer is 503 with Retry-After.
import { GATEWAY_PROOF_HEADER } from '../http/client-address.ts';
import { HttpProblem } from '../http/problem.ts';
import { createServiceClient, UpstreamUnavailable } from '../http/service-client.ts';
import type { Logger } from '../logger.ts';
import { SessionStatusSchema } from './session-status.ts';
import { sessionEnded } from './verify.ts';

/** Resolves when the session is open; 401 SESSION_REVOKED when it was ended, 503 AUTH_UNAVAILABLE when nobody can tell. */
export type SessionCheck = (sessionId: string) => Promise<void>;

/** Asks the users service's instances in turn (`GET /internal/sessions/:id`, proven with the platform's shared secret). */
export function remoteSessionCheck(options: {
  urls: string[];
  secret: string;
  logger: Logger;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Whether the revocation feed vouches for a session while the users service cannot be asked. */
  vouch?: (sessionId: string) => boolean;
}): SessionCheck {
  const users = createServiceClient({
    service: 'users',
    instances: options.urls,
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    // Said for every instance that is away or answered something else, also when the next one vouches for the
    // session: an "answered 403" means this process and the users service hold different platform secrets.
    onInstanceFailure: ({ url, reason }) => options.logger.warn({ err: reason, usersService: url }, 'session check failed'),
  });
  return async (sessionId) => {
    let status;
    try {
      status = await users.getJson(`/internal/sessions/${encodeURIComponent(sessionId)}`, SessionStatusSchema, {
        headers: { [GATEWAY_PROOF_HEADER]: options.secret },
      });
    } catch (err) {
      if (!(err instanceof UpstreamUnavailable)) throw err;
      if (options.vouch?.(sessionId)) return;
      // Fail closed: no money moves on a session nobody could vouch for.
      throw new HttpProblem(503, 'AUTH_UNAVAILABLE', 'Your session cannot be confirmed right now; try again shortly.', undefined, {
        'retry-after': '2',
      });
    }
    if (!status.open) throw sessionEnded();
  };
}
