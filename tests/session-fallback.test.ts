// While no users instance answers, a money route takes the revocation feed's word for a session it does not name:
// customers keep holding and paying through a users outage, and a session revoked before it is still refused.
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RevokedSessions } from '../common/auth/revocations.ts';
import { remoteSessionCheck } from '../common/auth/sessions.ts';
import { HttpProblem } from '../common/http/problem.ts';
import { testLogger } from './support/context.ts';
import { eventOnSale, eventsCtx } from './support/events.ts';
import { caller, type Caller } from './support/http.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';
import { newCustomer } from './support/users.ts';
import { until } from './support/wait.ts';

/** A port nobody listens on yet, for a service started later. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('the session check while the users service is away', () => {
  it('takes a complete feed’s word for a session it does not name, refuses one it names, and fails closed without it', async () => {
    const revoked = new RevokedSessions();
    const open = randomUUID();
    const ended = randomUUID();
    revoked.add(ended, new Date(Date.now() + 60_000));
    const check = remoteSessionCheck({
      urls: ['http://127.0.0.1:9'],
      secret: 'unused',
      logger: testLogger(),
      timeoutMs: 500,
      vouch: (sid) => revoked.current && !revoked.has(sid),
    });
    // Not loaded yet: nobody can vouch.
    const refused = await check(open).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(HttpProblem);
    expect(refused).toMatchObject({ status: 503, code: 'AUTH_UNAVAILABLE', headers: { 'retry-after': '2' } });
    revoked.current = true;
    await expect(check(open)).resolves.toBeUndefined();
    await expect(check(ended)).rejects.toMatchObject({ status: 503, code: 'AUTH_UNAVAILABLE' });
  });

  describe('on the platform', () => {
    let platform: TestPlatform;
    let usersRelay: TcpProxy;
    let bookings: Caller;

    beforeAll(async () => {
      // The bookings service reaches the users service through a relay the test can cut.
      const usersPort = await freePort();
      usersRelay = await startTcpProxy({ host: '127.0.0.1', port: usersPort });
      platform = await startTestPlatform(
        { BOOKING_HOLD_TTL_SECONDS: '60' },
        { users: { USERS_PORT: String(usersPort) }, bookings: { USERS_URLS: `http://127.0.0.1:${usersRelay.port}` } },
      );
      bookings = caller(`http://127.0.0.1:${platform.services.bookings.port}`);
    });
    afterAll(async () => {
      await platform?.stop();
      await usersRelay?.close();
    });

    it('holds and pays for an open session while no users instance answers, and still refuses a revoked one', async () => {
      const event = await eventOnSale(eventsCtx(platform.orms.events));
      const staying = await newCustomer(platform.api, 'users-away');
      const leaving = await newCustomer(platform.api, 'users-away-revoked');
      expect((await platform.api('POST', '/auth/logout', { token: leaving.accessToken })).status).toBe(204);
      // The bookings service has the revocation from the feed before the users service goes away.
      await until(async () => (await bookings('GET', '/bookings', { token: leaving.accessToken })).status === 401, 5_000);

      await usersRelay.cut();
      try {
        const held = await bookings('POST', '/bookings', {
          token: staying.accessToken,
          headers: { 'idempotency-key': randomUUID() },
          body: { eventId: event.eventId, seats: [event.seatIds[0]] },
        });
        expect(held.status, JSON.stringify(held.body)).toBe(201);
        const paid = await bookings('POST', `/bookings/${(held.body as { id: string }).id}/pay`, {
          token: staying.accessToken,
          body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
        });
        expect({ status: paid.status, booking: (paid.body as { status: string }).status }).toEqual({ status: 200, booking: 'CONFIRMED' });

        const refused = await bookings('POST', '/bookings', {
          token: leaving.accessToken,
          body: { eventId: event.eventId, seats: [event.seatIds[1]] },
        });
        expect({ status: refused.status, code: (refused.body as { code: string }).code }).toEqual({ status: 401, code: 'SESSION_REVOKED' });
      } finally {
        await usersRelay.restore();
      }
    });
  });
});
