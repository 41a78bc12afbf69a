import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { buildClient, startClientServer } from '#infra/local/client';
import { operator } from '../integration/operator.ts';
import {
  accessibilityViolations,
  hasChromium,
  PASSWORD,
  SCREENSHOTS,
  logIn as logInAt,
  signUpIn as signUpInAt,
  suiteBrowser,
} from './browser.ts';

const name = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

describe.skipIf(!hasChromium)('the browser client in Chromium', () => {
  const suite = suiteBrowser();
  const { appUrl } = suite;

  const signUpIn = (page: Page, base = appUrl, username?: string) => signUpInAt(page, base, username);

  const logIn = (page: Page, username: string, password = PASSWORD) =>
    logInAt(page, appUrl, username, password);

  it('signs up, welcomes the user, keeps the session on reload, logs out, and the old cookie stops working', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/#/signup`);
    await page.screenshot({ path: `${SCREENSHOTS}signup.png` });
    const username = await signUpIn(page);
    expect(await page.textContent('#welcome')).toBe(`Welcome, ${username}!`);
    await page.screenshot({ path: `${SCREENSHOTS}welcome.png` });

    await page.reload();
    await page.waitForSelector('#welcome');
    const session = (await context.cookies()).find((c) => c.name === '__Host-session');
    expect(session?.value).toMatch(/^ey/);

    await page.click('#logout');
    await page.waitForSelector('#notice');
    expect(await page.textContent('#notice')).toBe('You are logged out.');
    await page.goto(`${appUrl}/#/home`);
    await page.waitForSelector('#login-form');
    expect((await context.cookies()).find((c) => c.name === '__Host-session')).toBeUndefined();
    const replay = await fetch(`${appUrl}/home`, { headers: { cookie: `__Host-session=${session?.value}` } });
    expect(replay.status).toBe(401);
    await context.close();
  });

  it('keeps the session cookie out of reach of scripts: HttpOnly, Secure, SameSite=Lax', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await signUpIn(page);
    const session = (await context.cookies()).find((c) => c.name === '__Host-session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('__Host-session');
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).toBe('{}');
    await context.close();
  });

  it('shows a wrong password as an error, and validation errors next to their fields', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const username = await signUpIn(page);
    await page.click('#logout');
    await page.waitForSelector('#login-form');
    await logIn(page, username, 'not my password');
    await page.waitForFunction(() => document.querySelector('.form-error')?.textContent !== '');
    expect(await page.textContent('#login-form .form-error')).toBe('The username or password is incorrect.');
    await page.screenshot({ path: `${SCREENSHOTS}login-error.png` });

    await page.goto(`${appUrl}/#/signup`);
    await page.fill('#field-username', 'ab');
    await page.fill('#field-password', 'short');
    await page.click('#signup-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#error-password')?.textContent !== '');
    expect(await page.textContent('#error-username')).toContain('must be 3-32 characters');
    expect(await page.textContent('#error-password')).toContain('must be at least 8 characters');
    expect(await page.getAttribute('#field-password', 'aria-invalid')).toBe('true');
    await context.close();
  });

  it('creates, lists and deletes a registration', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await signUpIn(page);
    await page.goto(`${appUrl}/#/registrations`);
    await page.waitForSelector('#registration-form');
    await page.click('#registration-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#error-email')?.textContent !== '');
    expect(await page.textContent('#error-activity')).toContain('activity');

    await page.fill('#field-activity', 'Swimming <level 2>');
    await page.fill('#field-email', 'student@example.com');
    await page.fill('#field-studentName', 'Ada');
    await page.click('#registration-form button[type=submit]');
    await page.waitForSelector('#registrations tr');
    expect(await page.textContent('#registrations tr td')).toBe('Swimming <level 2> (Ada)');
    await page.screenshot({ path: `${SCREENSHOTS}registrations.png` });

    await page.click('#registrations tr [data-action=delete]');
    await page.waitForFunction(() => document.querySelectorAll('#registrations tr').length === 0);
    await context.close();
  });

  it('lets an admin record a payment', async () => {
    const userContext = await suite.browser.newContext();
    const userPage = await userContext.newPage();
    await signUpIn(userPage);
    await userPage.goto(`${appUrl}/#/registrations`);
    await userPage.fill('#field-activity', `Judo ${name('class')}`);
    await userPage.fill('#field-email', 'judo@example.com');
    await userPage.click('#registration-form button[type=submit]');
    await userPage.waitForSelector('#registrations tr');
    const activity = await userPage.textContent('#registrations tr td');
    // A plain user is not offered what only an admin may do.
    expect(await userPage.locator('#registrations [data-action=pay]').count()).toBe(0);

    const admin = name('admin');
    const created = operator(
      'account',
      ['create', '--username', admin, '--role', 'admin'],
      `${PASSWORD}\n`,
      inject('e2eStateFile'),
    );
    expect(created.status, created.stderr).toBe(0);
    const adminContext = await suite.browser.newContext();
    const adminPage = await adminContext.newPage();
    await adminPage.goto(`${appUrl}/#/login`);
    await adminPage.fill('#field-username', admin);
    await adminPage.fill('#field-password', PASSWORD);
    await adminPage.click('#login-form button[type=submit]');
    await adminPage.waitForSelector('#welcome');
    await adminPage.goto(`${appUrl}/#/registrations`);
    const row = adminPage.locator('#registrations tr', { hasText: activity ?? '' });
    await row.locator('[data-action=pay]').click();
    await adminPage.waitForFunction((text) => {
      const rows = [...document.querySelectorAll('#registrations tr')].filter((r) =>
        r.textContent?.includes(text),
      );
      return rows.some((r) => r.querySelector('.paid'));
    }, activity ?? '');
    await adminPage.screenshot({ path: `${SCREENSHOTS}admin-payment.png` });

    await userPage.reload();
    await userPage.waitForSelector('#registrations .paid');
    await userContext.close();
    await adminContext.close();
  });

  it('works from another origin that ALLOWED_ORIGINS names: the deployed shape', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const username = await signUpIn(page, inject('otherOriginUrl'));
    expect(await page.textContent('#welcome')).toBe(`Welcome, ${username}!`);
    await page.reload();
    await page.waitForSelector('#welcome');
    await context.close();
  });

  it('is refused from an origin that is not allowed: CORS hides the answers and the CSRF check refuses writes', async () => {
    const evil = await startClientServer(0, await buildClient({ apiUrl: appUrl, mailUrl: '' }));
    const evilUrl = `http://127.0.0.1:${(evil.address() as { port: number }).port}`;
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${evilUrl}/#/signup`);
    const username = name('evil');
    const outcome = await page.evaluate(
      async ({ api, username, password }) => {
        const read = await fetch(`${api}/check_session`, { credentials: 'include' }).then(
          () => 'readable',
          () => 'blocked',
        );
        const write = await fetch(`${api}/signup`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({ username, password }),
        }).then(
          () => 'readable',
          () => 'blocked',
        );
        return { read, write };
      },
      { api: appUrl, username, password: PASSWORD },
    );
    expect(outcome).toEqual({ read: 'blocked', write: 'blocked' });
    // The simple (no-preflight) POST did reach the server, which refused it: no such user exists.
    const login = await fetch(`${appUrl}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(login.status).toBe(401);
    await context.close();
    evil.close();
  });
  it('shows your sessions on the account page at 375 px, and ends another one from there', async () => {
    const phone = await suite.browser.newContext({ viewport: { width: 375, height: 740 } });
    const laptop = await suite.browser.newContext({
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    });
    const here = await phone.newPage();
    const there = await laptop.newPage();
    const username = await signUpIn(here);
    await logIn(there, username);
    await there.waitForSelector('#welcome');

    await here.goto(`${appUrl}/#/account`);
    await here.waitForFunction(() => document.querySelectorAll('#sessions li').length === 2);
    expect(await here.textContent('#sessions li[data-current]')).toContain('(this device)');
    const other = here.locator('#sessions li:not([data-current])');
    expect(await other.textContent()).toContain('Firefox on Windows');
    // Usable on a phone: nothing wider than the screen.
    expect(await here.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await accessibilityViolations(here)).toEqual([]);
    await here.screenshot({ path: `${SCREENSHOTS}account-sessions.png`, fullPage: true });

    await other.locator('button[data-action=end-session]').click();
    await here.waitForFunction(() => document.querySelectorAll('#sessions li').length === 1);
    await there.reload();
    await there.waitForSelector('#login-form');
    await phone.close();
    await laptop.close();
  });

  it('serves the API reference at /docs from the generated document, listing every operation', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${appUrl}/docs`);
    await page.waitForSelector('text=Pistus API', { timeout: 20_000 });
    const document = (await (await page.request.get(`${appUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { summary: string }>>;
    };
    const summaries = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((operation) => operation.summary),
    );
    expect(summaries.length).toBeGreaterThanOrEqual(16);
    const text = await page.textContent('body');
    for (const summary of summaries) expect(text, summary).toContain(summary);
    await page.screenshot({ path: `${SCREENSHOTS}api-reference.png` });
    expect(errors).toEqual([]);
    await context.close();
  });
});
