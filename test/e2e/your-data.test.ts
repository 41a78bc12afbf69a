import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasChromium, logIn, PASSWORD, signUpIn, stepUp, suiteBrowser } from './browser.ts';
import { ageSession } from './stack-access.ts';

/** Every key of a JSON value, at any depth. */
const keysOf = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.flatMap(keysOf)
    : value && typeof value === 'object'
      ? Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)])
      : [];

/**
 * "Your data" on the account page: the export saved as a file, and the account deleted by the person
 * themself, after typing their username and proving who they are.
 */
describe.skipIf(!hasChromium)('your data, in Chromium', () => {
  const suite = suiteBrowser();
  const { appUrl } = suite;

  it('downloads the export as a JSON file with the username and no secret, then deletes the account: its login then fails', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const username = await signUpIn(page, appUrl);
    await page.goto(`${appUrl}/#/account`);
    await page.waitForSelector('#export-data');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-data')]);
    expect(download.suggestedFilename()).toBe(`pistus-export-${username}.json`);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
    expect(exported.account.username).toBe(username);
    expect(keysOf(exported).filter((key) => /hash|token|secret/i.test(key))).toEqual([]);

    // The button is armed only by the username exactly as it is: not another case of it.
    const remove = page.locator('#delete-account-form button[type=submit]');
    expect(await remove.isDisabled()).toBe(true);
    await page.fill('#field-confirm-username', username.toUpperCase());
    expect(await remove.isDisabled()).toBe(true);
    await page.fill('#field-confirm-username', username);
    expect(await remove.isDisabled()).toBe(false);

    await ageSession(context);
    await remove.click();
    await stepUp(page, PASSWORD);
    await page.waitForSelector('#login-form');
    expect(await page.textContent('#notice')).toBe('Your account was deleted.');

    await logIn(page, appUrl, username);
    await page.waitForFunction(
      () => (document.querySelector('#login-form .form-error')?.textContent ?? '') !== '',
    );
    expect(await page.isVisible('#welcome')).toBe(false);
    await context.close();
  });
});
