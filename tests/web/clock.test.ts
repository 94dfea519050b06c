// The box office on a device whose clock is minutes off, in Chromium (its clock set by Playwright before the app
// loads): the checkout counts the hold down on the server's clock, and the ticket's rotating QR code is the one the
// door accepts now, whichever way the device's clock is wrong.
import { PNG } from 'pngjs';
import jsqr from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScan } from '../../domain/bookings/ticket-codes.ts';
import { verifyingKeys } from '../../domain/bookings/ticket-keys.ts';
import { eventOnSale, eventsCtx, type TestEvent } from '../support/events.ts';
import type { TestPlatform } from '../support/platform.ts';
import { PASSWORD, newCustomer, type Tokens } from '../support/users.ts';
import { until } from '../support/wait.ts';
import { newContext, signInInBrowser, webTestPlatform, type WebTestPlatform } from './support.ts';

// jsqr is CommonJS typed as an ES module: its function is the `default` export of the module object.
const jsQR = jsqr.default;

const HOLD_TTL_SECONDS = 600;
const MINUTE_MS = 60_000;

/** The countdown as the customer reads it, in seconds. */
async function countdownSeconds(page: Page): Promise<number> {
  const text = await page.locator('.hold-countdown strong').innerText();
  const [minutes, seconds] = text.split(':').map(Number);
  return minutes! * 60 + seconds!;
}

describe('the box office on a device whose clock is wrong', () => {
  let web: WebTestPlatform | undefined;
  let platform: TestPlatform;
  let browser: Browser;
  let event: TestEvent;
  let customer: Tokens & { id: string; email: string };
  let nextSeat = 0;
  const contexts: BrowserContext[] = [];

  const bookingsDb = () => platform.orms.bookings.em.fork();
  const known = async (sql: string, id: string) => (await bookingsDb().execute(sql, [id])).length > 0;

  async function hold(): Promise<{ id: string; expiresAt: string }> {
    const held = await platform.api('POST', '/bookings', {
      token: customer.accessToken,
      body: { eventId: event.eventId, seats: [event.seatIds[nextSeat++]] },
    });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    return held.body as { id: string; expiresAt: string };
  }

  /** A browser signed in as the customer whose clock is `skewMs` off the real one from the start. */
  async function skewedPage(skewMs: number): Promise<Page> {
    const context = await newContext(browser, platform.gatewayUrl);
    contexts.push(context);
    await context.clock.install({ time: Date.now() + skewMs });
    const page = await context.newPage();
    await signInInBrowser(page, customer.email, PASSWORD);
    // The device's clock really is off: otherwise this test would prove nothing.
    const deviceSkew = (await page.evaluate(() => Date.now())) - Date.now();
    expect(Math.abs(deviceSkew - skewMs)).toBeLessThan(MINUTE_MS);
    return page;
  }

  beforeAll(async () => {
    web = await webTestPlatform({ BOOKING_HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS) });
    ({ platform, browser } = web);
    event = await eventOnSale(eventsCtx(platform.orms.events));
    customer = await newCustomer(platform.api, 'clock');
    // The bookings service names the event and the holder from facts: wait for both to reach it.
    await until(() => known('select 1 from event_catalog where event_id = ?', event.eventId), 15_000, 100);
    await until(() => known('select 1 from customer where user_id = ?', customer.id), 15_000, 100);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await web?.stop();
  });

  it.each([
    ['5 minutes behind', -5 * MINUTE_MS],
    ['5 minutes ahead', 5 * MINUTE_MS],
  ])('counts the hold down to its real deadline on a device %s', async (_, skewMs) => {
    const page = await skewedPage(skewMs);
    const held = await hold();
    await page.goto(`/checkout/${held.id}`);
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    await page
      .getByText(/left to pay/)
      .first()
      .waitFor();

    // What the hold really has left, by the test's own (right) clock, read around the countdown so it lies between.
    const before = Math.ceil((Date.parse(held.expiresAt) - Date.now()) / 1000);
    const shown = await countdownSeconds(page);
    const after = Math.ceil((Date.parse(held.expiresAt) - Date.now()) / 1000);
    // A second of leeway each way: the offset is learned from a Date header, which names whole seconds.
    expect(shown).toBeGreaterThanOrEqual(after - 2);
    expect(shown).toBeLessThanOrEqual(Math.min(before + 1, HOLD_TTL_SECONDS));
  });

  it.each([
    ['5 minutes behind', -5 * MINUTE_MS],
    ['5 minutes ahead', 5 * MINUTE_MS],
  ])('shows the live code the door accepts now on a device %s', async (_, skewMs) => {
    const held = await hold();
    const paid = await platform.api('POST', `/bookings/${held.id}/pay`, {
      token: customer.accessToken,
      body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
    });
    expect(paid.body.status, JSON.stringify(paid.body)).toBe('CONFIRMED');
    const tickets = await platform.api('GET', `/bookings/${held.id}/tickets`, { token: customer.accessToken });
    const ticket = (tickets.body.items as { id: string; seatLabel: string }[])[0]!;

    const page = await skewedPage(skewMs);
    await page.goto(`/account/tickets/${ticket.id}`);
    const qr = page.getByRole('img', { name: `Live entry code for seat ${ticket.seatLabel}` });
    await qr.waitFor();
    const image = PNG.sync.read(await qr.screenshot());
    const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
    expect(code, 'a QR code in the screenshot').toEqual(expect.any(String));

    const keys = await verifyingKeys(bookingsDb(), event.eventId);
    expect(await checkScan(code!, event.eventId, keys, new Date())).toMatchObject({
      ok: true,
      kind: 'rotating',
      claims: { seatLabel: ticket.seatLabel },
    });
  });
});
