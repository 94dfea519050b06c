// What the payments routes are built from, and the access rules (who may call a route) that those dependencies give.
import type { Client } from '@temporalio/client';
import type { MiddlewareHandler } from 'hono';
import { authenticate, requireRole, sessionOpen } from '../../common/auth/middleware.ts';
import type { SessionCheck } from '../../common/auth/sessions.ts';
import type { TokenVerifier } from '../../common/auth/verify.ts';
import { idempotent } from '../../common/http/idempotency.ts';
import type { PaymentsContext } from '../../domain/payments/payments.ts';

export interface PaymentsRouteDeps {
  ctx: PaymentsContext;
  /** Refunds of a booking's payment start the booking's refund workflow. */
  client: Client;
  verifier: TokenVerifier;
  sessions: SessionCheck;
}

export interface PaymentsAccess {
  signedIn: MiddlewareHandler[];
  /** An admin whose session is open right now, not only whose token is unexpired: refunds move money. */
  adminMoney: MiddlewareHandler[];
  /** After the access rule: a keyed request runs once, and its replays answer the first answer. */
  idempotent: MiddlewareHandler;
}

export function paymentsAccess(deps: PaymentsRouteDeps): PaymentsAccess {
  const admin = [authenticate(deps.verifier), requireRole('admin')] as MiddlewareHandler[];
  return {
    signedIn: [authenticate(deps.verifier)] as MiddlewareHandler[],
    adminMoney: [...admin, sessionOpen(deps.sessions) as MiddlewareHandler],
    idempotent: idempotent(deps.ctx.orm) as MiddlewareHandler,
  };
}
