import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { httpClient } from '../support/http-client.ts';
import { hasChromium, logIn, SCREENSHOTS, signUpIn, stepUp, suiteBrowser } from './browser.ts';
import { ADMIN_PASSWORD, ageSession, createAdmin } from './stack-access.ts';

/**
 * The admin page as an admin uses it: find a user by the start of their name, disable and enable them,
 * page through many; the API's refusals read out; and nothing of it for a plain user.
 */
describe.skipIf(!hasChromium)('the admin page in Chromium', () => {
  const suite = suiteBrowser();
  const { appUrl } = suite;

  /** A fresh admin, logged in, on the admin page (reached by the home page's link). */
  async function openAdminPage() {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const admin = createAdmin();
    await logIn(page, appUrl, admin, ADMIN_PASSWORD);
    await page.click('#admin-link');
    await page.waitForSelector('#admin-search');
    return { context, page, admin };
  }

  async function search(page: Page, query: string) {
    await page.fill('#field-query', query);
    await page.click('#admin-search button[type=submit]');
  }

  const row = (page: Page, username: string) => page.locator(`#admin-users tr[data-username="${username}"]`);

  /** Waits until the table lists `count` users, each named with `prefix` (any case): a search's answer. */
  const listed = (page: Page, count: number, prefix: string) =>
    page.waitForFunction(
      ([n, start]) => {
        const names = [...document.querySelectorAll('#admin-users tr')].map(
          (tr) => tr.getAttribute('data-username')?.toLowerCase() ?? '',
        );
        return names.length === n && names.every((name) => name.startsWith(start));
      },
      [count, prefix.toLowerCase()] as const,
    );

  /** The login form's error line has something to say (the login was refused). */
  const refused = (page: Page) =>
    page.waitForFunction(() => (document.querySelector('#login-form .form-error')?.textContent ?? '') !== '');

  it('finds a user by the start of their name, disables them (their login fails), and enables them again', async () => {
    const people = await suite.browser.newContext();
    const person = await people.newPage();
    const username = await signUpIn(person, appUrl, `dana_${randomBytes(4).toString('hex')}`);
    const { context, page } = await openAdminPage();

    await search(page, username.slice(0, -2).toUpperCase());
    await listed(page, 1, username);
    expect(await row(page, username).locator('td').nth(3).textContent()).toContain('No');

    // A change asks for a recent proof: this admin's is an hour old.
    await ageSession(context);
    await row(page, username).locator('[data-action=disable]').click();
    await stepUp(page, ADMIN_PASSWORD);
    await page.waitForSelector(`#admin-users tr[data-username="${username}"][data-disabled]`);
    expect(await page.textContent('#admin-status')).toContain(`${username} is disabled`);
    await page.screenshot({ path: `${SCREENSHOTS}admin-disabled.png`, fullPage: true });
    await logIn(person, appUrl, username);
    await refused(person);
    expect(await person.isVisible('#welcome')).toBe(false);

    await row(page, username).locator('[data-action=enable]').click();
    await page.waitForSelector(`#admin-users tr[data-username="${username}"]:not([data-disabled])`);
    await logIn(person, appUrl, username);
    await person.waitForSelector('#welcome');
    await people.close();
    await context.close();
  });

  it('makes a user an admin and a user again, ends their sessions, and deletes them after a confirmation', async () => {
    const people = await suite.browser.newContext();
    const person = await people.newPage();
    const username = await signUpIn(person, appUrl, `erin_${randomBytes(4).toString('hex')}`);
    const { context, page } = await openAdminPage();
    await search(page, username);
    await listed(page, 1, username);
    const role = () => row(page, username).locator('td').nth(2).textContent();

    await row(page, username).locator('[data-action=make-admin]').click();
    await row(page, username).locator('[data-action=make-user]').waitFor();
    expect(await role()).toBe('admin');
    await row(page, username).locator('[data-action=make-user]').click();
    await row(page, username).locator('[data-action=make-admin]').waitFor();
    expect(await role()).toBe('user');

    await row(page, username).locator('[data-action=end-sessions]').click();
    await page.waitForFunction(() =>
      document.querySelector('#admin-status')?.textContent?.startsWith('Every'),
    );
    await person.reload();
    await person.waitForSelector('#login-form');

    // Delete asks once more; Cancel leaves the row as it was.
    await row(page, username).locator('[data-action=delete-user]').click();
    await row(page, username).locator('[data-action=cancel-delete]').click();
    await row(page, username).locator('[data-action=delete-user]').click();
    await row(page, username).locator('[data-action=confirm-delete]').click();
    await page.waitForSelector('#admin-empty:not([hidden])');
    expect(await page.textContent('#admin-status')).toBe(`${username} is deleted.`);
    await logIn(person, appUrl, username);
    await refused(person);
    await people.close();
    await context.close();
  });

  it("reads out the API's refusal when an admin disables their own account", async () => {
    const { context, page, admin } = await openAdminPage();
    await search(page, admin);
    await listed(page, 1, admin);
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/disable')),
      row(page, admin).locator('[data-action=disable]').click(),
    ]);
    const { error } = (await answer.json()) as { error: { code: string; message: string } };
    expect({ status: answer.status(), code: error.code }).toEqual({ status: 409, code: 'self_action' });
    await page.waitForFunction(() => (document.querySelector('#admin-error')?.textContent ?? '') !== '');
    expect(await page.textContent('#admin-error')).toBe(error.message);
    expect(await page.getAttribute('#admin-error', 'role')).toBe('alert');
    expect(await row(page, admin).getAttribute('data-disabled')).toBeNull();
    await context.close();
  });

  it('pages through the users 20 at a time, forward and back', async () => {
    const prefix = `pg${randomBytes(3).toString('hex')}`;
    const { signUp } = httpClient(appUrl);
    for (let n = 0; n < 21; n++) await signUp(`${prefix}_${String(n).padStart(2, '0')}`);
    const { context, page } = await openAdminPage();
    await search(page, prefix);
    await listed(page, 20, prefix);
    expect(await page.isVisible('#admin-previous')).toBe(false);
    await page.click('#admin-next');
    await listed(page, 1, prefix);
    expect(await page.isVisible('#admin-next')).toBe(false);
    await page.click('#admin-previous');
    await listed(page, 20, prefix);
    await context.close();
  });

  it('shows a plain user that the page is for admins only, asks the API nothing, and links to it nowhere', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await signUpIn(page, appUrl);
    expect(await page.locator('#admin-link').count()).toBe(0);
    const asked: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/admin')) asked.push(request.url());
    });
    await page.goto(`${appUrl}/#/admin`);
    await page.waitForSelector('#admins-only');
    expect(await page.locator('#admin-users').count()).toBe(0);
    expect(asked).toEqual([]);
    await context.close();
  });
});
