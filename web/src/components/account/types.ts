// The API shapes the account pages show, named once from the generated schemas.
import type { components as BookingsSchemas } from '../../api/bookings.gen.ts';
import type { components as UsersSchemas } from '../../api/users.gen.ts';

export type Booking = BookingsSchemas['schemas']['Booking'];
export type BookingDetail = BookingsSchemas['schemas']['BookingDetail'];
export type BookingStatus = Booking['status'];
export type CancellationTerms = BookingsSchemas['schemas']['CancellationTerms'];
export type Ticket = BookingsSchemas['schemas']['Ticket'];
export type Transfer = BookingsSchemas['schemas']['TicketTransfer'];
export type Notification = UsersSchemas['schemas']['Notification'];
export type Preferences = UsersSchemas['schemas']['Preferences'];
export type Session = UsersSchemas['schemas']['Session'];
