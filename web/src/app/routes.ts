// Every page of the box office, area by area (each area lists its own routes).
import { accountRoutes } from '../pages/account/routes.ts';
import { adminRoutes } from '../pages/admin/routes.ts';
import { authRoutes } from '../pages/auth/routes.ts';
import { checkoutRoutes } from '../pages/checkout/routes.ts';
import { doorRoutes } from '../pages/door/routes.ts';
import { shopRoutes } from '../pages/shop/routes.ts';
import type { Route } from './router.tsx';

export const ROUTES: Route[] = [...shopRoutes, ...authRoutes, ...checkoutRoutes, ...accountRoutes, ...adminRoutes, ...doorRoutes];
