// The checkout: a held booking's countdown and payment, then its confirmation.
import type { Route } from '../../app/router.tsx';
import { CheckoutPage } from './CheckoutPage.tsx';

export const checkoutRoutes: Route[] = [{ path: '/checkout/:bookingId', page: CheckoutPage, title: 'Checkout', roles: ['user', 'admin'] }];
