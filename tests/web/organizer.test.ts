// The organizers' side of the box office, in Chromium: the admin draws a venue (with a live preview and the API's
// field errors next to the fields), creates an event there, prices and publishes it, and a signed-out visitor finds
// it in the shop; then the event is edited and cancelled. Every page passes an accessibility check.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '../support/platform.ts';
import { ADMIN } from '../support/users.ts';
import { axeCheck, newContext, screenshot, signInInBrowser, webTestPlatform, type WebTestPlatform } from './support.ts';

const section = (page: Page, n: number) => page.getByRole('group', { name: `Section ${n}`, exact: true });
const row = (page: Page, s: number, r: number) => section(page, s).getByRole('group', { name: `Row ${r}`, exact: true });
const preview = (page: Page) => page.getByRole('complementary', { name: 'Seat map preview' });

/** Draws Stalls (row A of 10 with A-1 accessible, row B of 0 seats: invalid) and Balcony (row A of 8). */
async function drawVenue(page: Page, name: string): Promise<void> {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('City').fill('Berlin');
  await page.getByLabel('Time zone').fill('Europe/Berlin');
  await row(page, 1, 1).getByLabel('Seats').fill('10');
  await section(page, 1).getByLabel('Accessible seats').fill('A-1');
  await section(page, 1).getByRole('button', { name: 'Add a row to section 1' }).click();
  await row(page, 1, 2).getByLabel('Seats').fill('0');
  await page.getByRole('button', { name: 'Add a section' }).click();
  await section(page, 2).getByLabel('Section name').fill('Balcony');
  await row(page, 2, 1).getByLabel('Seats').fill('8');
}

