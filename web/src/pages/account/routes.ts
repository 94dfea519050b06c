// The customer's own pages: bookings, one booking, one ticket, notifications, profile and sessions.
import type { Route } from '../../app/router.tsx';
import { BookingPage } from './BookingPage.tsx';
import { BookingsPage } from './BookingsPage.tsx';
import { NotificationsPage } from './NotificationsPage.tsx';
import { ProfilePage } from './ProfilePage.tsx';
import { TicketPage } from './TicketPage.tsx';

export const accountRoutes: Route[] = [
  { path: '/account/bookings', page: BookingsPage, title: 'My bookings', roles: ['user', 'admin'] },
  { path: '/account/bookings/:id', page: BookingPage, title: 'Booking', roles: ['user', 'admin'] },
  { path: '/account/tickets/:id', page: TicketPage, title: 'Ticket', roles: ['user', 'admin'] },
  { path: '/account/notifications', page: NotificationsPage, title: 'Notifications', roles: ['user', 'admin', 'scanner'] },
  { path: '/account/profile', page: ProfilePage, title: 'Profile and sessions', roles: ['user', 'admin', 'scanner'] },
];
