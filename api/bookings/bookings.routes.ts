// The bookings service's routes, one module pair per resource: holds (a new booking and its saga), the booking
// records, the actions on a booking (pay, cancel), and its tickets.
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
import { registerCheckinRoutes } from './checkins.routes.ts';
import { salesHandlers } from './sales.handlers.ts';
import { registerSalesRoutes } from './sales.routes.ts';
import { onSaleHandlers } from './on-sale.handlers.ts';
import { registerOnSaleRoutes } from './on-sale.routes.ts';
import { queueHandlers } from './queue.handlers.ts';
import { registerQueueRoutes } from './queue.routes.ts';
import { ticketHandlers } from './tickets.handlers.ts';
import { registerTransferRoutes } from './transfers.routes.ts';
import { registerTicketRoutes } from './tickets.routes.ts';
import { waitingListHandlers } from './waiting-list.handlers.ts';
import { registerWaitingListRoutes } from './waiting-list.routes.ts';

export type { BookingsRouteDeps } from './bookings.deps.ts';

export function registerBookingsRoutes(app: ServiceApp, deps: BookingsRouteDeps): void {
  const access = bookingsAccess(deps);
  registerHoldRoutes(app, access, holdHandler(deps));
  registerAttentionRoutes(app, access, attentionHandlers(deps));
  registerBookingRecordRoutes(app, access, bookingRecordHandlers(deps));
  registerBookingActionRoutes(app, access, bookingActionHandlers(deps));
  // Before the ticket routes: /tickets/transfers is not a ticket id.
  registerTransferRoutes(app, deps);
  registerTicketRoutes(app, access, ticketHandlers(deps));
  registerCheckinRoutes(app, deps);
  registerSalesRoutes(app, access, salesHandlers(deps));
  registerOnSaleRoutes(app, access, onSaleHandlers(deps));
  registerQueueRoutes(app, access, queueHandlers(deps));
  registerWaitingListRoutes(app, access, waitingListHandlers(deps));
}
