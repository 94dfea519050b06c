// The users service's routes, one module pair per resource: authentication, a user's own profile, sessions and
// notifications, admin account management, and what the gateway and the other services ask.
import type { ServiceApp } from '../../common/http/service-app.ts';
import { adminHandlers } from './admin.handlers.ts';
import { registerAdminRoutes } from './admin.routes.ts';
import { authHandlers } from './auth.handlers.ts';
import { registerAuthRoutes } from './auth.routes.ts';
import { internalHandlers } from './internal.handlers.ts';
import { registerInternalRoutes } from './internal.routes.ts';
import { notificationHandlers } from './notifications.handlers.ts';
import { registerNotificationRoutes } from './notifications.routes.ts';
import { profileHandlers } from './profile.handlers.ts';
import { registerProfileRoutes } from './profile.routes.ts';
import { sessionHandlers } from './sessions.handlers.ts';
import { registerSessionRoutes } from './sessions.routes.ts';
import { usersRouteDeps, type UsersRouteOptions } from './users.deps.ts';

export type { UsersRouteDeps, UsersRouteOptions } from './users.deps.ts';

export function registerUsersRoutes(app: ServiceApp, options: UsersRouteOptions): void {
  const deps = usersRouteDeps(options);
  registerAuthRoutes(app, deps, authHandlers(deps));
  // The /users/me routes before the admin routes, so /users/me is never read as /users/{id}.
  registerProfileRoutes(app, deps, profileHandlers(deps.ctx));
  registerSessionRoutes(app, deps, sessionHandlers(deps.ctx));
  registerNotificationRoutes(app, deps, notificationHandlers(deps.ctx));
  registerAdminRoutes(app, deps, adminHandlers(deps.ctx));
  registerInternalRoutes(app, internalHandlers(deps));
}
