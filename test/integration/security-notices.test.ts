import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authenticator, awayFromStepEdge } from '../support/totp.ts';
import { softwareAuthenticator } from '../support/webauthn.ts';
import {
  apiUrl,
  call,
  callFrom,
  loopbackAddress,
  PASSWORD,
  sessionToken,
  uniqueUsername,
} from './http-client.ts';
import { lastMailTo, linkToken, mailTo, type StoredMail } from './mail.ts';

/**
 * Security notices (security round 3): every change to what protects an account mails its verified address
 * what happened, when, from which device and address, and a link to the account page, never a token.
 */
const origin = apiUrl.replace('127.0.0.1', 'localhost');
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36';
const NEW_PASSWORD = 'a brand new horse battery';

/** A signed-in account whose address is verified, and the client address its requests come from. */
async function verifiedAccount() {
  const email = `notice.${randomBytes(5).toString('hex')}@example.com`;
  const username = uniqueUsername('notice');
  const signup = await call('POST', '/signup', { json: { username, password: PASSWORD, email } });
  const verify = await call('POST', '/email/verify', {
    json: { token: linkToken(await lastMailTo(email), 'verify-email') },
  });
  expect(verify.status).toBe(204);
  return { email, username, token: sessionToken(signup) as string, ip: loopbackAddress() };
}

/** The one notice with this subject in the address's mail. */
async function noticeTo(email: string, subject: string): Promise<StoredMail> {
  const notices = (await mailTo([email])).filter((mail) => mail.subject === subject);
  expect(notices).toHaveLength(1);
  return notices[0] as StoredMail;
}

