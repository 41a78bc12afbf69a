import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accessibilityViolations, hasChromium, SCREENSHOTS, signUpIn, suiteBrowser } from './browser.ts';

/**
 * Signing in with an identity provider as a person does it, against `npm start`'s own test provider: its
 * page asks for an address (no hint from the client), and sends the browser back to the client.
 */
describe.skipIf(!hasChromium)('identity providers in Chromium', () => {
  const suite = suiteBrowser();
  const { appUrl } = suite;

  /** On the test provider's page: types the address and signs in, then waits to be back at the client. */
  async function atProvider(page: Page, email: string) {
    await page.waitForSelector('#login_hint');
    await page.fill('#login_hint', email);
    await Promise.all([
      page.waitForURL((url) => url.origin === new URL(appUrl).origin),
      page.click('button[type=submit]'),
    ]);
  }

  it('signs up with the test provider, signs out, and signs in again to the same account', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const name = `ada${randomBytes(3).toString('hex')}`;
    await page.goto(`${appUrl}/#/signup`);
    await page.click('#providers a[data-provider=test]');
    await atProvider(page, `${name}@example.com`);
    await page.waitForSelector('#welcome');
    expect(await page.textContent('#welcome')).toBe(`Welcome, ${name}!`);
    // The outcome's query is gone from the address once read.
    expect(new URL(page.url()).search).toBe('');

    await page.click('#logout');
    await page.waitForSelector('#login-form');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.click('#providers a[data-provider=test]');
    await atProvider(page, `${name}@example.com`);
    await page.waitForSelector('#welcome');
    expect(await page.textContent('#welcome')).toBe(`Welcome, ${name}!`);
    await page.goto(`${appUrl}/#/account`);
    await page.waitForSelector('#identities li');
    expect(await page.textContent('#identities li')).toContain(`${name}@example.com`);
    await context.close();
  });

  it('links the provider to a password account from the account page, then unlinks it', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await signUpIn(page, appUrl);
    await page.goto(`${appUrl}/#/account`);
    await page.waitForSelector('#identity-links a[data-link=test]');
    await page.click('#identity-links a[data-link=test]');
    const email = `link${randomBytes(3).toString('hex')}@example.com`;
    await atProvider(page, email);
    await page.waitForSelector('#identities li');
    expect(await page.textContent('#notice')).toContain('Linked');
    expect(await page.textContent('#identities li')).toContain(email);
    await page.screenshot({ path: `${SCREENSHOTS}identities.png`, fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.click('[data-action=unlink-identity]');
    await page.waitForSelector('#identities li', { state: 'detached' });
    expect(await page.textContent('#identities-error')).toBe('');
    await context.close();
  });

  it('shows why a sign-in did not work, from the outcome the API sent back', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/?auth_error=link_required#/login`);
    await page.waitForSelector('#notice');
    expect(await page.textContent('#notice')).toContain('Log in to it, then link this provider');
    await context.close();
  });
});
