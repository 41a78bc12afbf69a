import {
  type DynamoDBDocumentClient,
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { indexOf, keysPresent, indexPages, whenConditionHolds } from '#shared/data/dynamodb';
import { passkeysTable } from '#shared/data/tables';

export interface PasskeyRecord {
  /** The credential id, base64url, as the authenticator made it. */
  credentialId: string;
  userId: string;
  usernameKey: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The signature counter last seen (0 for authenticators that keep none). */
  counter: number;
  transports?: string[];
  /** A name for the list ("Chrome on macOS"), from the browser that made it. */
  name: string;
  createdAt: string;
  lastUsedAt?: string;
}

export interface PasskeysTable {
  putPasskey(passkey: PasskeyRecord): Promise<void>;
  findPasskey(credentialId: string): Promise<PasskeyRecord | undefined>;
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  /** Records a use: the new counter, only if it is still the one read (a cloned key racing loses). */
  recordUse(credentialId: string, from: number, to: number, at: string): Promise<boolean>;
  /** Deletes the passkey if it is the user's: false when it is not (or no longer) there. */
  /** Deletes one of the user's passkeys: the passkey as it was, or undefined when it is not theirs. */
  deletePasskey(credentialId: string, userId: string): Promise<PasskeyRecord | undefined>;
  /** Which of these credential ids are there now (read consistently, unlike the byUser index). */
  stillThere(credentialIds: readonly string[]): Promise<Set<string>>;
}

const byUser = indexOf(passkeysTable, 'byUser');

export function passkeysTableAccess(db: DynamoDBDocumentClient, tableName: string): PasskeysTable {
  const key = (credentialId: string) => ({ [passkeysTable.partitionKey]: credentialId });
  return {
    async putPasskey(passkey) {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...passkey } }));
    },
    async findPasskey(credentialId) {
      const found = await db.send(
        new GetCommand({ TableName: tableName, Key: key(credentialId), ConsistentRead: true }),
      );
      return found.Item as PasskeyRecord | undefined;
    },
    async listPasskeys(userId) {
      const items: PasskeyRecord[] = [];
      const pages = indexPages(db, { tableName, indexName: byUser.name, attribute: 'userId', value: userId });
      for await (const page of pages) items.push(...(page as unknown as PasskeyRecord[]));
      return items;
    },
    async recordUse(credentialId, from, to, at) {
      const updated = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(credentialId),
            UpdateExpression: 'SET #counter = :to, lastUsedAt = :at',
            ConditionExpression: '#counter = :from',
            ExpressionAttributeNames: { '#counter': 'counter' },
            ExpressionAttributeValues: { ':from': from, ':to': to, ':at': at },
          }),
        ),
      );
      return updated !== undefined;
    },
    stillThere: (credentialIds) => keysPresent(db, { tableName, table: passkeysTable }, credentialIds),
    async deletePasskey(credentialId, userId) {
      const deleted = await whenConditionHolds(
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(credentialId),
            ConditionExpression: 'userId = :me',
            ExpressionAttributeValues: { ':me': userId },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      return deleted?.Attributes as PasskeyRecord | undefined;
    },
  };
}
