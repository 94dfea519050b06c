// This area's pages: the door's start, and the door of one event.
import type { Route } from '../../app/router.tsx';
import { DoorHomePage } from './DoorHomePage.tsx';
import { DoorPage } from './DoorPage.tsx';

export const doorRoutes: Route[] = [
  { path: '/door', page: DoorHomePage, title: 'Door', roles: ['scanner', 'admin'] },
  { path: '/door/:eventId', page: DoorPage, title: 'Door', roles: ['scanner', 'admin'] },
];
