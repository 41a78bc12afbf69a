import { randomInt } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, tableName } from './emulator.ts';
import { callFrom, errorCode, PASSWORD, signUp } from './http-client.ts';

/** A client IP of the test's own, so its counters are not shared with the other tests. */
const freshIp = () => `127.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
const deviceCookie = (setCookies: string[]) =>
  setCookies.find((c) => c.startsWith('__Host-device='))?.split(';')[0] ?? '';

describe('brute force: failed logins are counted in DynamoDB, per account, device and IP', () => {
  it('after 5 consecutive failures the account is refused with 429 and Retry-After, before any password check', async () => {
    const { username } = await signUp();
    const ip = freshIp();
    for (let i = 1; i <= 5; i++) {
      expect(
        (await callFrom(ip, 'POST', '/login', { json: { username, password: `wrong ${i}` } })).status,
        `attempt ${i}`,
      ).toBe(401);
    }
    const refused = await callFrom(freshIp(), 'POST', '/login', { json: { username, password: PASSWORD } });
    expect(refused.status).toBe(429);
    expect(errorCode(refused)).toBe('too_many_attempts');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(25);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(30);
  });

  it('backs off exponentially with each further failure, capped at 15 minutes', async () => {
    const { username } = await signUp();
    const ip = freshIp();
    const key = `account#${username.toLowerCase()}`;
    const unlock = () =>
      db.send(
        new UpdateCommand({
          TableName: tableName('login-attempts'),
          Key: { key },
          UpdateExpression: 'SET lockedUntil = :past',
          ExpressionAttributeValues: { ':past': 0 },
        }),
      );
    const retryAfters: number[] = [];
    for (let failure = 1; failure <= 11; failure++) {
      await callFrom(ip, 'POST', '/login', { json: { username, password: 'wrong' } });
      if (failure >= 5) {
        const refused = await callFrom(ip, 'POST', '/login', { json: { username, password: 'wrong' } });
        retryAfters.push(Number(refused.headers.get('retry-after')));
        await unlock(); // As if the lock had run out.
      }
    }
    expect(retryAfters.map((s) => Math.round(s / 30) * 30)).toEqual([30, 60, 120, 240, 480, 900, 900]);
  });

  it('a success resets the count', async () => {
    const { username } = await signUp();
    const ip = freshIp();
    for (let i = 0; i < 4; i++)
      await callFrom(ip, 'POST', '/login', { json: { username, password: 'wrong' } });
    expect((await callFrom(ip, 'POST', '/login', { json: { username, password: PASSWORD } })).status).toBe(
      200,
    );
    for (let i = 0; i < 4; i++) {
      expect((await callFrom(ip, 'POST', '/login', { json: { username, password: 'wrong' } })).status).toBe(
        401,
      );
    }
  });

  it('cannot cheaply lock a user out: on a device they logged in from before, they still get in', async () => {
    const { username } = await signUp();
    const owner = freshIp();
    const first = await callFrom(owner, 'POST', '/login', { json: { username, password: PASSWORD } });
    const device = deviceCookie(first.setCookies);
    expect(device).toMatch(/^__Host-device=/);
    expect(first.setCookies.find((c) => c.startsWith('__Host-device='))).toMatch(
      /HttpOnly; Secure; SameSite=Strict/,
    );

    const attacker = freshIp();
    for (let i = 0; i < 8; i++)
      await callFrom(attacker, 'POST', '/login', { json: { username, password: `guess ${i}` } });
    expect(
      (await callFrom(attacker, 'POST', '/login', { json: { username, password: PASSWORD } })).status,
    ).toBe(429);

    const back = await callFrom(owner, 'POST', '/login', {
      json: { username, password: PASSWORD },
      headers: { cookie: device },
    });
    expect(back.status).toBe(200);
  });

  it('a device cookie is worth nothing for another account, and counts its own failures', async () => {
    const alice = await signUp();
    const bob = await signUp();
    const ip = freshIp();
    const device = deviceCookie(
      (await callFrom(ip, 'POST', '/login', { json: { username: alice.username, password: PASSWORD } }))
        .setCookies,
    );
    for (let i = 0; i < 5; i++) {
      await callFrom(freshIp(), 'POST', '/login', { json: { username: bob.username, password: 'wrong' } });
    }
    const withAlicesDevice = await callFrom(ip, 'POST', '/login', {
      json: { username: bob.username, password: PASSWORD },
      headers: { cookie: device },
    });
    expect(withAlicesDevice.status).toBe(429);
    for (let i = 0; i < 5; i++) {
      await callFrom(ip, 'POST', '/login', {
        json: { username: alice.username, password: 'wrong' },
        headers: { cookie: device },
      });
    }
    const deviceLocked = await callFrom(ip, 'POST', '/login', {
      json: { username: alice.username, password: PASSWORD },
      headers: { cookie: device },
    });
    expect(deviceLocked.status).toBe(429);
  });

  it('100 failures from one IP within 15 minutes, over any accounts, refuse that IP', async () => {
    const ip = freshIp();
    const { username } = await signUp();
    for (let i = 0; i < 100; i++) {
      const response = await callFrom(ip, 'POST', '/login', {
        json: { username: `sprayed_${i}`, password: 'Summer2026!' },
      });
      expect(response.status, `attempt ${i + 1}`).toBe(401);
    }
    const refused = await callFrom(ip, 'POST', '/login', { json: { username, password: PASSWORD } });
    expect(refused.status).toBe(429);
    expect(
      (await callFrom(freshIp(), 'POST', '/login', { json: { username, password: PASSWORD } })).status,
    ).toBe(200);
  });

  it('counts unknown usernames like known ones, so a 429 does not reveal that an account exists', async () => {
    const ip = freshIp();
    const ghost = `ghost_${randomInt(1e9)}`;
    for (let i = 0; i < 5; i++)
      await callFrom(ip, 'POST', '/login', { json: { username: ghost, password: 'wrong' } });
    expect(
      (await callFrom(ip, 'POST', '/login', { json: { username: ghost, password: 'wrong' } })).status,
    ).toBe(429);
  });
});
