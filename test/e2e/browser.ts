import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';

/** Debian's Chromium; Playwright's own browser download cannot reach its servers from these machines. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;

export async function launch(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No sandbox as root in CI; no background traffic on a closed network. Playwright gives every launch a
    // fresh, empty profile of its own.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

export const newContext = (browser: Browser): Promise<BrowserContext> => browser.newContext();

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The page's accessibility violations by axe-core (WCAG 2.1 A and AA rules), each as "rule (impact): help,
 * at selectors", so a failing test says what to fix. axe is evaluated through the browser's debugging
 * protocol, which a page's CSP does not govern: the page keeps its policy as strict as it is.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: { run: (context: unknown, options: unknown) => Promise<{ violations: unknown[] }> };
    };
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
    return (await axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations;
  });
  return (violations as AxeViolation[]).map(
    (v) => `${v.id} (${v.impact}): ${v.help}, at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/** How far the page is wider than its viewport (0: no horizontal scrolling). */
export const horizontalOverflow = (page: Page): Promise<number> =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

export const PASSWORD = 'correct horse battery staple';

/** Signs a fresh user up through the client's own signup page, and waits for the welcome. */
export async function signUpIn(
  page: Page,
  base: string,
  username = `user_${randomBytes(4).toString('hex')}`,
) {
  await page.goto(`${base}/#/signup`);
  await page.fill('#field-username', username);
  await page.fill('#field-password', PASSWORD);
  await page.fill('#field-password_confirmation', PASSWORD);
  await page.click('#signup-form button[type=submit]');
  await page.waitForSelector('#welcome');
  return username;
}

/** Logs in through the client's login form (it then shows the welcome, or a second-factor prompt). */
export async function logIn(page: Page, base: string, username: string, password = PASSWORD) {
  // A fresh document: going to #/login from another hash only re-renders the page, after a session check,
  // and a form filled before that re-render would be replaced under the test.
  await page.goto('about:blank');
  await page.goto(`${base}/#/login`);
  await page.waitForSelector('#login-form');
  await page.fill('#field-username', username);
  await page.fill('#field-password', password);
  await page.click('#login-form button[type=submit]');
}

/** Chromium for the suite it is called in (launched before its tests, closed after), and the app's URL. */
export function suiteBrowser() {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser(): Browser {
      if (!browser) throw new Error('Chromium is launched before the suite runs');
      return browser;
    },
    appUrl: hasChromium ? inject('appUrl') : '',
  };
}

/**
 * A platform authenticator on Chromium's virtual WebAuthn device (DevTools' WebAuthn domain): resident
 * keys, user verification, and presence answered at once, as a passkey on a laptop would.
 */
export async function addPasskeyAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/** Answers the step-up dialog with a password, and waits for it to close. */
export async function stepUp(page: Page, password = PASSWORD) {
  await page.waitForSelector('#reauth-dialog[open]');
  await page.fill('#reauth-dialog #field-password', password);
  await page.click('#reauth-form button[type=submit]');
  await page.waitForSelector('#reauth-dialog', { state: 'detached' });
}
