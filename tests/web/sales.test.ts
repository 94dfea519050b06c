// An event's sales in a browser: two customers book through the API, and the admin's sales page shows their seats
// per section, the revenue, the chart with its table, and finds one booking by its seat; each screen passes axe.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventOnSale, eventsCtx, type TestEvent } from '../support/events.ts';
import type { TestPlatform } from '../support/platform.ts';
import { ADMIN, newCustomer } from '../support/users.ts';
import { until } from '../support/wait.ts';
import { axeCheck, newContext, screenshot, signInInBrowser, webTestPlatform, type WebTestPlatform } from './support.ts';

describe('an event’s sales in a browser', () => {
  let web: WebTestPlatform | undefined;
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let event: TestEvent;

  beforeAll(async () => {
    web = await webTestPlatform({ BOOKING_HOLD_TTL_SECONDS: '120' });
    ({ platform, browser } = web);
    event = await eventOnSale(
      eventsCtx(platform.orms.events),
      [
        { name: 'Stalls', rows: [{ label: 'A', seats: 10 }] },
        { name: 'Balcony', rows: [{ label: 'A', seats: 5 }] },
      ],
      [5_000, 3_000],
    );
    const known = async () =>
      (await platform.orms.bookings.em.fork().execute('select 1 from event_catalog where event_id = ?', [event.eventId])).length > 0;
    await until(known, 15_000, 100);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await web?.stop();
  });

  /** A new customer books these seats and pays for them. */
  async function confirmedBooking(seats: string[]): Promise<void> {
    const buyer = await newCustomer(platform.api, 'salesweb');
    const inDirectory = async () =>
      (await platform.orms.bookings.em.fork().execute('select 1 from customer where user_id = ?', [buyer.id])).length > 0;
    await until(inDirectory, 15_000, 100);
    const held = await platform.api('POST', '/bookings', { token: buyer.accessToken, body: { eventId: event.eventId, seats } });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const paid = await platform.api('POST', `/bookings/${held.body.id}/pay`, {
      token: buyer.accessToken,
      body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
    });
    expect(paid.body.status, JSON.stringify(paid.body)).toBe('CONFIRMED');
  }

  it('shows the bookings per section with revenue, charts them, and finds one booking', async () => {
    const [stalls, balcony] = event.sections;
    await confirmedBooking(stalls!.seatIds.slice(0, 2));
    await confirmedBooking(balcony!.seatIds.slice(0, 1));

    context = await newContext(browser, platform.gatewayUrl);
    const page = await context.newPage();
    await signInInBrowser(page, ADMIN.email, ADMIN.password);
    await page.goto(`/admin/events/${event.eventId}/sales`);
    await page.getByRole('heading', { level: 1, name: /^Sales: / }).waitFor();

    const sections = page.getByRole('table', { name: 'Seats by section' });
    expect(await sections.getByRole('row', { name: /Stalls/ }).innerText()).toMatch(/Stalls\s+2\s+0\s+8\s+10/);
    expect(await sections.getByRole('row', { name: /Balcony/ }).innerText()).toMatch(/Balcony\s+1\s+0\s+4\s+5/);
    const revenue = page.getByRole('definition').filter({ hasText: '€' }).first();
    expect(await revenue.innerText()).toBe('€130.00');
    await page.locator('.sales-chart-canvas canvas').first().waitFor();
    const series = page.getByRole('table', { name: 'Sales over time' });
    expect(await series.getByRole('row').nth(1).innerText()).toMatch(/\s3\s+€130\.00/);

    const found = page.getByRole('table', { name: 'Bookings found' }).getByRole('row');
    await expect.poll(() => found.count()).toBe(3);
    await axeCheck(page, 'the sales page');
    await screenshot(page, 'sales');

    await page.getByLabel('Booking, seat or customer').fill('Balcony A-1');
    await page.getByRole('button', { name: 'Search bookings' }).click();
    await page.getByText('1 booking shown.').waitFor();
    expect(await found.nth(1).innerText()).toContain('Balcony A-1');
    const saga = found.nth(1).getByRole('link', { name: /^Saga of booking/ });
    expect(await saga.getAttribute('href')).toMatch(/\/namespaces\/[^/]+\/workflows\/booking-[0-9a-f-]{36}$/);
    await axeCheck(page, 'the sales page, searched');
  }, 120_000);
});
