import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { db, tableName } from './emulator.ts';
import { call, PASSWORD, sessionToken, signUp, uniqueUsername } from './http-client.ts';
import { mailTo } from './mail.ts';
import { operator } from './operator.ts';

const storedHash = async (username: string) =>
  (
    await db.send(
      new GetCommand({ TableName: tableName('users'), Key: { usernameKey: username.toLowerCase() } }),
    )
  ).Item?.passwordHash as string | undefined;

describe('npm run account -- import', () => {
  it('imports users with their bcrypt hashes: they log in with their old passwords, and the hash is upgraded', async () => {
    const pg = uniqueUsername('pg');
    const flask = uniqueUsername('flask');
    const file = join(mkdtempSync(join(tmpdir(), 'import-')), 'users.csv');
    writeFileSync(
      file,
      [
        'username,password_hash',
        `${pg},${(await bcrypt.hash('pgcrypto password', 4)).replace('$2b$', '$2a$')}`,
        `${flask},${await bcrypt.hash('flask password', 4)}`,
        'x,not-a-hash',
      ].join('\n'),
    );
    const result = operator('account', ['import', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('line 4: username must be');
    expect(JSON.parse(result.stdout)).toEqual({ imported: 2, skipped: 1 });

    expect(await storedHash(pg)).toMatch(/^\$2a\$04\$/);
    expect((await call('POST', '/login', { json: { username: pg, password: 'wrong' } })).status).toBe(401);
    expect(
      (await call('POST', '/login', { json: { username: pg, password: 'pgcrypto password' } })).status,
    ).toBe(200);
    expect(await storedHash(pg)).toMatch(/^\$pistus1\$\$2b\$04\$/);
    // And the upgraded hash still verifies.
    expect(
      (await call('POST', '/login', { json: { username: pg, password: 'pgcrypto password' } })).status,
    ).toBe(200);
    expect(
      (await call('POST', '/login', { json: { username: flask, password: 'flask password' } })).status,
    ).toBe(200);
  });

  it('skips a user that already exists, and says so', async () => {
    const { username } = await signUp();
    const file = join(mkdtempSync(join(tmpdir(), 'import-')), 'users.jsonl');
    writeFileSync(
      file,
      JSON.stringify({ username: username.toUpperCase(), hash: await bcrypt.hash('x', 4) }),
    );
    const result = operator('account', ['import', file]);
    expect(result.stderr).toContain('line 1: username');
    expect(result.stderr).toContain('already taken');
  });
});

describe('npm run account -- disable and list', () => {
  it('disabling an account ends its sessions and refuses its logins with the usual 401', async () => {
    const { username, token } = await signUp();
    const other = sessionToken(
      await call('POST', '/login', { json: { username, password: PASSWORD } }),
    ) as string;
    const result = operator('account', ['disable', '--username', username]);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ disabled: username, sessionsEnded: 2 });
    expect((await call('GET', '/home', { token })).status).toBe(401);
    expect((await call('GET', '/home', { token: other })).status).toBe(401);
    const login = await call('POST', '/login', { json: { username, password: PASSWORD } });
    const unknown = await call('POST', '/login', {
      json: { username: uniqueUsername(), password: PASSWORD },
    });
    expect(login.status).toBe(401);
    expect(login.text).toBe(unknown.text);
  });

  it('disabling an unknown user fails with a message', () => {
    const result = operator('account', ['disable', '--username', 'nobody_here']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no user named nobody_here');
  });

  it('lists accounts without their hashes', async () => {
    const { username } = await signUp();
    const result = operator('account', ['list']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`"username":"${username}","role":"user"`);
    expect(result.stdout).not.toMatch(/\$2[aby]\$|\$pistus1\$|passwordHash/);
  });

  it('refuses an unknown command with the usage', () => {
    const result = operator('account', ['promote']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: npm run account');
  });
});

describe('npm run account -- set-email', () => {
  const address = () => `operator.${randomBytes(5).toString('hex')}@Example.com`;

  it('sets an address verified with --verified: the user can reset the password by mail at once', async () => {
    const { username, token } = await signUp();
    const email = address();
    const result = operator('account', ['set-email', '--username', username, '--email', email, '--verified']);
    expect(result.status).toBe(0);
    const stored = email.replace('@Example.com', '@example.com');
    expect(JSON.parse(result.stdout)).toEqual({ username, email: stored, verified: true });
    expect((await call('GET', '/check_session', { token })).json).toMatchObject({
      email: stored,
      emailVerified: true,
    });
    await call('POST', '/password/forgot', { json: { email: stored } });
    expect((await mailTo([stored])).map((mail) => mail.subject)).toEqual(['Reset your Pistus password']);
  });

  it('sets it unverified without --verified, and refuses an address another account verified', async () => {
    const { username, token } = await signUp();
    const email = address().toLowerCase();
    expect(operator('account', ['set-email', '--username', username, '--email', email]).status).toBe(0);
    expect((await call('GET', '/check_session', { token })).json).toMatchObject({
      email,
      emailVerified: false,
    });
    const other = await signUp();
    operator('account', ['set-email', '--username', other.username, '--email', email, '--verified']);
    const taken = operator('account', ['set-email', '--username', username, '--email', email, '--verified']);
    expect(taken.status).toBe(2);
    expect(taken.stderr).toContain('already verified on another account');
  });

  it('names a bad address or an unknown user', () => {
    const bad = operator('account', ['set-email', '--username', uniqueUsername(), '--email', 'nope']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--email: must be an email address');
    const unknown = operator('account', ['set-email', '--username', uniqueUsername(), '--email', address()]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no user named');
  });
});
