/** What a test does to the e2e stack behind the page's back: an operator's command, a session's age. */

import { randomBytes } from 'node:crypto';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { BrowserContext } from 'playwright-core';
import { inject } from 'vitest';
import { readLocalState } from '#infra/local/state';
import { operator } from '../integration/operator.ts';

/**
 * The browser's session had its last proof an hour ago, as after an hour at the page: the next change that
 * asks for a recent one (step-up) opens the dialog. Its id is read from the HttpOnly cookie.
 */
export async function ageSession(context: BrowserContext) {
  const { sources } = readLocalState(inject('e2eStateFile'));
  const cookie = (await context.cookies()).find((c) => c.name === '__Host-session');
  const claims = JSON.parse(Buffer.from(cookie?.value.split('.')[1] ?? '', 'base64url').toString());
  const db = new DynamoDBClient({
    endpoint: sources.common.DYNAMODB_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await db.send(
    new UpdateItemCommand({
      TableName: sources.tables.sessions,
      Key: { sid: { S: (claims as { sid: string }).sid } },
      UpdateExpression: 'SET authenticatedAt = :at',
      ExpressionAttributeValues: { ':at': { N: String(Math.floor(Date.now() / 1000) - 3600) } },
    }),
  );
  db.destroy();
}

export const ADMIN_PASSWORD = 'an admin password for tests';

/** An admin made as operators make them: the account CLI, against this run's stack. */
export function createAdmin(username = `admin_${randomBytes(4).toString('hex')}`): string {
  const created = operator(
    'account',
    ['create', '--username', username, '--role', 'admin'],
    `${ADMIN_PASSWORD}\n`,
    inject('e2eStateFile'),
  );
  if (created.status !== 0) throw new Error(`account create failed: ${created.stderr}`);
  return username;
}
