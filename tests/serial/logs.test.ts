// The logs of a whole customer journey: every line names its service, every request line its request id (the
// gateway's, passed on) and its trace id, and no password, token or payment method ever appears.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, type LogLine } from '../support/logs.ts';
import { eventOnSale, eventsCtx } from '../support/events.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { PASSWORD, uniqueEmail } from '../support/users.ts';
import { until } from '../support/wait.ts';

describe('logs', () => {
  const lines: LogLine[] = [];
  let platform: TestPlatform;

  beforeAll(async () => {
    // The services' own logger options, at info level, written here.
    platform = await startTestPlatform({ BOOKING_HOLD_TTL_SECONDS: '60' }, {}, capturingLogger(lines));
  });
  afterAll(async () => platform?.stop());

  it('follow register → login → hold → pay with request ids and without secrets', async () => {
    const event = await eventOnSale(eventsCtx(platform.orms.events));
    const email = uniqueEmail('logged');
    const requestIds: string[] = [];
    const call = async (method: string, path: string, body: unknown, token?: string) => {
      const id = `journey-${requestIds.length + 1}-${Date.now()}`;
      requestIds.push(id);
      return platform.api(method, path, { body, token, headers: { 'x-request-id': id } });
    };
    expect((await call('POST', '/auth/register', { email, password: PASSWORD, name: 'Logged Customer' })).status).toBe(201);
    const tokens = (await call('POST', '/auth/login', { email, password: PASSWORD })).body as { accessToken: string; refreshToken: string };
    const refreshed = (await call('POST', '/auth/refresh', { refreshToken: tokens.refreshToken })).body as {
      accessToken: string;
      refreshToken: string;
    };
    const held = await call('POST', '/bookings', { eventId: event.eventId, seats: [event.seatIds[0]] }, refreshed.accessToken);
    expect(held.status).toBe(201);
    const paid = await call(
      'POST',
      `/bookings/${held.body.id}/pay`,
      { gateway: 'test', paymentMethod: 'pm_card_visa' },
      refreshed.accessToken,
    );
    expect(paid.body.status).toBe('CONFIRMED');
    // A request line is written once its answer has gone out, so the last ones may still be on their way here.
    const requestLines = () => lines.filter((l) => l.msg === 'request' || l.msg === 'request failed');
    const loggedBy = (id: string) =>
      new Set(
        requestLines()
          .filter((l) => l.requestId === id)
          .map((l) => l.service),
      );
    // Should one never come, the checks below name the request it is missing for.
    await until(() => requestIds.every((id) => loggedBy(id).has('gateway') && loggedBy(id).size >= 2), 15_000).catch(() => undefined);

    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    for (const secret of [
      PASSWORD,
      tokens.accessToken,
      tokens.refreshToken,
      refreshed.accessToken,
      refreshed.refreshToken,
      'pm_card_visa',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(lines.every((l) => typeof l.service === 'string')).toBe(true);
    expect(requestLines().length).toBeGreaterThan(0);
    expect(requestLines().every((l) => typeof l.requestId === 'string' && typeof l.route === 'string' && typeof l.ms === 'number')).toBe(
      true,
    );
    // Each request of the journey is logged by the gateway and by the service that answered it, under the same id.
    for (const id of requestIds) {
      const seenBy = loggedBy(id);
      expect({ id, gateway: seenBy.has('gateway'), services: seenBy.size }).toEqual({ id, gateway: true, services: 2 });
      // ...and under one trace id: the service continued the gateway's trace.
      const traces = new Set(
        requestLines()
          .filter((l) => l.requestId === id)
          .map((l) => l.traceId),
      );
      expect({ id, traces: [...traces].map((t) => /^[0-9a-f]{32}$/.test(String(t))) }).toEqual({ id, traces: [true] });
    }
  });
});
