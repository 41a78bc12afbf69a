import { randomBytes } from 'node:crypto';
import { it } from 'vitest';
import { httpClient } from '../support/http-client.ts';
import { logIn, suiteBrowser } from './browser.ts';
import { ADMIN_PASSWORD, createAdmin } from './stack-access.ts';

const suite = suiteBrowser();
it('debug', async () => {
  const prefix = `pg${randomBytes(3).toString('hex')}`;
  const { signUp } = httpClient(suite.appUrl);
  for (let n = 0; n < 21; n++) await signUp(`${prefix}_${String(n).padStart(2, '0')}`);
  const context = await suite.browser.newContext();
  const page = await context.newPage();
  page.on('response', async (r) => {
    if (r.url().includes('/admin')) console.log(r.request().method(), r.url(), r.status(), (await r.text().catch(() => '')).replace(/\{"id[^}]*\},?/g, 'U,'));
  });
  const admin = createAdmin();
  await logIn(page, suite.appUrl, admin, ADMIN_PASSWORD);
  await page.click('#admin-link');
  await page.waitForSelector('#admin-search');
  await page.fill('#field-query', prefix);
  await page.click('#admin-search button[type=submit]');
  await page.waitForTimeout(1500);
  await page.click('#admin-next');
  await page.waitForTimeout(1500);
  console.log(await page.locator('#admin-users tr').count(), await page.textContent('#admin-error'));
  await context.close();
});
