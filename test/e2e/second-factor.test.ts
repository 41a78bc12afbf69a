import { describe, expect, it } from 'vitest';
import { authenticator, awayFromStepEdge } from '../support/totp.ts';
import {
  accessibilityViolations,
  addPasskeyAuthenticator,
  hasChromium,
  logIn,
  SCREENSHOTS,
  signUpIn,
  suiteBrowser,
} from './browser.ts';

/**
 * The second factor as a person sets it up and uses it: an authenticator app (its codes computed here, as
 * the app would) and a passkey on Chromium's virtual authenticator (DevTools' WebAuthn domain), which
 * stands in for a platform authenticator with user verification.
 */
describe.skipIf(!hasChromium)('the second factor in Chromium', () => {
  const suite = suiteBrowser();
  const { appUrl } = suite;

  it('turns TOTP on from a QR code and key, shows the recovery codes once, and asks for a code at the next login', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const username = await signUpIn(page, appUrl);
    await page.goto(`${appUrl}/#/account`);
    await page.click('#totp-begin');
    await page.waitForSelector('svg.qr');
    const secret = (await page.textContent('#totp-secret')) as string;
    expect(secret).toMatch(/^[A-Z2-7]{32,}$/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}totp-setup.png`, fullPage: true });
    const app = authenticator(secret);
    await awayFromStepEdge();
    await page.fill('#field-totp-confirm-code', app.code(-1));
    await page.click('#totp-confirm button[type=submit]');
    await page.waitForSelector('#recovery-codes li');
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    expect(await page.textContent('#totp-state')).toBe('Two-factor authentication is on.');

    await page.click('#logout');
    await page.waitForSelector('#login-form');
    await logIn(page, appUrl, username);
    await page.waitForSelector('#mfa-form');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.fill('#field-code', '000000');
    await page.click('#mfa-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#error-code')?.textContent !== '');
    await page.fill('#field-code', app.code());
    await page.click('#mfa-form button[type=submit]');
    await page.waitForSelector('#welcome');
    await context.close();
  });

  it('adds a passkey on a virtual authenticator, then signs in with it alone', async () => {
    // WebAuthn binds passkeys to a domain name: the local stack's client at localhost, not 127.0.0.1.
    const base = appUrl.replace('127.0.0.1', 'localhost');
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await addPasskeyAuthenticator(context, page);
    const username = await signUpIn(page, base);
    await page.goto(`${base}/#/account`);
    await page.click('#passkey-add');
    await page.waitForSelector('#passkeys li');
    expect(await page.textContent('#passkey-add-error')).toBe('');
    await page.screenshot({ path: `${SCREENSHOTS}passkeys.png`, fullPage: true });

    await page.click('#logout');
    await page.waitForSelector('#login-form');
    await page.click('#passkey-login');
    await page.waitForSelector('#welcome');
    expect(await page.textContent('#welcome')).toBe(`Welcome, ${username}!`);
    await context.close();
  });
});
