// A rush through the gateway: 50 customers want the same 10 seats at once. Holds here last two minutes, so the
// rush is judged on contention alone (a hold that expired mid-rush would rightly let its seat go again).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../domain/invariants.ts';
import { eventOnSale, eventsCtx } from './support/events.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { newCustomer } from './support/users.ts';

describe('a rush for seats', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ BOOKING_HOLD_TTL_SECONDS: '120' });
  });
  afterAll(async () => platform?.stop());

  it('lets 50 customers race for the same 10 seats through the gateway: 10 held, 40 refused, no seat twice', async () => {
    const { api } = platform;
    const event = await eventOnSale(eventsCtx(platform.orms.events), [{ name: 'Hall', rows: [{ label: 'A', seats: 10 }] }]);
    const customers = await Promise.all(Array.from({ length: 50 }, (_, i) => newCustomer(api, `rush-${i}`)));
    const answers = await Promise.all(
      customers.map((c, i) =>
        api('POST', '/bookings', { token: c.accessToken, body: { eventId: event.eventId, seats: [event.seatIds[i % 10]!] } }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    const winners = answers.filter((a) => a.status === 201).map((a) => a.body.seats[0].seatId as string);
    expect(new Set(winners).size).toBe(10);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'SEATS_UNAVAILABLE')).toBe(true);
    for (const [i, answer] of answers.entries()) {
      if (answer.status === 201) await api('POST', `/bookings/${answer.body.id}/cancel`, { token: customers[i]!.accessToken });
    }
    expect(await checkInvariants(platform.orms, { eventIds: [event.eventId], terminal: true })).toEqual([]);
  }, 60_000);
});
