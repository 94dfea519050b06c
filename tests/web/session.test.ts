// The session in Chromium on a platform whose access tokens live a few seconds: a customer who holds seats and pays
// after the token expired stays signed in and the payment goes through; a payment the API refuses for its token is
// repeated whole with a fresh one; and two tabs of one customer both keep working while the single-use refresh
// token rotates under them, both refreshing at once, again and again (a tab that spent a used token would end the
// session). Signing out ends the session on the server and in every tab, even while another tab is refreshing; a
// session an earlier box office kept in localStorage moves to IndexedDB; and where IndexedDB cannot be opened (some
// private modes) the session is kept in localStorage and works all the same.
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventOnSale, eventsCtx, type TestEvent } from '../support/events.ts';
import type { TestPlatform } from '../support/platform.ts';
import { PASSWORD, newCustomer, uniqueEmail } from '../support/users.ts';
import { until } from '../support/wait.ts';
import { newContext, registerInBrowser, webTestPlatform, type WebTestPlatform } from './support.ts';

const ACCESS_TOKEN_TTL_SECONDS = 6;
/** What the API allows a token past its `exp` (common/auth/verify.ts), and a second more. */
const PAST_EXPIRY_MS = 6_000;

const tokenOf = (request: Request) => request.headers().authorization?.replace(/^Bearer /, '');

function expiryOf(token: string): number {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;
}

/** What a page said to the API: the tokens it sent, the refreshes and their answers, and answers refused with 401. */
function watch(page: Page) {
  const seen = { tokens: [] as string[], refreshes: [] as number[], refused: [] as string[] };
  page.on('request', (r) => {
    const token = tokenOf(r);
    if (token && !seen.tokens.includes(token)) seen.tokens.push(token);
  });
  page.on('response', (r) => {
    if (!new URL(r.url()).pathname.startsWith('/api/v1/')) return;
    if (r.url().endsWith('/auth/refresh')) seen.refreshes.push(r.status());
    if (r.status() === 401) seen.refused.push(`${r.request().method()} ${r.url()}`);
  });
  return seen;
}

/** Waits until every token seen so far has expired, on the API's reckoning too (so none could still be sent). */
async function pastExpiryOf(tokens: string[]): Promise<void> {
  const last = Math.max(...tokens.map(expiryOf));
  await until(() => Date.now() > last + PAST_EXPIRY_MS, ACCESS_TOKEN_TTL_SECONDS * 1000 + PAST_EXPIRY_MS + 5_000, 100);
}

/** The marker of a kept session, and the refresh token kept without IndexedDB (or by earlier versions), in a page. */
const SIGNED_IN = `localStorage.getItem('eventix.signedIn')`;
const LOCAL_TOKEN = `localStorage.getItem('eventix.refresh')`;
/** The refresh token the box office keeps in IndexedDB (null when none), read without creating the database. */
const STORED_TOKEN = `new Promise((resolve, reject) => {
  const open = indexedDB.open('eventix');
  open.onupgradeneeded = () => open.transaction.abort();
  open.onerror = () => resolve(null);
  open.onsuccess = () => {
    const db = open.result;
    const get = db.transaction('session').objectStore('session').get('refreshToken');
    get.onsuccess = () => { db.close(); resolve(get.result ?? null); };
    get.onerror = () => reject(get.error);
  };
})`;
/** IndexedDB as Firefox's private windows had it: the database cannot be opened, and says so with an error event. */
const NO_INDEXED_DB = `IDBFactory.prototype.open = function () {
  const request = { error: new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError') };
  setTimeout(() => request.onerror && request.onerror(new Event('error')));
  return request;
};`;

const seat = (page: Page, row: string, number: number) =>
  page
    .getByRole('grid', { name: 'Seats in Stalls' })
    .getByRole('gridcell', { name: new RegExp(`^Section Stalls, row ${row}, seat ${number},`) });

