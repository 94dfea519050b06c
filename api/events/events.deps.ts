// What the events routes are built from, and the access rules (who may call a route) that those dependencies give.
import type { MiddlewareHandler } from 'hono';
import { authenticate, identify, requireRole, sessionOpen } from '../../common/auth/middleware.ts';
import type { SessionCheck } from '../../common/auth/sessions.ts';
import type { TokenVerifier } from '../../common/auth/verify.ts';
import { idempotent } from '../../common/http/idempotency.ts';
import type { EventsContext } from '../../domain/events/events.ts';
import type { SeatFeed } from '../../domain/events/seat-feed.ts';
import type { SeatState } from '../../domain/events/seat-state.ts';
import type { StartEventCancellation } from './event-cancellation.ts';

export interface EventsRouteDeps {
  ctx: EventsContext;
  verifier: TokenVerifier;
  /** Cancelling an event refunds its bookings: the admin's session must be open right now. */
  sessions: SessionCheck;
  /** Seat changes of every events instance, for the live availability stream. */
  feed: SeatFeed;
  /** Each event's details and seats in memory, kept current by the feed: public reads are answered from it. */
  seats: SeatState;
  /** Cancels the holds and refunds the bookings of a cancelled event. */
  startEventCancellation: StartEventCancellation;
  /** The platform secret: the internal claim routes answer only the processes that carry it. */
  gatewaySecret: string;
  /** How many seats of one event one customer may hold at once. */
  maxSeatsPerCustomer: number;
}

export interface EventsAccess {
  admin: MiddlewareHandler[];
  /** An admin whose session is still open: for routes that end in refunds. */
  adminMoney: MiddlewareHandler[];
  /** Anyone; a token, when sent, shows an admin what only admins see. */
  anyone: MiddlewareHandler[];
  /** After the access rule: a keyed request runs once, and its replays answer the first answer. */
  idempotent: MiddlewareHandler;
}

export function eventsAccess(deps: Pick<EventsRouteDeps, 'ctx' | 'verifier' | 'sessions'>): EventsAccess {
  const admin = [authenticate(deps.verifier), requireRole('admin')] as MiddlewareHandler[];
  return {
    admin,
    adminMoney: [...admin, sessionOpen(deps.sessions) as MiddlewareHandler],
    anyone: [identify(deps.verifier)] as MiddlewareHandler[],
    idempotent: idempotent(deps.ctx.orm) as MiddlewareHandler,
  };
}
