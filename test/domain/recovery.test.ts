import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { injectFaults, tablesOf } from '../support/dynamodb-faults.ts';
import { domainWorld, movableClock, PASSWORD, sesWorld, uniqueName } from './world.ts';

/** Account recovery with the clock in the test's hands: expiry, windows, replaced and stale state. */
const world = domainWorld();
const ses = sesWorld();
const HOUR = 3600 * 1000;
const NEW_PASSWORD = 'a different horse entirely';

const address = () => `${uniqueName('mail')}@Example.COM`.replace('@Example.COM', '@example.com');
const tokenIn = (text: string | undefined, page: string) =>
  new RegExp(`https://app\\.test/${page}\\?token=([A-Za-z0-9._~-]+)`).exec(text ?? '')?.[1] ?? '';

async function setUp() {
  const clock = movableClock();
  const built = await world(clock);
  const recovery = built.recovery(ses.mailer());
  /** A new account with a verified address, as signup and its link make one. */
  async function verifiedUser() {
    const email = address();
    const user = await built.accounts.signUp({ username: uniqueName(), password: PASSWORD, email });
    await recovery.links.firstLink(user);
    await recovery.verification.verify(tokenIn((await ses.lastMailTo(email))?.body.text, 'verify-email'));
    return { user, email };
  }
  return { clock, ...built, ...recovery, verifiedUser };
}

