// The bookings service's routes, one module pair per resource: holds (a new booking and its saga), the booking
// records, and the actions on a booking (pay, cancel).
import type { ServiceApp } from '../../common/http/service-app.ts';
import { attentionHandlers } from './attention.handlers.ts';
import { registerAttentionRoutes } from './attention.routes.ts';
import { bookingActionHandlers } from './booking-actions.handlers.ts';
import { registerBookingActionRoutes } from './booking-actions.routes.ts';
import { bookingRecordHandlers } from './booking-records.handlers.ts';
import { registerBookingRecordRoutes } from './booking-records.routes.ts';
import { bookingsAccess, type BookingsRouteDeps } from './bookings.deps.ts';
import { holdHandler } from './holds.handlers.ts';
import { registerHoldRoutes } from './holds.routes.ts';

export type { BookingsRouteDeps } from './bookings.deps.ts';

export function registerBookingsRoutes(app: ServiceApp, deps: BookingsRouteDeps): void {
  const access = bookingsAccess(deps);
  registerHoldRoutes(app, access, holdHandler(deps));
  registerAttentionRoutes(app, access, attentionHandlers(deps));
  registerBookingRecordRoutes(app, access, bookingRecordHandlers(deps));
  registerBookingActionRoutes(app, access, bookingActionHandlers(deps));
}
