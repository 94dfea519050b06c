// Money routes outside the users service ask it whether the caller's session is still open: a token stays valid
// until it expires, but a logout or revocation must stop a payment or a refund at once.
import { SessionStatusSchema } from '../../api/users/schemas.ts';
import { GATEWAY_PROOF_HEADER } from '../http/client-address.ts';
import { HttpProblem } from '../http/problem.ts';
import { traceHeaders } from '../observability/tracing.ts';
import type { Logger } from '../logger.ts';
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
}): SessionCheck {
  const doFetch = options.fetch ?? fetch;
  return async (sessionId) => {
    for (const base of options.urls) {
      try {
        const res = await doFetch(`${base}/internal/sessions/${encodeURIComponent(sessionId)}`, {
          headers: { [GATEWAY_PROOF_HEADER]: options.secret, ...traceHeaders() },
          signal: AbortSignal.timeout(options.timeoutMs ?? 2_000),
        });
        if (!res.ok) {
          await res.body?.cancel();
          // A 403 here means this process and the users service hold different platform secrets.
          throw new Error(`answered ${res.status}`);
        }
        if (!SessionStatusSchema.parse(await res.json()).open) throw sessionEnded();
        return;
      } catch (err) {
        if (err instanceof HttpProblem) throw err;
        // This instance is away or answered something else: say so, and ask the next.
        options.logger.warn({ err: (err as Error).message, usersService: base }, 'session check failed');
      }
    }
    // Fail closed: no money moves on a session nobody could vouch for.
    throw new HttpProblem(503, 'AUTH_UNAVAILABLE', 'Your session cannot be confirmed right now; try again shortly.');
  };
}
