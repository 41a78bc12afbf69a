import { readFileSync } from 'node:fs';
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { dynamoClient } from './deadline-fixtures.ts';
import { ageSession, sidOf } from './session-age.ts';
import {
  call,
  callFrom,
  errorCode,
  loopbackAddress,
  PASSWORD,
  sessionToken,
  signUp,
  uniqueUsername,
} from './http-client.ts';
import { lastMailTo, linkToken } from './mail.ts';
import { providerSignIn } from '../support/identity-providers.ts';
import { operator, signInAdmin } from './operator.ts';
import { userWithPasskey } from './passkey-user.ts';

/**
 * The account's whole life through HTTP: the export of everything held about it, its deletion (one write
 * ends it; the clean-up, or the next run, finishes it), and the admin API over the users indexes.
 */

const table = (name: string) => `${inject('tablePrefix')}${name}`;
const login = (username: string, password = PASSWORD) =>
  callFrom(loopbackAddress(), 'POST', '/login', { json: { username, password } });

const verifiedAddress = (username: string) => {
  const email = `${username}@example.com`;
  const set = operator('account', ['set-email', '--username', username, '--email', email, '--verified']);
  expect(set.status, set.stderr).toBe(0);
  return email;
};

const register = async (token: string) => {
  const made = await call('POST', '/registrations', {
    token,
    json: { activity: 'Chess club', email: 'parent@example.com', studentName: 'Ada Lovelace' },
  });
  expect(made.status, made.text).toBe(201);
  return made.json as { id: string };
};

const userItem = (username: string) =>
  dynamoClient().send(
    new GetItemCommand({
      TableName: table('users'),
      Key: { usernameKey: { S: username.toLowerCase() } },
      ConsistentRead: true,
    }),
  );

/** The deletion's one write, as a deletion cut off right after it leaves the item (its clean-up not run). */
const markDeleted = (username: string) =>
  dynamoClient().send(
    new UpdateItemCommand({
      TableName: table('users'),
      Key: { usernameKey: { S: username.toLowerCase() } },
      UpdateExpression: 'SET #role = :deleted, deletedAt = :at ADD credentialVersion :one',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: {
        ':deleted': { S: 'deleted' },
        ':at': { S: new Date().toISOString() },
        ':one': { N: '1' },
      },
    }),
  );

describe('GET /account/export', () => {
  it('gives the account, its sessions, passkeys, registrations and events as an attachment, with no secret in it', async () => {
    const account = await userWithPasskey();
    verifiedAddress(account.username);
    await register(account.token);
    const second = await login(account.username);
    expect(second.status).toBe(200);
    const exported = await call('GET', '/account/export', { token: account.token });
    expect(exported.status, exported.text).toBe(200);
    expect(exported.headers.get('content-disposition')).toBe(
      `attachment; filename="pistus-export-${account.username}.json"`,
    );
    const data = exported.json as Record<string, never> & {
      account: { username: string; emailVerified: boolean; hasPassword: boolean; mfaEnabled: boolean };
      sessions: { current: boolean }[];
      passkeys: unknown[];
      registrations: { studentName: string }[];
      auditEvents: { type: string }[];
    };
    expect(data.account).toMatchObject({
      username: account.username,
      emailVerified: true,
      hasPassword: true,
      mfaEnabled: false,
    });
    expect(data.sessions).toHaveLength(2);
    expect(data.sessions.filter((session) => session.current)).toHaveLength(1);
    expect(data.passkeys).toHaveLength(1);
    expect(data.registrations).toMatchObject([{ studentName: 'Ada Lovelace' }]);
    expect(data.auditEvents.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        'account.created',
        'account.signed_in',
        'passkey.added',
        'registration.created',
      ]),
    );
    const text = exported.text;
    for (const secret of [
      'passwordHash',
      'publicKey',
      'digest',
      'totpSecret',
      'recoveryCodes',
      '"sid"',
      '$2',
    ])
      expect(text).not.toContain(secret);
    expect(text).not.toContain(account.token);
    expect(text).not.toContain(sidOf(account.token));
    expect(text).not.toContain(PASSWORD);
  });

  it('answers 401 without a session', async () => {
    const exported = await call('GET', '/account/export');
    expect(exported.status).toBe(401);
  });
});