describe('a short-lived access token in a browser', () => {
  let web: WebTestPlatform | undefined;
  let platform: TestPlatform;
  let browser: Browser;
  let event: TestEvent;
  const contexts: BrowserContext[] = [];
  const context = async () => {
    const made = await newContext(browser, platform.gatewayUrl);
    contexts.push(made);
    return made;
  };

  beforeAll(async () => {
    web = await webTestPlatform({ ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS) });
    ({ platform, browser } = web);
    event = await eventOnSale(eventsCtx(platform.orms.events));
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await web?.stop();
  });

  /** Registers a customer in the page, picks a seat of row A and holds it; answers the hold request. */
  async function holdASeat(page: Page, number: number): Promise<Request> {
    await registerInBrowser(page, 'Short Session', uniqueEmail('session'), PASSWORD);
    await page.goto(`/events/${event.eventId}`);
    await page.getByText('Seats update live as others book.').waitFor();
    await seat(page, 'A', number).click();
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/bookings') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Hold these seats' }).click();
    const hold = await answered;
    expect(hold.status()).toBe(201);
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    return hold.request();
  }

  it('pays after the access token expired mid-checkout, and stays signed in', async () => {
    const page = await (await context()).newPage();
    const seen = watch(page);
    const hold = await holdASeat(page, 1);
    const holdToken = tokenOf(hold)!;

    await pastExpiryOf(seen.tokens);
    const expired = await platform.api('GET', '/users/me', { token: holdToken });
    expect(expired.body.code).toBe('TOKEN_EXPIRED');

    const paying = page.waitForRequest((r) => r.url().endsWith('/pay') && r.method() === 'POST');
    await page.getByLabel('Visa (succeeds)').check();
    await page.getByRole('button', { name: 'Pay now' }).click();
    expect(tokenOf(await paying)).not.toBe(holdToken);
    // Confirmed: the payment arrived whole (the API refuses one without its gateway) with a token it accepted.
    await page.getByRole('heading', { name: 'Booking confirmed' }).waitFor();
    await page.getByText('Signed in as Short Session').waitFor();

    // The token was renewed before it ran out: nothing was refused, and no refresh failed.
    expect(seen.refused).toEqual([]);
    expect(seen.refreshes.length).toBeGreaterThan(0);
    expect(seen.refreshes.every((status) => status === 200)).toBe(true);
  }, 60_000);

  it('repeats a payment the API refused for its token, body and all, with a fresh token', async () => {
    const page = await (await context()).newPage();
    const hold = await holdASeat(page, 2);
    const payments: (string | undefined)[] = [];
    await page.route('**/api/v1/bookings/*/pay', async (route) => {
      payments.push(tokenOf(route.request()));
      // The first attempt is refused as if its token had run out on the way; the repeat goes to the API.
      if (payments.length > 1) return route.continue();
      return route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, code: 'TOKEN_EXPIRED' }),
      });
    });

    await page.getByLabel('Visa (succeeds)').check();
    await page.getByRole('button', { name: 'Pay now' }).click();
    // Confirmed by the repeat: it carried the payment's body (the API refuses one without its gateway).
    await page.getByRole('heading', { name: 'Booking confirmed' }).waitFor();
    expect(payments).toEqual([tokenOf(hold), expect.any(String)]);
    expect(payments[1]).not.toBe(payments[0]);
    await page.getByText('Signed in as Short Session').waitFor();
  }, 60_000);

  it('keeps two tabs of one customer signed in while the refresh token rotates under both', async () => {
    const tabs = await context();
    const first = await tabs.newPage();
    const firstSeen = watch(first);
    await registerInBrowser(first, 'Two Tabs', uniqueEmail('tabs'), PASSWORD);
    const second = await tabs.newPage();
    const secondSeen = watch(second);
    // Opening the second tab spends the refresh token the first one got at sign-in.
    await second.goto('/');
    await second.getByText('Signed in as Two Tabs').waitFor();

    const both = (fn: (page: Page) => Promise<void>) => Promise.all([fn(first), fn(second)]);
    const devices = (page: Page) => page.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem');
    for (const round of [1, 2]) {
      // Both tabs' tokens have run out, so each tab refreshes, both at once.
      await pastExpiryOf([...firstSeen.tokens, ...secondSeen.tokens]);
      if (round % 2) {
        await both((page) => page.getByRole('link', { name: 'Profile' }).click());
        await both((page) => devices(page).getByText('This device', { exact: true }).waitFor());
      } else {
        await both((page) => page.getByRole('link', { name: 'My bookings' }).click());
        await both((page) => page.getByText('You have no bookings yet.').waitFor());
      }
    }

    // Each load of a tab refreshes (the access token lives in memory only): both at once, over and over.
    for (let i = 0; i < 10; i++) {
      await both((page) => page.reload().then(() => page.getByText('Signed in as Two Tabs').waitFor()));
    }

    for (const seen of [firstSeen, secondSeen]) {
      expect(seen.refused).toEqual([]);
      expect(seen.refreshes.length).toBeGreaterThanOrEqual(12);
      expect(seen.refreshes.every((status) => status === 200)).toBe(true);
    }
  }, 120_000);

  it('signs every tab out when one signs out, and ends the session on the server', async () => {
    const tabs = await context();
    const first = await tabs.newPage();
    await registerInBrowser(first, 'Signing Out', uniqueEmail('signout'), PASSWORD);
    const second = await tabs.newPage();
    await second.goto('/');
    await second.getByText('Signed in as Signing Out').waitFor();

    const loggedOut = first.waitForResponse((r) => r.url().endsWith('/api/v1/auth/logout'));
    await first.getByRole('button', { name: 'Sign out' }).click();
    const logout = await loggedOut;
    expect(logout.status()).toBe(204);
    await Promise.all([first, second].map((page) => page.getByRole('link', { name: 'Sign in' }).waitFor()));
    expect(await first.evaluate(SIGNED_IN)).toBeNull();
    expect(await first.evaluate(STORED_TOKEN)).toBeNull();

    // The session's access token is refused from now on (the server ended its session, not only this browser).
    const token = tokenOf(logout.request())!;
    await until(async () => (await platform.api('GET', '/users/me', { token })).status === 401, 5_000, 100);
    await second.reload();
    await second.getByRole('link', { name: 'Sign in' }).waitFor();
  }, 60_000);

  it('leaves no session in any tab when one signs out while another is refreshing', async () => {
    const tabs = await context();
    const first = await tabs.newPage();
    await registerInBrowser(first, 'Racing Tabs', uniqueEmail('race'), PASSWORD);
    const second = await tabs.newPage();
    await second.goto('/');
    await second.getByText('Signed in as Racing Tabs').waitFor();

    // The second tab's next refresh reaches the server (which rotates the token) but its answer is held back, so the
    // second tab is still refreshing, under the refresh lock, while the first signs out.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const refreshHeld = new Promise<void>((resolve) => (held = resolve));
    await second.route('**/api/v1/auth/refresh', async (route) => {
      const answer = await route.fetch();
      held();
      await released;
      await route.fulfill({ response: answer });
    });
    void second.reload().catch(() => undefined);
    await refreshHeld;

    const loggedOut = first.waitForResponse((r) => r.url().endsWith('/api/v1/auth/logout'));
    await first.getByRole('button', { name: 'Sign out' }).click();
    // The logout may itself wait for the lock (when the first tab's token needs renewing first): then it goes after.
    await Promise.race([loggedOut, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    release();

    expect((await loggedOut).status()).toBe(204);
    await Promise.all([first, second].map((page) => page.getByRole('link', { name: 'Sign in' }).waitFor()));
    // The token the second tab got is not left behind for a later load to take up.
    await expect.poll(() => first.evaluate(SIGNED_IN)).toBeNull();
    expect(await second.evaluate(SIGNED_IN)).toBeNull();
    expect(await second.evaluate(STORED_TOKEN)).toBeNull();
    await second.unroute('**/api/v1/auth/refresh');
    await second.reload();
    await second.getByRole('link', { name: 'Sign in' }).waitFor();
  }, 60_000);

  it('moves a session an earlier box office kept in localStorage to IndexedDB', async () => {
    const customer = await newCustomer(platform.api, 'legacy');
    const page = await (await context()).newPage();
    const seen = watch(page);
    await page.goto('/');
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await page.evaluate(`localStorage.setItem('eventix.refresh', ${JSON.stringify(customer.refreshToken)})`);

    await page.reload();
    await page.getByText('Signed in as Test legacy').waitFor();
    expect(await page.evaluate(LOCAL_TOKEN)).toBeNull();
    expect(await page.evaluate(SIGNED_IN)).toBe('1');
    const stored = await page.evaluate(STORED_TOKEN);
    expect(stored).toEqual(expect.any(String));
    expect(stored).not.toBe(customer.refreshToken);
    // And it keeps working from there.
    await page.reload();
    await page.getByText('Signed in as Test legacy').waitFor();
    expect(seen.refreshes).toEqual([200, 200]);
  }, 60_000);

  it('keeps the session in localStorage where IndexedDB cannot be opened (a private mode), in every tab', async () => {
    const tabs = await context();
    await tabs.addInitScript(NO_INDEXED_DB);
    const first = await tabs.newPage();
    const firstSeen = watch(first);
    await registerInBrowser(first, 'Private Window', uniqueEmail('private'), PASSWORD);
    expect(await first.evaluate(LOCAL_TOKEN)).toEqual(expect.any(String));
    const second = await tabs.newPage();
    const secondSeen = watch(second);
    await second.goto('/');
    await second.getByText('Signed in as Private Window').waitFor();

    for (let i = 0; i < 3; i++) {
      for (const page of [first, second]) {
        await page.reload();
        await page.getByText('Signed in as Private Window').waitFor();
      }
    }
    for (const seen of [firstSeen, secondSeen]) {
      expect(seen.refused).toEqual([]);
      expect(seen.refreshes.length).toBeGreaterThanOrEqual(3);
      expect(seen.refreshes.every((status) => status === 200)).toBe(true);
    }

    await first.getByRole('button', { name: 'Sign out' }).click();
    await Promise.all([first, second].map((page) => page.getByRole('link', { name: 'Sign in' }).waitFor()));
    expect(await second.evaluate(LOCAL_TOKEN)).toBeNull();
  }, 60_000);
});
