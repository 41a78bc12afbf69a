import { describe, expect, it } from 'vitest';
import {
  addPasskeyAuthenticator,
  hasChromium,
  PASSWORD,
  SCREENSHOTS,
  signUpIn,
  suiteBrowser,
} from './browser.ts';
import { ageSession } from './stack-access.ts';

/**
 * Step-up as a person meets it: a change to how the account is protected, made from a session whose last
 * proof is old, opens a dialog asking for the password; a wrong one is said so in it, the right one
 * completes the change without the person doing it again.
 */
describe.skipIf(!hasChromium)('step-up in Chromium', () => {
  const suite = suiteBrowser();
  const { appUrl } = suite;

  it('asks for the password in a dialog, says when it is wrong, then changes the email address', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await signUpIn(page, appUrl);
    await page.goto(`${appUrl}/#/account`);
    await page.waitForSelector('#email-form');
    await ageSession(context);

    const email = `step.up.${Date.now()}@example.com`;
    await page.fill('#field-email', email);
    await page.click('#email-form button[type=submit]');
    await page.waitForSelector('#reauth-dialog[open]');
    await page.fill('#reauth-dialog #field-password', 'not the password at all');
    await page.click('#reauth-form button[type=submit]');
    await page.waitForFunction(
      () => document.querySelector('#reauth-form .form-error')?.textContent?.includes('not right') === true,
    );
    await page.screenshot({ path: `${SCREENSHOTS}step-up-dialog.png` });
    await page.fill('#reauth-dialog #field-password', PASSWORD);
    await page.click('#reauth-form button[type=submit]');
    await page.waitForSelector('#reauth-dialog', { state: 'detached' });
    await page.waitForFunction(
      (address) => document.querySelector('#email-state')?.textContent?.startsWith(address) === true,
      email,
    );
    expect(await page.textContent('#email-notice')).toContain('on its way');
    await context.close();
  });

  it('leaves everything as it was when the dialog is cancelled', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await signUpIn(page, appUrl);
    await page.goto(`${appUrl}/#/account`);
    await page.waitForSelector('#totp-begin');
    await ageSession(context);
    await page.click('#totp-begin');
    await page.waitForSelector('#reauth-dialog[open]');
    await page.click('#reauth-cancel');
    await page.waitForSelector('#reauth-dialog', { state: 'detached' });
    expect(await page.textContent('#totp-state')).toBe('Two-factor authentication is off.');
    expect(await page.locator('svg.qr').count()).toBe(0);
    await context.close();
  });

  it('steps up with a passkey on a virtual authenticator, then removes that passkey', async () => {
    // WebAuthn binds passkeys to a domain name: the local stack's client at localhost, not 127.0.0.1.
    const base = appUrl.replace('127.0.0.1', 'localhost');
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await addPasskeyAuthenticator(context, page);
    await signUpIn(page, base);
    await page.goto(`${base}/#/account`);
    await page.click('#passkey-add');
    await page.waitForSelector('#passkeys li');
    await ageSession(context);

    await page.click('#passkeys li button');
    await page.waitForSelector('#reauth-dialog[open]');
    await page.click('#reauth-passkey');
    await page.waitForSelector('#reauth-dialog', { state: 'detached' });
    await page.waitForFunction(() => document.querySelectorAll('#passkeys li').length === 0);
    await context.close();
  });
});