describe('DELETE /account', () => {
  it('ends the account at once: another device is signed out, login answers as for an unknown name, the address and the name are free, and a notice is mailed', async () => {
    const account = await userWithPasskey();
    const email = verifiedAddress(account.username);
    const other = await login(account.username);
    const otherToken = sessionToken(other);
    expect(otherToken).toBeTruthy();
    const deleted = await call('DELETE', '/account', { token: account.token });
    expect(deleted.status, deleted.text).toBe(204);
    expect(deleted.setCookies.some((cookie) => /Max-Age=0|Expires=Thu, 01 Jan 1970/.test(cookie))).toBe(true);
    expect((await call('GET', '/check_session', { token: otherToken })).status).toBe(204);
    expect((await call('GET', '/check_session', { token: account.token })).status).toBe(204);

    const gone = await login(account.username);
    const unknown = await login(uniqueUsername('nobody'));
    expect([gone.status, errorCode(gone)]).toEqual([unknown.status, errorCode(unknown)]);
    // Ended, not yet freed: the item holds the name, and nothing that proved who the user was.
    const ended = (await userItem(account.username)).Item;
    expect(ended?.role?.S).toBe('deleted');
    expect(Object.keys(ended ?? {})).not.toEqual(expect.arrayContaining(['passwordHash']));
    const taken = await callFrom(loopbackAddress(), 'POST', '/signup', {
      json: { username: account.username, password: PASSWORD },
    });
    expect(taken.status).toBe(409);

    const notice = await lastMailTo(email, 'Your Pistus account was deleted');
    expect(notice?.body.text).toContain(account.username);

    // The verified address can be another account's at once; the name once the clean-up run has freed it.
    const next = await signUp();
    expect(
      operator('account', ['set-email', '--username', next.username, '--email', email, '--verified']).status,
    ).toBe(0);
    const run = operator('account', ['cleanup']);
    expect(JSON.parse(run.stdout)).toMatchObject({ failed: 0 });
    expect((await userItem(account.username)).Item).toBeUndefined();
    expect((await signUp(account.username)).username).toBe(account.username);
  });

  it('deletes unpaid registrations and keeps paid ones without the name and address', async () => {
    const admin = await signInAdmin();
    const account = await signUp();
    const unpaid = await register(account.token);
    const paid = await register(account.token);
    expect((await call('POST', `/registrations/${paid.id}/payment`, { token: admin.token })).status).toBe(
      200,
    );
    expect((await call('DELETE', '/account', { token: account.token })).status).toBe(204);
    expect((await call('GET', `/registrations/${unpaid.id}`, { token: admin.token })).status).toBe(404);
    const kept = await call('GET', `/registrations/${paid.id}`, { token: admin.token });
    expect(kept.status).toBe(200);
    expect(kept.json).toMatchObject({ id: paid.id, paid: true, email: '' });
    expect(kept.json).not.toHaveProperty('studentName');
  });

  it('asks a session whose last proof is old to prove who it is first, and deletes nothing', async () => {
    const account = await signUp();
    await ageSession(account.token);
    const refused = await call('DELETE', '/account', { token: account.token });
    expect([refused.status, errorCode(refused)]).toEqual([403, 'reauthentication_required']);
    expect((await call('GET', '/check_session', { token: account.token })).status).toBe(200);
  });

  it('a deletion cut off after its one write leaves an account no one can use, and the next clean-up run finishes it', async () => {
    const account = await signUp();
    await markDeleted(account.username);
    expect((await call('GET', '/check_session', { token: account.token })).status).toBe(204);
    expect((await login(account.username)).status).toBe(401);
    const taken = await callFrom(loopbackAddress(), 'POST', '/signup', {
      json: { username: account.username, password: PASSWORD },
    });
    expect(taken.status).toBe(409);
    const run = operator('account', ['cleanup']);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ failed: 0 });
    expect((await userItem(account.username)).Item).toBeUndefined();
    expect((await signUp(account.username)).username).toBe(account.username);
  });
});

