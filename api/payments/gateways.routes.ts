// The route that lists the payment gateways this service offers.
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { PUBLIC, jsonAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { GatewayListSchema } from './schemas.ts';

export const gatewaysRoute = createRoute({
  method: 'get',
  path: '/payments/gateways',
  tags: ['Payments'],
  summary: 'The payment gateways this service offers',
  ...PUBLIC,
  responses: { 200: jsonAnswer(GatewayListSchema, 'Gateways by name, as a booking names them') },
});

export type GatewaysHandler = RouteHandler<typeof gatewaysRoute, AppEnv>;

export function registerGatewayRoutes(app: ServiceApp, handler: GatewaysHandler): void {
  app.openapi(gatewaysRoute, handler);
}
