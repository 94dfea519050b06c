// The box office's front door, in Chromium: a visitor finds an event in the shop and opens it; a newcomer creates an
// account, signs out and signs in again; each page passes an accessibility check.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventOnSale, eventsCtx } from '../support/events.ts';
import type { TestPlatform } from '../support/platform.ts';
import { PASSWORD, uniqueEmail } from '../support/users.ts';
import { axeCheck, newContext, registerInBrowser, screenshot, signInInBrowser, webTestPlatform, type WebTestPlatform } from './support.ts';

describe('the shop in a browser', () => {
  let web: WebTestPlatform | undefined;
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    web = await webTestPlatform();
    ({ platform, browser } = web);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await web?.stop();
  });

  it('shows an event on sale with its venue, local time and prices, and finds it by search', async () => {
    const event = await eventOnSale(eventsCtx(platform.orms.events));
    const { title } = (await platform.api('GET', `/events/${event.eventId}`)).body as { title: string };
    context = await newContext(browser, platform.gatewayUrl);
    const page = await context.newPage();

    await page.goto('/');
    await expect.poll(() => page.title()).toBe('Events · Eventix');
    await page.getByLabel('Search').fill(title);
    await page.getByRole('button', { name: 'Find events' }).click();
    const card = page.getByRole('list', { name: 'Events on sale' }).getByRole('listitem');
    await expect.poll(() => card.count()).toBe(1);
    await axeCheck(page, 'the shop');
    await screenshot(page, 'shop');

    await page.getByLabel('Search').fill(`no such event ${randomUUID()}`);
    await page.getByRole('button', { name: 'Find events' }).click();
    await page.getByText('No events match').waitFor();

    await page.goto(`/events/${event.eventId}`);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByText('(UTC)').waitFor();
    const prices = page.getByRole('table', { name: 'Prices and seats left' });
    await expect.poll(() => prices.getByRole('row').count()).toBe(2);
    expect(await prices.getByRole('row').nth(1).innerText()).toMatch(/Stalls\s+€50\.00\s+100 of 100/);
    await axeCheck(page, 'the event page');
  });

  it('creates an account, signs out, and signs in again; a wrong password is said in words', async () => {
    const page = await (context ?? (context = await newContext(browser, platform.gatewayUrl))).newPage();
    const email = uniqueEmail('web');
    await registerInBrowser(page, 'Web Customer', email, PASSWORD);
    await axeCheck(page, 'the shop, signed in');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();

    await page.goto('/signin');
    await axeCheck(page, 'the sign-in page');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('That email and password do not match an account.').waitFor();

    await signInInBrowser(page, email, PASSWORD);
    // A reload keeps the session (the refresh token trades for a new access token); the old refresh token is spent.
    await page.reload();
    await page.getByText('Signed in as Web Customer').waitFor();
    await page.goto('/register');
    await axeCheck(page, 'the registration page');
  });
});
