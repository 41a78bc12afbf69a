import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorCode,
  httpClient,
  loopbackAddress,
  PASSWORD,
  sessionToken,
  uniqueUsername,
} from '../support/http-client.ts';
import { type LocalStackProcess, startLocalStackProcess } from '../support/local-stack.ts';

/**
 * The per-client limits with the defaults as shipped, on a stack of this file's own (the shared stack of
 * the suite lifts them: it signs up hundreds of users from one address).
 */
describe('per-client limits, as shipped', () => {
  let stack: LocalStackProcess;
  let client: ReturnType<typeof httpClient>;
  let db: DynamoDBDocumentClient;
  const dir = mkdtempSync(join(tmpdir(), 'pistus-limits-'));
  const prefix = `limits-${randomBytes(4).toString('hex')}-`;
  const logFile = join(dir, 'stack.log');

  beforeAll(async () => {
    stack = await startLocalStackProcess(
      {
        TABLE_PREFIX: prefix,
        LOCAL_SECRETS_FILE: join(dir, 'secrets.json'),
        LOCAL_STATE_FILE: join(dir, 'stack.json'),
        BCRYPT_COST: '4',
      },
      logFile,
    );
    client = httpClient(stack.urls.api);
    db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: process.env.DYNAMODB_ENDPOINT ?? stack.urls.dynamodb,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const signUpFrom = (ip: string, username = uniqueUsername(), headers: Record<string, string> = {}) =>
    client.callFrom(ip, 'POST', '/signup', { json: { username, password: PASSWORD }, headers });
  const stored = async (username: string) =>
    (
      await db.send(
        new GetCommand({ TableName: `${prefix}users`, Key: { usernameKey: username.toLowerCase() } }),
      )
    ).Item;
  const limited = (response: { status: number; headers: Headers }) => {
    expect(response.status).toBe(429);
    expect(errorCode(response as never)).toBe('too_many_requests');
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    return retryAfter;
  };
  const auditLines = (action: string, ip: string) =>
    readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"event":"requestsLimited"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.action === action && line.clientIp === ip);

  it('signup: one address gets 429 past 20 in 10 minutes, creating nothing, while another still signs up', async () => {
    const ip = loopbackAddress();
    const first = await Promise.all(Array.from({ length: 20 }, () => signUpFrom(ip)));
    expect(first.map((response) => response.status)).toEqual(Array(20).fill(201));
    const username = uniqueUsername();
    expect(limited(await signUpFrom(ip, username))).toBeLessThanOrEqual(600);
    expect(await stored(username)).toBeUndefined();
    expect((await signUpFrom(loopbackAddress())).status).toBe(201);
  });

  it('X-Forwarded-For or Forwarded does not make another client, nor reset the limit', async () => {
    const ip = loopbackAddress();
    await Promise.all(Array.from({ length: 20 }, () => signUpFrom(ip)));
    const spoofs: Record<string, string>[] = [
      { 'x-forwarded-for': loopbackAddress() },
      { forwarded: `for=${loopbackAddress()}` },
      { 'cloudfront-viewer-address': `${loopbackAddress()}:443` },
    ];
    for (const headers of spoofs) limited(await signUpFrom(ip, uniqueUsername(), headers));
  });

  it('writes one audit line a window, however many requests it refuses', async () => {
    const ip = loopbackAddress();
    await Promise.all(Array.from({ length: 20 }, () => signUpFrom(ip)));
    for (let i = 0; i < 5; i++) limited(await signUpFrom(ip));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(auditLines('signup', ip)).toHaveLength(1);
  });

  it('forgets a counter once its window has passed (TTL deletes late, so the window is checked on read)', async () => {
    const ip = loopbackAddress();
    await Promise.all(Array.from({ length: 20 }, () => signUpFrom(ip)));
    limited(await signUpFrom(ip));
    await db.send(
      new UpdateCommand({
        TableName: `${prefix}login-attempts`,
        Key: { key: `limit#signup#ip#${ip}` },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    expect((await signUpFrom(ip)).status).toBe(201);
  });

  it('password change: 10 an hour per account, then 429 and the password is not replaced', async () => {
    const { username, token } = await client.signUp();
    let current = PASSWORD;
    for (let i = 0; i < 10; i++) {
      const next = `changed password number ${i}`;
      const response = await client.call('POST', '/password', {
        token,
        json: { currentPassword: current, newPassword: next },
      });
      expect(response.status).toBe(204);
      current = next;
    }
    limited(
      await client.call('POST', '/password', {
        token,
        json: { currentPassword: current, newPassword: 'one change too many' },
      }),
    );
    expect((await client.call('POST', '/login', { json: { username, password: current } })).status).toBe(200);
  });

  it('password reset and email verification: per address, then 429 before the token is looked at', async () => {
    const ip = loopbackAddress();
    const token = `${'A'.repeat(22)}.${'B'.repeat(43)}`;
    const resets = await Promise.all(
      Array.from({ length: 20 }, () =>
        client.callFrom(ip, 'POST', '/password/reset', {
          json: { token, newPassword: 'whatever it may be' },
        }),
      ),
    );
    expect(resets.map(errorCode)).toEqual(Array(20).fill('invalid_token'));
    limited(
      await client.callFrom(ip, 'POST', '/password/reset', { json: { token, newPassword: 'one more try' } }),
    );
    const verifies = await Promise.all(
      Array.from({ length: 60 }, () => client.callFrom(ip, 'POST', '/email/verify', { json: { token } })),
    );
    expect(verifies.every((response) => errorCode(response) === 'invalid_token')).toBe(true);
    limited(await client.callFrom(ip, 'POST', '/email/verify', { json: { token } }));
  });

  it('"forgot password": past 30 an hour from one address, the same 202, nothing mailed, and one audit line', async () => {
    const ip = loopbackAddress();
    const answers = await Promise.all(
      Array.from({ length: 35 }, () =>
        client.callFrom(ip, 'POST', '/password/forgot', { json: { username: uniqueUsername('nobody') } }),
      ),
    );
    expect(new Set(answers.map((response) => `${response.status} ${response.text}`)).size).toBe(1);
    expect(answers[0]?.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(
        (line) => line.includes('"event":"passwordResetLimited"') && line.includes(`"clientIp":"${ip}"`),
      );
    expect(lines).toHaveLength(1);
  });

  it('verification mails: 5 an hour per account, then 429 and nothing is mailed or changed', async () => {
    const { token } = await client.signUp();
    for (let i = 0; i < 5; i++) {
      const email = `limit-${i}-${randomBytes(4).toString('hex')}@example.com`;
      expect((await client.call('PUT', '/email', { token, json: { email } })).status).toBe(202);
    }
    const extra = `extra-${randomBytes(4).toString('hex')}@example.com`;
    limited(await client.call('PUT', '/email', { token, json: { email: extra } }));
    const { emails } = (await (await fetch(`${stack.urls.mail}/store`)).json()) as {
      emails: { destination: { to: string[] } }[];
    };
    expect(emails.some((mail) => mail.destination.to.includes(extra))).toBe(false);
    const session = await client.call('GET', '/check_session', { token });
    expect((session.json as { email: string }).email).not.toBe(extra);
    expect(sessionToken(session)).toBeUndefined();
  });
});
