// The on-sale waiting room and the waiting list in Chromium: a customer joins an open sale's queue, is admitted, picks
// a seat and holds it with the admission, and reaches the checkout; another joins a queue before the opening (its
// place drawn at the opening) and leaves it; one whose turn runs out unused is told so and queues again; and one joins
// the waiting list of a sold-out event and sees their place. Each screen passes an accessibility check.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKeys } from '../../common/auth/keys.ts';
import { issueAccessToken } from '../../domain/users/tokens.ts';
import { testConfig } from '../support/context.ts';
import { eventOnSale, eventsCtx, type TestEvent } from '../support/events.ts';
import type { TestPlatform } from '../support/platform.ts';
import { newCustomer, PASSWORD, uniqueEmail } from '../support/users.ts';
import { until } from '../support/wait.ts';
import { axeCheck, newContext, registerInBrowser, screenshot, webTestPlatform, type WebTestPlatform } from './support.ts';

const seat = (page: Page, row: string, number: number) =>
  page
    .getByRole('grid', { name: 'Seats in Stalls' })
    .getByRole('gridcell', { name: new RegExp(`^Section Stalls, row ${row}, seat ${number},`) });

describe('the waiting room and the waiting list in a browser', () => {
  let web: WebTestPlatform | undefined;
  let platform: TestPlatform;
  let browser: Browser;
  let admin: string;
  const contexts: BrowserContext[] = [];
  const newPage = async () => {
    const made = await newContext(browser, platform.gatewayUrl);
    contexts.push(made);
    return made.newPage();
  };

  /** Sets the on-sale as an admin, once the event's facts have reached the bookings service. */
  const setOnSale = async (eventId: string, settings: Record<string, unknown>) => {
    let status = 0;
    await until(async () => {
      const answer = await platform.api('PUT', `/events/${eventId}/on-sale`, { token: admin, body: settings });
      status = answer.status;
      return status !== 404;
    }, 15_000);
    expect(status).toBe(200);
  };

  beforeAll(async () => {
    web = await webTestPlatform();
    ({ platform, browser } = web);
    const config = testConfig();
    admin = await issueAccessToken(await loadSigningKeys(config), config.auth, {
      userId: randomUUID(),
      role: 'admin',
      sessionId: randomUUID(),
    });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await web?.stop();
  });

  it('queues a customer for an open sale, admits them, and holds the seat they pick with the admission', async () => {
    const event = await eventOnSale(eventsCtx(platform.orms.events));
    await setOnSale(event.eventId, {
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      waitingRoom: true,
      admissionRatePerMinute: 6_000,
      admissionTtlSeconds: 600,
      maxSeatsPerCustomer: 4,
    });
    const page = await newPage();
    await registerInBrowser(page, 'Queue Customer', uniqueEmail('web-queue'), PASSWORD);
    await page.goto(`/events/${event.eventId}`);
    const panel = page.getByRole('region', { name: 'Waiting room' });
    await panel.getByText('The sale is open.').waitFor();
    // No seat map before the customer's turn: a hold would be refused without an admission.
    expect(await page.getByRole('grid', { name: 'Seats in Stalls' }).count()).toBe(0);
    await axeCheck(page, 'the waiting room before joining');

    await panel.getByRole('button', { name: 'Join the queue' }).click();
    await panel.getByText('It is your turn.', { exact: true }).waitFor({ timeout: 30_000 });
    await panel.getByText(/\d+:\d\d/).waitFor();
    await panel.getByText('You may hold up to 4 seats.').waitFor();
    await page.getByText('Seats update live as others book.').waitFor();
    await axeCheck(page, 'the waiting room with the turn to hold');
    await screenshot(page, 'waiting-room-admitted');

    await seat(page, 'A', 1).click();
    await page.getByText('1 seat: Stalls A-1. Total €50.00.').waitFor();
    const held = page.waitForResponse((r) => r.url().endsWith('/api/v1/bookings') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Hold these seats' }).click();
    // Held: the waiting room's on, so without the admission the answer would have been 403 ADMISSION_REQUIRED.
    expect((await held).status()).toBe(201);
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    await page.getByRole('table', { name: 'Your seats' }).getByRole('row', { name: /A-1/ }).waitFor();
    await axeCheck(page, 'the checkout after the waiting room');

    // Back on the event, the turn shows as used, and no second hold is offered with it.
    await page.goto(`/events/${event.eventId}`);
    await panel.getByText(/Pay for them before the hold runs out/).waitFor();
    await panel.getByRole('link', { name: 'My bookings' }).waitFor();
    expect(await page.getByRole('grid', { name: 'Seats in Stalls' }).count()).toBe(0);
  }, 90_000);

  it('keeps a place in the pre-queue before the opening, says it is drawn at random, and leaves the queue', async () => {
    const event = await eventOnSale(eventsCtx(platform.orms.events));
    await setOnSale(event.eventId, { opensAt: new Date(Date.now() + 3_600_000).toISOString(), waitingRoom: true });
    const page = await newPage();
    await registerInBrowser(page, 'Early Customer', uniqueEmail('web-prequeue'), PASSWORD);
    await page.goto(`/events/${event.eventId}`);
    const panel = page.getByRole('region', { name: 'Waiting room' });
    await panel.getByText(/The sale opens on/).waitFor();
    await panel.getByRole('button', { name: 'Join the queue' }).click();
    await panel.getByText('You are in the queue.', { exact: true }).waitFor();
    await panel.getByText(/given a place at random/).waitFor();
    await panel.getByText('Your place updates live.').waitFor();
    await axeCheck(page, 'the waiting room before the opening');
    await screenshot(page, 'waiting-room-pre-queue');

    await panel.getByRole('button', { name: 'Leave the queue' }).click();
    await panel.getByRole('button', { name: 'Join the queue' }).waitFor();
    expect(await panel.getByText('You are in the queue.', { exact: true }).count()).toBe(0);
  }, 60_000);

  it('says when a turn ran out unused and queues the customer again at the back', async () => {
    const event = await eventOnSale(eventsCtx(platform.orms.events));
    await setOnSale(event.eventId, {
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      waitingRoom: true,
      admissionRatePerMinute: 6_000,
      admissionTtlSeconds: 4,
    });
    const page = await newPage();
    await registerInBrowser(page, 'Slow Chooser', uniqueEmail('web-queue-expiry'), PASSWORD);
    await page.goto(`/events/${event.eventId}`);
    const panel = page.getByRole('region', { name: 'Waiting room' });
    await panel.getByRole('button', { name: 'Join the queue' }).click();
    await panel.getByText('It is your turn.', { exact: true }).waitFor({ timeout: 30_000 });

    await panel.getByText('Your turn ran out', { exact: true }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('grid', { name: 'Seats in Stalls' }).count()).toBe(0);
    await axeCheck(page, 'the waiting room after a turn ran out');
    const joined = page.waitForResponse((r) => r.url().endsWith(`/events/${event.eventId}/queue`) && r.request().method() === 'POST');
    await panel.getByRole('button', { name: 'Join the queue again' }).click();
    expect((await joined).status()).toBe(201);
    await panel.getByText('It is your turn.', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByText('Seats update live as others book.').waitFor();
  }, 90_000);

  it('puts a customer on the waiting list of a sold-out event and shows their place', async () => {
    const event: TestEvent = await eventOnSale(eventsCtx(platform.orms.events), [{ name: 'Stalls', rows: [{ label: 'A', seats: 2 }] }]);
    const holder = await newCustomer(platform.api, 'web-holder');
    await until(async () => {
      const hold = await platform.api('POST', '/bookings', {
        token: holder.accessToken,
        body: { eventId: event.eventId, seats: event.seatIds },
      });
      return hold.status === 201;
    }, 15_000);

    const page = await newPage();
    await registerInBrowser(page, 'Waiting Customer', uniqueEmail('web-waiting-list'), PASSWORD);
    await page.goto(`/events/${event.eventId}`);
    const list = page.getByRole('region', { name: 'Waiting list' });
    await list.getByText('Every seat is taken for now.').waitFor();
    await list.getByLabel('Seats').fill('1');
    await list.getByRole('button', { name: 'Join the waiting list' }).click();
    await list.getByText('Your place on the waiting list: 1').waitFor();
    await list.getByText(/You asked for 1 seat in any section/).waitFor();
    await axeCheck(page, 'the waiting list');
    await screenshot(page, 'waiting-list');

    await list.getByRole('button', { name: 'Leave the waiting list' }).click();
    await list.getByText('You left the waiting list.').waitFor();
    // Changing their mind: back on the list, at its end (the only one on it, so first again).
    await list.getByRole('button', { name: 'Join the waiting list' }).click();
    await list.getByText('Your place on the waiting list: 1').waitFor();
    await list.getByRole('button', { name: 'Leave the waiting list' }).waitFor();
  }, 60_000);
});
