// This area's pages; each placeholder says what will be there until its page is built.
import type { Route } from '../../app/router.tsx';
import { placeholderPage as soon } from '../../components/common/Placeholder.tsx';

export const checkoutRoutes: Route[] = [
  {
    path: '/checkout/:bookingId',
    page: soon('Checkout', 'Your hold, its countdown and payment.'),
    title: 'Checkout',
    roles: ['user', 'admin'],
  },
];
