// What the bookings routes are built from, and the access rules (who may call a route) those dependencies give.
import type { Client } from '@temporalio/client';
import type { MiddlewareHandler } from 'hono';
import { authenticate, sessionOpen } from '../../common/auth/middleware.ts';
import type { SessionCheck } from '../../common/auth/sessions.ts';
import type { TokenVerifier } from '../../common/auth/verify.ts';
import type { Config } from '../../common/config.ts';
import type { Orm } from '../../common/db/orm.ts';
import { idempotent } from '../../common/http/idempotency.ts';
import type { BookingMetrics } from '../../domain/bookings/booking-metrics.ts';

export interface BookingsRouteDeps {
  orm: Orm;
  client: Client;
  verifier: TokenVerifier;
  /** Money routes (hold, pay, cancel) also need the caller's session to be open right now. */
  sessions: SessionCheck;
  /** `auth` and `dataDir` give the platform secret the hold route's seat claims carry to the events service. */
  config: Pick<Config, 'bookings' | 'services' | 'temporal' | 'auth' | 'dataDir'>;
  metrics: Pick<BookingMetrics, 'holdDuration' | 'holdsRefused'>;
}

export interface BookingsAccess {
  signedIn: MiddlewareHandler[];
  /** A caller whose session is open right now, not only whose token is unexpired: these routes move money or seats. */
  money: MiddlewareHandler[];
  /**
   * After the access rule: a keyed request runs once, and its replays answer the first answer. A repeat while the first
   * has no answer yet (still running, or its instance died) joins it: the handler runs again and attaches to the same
   * saga operation, named by the key, so it answers the same outcome.
   */
  idempotent: MiddlewareHandler;
}

export function bookingsAccess(deps: Pick<BookingsRouteDeps, 'orm' | 'verifier' | 'sessions'>): BookingsAccess {
  return {
    signedIn: [authenticate(deps.verifier)] as MiddlewareHandler[],
    money: [authenticate(deps.verifier), sessionOpen(deps.sessions)] as MiddlewareHandler[],
    idempotent: idempotent(deps.orm, { repeats: 'join' }) as MiddlewareHandler,
  };
}
