// The gateways this payments service offers, by name, from its configuration.
import type { Config } from '../../../common/config.ts';
import type { Orm } from '../../../common/db/orm.ts';
import type { PaymentGateway } from './gateway.ts';
import { StripeGateway } from './stripe-gateway.ts';
import { TestGateway } from './test-gateway.ts';

export function configuredGateways(config: Pick<Config, 'payments'>, orm: Orm): Map<string, PaymentGateway> {
  const gateways = new Map<string, PaymentGateway>();
  const { testGateway, stripe, gatewayTimeoutMs } = config.payments;
  if (testGateway.enabled) gateways.set('test', new TestGateway({ orm, slowMs: testGateway.slowMs }));
  if (stripe)
    gateways.set('stripe', new StripeGateway({ secretKey: stripe.secretKey, apiUrl: stripe.apiUrl, timeoutMs: gatewayTimeoutMs }));
  return gateways;
}

/** What the payment operations need, for the HTTP app and the worker alike. */
export function paymentsContext(config: Pick<Config, 'payments'>, orm: Orm, published: () => void = () => undefined) {
  return { orm, gateways: configuredGateways(config, orm), gatewayTimeoutMs: config.payments.gatewayTimeoutMs, published };
}
