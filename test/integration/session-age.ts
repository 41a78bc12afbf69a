import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { dynamoClient } from './deadline-fixtures.ts';

/** The session id inside a session token (its JWT claims). */
export const sidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sid: string }).sid;

/**
 * The session's last proof an hour ago, moved in its table as an hour passing would: what a cookie copied
 * off a shared computer an hour later holds, past the step-up window.
 */
export async function ageSession(token: string) {
  const hourAgo = Math.floor(Date.now() / 1000) - 3600;
  await dynamoClient().send(
    new UpdateItemCommand({
      TableName: `${inject('tablePrefix')}sessions`,
      Key: { sid: { S: sidOf(token) } },
      UpdateExpression: 'SET authenticatedAt = :at',
      ExpressionAttributeValues: { ':at': { N: String(hourAgo) } },
    }),
  );
}
