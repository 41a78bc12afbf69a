import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { db, tableName } from './emulator.ts';
import {
  apiUrl,
  call,
  callFrom,
  errorCode,
  loopbackAddress,
  PASSWORD,
  sessionToken,
  signUp,
  uniqueUsername,
} from './http-client.ts';
import { lastMailTo, linkToken, mailTo } from './mail.ts';

const NEW_PASSWORD = 'a brand new horse battery';
const address = (domain = 'example.com') => `reader.${randomBytes(5).toString('hex')}@${domain}`;

/** A new account with this address, signed up through the API: its session and its verification mail. */
async function signUpWith(email: string) {
  const username = uniqueUsername('reader');
  const response = await call('POST', '/signup', { json: { username, password: PASSWORD, email } });
  expect(response.status).toBe(201);
  return { username, user: response.json as { id: string }, token: sessionToken(response) as string };
}

/** A new account whose address was verified by following its link. */
async function verifiedAccount() {
  const email = address();
  const account = await signUpWith(email);
  const verified = await call('POST', '/email/verify', {
    json: { token: linkToken(await lastMailTo(email), 'verify-email') },
  });
  expect(verified.status).toBe(204);
  return { ...account, email };
}

const forgot = (json: object, ip = loopbackAddress()) => callFrom(ip, 'POST', '/password/forgot', { json });
const auditLines = (event: string) =>
  readFileSync(inject('logFile'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(`"event":"${event}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('email addresses', () => {
  it('signup takes an optional address, domain lower-cased, unverified, and mails its link (text and HTML)', async () => {
    const email = `Ada.Lovelace.${randomBytes(4).toString('hex')}@Example.ORG`;
    const response = await call('POST', '/signup', {
      json: { username: uniqueUsername(), password: PASSWORD, email },
    });
    expect(response.status).toBe(201);
    const stored = email.replace('@Example.ORG', '@example.org');
    expect(response.json).toMatchObject({ email: stored, emailVerified: false });
    const mail = await lastMailTo(stored);
    expect(mail?.subject).toBe('Confirm your email address for Pistus');
    expect(mail?.body.text).toContain(`${apiUrl}/verify-email?token=`);
    expect(mail?.body.html).toContain(`href="${apiUrl}/verify-email?token=`);
    // At least 128 random bits, URL-safe.
    const token = linkToken(mail, 'verify-email');
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(Buffer.from(token.split('.')[1] ?? '', 'base64url').length * 8).toBeGreaterThanOrEqual(128);
  });

  it('refuses a malformed or too long address with 400 naming email, and stores no account', async () => {
    for (const email of ['not an address', 'a@', `${'a'.repeat(250)}@example.com`, 42]) {
      const username = uniqueUsername();
      const response = await call('POST', '/signup', { json: { username, password: PASSWORD, email } });
      expect(response.status).toBe(400);
      expect((response.json as { error: { fields: object } }).error.fields).toHaveProperty('email');
      const item = await db.send(
        new GetCommand({ TableName: tableName('users'), Key: { usernameKey: username.toLowerCase() } }),
      );
      expect(item.Item).toBeUndefined();
    }
  });

  it('a signup without an address has email null, and sends nothing', async () => {
    const { username } = await signUp();
    const login = await call('POST', '/login', { json: { username, password: PASSWORD } });
    expect(login.json).toMatchObject({ email: null, emailVerified: false });
  });

  it('verifies with its link: 204, then check_session and login say emailVerified; the link works once', async () => {
    const email = address();
    const { username, token: session } = await signUpWith(email);
    const token = linkToken(await lastMailTo(email), 'verify-email');
    expect((await call('POST', '/email/verify', { json: { token } })).status).toBe(204);
    const check = await call('GET', '/check_session', { token: session });
    expect(check.json).toMatchObject({ email, emailVerified: true });
    const login = await call('POST', '/login', { json: { username, password: PASSWORD } });
    expect(login.json).toMatchObject({ email, emailVerified: true });
    const again = await call('POST', '/email/verify', { json: { token } });
    expect(again.status).toBe(400);
    expect(errorCode(again)).toBe('invalid_token');
  });

  it('stores only the SHA-256 of a token, with a TTL', async () => {
    const email = address();
    const { user } = await signUpWith(email);
    const token = linkToken(await lastMailTo(email), 'verify-email');
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName('account-tokens'), Key: { id: `verify-email#${user.id}` } }),
    );
    expect(Item?.digest).toBe(createHash('sha256').update(token).digest('base64url'));
    expect(JSON.stringify(Item)).not.toContain(token.split('.')[1]);
    expect(Item?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 86_000);
  });

  it('PUT /email sets a new address, unverified, and its link replaces the older one', async () => {
    const { token: session, email: first } = await verifiedAccount();
    const second = address();
    const changed = await call('PUT', '/email', { token: session, json: { email: second } });
    expect(changed.status).toBe(202);
    expect((await call('GET', '/check_session', { token: session })).json).toMatchObject({
      email: second,
      emailVerified: false,
    });
    const older = linkToken(await lastMailTo(second), 'verify-email');
    await call('PUT', '/email', { token: session, json: { email: second } });
    const newer = linkToken(await lastMailTo(second), 'verify-email');
    expect(errorCode(await call('POST', '/email/verify', { json: { token: older } }))).toBe('invalid_token');
    expect((await call('POST', '/email/verify', { json: { token: newer } })).status).toBe(204);
    // The old address got its own link once, and since then only the security notice of the change.
    const subjects = (await mailTo([first])).map((mail) => mail.subject);
    expect(subjects.filter((subject) => subject.startsWith('Confirm'))).toHaveLength(1);
    expect(subjects).toContain('A new email address was given for your Pistus account');
  });

  it('PUT /email needs a session and an address', async () => {
    expect((await call('PUT', '/email', { json: { email: address() } })).status).toBe(401);
    const { token } = await signUp();
    const response = await call('PUT', '/email', { token, json: { email: 'nope' } });
    expect(response.status).toBe(400);
    expect((response.json as { error: { fields: object } }).error.fields).toHaveProperty('email');
  });

  it('an address is verified on one account only: signup does not tell, verification answers 409 email_taken', async () => {
    const { email } = await verifiedAccount();
    const second = await call('POST', '/signup', {
      json: { username: uniqueUsername(), password: PASSWORD, email },
    });
    expect(second.status).toBe(201);
    const response = await call('POST', '/email/verify', {
      json: { token: linkToken(await lastMailTo(email), 'verify-email') },
    });
    expect(response.status).toBe(409);
    expect(errorCode(response)).toBe('email_taken');
  });

  it('an expired link is refused with invalid_token, though its item is still there', async () => {
    const email = address();
    const { user } = await signUpWith(email);
    await db.send(
      new UpdateCommand({
        TableName: tableName('account-tokens'),
        Key: { id: `verify-email#${user.id}` },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    const response = await call('POST', '/email/verify', {
      json: { token: linkToken(await lastMailTo(email), 'verify-email') },
    });
    expect(errorCode(response)).toBe('invalid_token');
  });

  it('a forged or malformed token is invalid_token', async () => {
    for (const token of ['', 'x', `${'A'.repeat(22)}.${'B'.repeat(43)}`, 'a'.repeat(150)]) {
      const response = await call('POST', '/email/verify', { json: { token } });
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('invalid_token');
    }
  });
});

describe('forgot password', () => {
  const ANSWER = {
    message: 'If that account has a verified email address, a link to reset its password is on its way.',
  };

  it('mails a reset link to the verified address, by address or by username, with the same 202', async () => {
    const { username, email } = await verifiedAccount();
    for (const body of [{ email }, { username }]) {
      const response = await forgot(body);
      expect(response.status).toBe(202);
      expect(response.json).toEqual(ANSWER);
    }
    const resets = (await mailTo([email])).filter((mail) => mail.subject === 'Reset your Pistus password');
    expect(resets).toHaveLength(2);
    expect(resets[1]?.body.text).toContain(`${apiUrl}/reset-password?token=`);
  });

  it('answers the same 202 for an unknown address, an unknown user and an unverified address, and mails nothing', async () => {
    const unverified = address();
    await signUpWith(unverified);
    for (const body of [
      { email: address() },
      { username: uniqueUsername('nobody') },
      { email: unverified },
    ]) {
      const response = await forgot(body);
      expect(response.status).toBe(202);
      expect(response.json).toEqual(ANSWER);
    }
    expect((await mailTo([unverified])).map((mail) => mail.subject)).toEqual([
      'Confirm your email address for Pistus',
    ]);
  });

  it('refuses neither or both of email and username, naming them', async () => {
    for (const body of [{}, { email: address(), username: 'someone' }, { email: 'nope' }]) {
      const response = await forgot(body);
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('invalid_input');
    }
  });

  it('sends at most 3 reset mails an hour to one account; more requests still answer 202', async () => {
    const { email } = await verifiedAccount();
    const answers = await Promise.all(Array.from({ length: 6 }, () => forgot({ email })));
    expect(answers.map((response) => response.status)).toEqual([202, 202, 202, 202, 202, 202]);
    const resets = (await mailTo([email])).filter((mail) => mail.subject === 'Reset your Pistus password');
    expect(resets).toHaveLength(3);
  });

  it('limits one client address (FORGOT_REQUESTS_PER_IP_HOUR, 30): past it, nothing is mailed, from it alone', async () => {
    const { email } = await verifiedAccount();
    const ip = loopbackAddress();
    await Promise.all(Array.from({ length: 30 }, () => forgot({ username: uniqueUsername('nobody') }, ip)));
    const limited = await forgot({ email }, ip);
    expect(limited.status).toBe(202);
    expect(limited.json).toEqual(ANSWER);
    expect((await mailTo([email])).some((mail) => mail.subject.startsWith('Reset'))).toBe(false);
    // X-Forwarded-For does not make it another client.
    await callFrom(ip, 'POST', '/password/forgot', {
      json: { email },
      headers: { 'x-forwarded-for': loopbackAddress() },
    });
    expect((await mailTo([email])).some((mail) => mail.subject.startsWith('Reset'))).toBe(false);
    await forgot({ email }, loopbackAddress());
    expect((await mailTo([email])).filter((mail) => mail.subject.startsWith('Reset'))).toHaveLength(1);
  });
});

describe('reset password', () => {
  async function resetLinkFor() {
    const account = await verifiedAccount();
    await forgot({ email: account.email });
    return { ...account, reset: linkToken(await lastMailTo(account.email), 'reset-password') };
  }

  it('sets the new password (204): every session ends, the credential version moves, the old password fails', async () => {
    const { username, token: session, reset, user } = await resetLinkFor();
    const other = sessionToken(await call('POST', '/login', { json: { username, password: PASSWORD } }));
    const before = await db.send(
      new GetCommand({ TableName: tableName('users'), Key: { usernameKey: username.toLowerCase() } }),
    );
    const response = await call('POST', '/password/reset', {
      json: { token: reset, newPassword: NEW_PASSWORD },
    });
    expect(response.status).toBe(204);
    for (const token of [session, other])
      expect((await call('GET', '/check_session', { token })).status).toBe(204);
    const after = await db.send(
      new GetCommand({ TableName: tableName('users'), Key: { usernameKey: username.toLowerCase() } }),
    );
    // Device tokens carry the version they were issued under: an older one now counts as none.
    expect(Number(after.Item?.credentialVersion ?? 0)).toBe(Number(before.Item?.credentialVersion ?? 0) + 1);
    expect((await call('POST', '/login', { json: { username, password: PASSWORD } })).status).toBe(401);
    expect((await call('POST', '/login', { json: { username, password: NEW_PASSWORD } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(auditLines('passwordReset').some((line) => line.userId === user.id)).toBe(true);
  });

  it('applies the password policy (400 naming newPassword), and the link still works after', async () => {
    const { reset, username } = await resetLinkFor();
    for (const newPassword of ['short', 'password1', `${username}-and-more`]) {
      const response = await call('POST', '/password/reset', { json: { token: reset, newPassword } });
      expect(response.status).toBe(400);
      expect((response.json as { error: { fields: object } }).error.fields).toHaveProperty('newPassword');
    }
    expect(
      (await call('POST', '/password/reset', { json: { token: reset, newPassword: NEW_PASSWORD } })).status,
    ).toBe(204);
  });

  it('a used, an expired or a replaced link is invalid_token', async () => {
    const { reset, email, user } = await resetLinkFor();
    await forgot({ email });
    const newer = linkToken(await lastMailTo(email), 'reset-password');
    const replaced = await call('POST', '/password/reset', {
      json: { token: reset, newPassword: NEW_PASSWORD },
    });
    expect(errorCode(replaced)).toBe('invalid_token');
    expect(
      (await call('POST', '/password/reset', { json: { token: newer, newPassword: NEW_PASSWORD } })).status,
    ).toBe(204);
    const used = await call('POST', '/password/reset', {
      json: { token: newer, newPassword: `${NEW_PASSWORD}!` },
    });
    expect(errorCode(used)).toBe('invalid_token');

    await forgot({ email });
    const expiring = linkToken(await lastMailTo(email), 'reset-password');
    await db.send(
      new UpdateCommand({
        TableName: tableName('account-tokens'),
        Key: { id: `reset#${user.id}` },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    const expired = await call('POST', '/password/reset', {
      json: { token: expiring, newPassword: NEW_PASSWORD },
    });
    expect(errorCode(expired)).toBe('invalid_token');
  });

  it('keeps tokens out of the log, and their table holds no token', async () => {
    const { reset } = await resetLinkFor();
    expect(readFileSync(inject('logFile'), 'utf8')).not.toContain(reset.split('.')[1]);
    const { Items = [] } = await db.send(new ScanCommand({ TableName: tableName('account-tokens') }));
    expect(JSON.stringify(Items)).not.toContain(reset.split('.')[1]);
  });
});