describe('the organizers’ box office in a browser', () => {
  let web: WebTestPlatform | undefined;
  let platform: TestPlatform;
  let browser: Browser;
  let admin: BrowserContext;
  let visitor: BrowserContext;
  let page: Page;
  let eventPath = '';
  const title = `Organizer night ${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    web = await webTestPlatform();
    ({ platform, browser } = web);
    admin = await newContext(browser, platform.gatewayUrl);
    visitor = await newContext(browser, platform.gatewayUrl);
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
    await visitor?.close();
    await web?.stop();
  });

  it('draws a venue with a live preview, shows the API’s error on its field, and publishes a priced event the shop shows', async () => {
    page = await admin.newPage();
    await signInInBrowser(page, ADMIN.email, ADMIN.password);

    await page.getByRole('link', { name: 'Venues' }).click();
    await page.getByRole('heading', { level: 1, name: 'Venues' }).waitFor();
    await axeCheck(page, 'the venue list');
    await page.getByRole('link', { name: 'Draw a new venue' }).click();
    await page.getByRole('heading', { level: 1, name: 'New venue' }).waitFor();
    await preview(page).getByText('1 section, 10 seats (0 accessible, 0 blocked)').waitFor();

    await drawVenue(page, `Hall ${randomUUID().slice(0, 8)}`);
    // The preview follows every keystroke: both sections, 18 seats, the accessible one marked.
    await preview(page).getByText('2 sections, 18 seats (1 accessible, 0 blocked)').waitFor();
    await preview(page).getByRole('img', { name: 'Stalls: 2 rows, 10 seats, 1 accessible, 0 blocked' }).waitFor();
    await preview(page).getByRole('img', { name: 'Balcony: 1 row, 8 seats, 0 accessible, 0 blocked' }).waitFor();
    await axeCheck(page, 'the venue editor');
    await screenshot(page, 'organizer-venue-editor');

    // Row B has no seats: the API refuses it and the message stands under that row's seats.
    await page.getByRole('button', { name: 'Save venue' }).click();
    const seatsOfB = row(page, 1, 2).getByLabel('Seats');
    await row(page, 1, 2).getByText('a row needs at least one seat').waitFor();
    expect(await seatsOfB.getAttribute('aria-invalid')).toBe('true');
    expect(await row(page, 1, 1).getByLabel('Seats').getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('alert').getByText('Some fields need another look.').waitFor();
    await axeCheck(page, 'the venue editor with an error');
    await screenshot(page, 'organizer-venue-editor-error');

    await seatsOfB.fill('6');
    await preview(page).getByText('2 sections, 24 seats (1 accessible, 0 blocked)').waitFor();
    await page.getByRole('button', { name: 'Save venue' }).click();
    await page.getByText('The venue is saved with 24 seats.').waitFor();
    await page.getByRole('complementary', { name: 'Seat map' }).getByText('2 sections, 24 seats (1 accessible, 0 blocked)').waitFor();
    await axeCheck(page, 'the saved venue');

    await page.getByRole('link', { name: 'Create an event here' }).click();
    await page.getByRole('heading', { level: 1, name: 'New event' }).waitFor();
    await page.getByText('Times are on the clock of').waitFor();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Starts (Europe/Berlin)').fill('2031-06-01T19:30');
    await page.getByLabel('Ends (Europe/Berlin)').fill('2031-06-01T22:00');
    await axeCheck(page, 'the new event form');
    await page.getByRole('button', { name: 'Create draft event' }).click();

    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByText('Draft: not visible to customers').waitFor();
    // 19:30 in Berlin's summer is 17:30 UTC; the form shows it back on the venue's clock.
    expect(await page.getByLabel('Starts (Europe/Berlin)').inputValue()).toBe('2031-06-01T19:30');
    eventPath = new URL(page.url()).pathname;
    const eventId = eventPath.split('/').at(-1)!;
    const stored = (await platform.api('GET', `/events/${eventId}`)).status;
    expect(stored, 'a draft is invisible to visitors').toBe(404);

    // Publishing before the prices are set is refused in words.
    await page.getByRole('button', { name: 'Publish: put it on sale' }).click();
    await page.getByRole('alert').getByText('Every section with seats needs a price').waitFor();

    await page.getByLabel('Price for Stalls').fill('45.00');
    await page.getByLabel('Price for Balcony').fill('25.50');
    await page.getByRole('button', { name: 'Save prices' }).click();
    await page.getByText('The prices are saved.').waitFor();
    await page.getByRole('button', { name: 'Publish: put it on sale' }).click();
    await page.getByText('This event is published.').waitFor();
    await page.getByRole('table', { name: 'Prices' }).getByText('€25.50').waitFor();
    await axeCheck(page, 'the event editor');
    await screenshot(page, 'organizer-event-editor');

    const shop = await visitor.newPage();
    await shop.goto('/');
    await shop.getByLabel('Search').fill(title);
    await shop.getByRole('button', { name: 'Find events' }).click();
    await shop.getByRole('list', { name: 'Events on sale' }).getByRole('link', { name: title }).click();
    await shop.getByRole('heading', { level: 1, name: title }).waitFor();
    await shop.getByText('(Europe/Berlin)').first().waitFor();
  });

  it('edits the published event, cancels it and reports that every booking is refunded', async () => {
    // The same tab: the session lives in it.
    await page.getByRole('link', { name: 'Manage events' }).click();
    await page.getByRole('heading', { level: 1, name: 'Manage events' }).waitFor();
    await axeCheck(page, 'the event list');
    // Other tests' events share the list: the organizer finds this one by its title.
    await page.getByRole('search', { name: 'Events' }).getByLabel('Search').fill(title);
    await page.getByRole('button', { name: 'Find events' }).click();
    await page.getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    expect(new URL(page.url()).pathname).toBe(eventPath);

    await page.getByLabel('Title').fill(`${title} (late show)`);
    await page.getByRole('button', { name: 'Save details' }).first().click();
    await page.getByText('The event’s details are saved.').waitFor();

    await page.getByRole('button', { name: 'Cancel this event…' }).click();
    await page.getByLabel('Reason (shown to customers)').fill('The band is ill.');
    await page.getByRole('button', { name: 'Cancel the event and refund everyone' }).click();
    await page.getByText('This event is cancelled.').waitFor();
    await page.getByText(/Every booking is cancelled or refunded/).waitFor();
    await axeCheck(page, 'the cancelled event');
  });
});
