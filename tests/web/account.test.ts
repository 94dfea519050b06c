// The customer's own pages, in Chromium: a customer with a confirmed booking and a held one (made through the API)
// sees the booking confirmed with its history and tickets, downloads the PDF, opens a ticket whose QR code is a live
// code the door accepts, renames its holder, reads the notifications until none is unread, signs out every other
// session (whose refresh then fails), and cancels the held booking; every page passes an accessibility check.
import { PNG } from 'pngjs';
import jsqr from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScan } from '../../domain/bookings/ticket-codes.ts';
import { verifyingKeys } from '../../domain/bookings/ticket-keys.ts';
import { eventOnSale, eventsCtx, type TestEvent } from '../support/events.ts';
import type { TestPlatform } from '../support/platform.ts';
import { newCustomer, signIn, type Tokens } from '../support/users.ts';
import { until } from '../support/wait.ts';
import { axeCheck, newContext, screenshot, signInInBrowser, webTestPlatform, type WebTestPlatform } from './support.ts';

// jsqr is CommonJS typed as an ES module: its function is the `default` export of the module object.
const jsQR = jsqr.default;

interface Customer extends Tokens {
  id: string;
  email: string;
}

describe('my bookings and tickets in a browser', () => {
  let web: WebTestPlatform | undefined;
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let event: TestEvent;
  let title: string;
  let customer: Customer;
  let confirmedId: string;
  let heldId: string;
  let otherSession: Tokens;

  const bookingsDb = () => platform.orms.bookings.em.fork();
  const known = async (sql: string, id: string) => (await bookingsDb().execute(sql, [id])).length > 0;

  async function hold(seatId: string): Promise<string> {
    const held = await platform.api('POST', '/bookings', {
      token: customer.accessToken,
      body: { eventId: event.eventId, seats: [seatId] },
    });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    return held.body.id as string;
  }

  async function confirm(bookingId: string): Promise<void> {
    const paid = await platform.api('POST', `/bookings/${bookingId}/pay`, {
      token: customer.accessToken,
      body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
    });
    expect(paid.body.status, JSON.stringify(paid.body)).toBe('CONFIRMED');
  }

  const unreadCount = async () =>
    (await platform.api('GET', '/users/me/notifications', { token: otherSession.accessToken })).body.unreadCount as number;

  beforeAll(async () => {
    web = await webTestPlatform();
    ({ platform, browser } = web);
    event = await eventOnSale(eventsCtx(platform.orms.events));
    title = ((await platform.api('GET', `/events/${event.eventId}`)).body as { title: string }).title;
    customer = await newCustomer(platform.api, 'account');
    // The bookings service names the event and the holder from facts: wait for both to reach it.
    await until(() => known('select 1 from event_catalog where event_id = ?', event.eventId), 15_000, 100);
    await until(() => known('select 1 from customer where user_id = ?', customer.id), 15_000, 100);
    confirmedId = await hold(event.seatIds[0]!);
    await confirm(confirmedId);
    heldId = await hold(event.seatIds[1]!);
    // Another device of the same customer, to be signed out from the browser.
    otherSession = await signIn(platform.api, customer.email);
    await until(async () => (await unreadCount()) > 0, 20_000, 200);
    context = await newContext(browser, platform.gatewayUrl);
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await web?.stop();
  });

  it('lists the bookings with their status in words, and shows the confirmed one with its history and tickets', async () => {
    await signInInBrowser(page, customer.email, 'correct horse battery staple');
    await page.getByRole('link', { name: 'My bookings' }).click();
    await page.getByRole('heading', { level: 1, name: 'My bookings' }).waitFor();
    const rows = page.getByRole('table').getByRole('row');
    await expect.poll(() => rows.count()).toBe(3);
    const texts = await rows.allInnerTexts();
    expect(texts.some((t) => t.includes('Stalls A-1') && t.includes('Confirmed') && t.includes('€50.00'))).toBe(true);
    expect(texts.some((t) => t.includes('Stalls A-2') && t.includes('Seats held, awaiting payment'))).toBe(true);
    await axeCheck(page, 'my bookings');
    await screenshot(page, 'bookings');

    await page
      .getByRole('row', { name: /Stalls A-1/ })
      .getByRole('link', { name: title })
      .click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const history = page.getByRole('list', { name: 'Booking history' }).getByRole('listitem');
    await expect.poll(() => history.count()).toBeGreaterThanOrEqual(2);
    expect((await history.allInnerTexts()).at(-1)).toContain('Confirmed');
    await page.getByRole('link', { name: 'Ticket for Stalls A-1' }).waitFor();
    await page.getByText(/Cancelling now would refund €50\.00/).waitFor();
    await axeCheck(page, 'the booking page');
    await screenshot(page, 'booking');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download tickets (PDF)' }).click();
    const pdf = await download;
    expect(pdf.suggestedFilename()).toMatch(/^eventix-tickets-.*\.pdf$/);
    const file = await pdf.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of file) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('shows the ticket with a live QR code the door accepts, and renames its holder', async () => {
    await page.getByRole('link', { name: 'Ticket for Stalls A-1' }).click();
    const qr = page.getByRole('img', { name: 'Live entry code for seat Stalls A-1' });
    await qr.waitFor();
    await page
      .getByRole('timer')
      .getByText(/New code in \d+ s/)
      .waitFor();
    await axeCheck(page, 'the ticket page');
    await screenshot(page, 'ticket');

    const shown = async () => {
      const image = PNG.sync.read(await qr.screenshot());
      return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
    };
    const keys = await verifyingKeys(bookingsDb(), event.eventId);
    const first = await shown();
    expect(first, 'a QR code in the screenshot').toEqual(expect.any(String));
    expect(await checkScan(first!, event.eventId, keys, new Date())).toMatchObject({
      ok: true,
      kind: 'rotating',
      claims: { seatLabel: 'Stalls A-1' },
    });

    // Offline, the code still moves on to the next window's, and the door accepts that one too.
    await context.setOffline(true);
    await expect.poll(shown, { timeout: 20_000, interval: 500 }).not.toBe(first);
    expect(await checkScan((await shown())!, event.eventId, keys, new Date())).toMatchObject({ ok: true, kind: 'rotating' });
    await context.setOffline(false);

    await page.getByLabel('Name on the ticket', { exact: true }).fill('Grace Hopper');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('The ticket is now in the name of Grace Hopper.').waitFor();
    const tickets = await platform.api('GET', `/bookings/${confirmedId}/tickets`, { token: otherSession.accessToken });
    expect(tickets.body.items[0].holderName).toBe('Grace Hopper');
  });

  it('marks the notifications read until none is unread, in the page and in the header', async () => {
    const unread = await unreadCount();
    await page.getByRole('link', { name: new RegExp(`^Notifications ${unread} unread$`) }).click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await page.getByRole('status').getByText(`${unread} unread`).waitFor();
    await axeCheck(page, 'the notifications');
    const first = page.getByRole('button', { name: /^Mark “.+” read$/ }).first();
    if (unread > 1) {
      await first.click();
      await page
        .getByRole('status')
        .getByText(`${unread - 1} unread`)
        .waitFor();
      await page.getByRole('button', { name: 'Mark all read' }).click();
    } else {
      await first.click();
    }
    await page.getByText('No unread notifications.').waitFor();
    await page.getByRole('link', { name: 'Notifications', exact: true }).waitFor();
    expect(await unreadCount()).toBe(0);
  });

  it('signs out every other session; that session cannot refresh any more', async () => {
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('heading', { level: 1, name: 'Profile and sessions' }).waitFor();
    const devices = page.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem');
    await expect.poll(() => devices.count()).toBeGreaterThanOrEqual(2);
    await devices.getByText('This device', { exact: true }).waitFor();
    await axeCheck(page, 'the profile page');
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await page.getByText(/other devices? (is|are) signed out/).waitFor();
    await expect.poll(() => devices.count()).toBe(1);

    const refresh = await platform.api('POST', '/auth/refresh', { body: { refreshToken: otherSession.refreshToken } });
    expect(refresh.status).toBe(401);
  });

  it('cancels the held booking after asking, and shows it cancelled', async () => {
    await page.goto(`/account/bookings/${heldId}`);
    await page.getByText('Nothing has been paid yet: cancelling releases the seats.').waitFor();
    await page.getByRole('button', { name: 'Cancel this booking' }).click();
    await page.getByRole('group', { name: 'Confirm the cancellation' }).waitFor();
    await axeCheck(page, 'the cancellation question');
    await page.getByRole('button', { name: 'Yes, cancel the booking' }).click();
    await page.getByText('The booking is now: Cancelled.').waitFor();
    await page
      .getByRole('list', { name: 'Booking history' })
      .getByText(/Seats held, awaiting payment → Cancelled/)
      .waitFor();
    const booking = await signIn(platform.api, customer.email).then((t) =>
      platform.api('GET', `/bookings/${heldId}`, { token: t.accessToken }),
    );
    expect(booking.body.status).toBe('CANCELLED');
  });
});