/** What every notice holds: when, the device and address, the account page; no token or secret of any kind. */
function expectNotice(mail: StoredMail, ip: string) {
  expect(mail.body.text).toContain('Chrome on Linux');
  expect(mail.body.text).toContain(`address ${ip}`);
  expect(mail.body.text).toMatch(/ on \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT/);
  expect(mail.body.text).toContain(`${apiUrl}/account`);
  // The passkeys that would still sign in after a reset are named, so one the owner did not add is seen.
  expect(mail.body.text).toMatch(
    /This account has no passkeys\.|Passkeys on this account \(they still sign in/,
  );
  expect(mail.body.text).not.toMatch(/token=|[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/);
  expect(mail.body.html).not.toContain('token=');
}

const from = (_ip: string, token?: string) => ({ token, headers: { 'user-agent': USER_AGENT } });

/** Adds a passkey on a software authenticator, from this client address and browser. */
async function addPasskey(ip: string, token: string) {
  const device = softwareAuthenticator({ origin });
  const options = await callFrom(ip, 'POST', '/passkeys/register/options', from(ip, token));
  return callFrom(ip, 'POST', '/passkeys/register', {
    ...from(ip, token),
    json: { response: device.create(options.json as never) },
  });
}

describe('security notices by mail', () => {
  it('tells the address of a password change, with no token in it', async () => {
    const { email, token, ip } = await verifiedAccount();
    const changed = await callFrom(ip, 'POST', '/password', {
      ...from(ip, token),
      json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(changed.status).toBe(204);
    expectNotice(await noticeTo(email, 'Your Pistus password was changed'), ip);
  });

  it('tells the address of a password reset', async () => {
    const { email, ip } = await verifiedAccount();
    await callFrom(loopbackAddress(), 'POST', '/password/forgot', { json: { email } });
    const token = linkToken(await lastMailTo(email), 'reset-password');
    const reset = await callFrom(ip, 'POST', '/password/reset', {
      ...from(ip),
      json: { token, newPassword: NEW_PASSWORD },
    });
    expect(reset.status).toBe(204);
    expectNotice(await noticeTo(email, 'Your Pistus password was reset'), ip);
  });

  it('tells the old verified address of an email change, and nothing about the new one', async () => {
    const { email, token, ip } = await verifiedAccount();
    const next = `next.${randomBytes(5).toString('hex')}@example.com`;
    expect((await callFrom(ip, 'PUT', '/email', { ...from(ip, token), json: { email: next } })).status).toBe(
      202,
    );
    const notice = await noticeTo(email, 'A new email address was given for your Pistus account');
    expectNotice(notice, ip);
    expect(notice.body.text).not.toContain(next);
  });

  it('tells the address when TOTP goes on, when recovery codes are renewed and when it goes off', async () => {
    const { email, token, ip } = await verifiedAccount();
    const offer = await callFrom(ip, 'POST', '/mfa/totp', from(ip, token));
    const codes = authenticator((offer.json as { secret: string }).secret);
    await awayFromStepEdge();
    const on = await callFrom(ip, 'POST', '/mfa/totp/confirm', {
      ...from(ip, token),
      json: { code: codes.code(-1) },
    });
    expect(on.status).toBe(200);
    expectNotice(await noticeTo(email, 'Two-factor authentication is on'), ip);
    const renewed = await callFrom(ip, 'POST', '/mfa/recovery-codes', {
      ...from(ip, token),
      json: { code: codes.code(0) },
    });
    expect(renewed.status).toBe(200);
    expectNotice(await noticeTo(email, 'New recovery codes for your Pistus account'), ip);
    const off = await callFrom(ip, 'DELETE', '/mfa/totp', {
      ...from(ip, token),
      json: { code: codes.code(1) },
    });
    expect(off.status).toBe(204);
    expectNotice(await noticeTo(email, 'Two-factor authentication is off'), ip);
  });

  it('tells the address when a passkey is added (naming it) and when it is removed', async () => {
    const { email, token, ip } = await verifiedAccount();
    const added = await addPasskey(ip, token);
    expect(added.status).toBe(201);
    const notice = await noticeTo(email, 'A passkey was added to your Pistus account');
    expectNotice(notice, ip);
    const { name } = added.json as { name: string };
    expect(notice.body.text).toContain(`Passkey: ${name}.`);
    expect(notice.body.text).toContain(
      `Passkeys on this account (they still sign in after a reset): ${name}, added`,
    );
    const id = (added.json as { id: string }).id;
    expect((await callFrom(ip, 'DELETE', `/passkeys/${id}`, from(ip, token))).status).toBe(204);
    const removed = await noticeTo(email, 'A passkey was removed from your Pistus account');
    expectNotice(removed, ip);
    expect(removed.body.text).toContain(`Passkey: ${name}.`);
  });

  it('names in the reset mail the passkeys that still sign in after a reset (recovery that recovers)', async () => {
    const { email, token, ip } = await verifiedAccount();
    await callFrom(loopbackAddress(), 'POST', '/password/forgot', { json: { email } });
    expect((await lastMailTo(email))?.body.text).toContain('This account has no passkeys.');

    const added = await addPasskey(ip, token);
    const { name, id } = added.json as { name: string; id: string };
    await callFrom(loopbackAddress(), 'POST', '/password/forgot', { json: { email } });
    const reset = (await mailTo([email]))
      .filter((mail) => mail.subject === 'Reset your Pistus password')
      .at(-1);
    expect(reset?.body.text).toContain(
      `Passkeys on this account (they still sign in after a reset): ${name}, added`,
    );
    expect(reset?.body.text).toContain('Remove any you do not recognise');
    expect(reset?.body.text).not.toContain(id);
  });

  it('keeps mailing the verified address while a new one waits for its link: notices, and reset links', async () => {
    const { email, username, token, ip } = await verifiedAccount();
    const next = `pending.${randomBytes(5).toString('hex')}@example.com`;
    expect((await callFrom(ip, 'PUT', '/email', { ...from(ip, token), json: { email: next } })).status).toBe(
      202,
    );
    expect((await call('GET', '/check_session', { token })).json).toMatchObject({
      email: next,
      emailVerified: false,
    });
    // A passkey added now is told to the address that is still the account's proved one.
    const added = await addPasskey(ip, token);
    expect(added.status).toBe(201);
    expectNotice(await noticeTo(email, 'A passkey was added to your Pistus account'), ip);
    // "Forgot password?" by that address or by the name still reaches it, and its link works.
    await callFrom(loopbackAddress(), 'POST', '/password/forgot', { json: { email } });
    await callFrom(loopbackAddress(), 'POST', '/password/forgot', { json: { username } });
    const resets = (await mailTo([email])).filter((mail) => mail.subject === 'Reset your Pistus password');
    expect(resets).toHaveLength(2);
    const reset = await call('POST', '/password/reset', {
      json: { token: linkToken(resets.at(-1), 'reset-password'), newPassword: NEW_PASSWORD },
    });
    expect(reset.status).toBe(204);
    expect(await lastMailTo(next)).toMatchObject({ subject: 'Confirm your email address for Pistus' });

    // Once the new address is proved, it is the one: the old one is released and gets nothing more.
    const verified = await call('POST', '/email/verify', {
      json: { token: linkToken(await lastMailTo(next), 'verify-email') },
    });
    expect(verified.status).toBe(204);
    await callFrom(loopbackAddress(), 'POST', '/password/forgot', { json: { email } });
    expect(
      (await mailTo([email])).filter((mail) => mail.subject === 'Reset your Pistus password'),
    ).toHaveLength(2);
  });

  it('mails no notice to an address that is not verified', async () => {
    const email = `unverified.${randomBytes(5).toString('hex')}@example.com`;
    const signup = await call('POST', '/signup', {
      json: { username: uniqueUsername('notice'), password: PASSWORD, email },
    });
    const token = sessionToken(signup) as string;
    const changed = await call('POST', '/password', {
      token,
      json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(changed.status).toBe(204);
    expect((await mailTo([email])).map((mail) => mail.subject)).toEqual([
      'Confirm your email address for Pistus',
    ]);
  });
});
