// One booking made through the gateway the way a customer makes it: hold a seat, then pay for it.
import { expect } from 'vitest';
import { eventOnSale, eventsCtx } from './events.ts';
import type { TestPlatform } from './platform.ts';
import { newCustomer } from './users.ts';

export async function bookAndPay(platform: TestPlatform, tag: string): Promise<{ bookingId: string }> {
  const event = await eventOnSale(eventsCtx(platform.orms.events));
  const customer = await newCustomer(platform.api, tag);
  const held = await platform.api('POST', '/bookings', {
    token: customer.accessToken,
    body: { eventId: event.eventId, seats: [event.seatIds[0]] },
  });
  expect(held.status).toBe(201);
  const bookingId = (held.body as { id: string }).id;
  const paid = await platform.api('POST', `/bookings/${bookingId}/pay`, {
    token: customer.accessToken,
    body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
  });
  expect(paid.body.status).toBe('CONFIRMED');
  return { bookingId };
}
