// The payments service's routes, one module pair per resource: the configured gateways, a customer's own payments
// (admins: all), refunds by admins.
import type { ServiceApp } from '../../common/http/service-app.ts';
import { gatewaysHandler } from './gateways.handlers.ts';
import { registerGatewayRoutes } from './gateways.routes.ts';
import { paymentRecordHandlers } from './payment-records.handlers.ts';
import { registerPaymentRecordRoutes } from './payment-records.routes.ts';
import { paymentsAccess, type PaymentsRouteDeps } from './payments.deps.ts';
import { refundHandler } from './refunds.handlers.ts';
import { registerRefundRoutes } from './refunds.routes.ts';

export type { PaymentsRouteDeps } from './payments.deps.ts';

export function registerPaymentsRoutes(app: ServiceApp, deps: PaymentsRouteDeps): void {
  const access = paymentsAccess(deps);
  // Before /payments/{id}, which would otherwise read "gateways" as an id.
  registerGatewayRoutes(app, gatewaysHandler(deps.ctx));
  registerPaymentRecordRoutes(app, access, paymentRecordHandlers(deps.ctx));
  registerRefundRoutes(app, access, refundHandler(deps.ctx, deps.client));
}
