import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';

/** Direct access to the emulator the local stack uses, to check what was (and was not) stored. */
export const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
);

export const tableName = (
  name: 'users' | 'sessions' | 'registrations' | 'login-attempts' | 'emails' | 'account-tokens',
) => `${inject('tablePrefix')}${name}`;
