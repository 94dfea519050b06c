// The door in a browser: an admin makes a door-staff account and grants it an event; a customer's ticket is bought
// through the API; the scanner signs in, sets the gate once, types the printed code and sees it admitted, then
// already used, a non-ticket refused in words, and the live count at one; each screen passes an accessibility check.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventOnSale, eventsCtx, type TestEvent } from '../support/events.ts';
import type { TestPlatform } from '../support/platform.ts';
import { ADMIN, PASSWORD, newCustomer, signIn, uniqueEmail } from '../support/users.ts';
import { until } from '../support/wait.ts';
import { axeCheck, newContext, screenshot, signInInBrowser, webTestPlatform, type WebTestPlatform } from './support.ts';

describe('the door in a browser', () => {
  let web: WebTestPlatform | undefined;
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let event: TestEvent;

  beforeAll(async () => {
    web = await webTestPlatform({ BOOKING_HOLD_TTL_SECONDS: '120' });
    ({ platform, browser } = web);
    event = await eventOnSale(eventsCtx(platform.orms.events), [{ name: 'Hall', rows: [{ label: 'C', seats: 4 }] }], [2_500]);
    const known = async () =>
      (await platform.orms.bookings.em.fork().execute('select 1 from event_catalog where event_id = ?', [event.eventId])).length > 0;
    await until(known, 15_000, 100);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await web?.stop();
  });

  /** A confirmed booking of one seat, and its ticket's printed code as the PDF carries it. */
  async function printedCode(): Promise<string> {
    const buyer = await newCustomer(platform.api, 'doorweb');
    const inDirectory = async () =>
      (await platform.orms.bookings.em.fork().execute('select 1 from customer where user_id = ?', [buyer.id])).length > 0;
    await until(inDirectory, 15_000, 100);
    const held = await platform.api('POST', '/bookings', {
      token: buyer.accessToken,
      body: { eventId: event.eventId, seats: [event.seatIds[0]] },
    });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const paid = await platform.api('POST', `/bookings/${held.body.id}/pay`, {
      token: buyer.accessToken,
      body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
    });
    expect(paid.body.status, JSON.stringify(paid.body)).toBe('CONFIRMED');
    const tickets = await platform.api('GET', `/bookings/${held.body.id}/tickets`, { token: buyer.accessToken });
    return (tickets.body.items as { printCode: string }[])[0]!.printCode;
  }

  /** A door-staff account granted this event by the admin. */
  async function grantedScanner(): Promise<string> {
    const admin = await signIn(platform.api, ADMIN.email, ADMIN.password);
    const email = uniqueEmail('doorweb-scanner');
    const made = await platform.api('POST', '/users', {
      token: admin.accessToken,
      body: { email, password: PASSWORD, name: 'West Door Staff', role: 'scanner' },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const granted = await platform.api('PUT', `/events/${event.eventId}/checkins/scanners/${made.body.id}`, { token: admin.accessToken });
    expect(granted.status, JSON.stringify(granted.body)).toBeLessThan(300);
    return email;
  }

  it('admits a typed code once, then says it was used and where, refuses a non-ticket, and counts one in', async () => {
    const code = await printedCode();
    const email = await grantedScanner();
    context = await newContext(browser, platform.gatewayUrl);
    const page = await context.newPage();

    await signInInBrowser(page, email, PASSWORD);
    await page.getByRole('link', { name: 'Door' }).click();
    await page.getByLabel('Event id').fill(event.eventId);
    await page.getByRole('button', { name: 'Open the door' }).click();

    await page.getByLabel('Gate').fill('West');
    await page.getByLabel('Device').fill('west-phone-1');
    await axeCheck(page, 'the door’s gate form');
    await page.getByRole('button', { name: 'Start scanning' }).click();
    await page.getByText('Ready to scan').waitFor();
    await page.getByText('0 of 1 tickets').waitFor();
    await page.getByRole('button', { name: 'Scan with camera' }).waitFor();

    const result = page.locator('[aria-live="assertive"]');
    await page.getByLabel('Ticket code').fill(code);
    await page.getByRole('button', { name: 'Check ticket' }).click();
    await result.getByText('ADMITTED').waitFor();
    expect(await result.innerText()).toContain('Hall C-1 · Test doorweb');
    await page.getByText('1 of 1 tickets').waitFor();
    await axeCheck(page, 'the door, admitted');
    await screenshot(page, 'door-admitted');

    await page.getByLabel('Ticket code').fill(code);
    await page.getByRole('button', { name: 'Check ticket' }).click();
    await result.getByText('ALREADY USED').waitFor();
    expect(await result.innerText()).toMatch(/Admitted at \d\d:\d\d:\d\d at gate West/);
    await axeCheck(page, 'the door, already used');
    await screenshot(page, 'door-already-used');

    await page.getByLabel('Ticket code').fill('not a ticket');
    await page.getByRole('button', { name: 'Check ticket' }).click();
    await result.getByText('REFUSED').waitFor();
    expect(await result.innerText()).toContain('This code is not an Eventix ticket.');
    await screenshot(page, 'door-refused');

    // The gate is remembered on this device: a reload goes straight back to scanning, and the count is still one.
    await page.reload();
    await page.getByText('Gate West').waitFor();
    await page.getByText('1 of 1 tickets').waitFor();
    expect(await page.getByLabel('Ticket code').isVisible()).toBe(true);
  }, 120_000);
});
