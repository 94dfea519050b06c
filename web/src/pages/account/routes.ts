// This area's pages; each placeholder says what will be there until its page is built.
import type { Route } from '../../app/router.tsx';
import { placeholderPage as soon } from '../../components/common/Placeholder.tsx';

export const accountRoutes: Route[] = [
  {
    path: '/account/bookings',
    page: soon('My bookings', 'Your bookings and their status.'),
    title: 'My bookings',
    roles: ['user', 'admin'],
  },
  {
    path: '/account/bookings/:id',
    page: soon('Booking', 'A booking, its history and its tickets.'),
    title: 'Booking',
    roles: ['user', 'admin'],
  },
  { path: '/account/tickets/:id', page: soon('Ticket', 'Your ticket with its live code.'), title: 'Ticket', roles: ['user', 'admin'] },
  {
    path: '/account/notifications',
    page: soon('Notifications', 'Your notifications.'),
    title: 'Notifications',
    roles: ['user', 'admin', 'scanner'],
  },
  {
    path: '/account/profile',
    page: soon('Profile and sessions', 'Your profile, preferences and sessions.'),
    title: 'Profile and sessions',
    roles: ['user', 'admin', 'scanner'],
  },
];