describe('a deleted account, before its clean-up has finished', () => {
  it('never comes back through a provider: signing in with its identity makes a new account', async () => {
    const signIn = providerSignIn(call);
    const email = `${uniqueUsername('prov')}@example.com`;
    const first = await signIn.complete('test', { login_hint: email, returnTo: '/account' });
    const before = (await call('GET', '/check_session', { token: sessionToken(first) })).json as {
      id: string;
      username: string;
    };
    // Cut off after its one write: the identity is still there.
    await markDeleted(before.username);
    const again = await signIn.complete('test', { login_hint: email, returnTo: '/account' });
    expect(again.status).toBe(303);
    const after = (await call('GET', '/check_session', { token: sessionToken(again) })).json as {
      id: string;
    };
    expect(after.id).toBeTruthy();
    expect(after.id).not.toBe(before.id);
    expect((await userItem(before.username)).Item?.role?.S).toBe('deleted');
  });

  it('is not reached by a reset link mailed before it was deleted', async () => {
    const account = await signUp();
    const email = verifiedAddress(account.username);
    const asked = await callFrom(loopbackAddress(), 'POST', '/password/forgot', { json: { email } });
    expect(asked.status).toBe(202);
    const token = linkToken(await lastMailTo(email), 'reset-password');
    await markDeleted(account.username);
    const reset = await call('POST', '/password/reset', {
      json: { token, newPassword: 'a brand new password here' },
    });
    expect(reset.status).toBeGreaterThanOrEqual(400);
    expect(reset.status).toBeLessThan(500);
    expect((await login(account.username, 'a brand new password here')).status).toBe(401);
  });
});

