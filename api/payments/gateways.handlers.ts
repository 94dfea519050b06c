// The gateway list's handler: each configured gateway by name and description.
import type { PaymentsContext } from '../../domain/payments/payments.ts';
import type { GatewaysHandler } from './gateways.routes.ts';

export function gatewaysHandler(ctx: PaymentsContext): GatewaysHandler {
  return (c) => c.json({ items: [...ctx.gateways.values()].map((g) => ({ name: g.name, description: g.description })) }, 200);
}
