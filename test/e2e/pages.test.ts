import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, ConsoleMessage, Page, Response } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { operator } from '../integration/operator.ts';
import {
  accessibilityViolations,
  hasChromium,
  horizontalOverflow,
  logIn,
  SCREENSHOTS,
  signUpIn,
  suiteBrowser,
} from './browser.ts';
import { ADMIN_PASSWORD, createAdmin } from './stack-access.ts';

/**
 * The client as a person sees it, on a phone (375 px) and a laptop (1280 px), logged out and logged in:
 * every page passes axe-core with the page's own CSP in force, scrolls only vertically, shows only the
 * controls that fit who is there, and is photographed into test-results/screenshots/.
 */
const WIDTHS = [375, 1280] as const;
const DAY = 24 * 3600 * 1000;

describe.skipIf(!hasChromium)('every page of the client, at 375 and 1280 px', () => {
  const suite = suiteBrowser();
  const { appUrl } = suite;

  const at = (width: number, options: Parameters<Browser['newContext']>[0] = {}) =>
    suite.browser.newContext({ viewport: { width, height: 800 }, ...options });

  const signUp = (page: Page) => signUpIn(page, appUrl);

  async function register(page: Page, activity: string, email: string) {
    await page.goto(`${appUrl}/#/registrations`);
    await page.fill('#field-activity', activity);
    await page.fill('#field-email', email);
    await page.click('#registration-form button[type=submit]');
    await page.waitForSelector(`#registrations tr:has-text("${activity}")`);
  }

  /**
   * Opens a page, waits for what shows it is there, and checks and photographs it: with no console error
   * and no answer of 400 or more (a missing icon's 404 included) on the way.
   */
  async function check(page: Page, name: string, width: number, ready: string) {
    const errors: string[] = [];
    const onConsole = (message: ConsoleMessage) => {
      if (message.type() === 'error') errors.push(message.text());
    };
    const onResponse = (response: Response) => {
      if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
    };
    page.on('console', onConsole);
    page.on('response', onResponse);
    await page.goto(`${appUrl}/#/${name}`);
    await page.waitForSelector(ready);
    await page.waitForLoadState('networkidle');
    page.off('console', onConsole);
    page.off('response', onResponse);
    const problems = {
      name,
      width,
      overflow: await horizontalOverflow(page),
      axe: await accessibilityViolations(page),
      errors,
    };
    await page.screenshot({ path: `${SCREENSHOTS}page-${name}-${width}.png`, fullPage: true });
    return problems;
  }

  for (const width of WIDTHS) {
    it(`at ${width} px: logged out, only the login and signup controls; no empty band above a button`, async () => {
      const context = await at(width);
      const page = await context.newPage();
      const found = [
        await check(page, 'login', width, '#login-form'),
        await check(page, 'signup', width, '#signup-form'),
        await check(page, 'forgot', width, '#forgot-form'),
      ];
      expect(found).toEqual(found.map(({ name }) => ({ name, width, overflow: 0, axe: [], errors: [] })));
      expect(await page.isVisible('#nav')).toBe(false);
      for (const control of ['Registrations', 'Mail viewer', 'Log out'])
        expect(await page.getByText(control, { exact: true }).isVisible(), control).toBe(false);
      // The form's error paragraph takes no room until there is an error to show.
      await page.goto(`${appUrl}/#/login`);
      await page.waitForSelector('#login-form');
      expect(await page.locator('#login-form .form-error').boundingBox()).toBeNull();
      const field = await page.locator('#login-form label').last().boundingBox();
      const button = await page.locator('#login-form button[type=submit]').boundingBox();
      expect((button?.y ?? 0) - ((field?.y ?? 0) + (field?.height ?? 0))).toBeLessThanOrEqual(16);
      await context.close();
    });

    it(`at ${width} px: logged in, every page passes axe-core and fits the width`, async () => {
      const context = await at(width);
      const page = await context.newPage();
      await signUp(page);
      await register(page, 'Swimming, level 2', 'parent@example.com');
      const found = [
        await check(page, 'home', width, '#welcome'),
        await check(page, 'registrations', width, '#registrations tr'),
        await check(page, 'account', width, '#sessions li'),
        await check(page, 'admin', width, '#admins-only'),
      ];
      expect(found).toEqual(found.map(({ name }) => ({ name, width, overflow: 0, axe: [], errors: [] })));
      expect(await page.isVisible('#nav')).toBe(true);
      await context.close();
    });

    it(`at ${width} px: an admin's pages, the admin page with a user's details and a deletion to confirm`, async () => {
      const context = await at(width);
      const page = await context.newPage();
      const admin = createAdmin();
      await logIn(page, appUrl, admin, ADMIN_PASSWORD);
      await page.waitForSelector('#admin-link');
      const found = [
        await check(page, 'home', width, '#admin-link'),
        await check(page, 'admin', width, '#admin-users tr'),
      ];
      expect(found).toEqual(found.map(({ name }) => ({ name, width, overflow: 0, axe: [], errors: [] })));
      const first = page.locator('#admin-users tr').first();
      await first.locator('[data-action=user-details]').click();
      await page.waitForSelector('#admin-user-details h3');
      await first.locator('[data-action=delete-user]').click();
      await first.locator('[data-action=confirm-delete]').waitFor();
      expect({ overflow: await horizontalOverflow(page), axe: await accessibilityViolations(page) }).toEqual({
        overflow: 0,
        axe: [],
      });
      await page.screenshot({ path: `${SCREENSHOTS}page-admin-confirm-${width}.png`, fullPage: true });
      await context.close();
    });
  }

  it("shows a deadline in the visitor's time zone with the time left, and marks one due soon", async () => {
    const timezoneId = 'Asia/Tokyo';
    const context = await at(1280, { timezoneId, locale: 'en-US' });
    const page = await context.newPage();
    await signUp(page);
    await register(page, 'Judo', 'judo@example.com');
    const cell = page.locator('#registrations tr:has-text("Judo") td.deadline');
    const deadline = (await cell.locator('time').getAttribute('datetime')) as string;
    const inTokyo = new Intl.DateTimeFormat('en-US', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: timezoneId,
    });
    expect(await cell.textContent()).toContain(inTokyo.format(new Date(deadline)));
    expect(await cell.textContent()).toMatch(/\(4 days 23 h left\)|\(5 days left\)/);
    expect(await cell.getAttribute('data-state')).toBe('open');

    // A day before the deadline, as the visitor's clock says: inside the reminder window.
    await page.clock.setFixedTime(new Date(Date.parse(deadline) - DAY + 60_000));
    await page.reload();
    await page.waitForSelector('#registrations tr:has-text("Judo")');
    expect(await cell.getAttribute('data-state')).toBe('due-soon');
    expect(await cell.textContent()).toContain('(23 h left)');
    await page.screenshot({ path: `${SCREENSHOTS}registrations-due-soon.png`, fullPage: true });
    await context.close();
  });

  it('photographs the mail viewer with a reminder the deadline job sent', async () => {
    const context: BrowserContext = await at(1280);
    const page = await context.newPage();
    await signUp(page);
    const email = `reminded-${randomBytes(3).toString('hex')}@example.com`;
    await register(page, 'Pottery for beginners', email);
    const deadline = (await page
      .locator('#registrations tr:has-text("Pottery") time')
      .getAttribute('datetime')) as string;
    await page.screenshot({ path: `${SCREENSHOTS}registrations.png`, fullPage: true });
    const run = operator(
      'deadline',
      ['--now', new Date(Date.parse(deadline) - DAY).toISOString()],
      '',
      inject('e2eStateFile'),
    );
    expect(run.status, run.stderr).toBe(0);
    const mailViewer = (await page.locator('#mail-link').getAttribute('href')) as string;
    await page.goto(mailViewer);
    await page.waitForSelector(`text=${email}`, { timeout: 10_000 });
    await page.screenshot({ path: `${SCREENSHOTS}mail-viewer.png` });
    await context.close();
  });
});
