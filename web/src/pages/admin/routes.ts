// This area's pages; each placeholder says what will be there until its page is built.
import type { Route } from '../../app/router.tsx';
import { EventEditPage } from './events/EventEditPage.tsx';
import { EventNewPage } from './events/EventNewPage.tsx';
import { EventsPage } from './events/EventsPage.tsx';
import { SalesPage } from './sales/SalesPage.tsx';
import { VenueEditPage } from './venues/VenueEditPage.tsx';
import { VenueNewPage } from './venues/VenueNewPage.tsx';
import { VenuesPage } from './venues/VenuesPage.tsx';

export const adminRoutes: Route[] = [
  { path: '/admin/venues', page: VenuesPage, title: 'Venues', roles: ['admin'] },
  { path: '/admin/venues/new', page: VenueNewPage, title: 'New venue', roles: ['admin'] },
  { path: '/admin/venues/:id', page: VenueEditPage, title: 'Venue', roles: ['admin'] },
  { path: '/admin/events', page: EventsPage, title: 'Manage events', roles: ['admin'] },
  { path: '/admin/events/new', page: EventNewPage, title: 'New event', roles: ['admin'] },
  { path: '/admin/events/:id', page: EventEditPage, title: 'Edit event', roles: ['admin'] },
  { path: '/admin/events/:id/sales', page: SalesPage, title: 'Sales', roles: ['admin'] },
];
