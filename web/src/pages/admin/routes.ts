// This area's pages; each placeholder says what will be there until its page is built.
import type { Route } from '../../app/router.tsx';
import { placeholderPage as soon } from '../../components/common/Placeholder.tsx';

export const adminRoutes: Route[] = [
  { path: '/admin/venues', page: soon('Venues', 'The venues and their seat layouts.'), title: 'Venues', roles: ['admin'] },
  { path: '/admin/venues/new', page: soon('New venue', 'Draw a new venue.'), title: 'New venue', roles: ['admin'] },
  { path: '/admin/venues/:id', page: soon('Venue', 'Edit a venue.'), title: 'Venue', roles: ['admin'] },
  { path: '/admin/events', page: soon('Manage events', 'Every event, draft or published.'), title: 'Manage events', roles: ['admin'] },
  { path: '/admin/events/new', page: soon('New event', 'Create an event.'), title: 'New event', roles: ['admin'] },
  {
    path: '/admin/events/:id',
    page: soon('Edit event', 'Edit, price, publish or cancel an event.'),
    title: 'Edit event',
    roles: ['admin'],
  },
  { path: '/admin/events/:id/sales', page: soon('Sales', 'Sales of an event.'), title: 'Sales', roles: ['admin'] },
];