describe('the admin API', () => {
  const journal = () => readFileSync(inject('dynamodbJournal'), 'utf8').split('\n');

  it('finds accounts by a name or address prefix in any case, a page at a time, through the indexes and never a Scan', async () => {
    const admin = await signInAdmin();
    const stem = uniqueUsername('Find').toLowerCase();
    const accounts = [];
    for (const suffix of ['a', 'b', 'c']) accounts.push(await signUp(`${stem}${suffix}`));
    const byMail = await signUp();
    operator('account', ['set-email', '--username', byMail.username, '--email', `${stem}X@Example.com`]);
    const before = journal().length;
    // The indexes are eventually consistent: an account just made may take a moment to show.
    const pages: { items: { username: string }[]; nextCursor?: string }[] = [];
    await expect
      .poll(
        async () => {
          pages.length = 0;
          let cursor: string | undefined;
          do {
            const query = new URLSearchParams({
              query: stem.toUpperCase(),
              limit: '2',
              ...(cursor ? { cursor } : {}),
            });
            const page = await call('GET', `/admin/users?${query}`, { token: admin.token });
            expect(page.status, page.text).toBe(200);
            pages.push(page.json as (typeof pages)[number]);
            cursor = (page.json as { nextCursor?: string }).nextCursor;
          } while (cursor);
          return pages.flatMap((page) => page.items.map((item) => item.username));
          // Generous: each attempt pages through HTTP, slow while the rest of the suite runs beside it.
        },
        { timeout: 15_000, interval: 200 },
      )
      .toEqual([...accounts.map((account) => account.username), byMail.username]);
    expect(pages.length).toBeGreaterThan(1);
    // The journal holds every function's requests, other files' too (signups, logins): what shows is that
    // the users table was queried through the indexes, and that nothing scanned it.
    const issued = journal()
      .slice(before)
      .filter((line) => line.includes(table('users')));
    expect(issued.filter((line) => /^Query \S+ by(Name|Email)$/.test(line)).length).toBeGreaterThan(0);
    expect(issued.filter((line) => line.startsWith('Scan'))).toEqual([]);
  });

  it('answers a cursor of another search, or one made up, with 400 invalid_cursor', async () => {
    const admin = await signInAdmin();
    for (const name of ['a', 'b']) await signUp(`${uniqueUsername('cur')}${name}`);
    const first = await call('GET', '/admin/users?query=cur_&limit=1', { token: admin.token });
    const cursor = (first.json as { nextCursor?: string }).nextCursor as string;
    expect(cursor).toBeTruthy();
    const forged = Buffer.from(JSON.stringify({ p: 'cur_', v: 'zzz', k: 'zzz' })).toString('base64url');
    for (const bad of [
      `query=other&cursor=${cursor}`,
      `query=cur_&cursor=${forged}`,
      'query=cur_&cursor=not-a-cursor',
      `cursor=${Buffer.from(JSON.stringify({ p: '', v: '', k: '' })).toString('base64url')}`,
    ]) {
      const refused = await call('GET', `/admin/users?${bad}`, { token: admin.token });
      expect([bad, refused.status, errorCode(refused)]).toEqual([bad, 400, 'invalid_cursor']);
    }
  });

  it('finds by address an account from before the byEmail index once the backfill command has run', async () => {
    const admin = await signInAdmin();
    const old = await signUp();
    const email = `${uniqueUsername('Old')}@Example.com`;
    // As an account that set its address before this version: the address, no `emailSearch`.
    await dynamoClient().send(
      new UpdateItemCommand({
        TableName: table('users'),
        Key: { usernameKey: { S: old.username.toLowerCase() } },
        UpdateExpression: 'SET email = :email, emailVerified = :false',
        ExpressionAttributeValues: { ':email': { S: email }, ':false': { BOOL: false } },
      }),
    );
    const search = async () =>
      (
        (
          await call('GET', `/admin/users?query=${encodeURIComponent(email.slice(0, 12))}`, {
            token: admin.token,
          })
        ).json as { items: { username: string }[] }
      ).items.map((item) => item.username);
    expect(await search()).toEqual([]);
    const run = operator('account', ['backfill']);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).written).toBeGreaterThanOrEqual(1);
    await expect.poll(search, { timeout: 10_000, interval: 200 }).toEqual([old.username]);
  });

  it('shows one account with its counts', async () => {
    const admin = await signInAdmin();
    const account = await userWithPasskey();
    await register(account.token);
    const shown = await call('GET', `/admin/users/${account.user.id}`, { token: admin.token });
    expect(shown.status, shown.text).toBe(200);
    expect(shown.json).toMatchObject({
      id: account.user.id,
      username: account.username,
      role: 'user',
      disabled: false,
      counts: { sessions: 1, passkeys: 1, identities: 0, registrations: 1 },
    });
    expect(shown.text).not.toContain('passwordHash');
    expect((await call('GET', `/admin/users/${crypto.randomUUID()}`, { token: admin.token })).status).toBe(
      404,
    );
    const bad = await call('GET', '/admin/users/not-an-id', { token: admin.token });
    expect([bad.status, errorCode(bad)]).toEqual([400, 'invalid_input']);
  });

  it('answers a plain user 403 on every admin route, and changes nothing', async () => {
    const plain = await signUp();
    const target = await signUp();
    const id = target.user.id;
    for (const [method, path, json] of [
      ['GET', '/admin/users', undefined],
      ['GET', `/admin/users/${id}`, undefined],
      ['POST', `/admin/users/${id}/disable`, undefined],
      ['POST', `/admin/users/${id}/enable`, undefined],
      ['DELETE', `/admin/users/${id}/sessions`, undefined],
      ['PUT', `/admin/users/${id}/role`, { role: 'admin' }],
      ['DELETE', `/admin/users/${id}`, undefined],
    ] as const) {
      const refused = await call(method, path, { token: plain.token, ...(json ? { json } : {}) });
      expect([method, path, refused.status, errorCode(refused)]).toEqual([method, path, 403, 'forbidden']);
    }
    expect((await call('GET', '/check_session', { token: target.token })).status).toBe(200);
    expect((await call('GET', '/admin/users')).status).toBe(401);
  });

  it('disables (every session ends, login answers as for a wrong password) and enables an account, whose old sessions stay ended', async () => {
    const admin = await signInAdmin();
    const target = await signUp();
    expect(
      (await call('POST', `/admin/users/${target.user.id}/disable`, { token: admin.token })).status,
    ).toBe(204);
    expect((await call('GET', '/check_session', { token: target.token })).status).toBe(204);
    const refused = await login(target.username);
    const wrong = await login((await signUp()).username, 'not the password at all');
    expect([refused.status, errorCode(refused)]).toEqual([wrong.status, errorCode(wrong)]);
    const shown = await call('GET', `/admin/users/${target.user.id}`, { token: admin.token });
    expect(shown.json).toMatchObject({ disabled: true, counts: { sessions: 0 } });
    expect((await call('POST', `/admin/users/${target.user.id}/enable`, { token: admin.token })).status).toBe(
      204,
    );
    expect((await login(target.username)).status).toBe(200);
  });

  it('ends every session of an account, sets its role (counted at its next request), and deletes it', async () => {
    const admin = await signInAdmin();
    const target = await signUp();
    const again = await login(target.username);
    const path = `/admin/users/${target.user.id}`;
    const promoted = await call('PUT', `${path}/role`, { token: admin.token, json: { role: 'admin' } });
    expect(promoted.status, promoted.text).toBe(204);
    expect(
      ((await call('GET', '/check_session', { token: target.token })).json as { role: string }).role,
    ).toBe('admin');
    const badRole = await call('PUT', `${path}/role`, { token: admin.token, json: { role: 'root' } });
    expect([badRole.status, errorCode(badRole)]).toEqual([400, 'invalid_input']);
    expect((await call('DELETE', `${path}/sessions`, { token: admin.token })).status).toBe(204);
    expect((await call('GET', '/check_session', { token: target.token })).status).toBe(204);
    expect(again.status).toBe(200);
    expect((await call('DELETE', path, { token: admin.token })).status).toBe(204);
    const gone = await login(target.username);
    expect([gone.status, errorCode(gone)]).toEqual([401, errorCode(await login(uniqueUsername('nobody')))]);
    expect((await call('GET', path, { token: admin.token })).status).toBe(404);
  });

  it('refuses an admin disabling, demoting or deleting themself (409 self_action), and asks an old session to prove who it is', async () => {
    const admin = await signInAdmin();
    const me = (await call('GET', '/check_session', { token: admin.token })).json as { id: string };
    const path = `/admin/users/${me.id}`;
    for (const [method, suffix, json] of [
      ['POST', '/disable', undefined],
      ['PUT', '/role', { role: 'user' }],
      ['DELETE', '', undefined],
    ] as const) {
      const refused = await call(method, `${path}${suffix}`, {
        token: admin.token,
        ...(json ? { json } : {}),
      });
      expect([method, suffix, refused.status, errorCode(refused)]).toEqual([
        method,
        suffix,
        409,
        'self_action',
      ]);
    }
    expect((await call('GET', '/check_session', { token: admin.token })).json).toMatchObject({
      role: 'admin',
    });
    const target = await signUp();
    await ageSession(admin.token);
    const stale = await call('POST', `/admin/users/${target.user.id}/disable`, { token: admin.token });
    expect([stale.status, errorCode(stale)]).toEqual([403, 'reauthentication_required']);
    expect((await call('GET', '/check_session', { token: target.token })).status).toBe(200);
    // Reading needs no fresh proof.
    expect((await call('GET', `/admin/users/${target.user.id}`, { token: admin.token })).status).toBe(200);
  });

  it('writes an audit line naming the admin and the target for every write', async () => {
    const admin = await signInAdmin();
    const me = (await call('GET', '/check_session', { token: admin.token })).json as { id: string };
    const target = await signUp();
    expect(
      (await call('POST', `/admin/users/${target.user.id}/disable`, { token: admin.token })).status,
    ).toBe(204);
    await expect
      .poll(
        () =>
          readFileSync(inject('logFile'), 'utf8')
            .split('\n')
            .some(
              (line) =>
                line.includes('"event":"adminDisabledUser"') &&
                line.includes(me.id) &&
                line.includes(target.user.id),
            ),
        { timeout: 10_000, interval: 200 },
      )
      .toBe(true);
  });
});
