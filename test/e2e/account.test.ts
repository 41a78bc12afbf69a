import { describe, expect, it } from 'vitest';
import { hasChromium, logIn, PASSWORD, signUpIn, suiteBrowser } from './browser.ts';

/**
 * The account page's own controls for what the API offers: a new password (the policy's errors beside the
 * field they name), and logging out everywhere, which ends another browser's session too.
 */
describe.skipIf(!hasChromium)('the account page in Chromium', () => {
  const suite = suiteBrowser();
  const { appUrl } = suite;
  const NEW_PASSWORD = 'a brand new horse battery';

  it('changes the password: a policy error beside its field first, then success; the new one logs in', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const username = await signUpIn(page, appUrl);
    await page.goto(`${appUrl}/#/account`);
    await page.waitForSelector('#password-form');
    expect(await page.getAttribute('#field-currentPassword', 'autocomplete')).toBe('current-password');
    expect(await page.getAttribute('#field-newPassword', 'autocomplete')).toBe('new-password');

    await page.fill('#field-currentPassword', PASSWORD);
    await page.fill('#field-newPassword', 'short');
    await page.fill('#field-newPassword_confirmation', 'short');
    await page.click('#password-form button[type=submit]');
    await page.waitForFunction(
      () => (document.querySelector('#error-newPassword')?.textContent ?? '') !== '',
    );
    expect(await page.getAttribute('#field-newPassword', 'aria-invalid')).toBe('true');

    await page.fill('#field-newPassword', NEW_PASSWORD);
    await page.fill('#field-newPassword_confirmation', NEW_PASSWORD);
    await page.click('#password-form button[type=submit]');
    await page.waitForSelector('#password-notice:not([hidden])');
    expect(await page.textContent('#password-notice')).toContain('Every other session has ended');

    await page.click('#logout');
    await page.waitForSelector('#login-form');
    await logIn(page, appUrl, username, NEW_PASSWORD);
    await page.waitForSelector('#welcome');
    await context.close();
  });

  it("logs out everywhere after a confirmation: this browser goes to the login page, another's session ends", async () => {
    const here = await suite.browser.newContext();
    const there = await suite.browser.newContext();
    const page = await here.newPage();
    const other = await there.newPage();
    const username = await signUpIn(page, appUrl);
    await logIn(other, appUrl, username);
    await other.waitForSelector('#welcome');

    await page.goto(`${appUrl}/#/account`);
    await page.waitForSelector('#logout-everywhere');
    await page.click('#logout-everywhere');
    await page.waitForSelector('#logout-everywhere-confirm:not([hidden])');
    await page.click('#logout-everywhere-yes');
    await page.waitForSelector('#login-form');
    expect(await page.textContent('#app')).toContain('logged out everywhere');

    await other.goto(`${appUrl}/#/account`);
    await other.reload();
    await other.waitForSelector('#login-form');
    await here.close();
    await there.close();
  });
});
