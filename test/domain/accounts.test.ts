import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DomainError } from '#shared/platform/outcomes';
import { domainWorld, movableClock, PASSWORD, uniqueName } from './world.ts';

const world = domainWorld();

describe('accounts, in the domain', () => {
  it('disabling an account ends every session it has, and refuses its password from then on', async () => {
    const clock = movableClock();
    const { accounts, sessions, admin } = await world(clock);
    const user = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    const first = await sessions.start(user);
    const second = await sessions.start(user);
    expect(await sessions.resolve(first.token)).not.toBeNull();

    const { sessionsEnded } = await admin.disable(user.username);
    expect(sessionsEnded).toBe(2);
    expect(await sessions.resolve(first.token)).toBeNull();
    expect(await sessions.resolve(second.token)).toBeNull();
    expect(await accounts.checkCredentials({ username: user.username, password: PASSWORD })).toBeNull();
  });

  it('disabling an unknown account is a not_found outcome', async () => {
    const { admin } = await world(movableClock());
    await expect(admin.disable(uniqueName('ghost'))).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('import and signup store the same user record for the same input, but for the hash the import keeps', async () => {
    const { accounts, admin, passwords, db, name } = await world(movableClock());
    const username = uniqueName('Same');
    const key = { usernameKey: username.toLowerCase() };
    const stored = async () =>
      (await db.send(new GetCommand({ TableName: name('users'), Key: key }))).Item as Record<string, unknown>;

    const viaSignup = await accounts.signUp({ username, password: PASSWORD });
    const signupItem = await stored();
    await db.send(new DeleteCommand({ TableName: name('users'), Key: key }));
    const legacyHash = await passwords.hash(PASSWORD);
    const viaImport = await admin.importAccount({ username, passwordHash: legacyHash });
    const importItem = await stored();

    const shape = ({ id: _id, passwordHash: _hash, ...rest }: Record<string, unknown>) => rest;
    expect(Object.keys(importItem).sort()).toEqual(Object.keys(signupItem).sort());
    expect(shape(importItem)).toEqual(shape(signupItem));
    expect(importItem.passwordHash).toBe(legacyHash);
    expect(viaImport.role).toBe(viaSignup.role);
    expect(await accounts.checkCredentials({ username, password: PASSWORD })).toMatchObject({
      id: viaImport.id,
    });
  });

  it('refuses a second account with the same name in any case, as a username_taken conflict', async () => {
    const { accounts, admin } = await world(movableClock());
    const username = uniqueName('Taken');
    await accounts.signUp({ username, password: PASSWORD });
    const again = accounts.signUp({ username: username.toUpperCase(), password: PASSWORD });
    await expect(again).rejects.toBeInstanceOf(DomainError);
    await expect(again).rejects.toMatchObject({ kind: 'conflict', code: 'username_taken' });
    await expect(
      admin.importAccount({ username, passwordHash: '$2b$04$' + 'a'.repeat(53) }),
    ).rejects.toMatchObject({
      code: 'username_taken',
    });
  });

  it('refuses an admin password under 15 characters (NIST SP 800-63B, single factor)', async () => {
    const { accounts } = await world(movableClock());
    const admin = (password: string) =>
      accounts.createAccount({ username: uniqueName('admin'), password, role: 'admin' });
    await expect(admin('Password1!')).rejects.toMatchObject({
      kind: 'invalid',
      fields: { password: expect.any(String) },
    });
    expect((await admin('fifteen chars!!')).role).toBe('admin');
  });
});
