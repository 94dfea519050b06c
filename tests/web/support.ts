// Browser tests of the box office: the whole platform in the test process (its gateway serving the built app), Debian's
// Chromium driven by playwright-core, an axe pass that fails on serious or critical violations, and screenshots of
// the main screens in data/web-screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM, ensureWebBuild as ensureBuilt } from '../../scripts/web.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const ROOT = join(import.meta.dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'data', 'web-screenshots');

/** The app as `npm run web:build` makes it; built here when a test file runs alone on a checkout without a current one. */
export function ensureWebBuild(): void {
  ensureBuilt((line) => console.log(line));
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run node scripts/bootstrap.ts (it installs Debian's chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface WebTestPlatform {
  platform: TestPlatform;
  browser: Browser;
  /** Closes the browser, then the platform; the test closes its own contexts first. */
  stop: () => Promise<void>;
}

/** The built app served by a whole platform (started with `env`), and a browser to drive it. */
export async function webTestPlatform(env: Record<string, string> = {}): Promise<WebTestPlatform> {
  ensureWebBuild();
  const platform = await startTestPlatform(env);
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await platform.stop();
    throw err;
  }
  const stop = async () => {
    await browser.close();
    await platform.stop();
  };
  return { platform, browser, stop };
}

/** A fresh browser profile on the platform's gateway: its own storage, so two contexts are two customers. */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  context.setDefaultTimeout(15_000);
  return context;
}

/** Fails on any serious or critical accessibility violation of the page as it is now, naming each. */
export async function axeCheck(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `accessibility of ${what}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Registers a new customer in the browser; answers the email. */
export async function registerInBrowser(page: Page, name: string, email: string, password: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText(`Signed in as ${name}`).waitFor();
}

export async function signInInBrowser(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as').waitFor();
}
