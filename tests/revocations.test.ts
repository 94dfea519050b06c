// Revoked means revoked on every port: a signed-out, deactivated or demoted user's unexpired token reads nothing,
// even sent straight to a domain service without passing the gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceName } from '../common/config.ts';
import { caller, type Answer, type Caller } from './support/http.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { ADMIN, newCustomer, signIn } from './support/users.ts';
import { until } from './support/wait.ts';

/** One read per service that any signed-in caller may make (an admin's lists everyone's). */
const READS: Record<ServiceName, string> = {
  users: '/users/me/notifications',
  events: '/events',
  bookings: '/bookings',
  payments: '/payments',
};

describe('revoked sessions', () => {
  let platform: TestPlatform;
  let direct: (service: ServiceName) => Caller;

  beforeAll(async () => {
    platform = await startTestPlatform();
    direct = (service) => caller(`http://127.0.0.1:${platform.services[service].port}`);
  });
  afterAll(async () => platform?.stop());

  /** Each service's answer to the read with `token`, once every one of them refuses it (the feed is asynchronous). */
  async function refusedEverywhere(token: string): Promise<Record<string, { status: number; code: unknown }>> {
    const answers: Record<string, Answer> = {};
    await until(async () => {
      for (const [service, path] of Object.entries(READS)) answers[service] = await direct(service as ServiceName)('GET', path, { token });
      return Object.values(answers).every((a) => a.status === 401);
    }, 5_000);
    return Object.fromEntries(Object.entries(answers).map(([s, a]) => [s, { status: a.status, code: a.body?.code }]));
  }

  const everywhere = (status: number, code?: string) =>
    Object.fromEntries(Object.keys(READS).map((s) => [s, code === undefined ? { status } : { status, code }]));

  it('refuses a signed-out token on every service, reads included', async () => {
    const customer = await newCustomer(platform.api, 'revoked-reads');
    for (const [service, path] of Object.entries(READS)) {
      expect({ service, status: (await direct(service as ServiceName)('GET', path, { token: customer.accessToken })).status }).toEqual({
        service,
        status: 200,
      });
    }
    expect((await platform.api('POST', '/auth/logout', { token: customer.accessToken })).status).toBe(204);
    expect(await refusedEverywhere(customer.accessToken)).toEqual(everywhere(401, 'SESSION_REVOKED'));
  });

  it("refuses a demoted admin's token, so it lists nobody else's bookings or payments", async () => {
    const admin = await signIn(platform.api, ADMIN.email, ADMIN.password);
    const other = await newCustomer(platform.api, 'demoted-admin');
    const created = await platform.api('POST', '/users', {
      token: admin.accessToken,
      body: { email: other.email.replace('@', '+admin@'), password: 'a-long-password-1', name: 'Second admin', role: 'admin' },
    });
    expect(created.status).toBe(201);
    const second = await signIn(platform.api, other.email.replace('@', '+admin@'), 'a-long-password-1');
    expect((await direct('bookings')('GET', '/bookings', { token: second.accessToken })).status).toBe(200);
    const me = await direct('users')('GET', '/auth/me', { token: second.accessToken });
    const demoted = await platform.api('PUT', `/users/${me.body.id}/role`, { token: admin.accessToken, body: { role: 'user' } });
    expect(demoted.status).toBe(200);
    expect(await refusedEverywhere(second.accessToken)).toEqual(everywhere(401, 'SESSION_REVOKED'));
  });
});
