import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  hasChromium,
  horizontalOverflow,
  PASSWORD,
  SCREENSHOTS,
  suiteBrowser,
} from './browser.ts';

/**
 * Account recovery as a person does it: an address given at signup, its link followed from the mail
 * viewer, "Forgot password?" on the login form, and the reset link followed from the mail viewer too.
 */
describe.skipIf(!hasChromium)('account recovery in Chromium, through the mail viewer', () => {
  const suite = suiteBrowser();
  const { appUrl } = suite;

  /**
   * Opens the mail viewer as the nav links it, finds the newest mail with this subject to this address,
   * shows its HTML, and follows the link in it, as a reader clicking it would.
   */
  async function followMailLink(page: Page, mailViewer: string, to: string, subject: string) {
    await page.goto(mailViewer);
    const mail = page.locator('.email', { hasText: to }).filter({ hasText: subject }).first();
    await mail.waitFor({ timeout: 10_000 });
    await mail.getByRole('button', { name: 'Toggle HTML view' }).click();
    const href = await mail.frameLocator('iframe').locator('a').first().getAttribute('href');
    expect(href).toMatch(new RegExp(`^${appUrl}/(verify-email|reset-password)\\?token=`));
    await page.goto(href as string);
  }

  /** The page is usable by everyone and fits a phone: no axe violation, no sideways scrolling. */
  async function accessible(page: Page, name: string) {
    await page.setViewportSize({ width: 375, height: 800 });
    expect({
      name,
      axe: await accessibilityViolations(page),
      overflow: await horizontalOverflow(page),
    }).toEqual({
      name,
      axe: [],
      overflow: 0,
    });
    await page.screenshot({ path: `${SCREENSHOTS}page-${name}-375.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  it('verifies the address from the mail, then resets a forgotten password from the mail and logs in with it', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const username = `reader_${randomBytes(4).toString('hex')}`;
    const email = `${username}@example.com`;
    await page.goto(`${appUrl}/#/signup`);
    await page.fill('#field-username', username);
    await page.fill('#field-password', PASSWORD);
    await page.fill('#field-email', email);
    await page.click('#signup-form button[type=submit]');
    await page.waitForSelector('#welcome');
    const mailViewer = (await page.locator('#mail-link').getAttribute('href')) as string;

    await followMailLink(page, mailViewer, email, 'Confirm your email address');
    await page.waitForSelector('#verify-form');
    await accessible(page, 'verify-email');
    await page.click('#verify-form button[type=submit]');
    await page.waitForSelector('#notice:not([hidden])');
    expect(await page.textContent('#notice')).toBe('Your email address is confirmed.');
    // The token leaves the address bar once used.
    expect(new URL(page.url()).search).toBe('');
    await page.goto(`${appUrl}/#/account`);
    await page.waitForSelector('#email-state');
    expect(await page.textContent('#email-state')).toBe(`${email} (verified)`);

    await page.click('#logout');
    await page.waitForSelector('#login-form');
    await page.click('#forgot-link');
    await page.waitForSelector('#forgot-form');
    await page.fill('#field-who', email);
    await page.click('#forgot-form button[type=submit]');
    await page.waitForSelector('#notice:not([hidden])');
    expect(await page.textContent('#notice')).toContain('a link to reset its password is on its way');

    await followMailLink(page, mailViewer, email, 'Reset your Pistus password');
    await page.waitForSelector('#reset-form');
    await accessible(page, 'reset-password');
    await page.fill('#field-newPassword', 'password');
    await page.click('#reset-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#error-newPassword')?.textContent !== '');
    expect(await page.textContent('#error-newPassword')).toContain('most common passwords');
    const newPassword = 'a brand new horse battery';
    await page.fill('#field-newPassword', newPassword);
    await page.click('#reset-form button[type=submit]');
    await page.waitForSelector('#login-form');
    expect(await page.textContent('#notice')).toContain('Your password is changed');
    expect(page.url()).toBe(`${appUrl}/#/password-reset`);

    await page.fill('#field-username', username);
    await page.fill('#field-password', newPassword);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#welcome');
    await context.close();
  });

  it('adds an address from the account page, and says it waits for its link', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const username = `later_${randomBytes(4).toString('hex')}`;
    await page.goto(`${appUrl}/#/signup`);
    await page.fill('#field-username', username);
    await page.fill('#field-password', PASSWORD);
    await page.click('#signup-form button[type=submit]');
    await page.waitForSelector('#welcome');
    await page.goto(`${appUrl}/#/account`);
    await page.waitForSelector('#email-form');
    expect(await page.textContent('#email-state')).toContain('No email address yet');
    await page.fill('#field-email', 'not an address');
    await page.click('#email-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#error-email')?.textContent !== '');
    const email = `${username}@example.com`;
    await page.fill('#field-email', email);
    await page.click('#email-form button[type=submit]');
    await page.waitForSelector('#email-notice:not([hidden])');
    expect(await page.textContent('#email-state')).toBe(
      `${email} (not verified yet: follow the link we mailed you)`,
    );
    await context.close();
  });
});
