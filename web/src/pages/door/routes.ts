// This area's pages; each placeholder says what will be there until its page is built.
import type { Route } from '../../app/router.tsx';
import { placeholderPage as soon } from '../../components/common/Placeholder.tsx';

export const doorRoutes: Route[] = [
  { path: '/door', page: soon('Door', 'The events you scan for.'), title: 'Door', roles: ['scanner', 'admin'] },
  { path: '/door/:eventId', page: soon('Door', 'Scan tickets at the door.'), title: 'Door', roles: ['scanner', 'admin'] },
];