describe('verification links', () => {
  it('carry 256 random bits, URL-safe, and only their SHA-256 is stored', async () => {
    const { accounts, links, name, db } = await setUp();
    const email = address();
    const user = await accounts.signUp({ username: uniqueName(), password: PASSWORD, email });
    expect(await links.firstLink(user)).toBe('mailed');
    const token = tokenIn((await ses.lastMailTo(email))?.body.text, 'verify-email');
    const [, secret] = token.split('.');
    expect(Buffer.from(secret ?? '', 'base64url')).toHaveLength(32);
    const stored = await db.send(
      new GetCommand({ TableName: name('account-tokens'), Key: { id: `verify-email#${user.id}` } }),
    );
    expect(JSON.stringify(stored.Item)).not.toContain(secret);
    expect(stored.Item?.digest).toBe(createHash('sha256').update(token).digest('base64url'));
  });

  it('stop working once expired, though the item is still there (TTL deletes late)', async () => {
    const { accounts, links, verification, clock } = await setUp();
    const email = address();
    const user = await accounts.signUp({ username: uniqueName(), password: PASSWORD, email });
    await links.firstLink(user);
    const token = tokenIn((await ses.lastMailTo(email))?.body.text, 'verify-email');
    clock.advance(24 * HOUR);
    await expect(verification.verify(token)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('are replaced by a newer one, and void once the account has another address', async () => {
    const { accounts, links, changes, verification } = await setUp();
    const first = address();
    const user = await accounts.signUp({ username: uniqueName(), password: PASSWORD, email: first });
    await links.firstLink(user);
    const old = tokenIn((await ses.lastMailTo(first))?.body.text, 'verify-email');
    const second = address();
    expect(await changes.change({ username: user.username, userId: user.id }, second)).toEqual({
      kind: 'mailed',
    });
    await expect(verification.verify(old)).rejects.toMatchObject({ code: 'invalid_token' });
    await verification.verify(tokenIn((await ses.lastMailTo(second))?.body.text, 'verify-email'));
    expect((await accounts.findUser(user.username))?.emailVerified).toBe(true);
  });
});

describe('one verified address, one account', () => {
  it('refuses a second account with email_taken, then frees the address when the first gives it up', async () => {
    const { accounts, links, changes, verification, verifiedUser } = await setUp();
    const { user: first, email } = await verifiedUser();
    const second = await accounts.signUp({ username: uniqueName(), password: PASSWORD, email });
    await links.firstLink(second);
    const token = tokenIn((await ses.lastMailTo(email))?.body.text, 'verify-email');
    await expect(verification.verify(token)).rejects.toMatchObject({ code: 'email_taken' });
    await changes.change({ username: first.username, userId: first.id }, address());
    await verification.verify(token);
    expect((await accounts.findUser(second.username))?.emailVerified).toBe(true);
  });

  it('takes over a claim its account no longer stands behind (a release that never happened)', async () => {
    const { accounts, links, verification, verifiedUser, users } = await setUp();
    const { user: first, email } = await verifiedUser();
    // The address changed, and the function was cut off before it released the claim.
    await users.setEmail(first.username, address());
    const second = await accounts.signUp({ username: uniqueName(), password: PASSWORD, email });
    await links.firstLink(second);
    await verification.verify(tokenIn((await ses.lastMailTo(email))?.body.text, 'verify-email'));
    expect((await accounts.findUser(second.username))?.emailVerified).toBe(true);
  });
});

describe('password reset', () => {
  it('mails at most 3 links an hour to one account, and 3 more the next hour', async () => {
    const { requests, verifiedUser, clock } = await setUp();
    const { user, email } = await verifiedUser();
    const outcomes = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(await requests.request({ username: user.username }, '192.0.2.1'));
    expect(outcomes).toEqual(['mailed', 'mailed', 'mailed', 'limited_first', 'limited']);
    expect(await ses.mailsTo(email)).toBe(1 + 3);
    clock.advance(HOUR);
    expect(await requests.request({ email }, '192.0.2.1')).toBe('mailed');
  });

  it('sends nothing to an unverified address, an unknown one, or a disabled account', async () => {
    const { accounts, requests, verifiedUser, admin } = await setUp();
    const unverified = address();
    await accounts.signUp({ username: uniqueName(), password: PASSWORD, email: unverified });
    expect(await requests.request({ email: unverified }, '192.0.2.2')).toBe('no_account');
    expect(await requests.request({ email: address() }, '192.0.2.2')).toBe('no_account');
    expect(await requests.request({ username: uniqueName() }, '192.0.2.2')).toBe('no_account');
    const { user } = await verifiedUser();
    await admin.disable(user.username);
    expect(await requests.request({ username: user.username }, '192.0.2.2')).toBe('no_verified_email');
    expect(await ses.mailsTo(unverified)).toBe(0);
  });

  it('mails no address SES reported bouncing, as the reminders do', async () => {
    const { requests, verifiedUser, suppressions } = await setUp();
    const { email } = await verifiedUser();
    await suppressions.suppress({
      address: email,
      reason: 'bounce',
      reportedAt: new Date().toISOString(),
      feedbackId: 'f1',
    });
    expect(await requests.request({ email }, '192.0.2.7')).toBe('suppressed');
    expect(await ses.mailsTo(email)).toBe(1);
  });

  it('expires after 30 minutes, and a newer link voids the older', async () => {
    const { requests, resets, verifiedUser, clock } = await setUp();
    const { email } = await verifiedUser();
    await requests.request({ email }, '192.0.2.3');
    const older = tokenIn((await ses.lastMailTo(email))?.body.text, 'reset-password');
    await requests.request({ email }, '192.0.2.3');
    const newer = tokenIn((await ses.lastMailTo(email))?.body.text, 'reset-password');
    await expect(resets.reset(older, NEW_PASSWORD)).rejects.toMatchObject({ code: 'invalid_token' });
    clock.advance(HOUR / 2);
    await expect(resets.reset(newer, NEW_PASSWORD)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('is void once the account has another address', async () => {
    const { requests, resets, changes, verifiedUser } = await setUp();
    const { user, email } = await verifiedUser();
    await requests.request({ email }, '192.0.2.4');
    const token = tokenIn((await ses.lastMailTo(email))?.body.text, 'reset-password');
    await changes.change({ username: user.username, userId: user.id }, address());
    await expect(resets.reset(token, NEW_PASSWORD)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('ends every session, works once, and keeps the link when the password is refused', async () => {
    const { requests, resets, verifiedUser, sessions, accounts } = await setUp();
    const { user, email } = await verifiedUser();
    const { token: session } = await sessions.start(user, { device: 'test', ip: '192.0.2.5' });
    await requests.request({ email }, '192.0.2.5');
    const token = tokenIn((await ses.lastMailTo(email))?.body.text, 'reset-password');
    await expect(resets.reset(token, 'password')).rejects.toMatchObject({
      fields: { newPassword: expect.any(String) },
    });
    expect((await resets.reset(token, NEW_PASSWORD)).user.id).toBe(user.id);
    expect(await sessions.resolve(session)).toBeNull();
    expect(
      await accounts.checkCredentials({ username: user.username, password: NEW_PASSWORD }),
    ).not.toBeNull();
    await expect(resets.reset(token, 'yet another good password')).rejects.toMatchObject({
      code: 'invalid_token',
    });
  });

  it('gives the link back when the password cannot be written (DynamoDB throttled), so a retry works', async () => {
    const { requests, resets, verifiedUser, accounts, db } = await setUp();
    const { user, email } = await verifiedUser();
    await requests.request({ email }, '192.0.2.6');
    const token = tokenIn((await ses.lastMailTo(email))?.body.text, 'reset-password');
    const faults = injectFaults(db, (call) =>
      call.command === 'UpdateItemCommand' && tablesOf(call).some((table) => table.endsWith('users'))
        ? 'throttle'
        : undefined,
    );
    await expect(resets.reset(token, NEW_PASSWORD)).rejects.toThrow();
    faults.remove();
    expect(await accounts.checkCredentials({ username: user.username, password: PASSWORD })).not.toBeNull();
    await resets.reset(token, NEW_PASSWORD);
    expect(
      await accounts.checkCredentials({ username: user.username, password: NEW_PASSWORD }),
    ).not.toBeNull();
  });
});
