import type { Route } from '../../app/router.tsx';
import { EventPage } from './EventPage.tsx';
import { ShopPage } from './ShopPage.tsx';

export const shopRoutes: Route[] = [
  { path: '/', page: ShopPage, title: 'Events' },
  { path: '/events/:id', page: EventPage, title: 'Event' },
];
