// Money routes check the session: once a customer or admin signs out, their still-unexpired access token can no
// longer hold seats, pay, cancel or refund, even when it reaches the service without passing the gateway.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteSessionCheck } from '../common/auth/sessions.ts';
import { eventOnSale, eventsCtx } from './support/events.ts';
import { caller, type Caller } from './support/http.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { ADMIN, newCustomer, signIn } from './support/users.ts';
import { testLogger } from './support/context.ts';
import { capturingLogger, type LogLine } from './support/logs.ts';

describe('money routes', () => {
  let platform: TestPlatform;
  let direct: (service: 'users' | 'bookings' | 'payments') => Caller;

  beforeAll(async () => {
    platform = await startTestPlatform({ BOOKING_HOLD_TTL_SECONDS: '60' });
    direct = (service) => caller(`http://127.0.0.1:${platform.services[service].port}`);
  });
  afterAll(async () => platform?.stop());

  it('refuse a hold, a payment and a cancellation once the session has ended, and move nothing', async () => {
    const event = await eventOnSale(eventsCtx(platform.orms.events));
    const customer = await newCustomer(platform.api, 'session-check');
    const bookings = direct('bookings');
    const token = customer.accessToken;
    const held = await bookings('POST', '/bookings', { token, body: { eventId: event.eventId, seats: [event.seatIds[0]] } });
    expect(held.status).toBe(201);
    const bookingId = (held.body as { id: string }).id;

    expect((await platform.api('POST', '/auth/logout', { token })).status).toBe(204);
    // The token has not expired, yet nothing that holds seats or moves money answers it, at once: the session is
    // asked of the users service rather than waiting for the revocation feed.
    for (const [path, body] of [
      ['/bookings', { eventId: event.eventId, seats: [event.seatIds[1]] }],
      [`/bookings/${bookingId}/pay`, { gateway: 'test', paymentMethod: 'pm_card_visa' }],
      [`/bookings/${bookingId}/cancel`, {}],
    ] as const) {
      const answer = await bookings('POST', path, { token, body });
      expect({ path, status: answer.status, code: answer.body?.code }).toEqual({ path, status: 401, code: 'SESSION_REVOKED' });
    }

    const fresh = await signIn(platform.api, customer.email);
    const after = await bookings('GET', `/bookings/${bookingId}`, { token: fresh.accessToken });
    expect(after.body.status).toBe('HELD');
    const seats = await platform.api('GET', `/events/${event.eventId}/seats`);
    const status = (seatId: string) =>
      (seats.body as { seats: { seatId: string; status: string }[] }).seats.find((s) => s.seatId === seatId)?.status;
    expect({ first: status(event.seatIds[0]!), second: status(event.seatIds[1]!) }).toEqual({ first: 'held', second: 'available' });
    // With an open session the same customer goes on.
    const paid = await bookings('POST', `/bookings/${bookingId}/pay`, {
      token: fresh.accessToken,
      body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
    });
    expect(paid.body.status).toBe('CONFIRMED');
  });

  it('refuse a refund by an admin whose session has ended', async () => {
    const admin = await signIn(platform.api, ADMIN.email, ADMIN.password);
    const payments = direct('payments');
    const paymentId = randomUUID();
    // With the session open the refund reaches the payment lookup (no such payment)...
    const open = await payments('POST', `/payments/${paymentId}/refunds`, { token: admin.accessToken, body: {} });
    expect(open.body.code).toBe('PAYMENT_NOT_FOUND');
    expect((await platform.api('POST', '/auth/logout', { token: admin.accessToken })).status).toBe(204);
    // ...and once it has ended, the session check refuses it first.
    const ended = await payments('POST', `/payments/${paymentId}/refunds`, { token: admin.accessToken, body: {} });
    expect({ status: ended.status, code: ended.body.code }).toEqual({ status: 401, code: 'SESSION_REVOKED' });
  });

  it('fail closed when the users service cannot be asked', async () => {
    const check = remoteSessionCheck({ urls: ['http://127.0.0.1:9'], secret: 'unused', logger: testLogger(), timeoutMs: 500 });
    await expect(check(randomUUID())).rejects.toMatchObject({ status: 503, code: 'AUTH_UNAVAILABLE' });
  });

  it('answer whether a session is open only to platform processes, never through the gateway', async () => {
    const answer = await direct('users')('GET', `/internal/sessions/${randomUUID()}`);
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect((await platform.api('GET', `/internal/sessions/${randomUUID()}`)).status).toBe(404);
  });

  it('log why a session could not be confirmed, such as a users service holding another platform secret', async () => {
    const lines: LogLine[] = [];
    const logger = capturingLogger(lines, 'test', 'warn');
    const usersUrl = `http://127.0.0.1:${platform.services.users.port}`;
    const check = remoteSessionCheck({ urls: [usersUrl], secret: 'not-the-platform-secret', logger });
    await expect(check(randomUUID())).rejects.toMatchObject({ status: 503, code: 'AUTH_UNAVAILABLE' });
    expect(JSON.stringify(lines)).toContain('answered 403');
  });
});
