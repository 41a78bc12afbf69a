import { type DynamoDBDocumentClient, DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  indexOf,
  indexPages,
  itemExists,
  keysPresent,
  putIfAbsent,
  whenConditionHolds,
} from '#shared/data/dynamodb';
import { identitiesTable } from '#shared/data/tables';

/** An account's identity at a provider: who they are there, and which account that is here. */
export interface IdentityRecord {
  /** `<provider>#<subject>`: the table's key, so one identity is one item. */
  key: string;
  /** The id the API shows and `DELETE /identities/{id}` names (random: the subject stays private). */
  id: string;
  provider: string;
  userId: string;
  /** The account's username, the users table's key (read in one GetItem at each sign-in). */
  username: string;
  /** The address the provider vouched for when it was linked, for the owner's list. */
  email?: string;
  linkedAt: string;
  lastUsedAt?: string;
}

export interface IdentitiesTable {
  /** Claims the identity: true when it is now this record's (or already was, a retried put); false when taken. */
  claim(identity: IdentityRecord): Promise<boolean>;
  find(key: string): Promise<IdentityRecord | undefined>;
  listOf(userId: string): Promise<IdentityRecord[]>;
  /** Records a sign-in with it. */
  touch(key: string, at: string): Promise<void>;
  /** Names the account it belongs to by another username, if it is still that account's. */
  rename(key: string, userId: string, username: string): Promise<void>;
  /** Deletes it if it is that account's: the record as it was, or undefined. */
  remove(key: string, userId: string): Promise<IdentityRecord | undefined>;
  /** Which of these keys are there now (read consistently: an index may still show one just deleted). */
  stillThere(keys: readonly string[]): Promise<Set<string>>;
}

const byUser = indexOf(identitiesTable, 'byUser');

export function identitiesTableAccess(db: DynamoDBDocumentClient, tableName: string): IdentitiesTable {
  const key = (value: string) => ({ [identitiesTable.partitionKey]: value });
  const ownedBy = (userId: string) => ({
    ConditionExpression: 'userId = :me',
    ExpressionAttributeValues: { ':me': userId },
  });
  return {
    async claim(identity) {
      const { outcome } = await putIfAbsent(
        db,
        { tableName, table: identitiesTable, item: { ...identity } },
        // A retried put that meets its own item is this claim's success, not another account's identity.
        (existing) => existing.id === identity.id && existing.userId === identity.userId,
      );
      return outcome === 'created';
    },
    async find(value) {
      const found = await db.send(
        new GetCommand({ TableName: tableName, Key: key(value), ConsistentRead: true }),
      );
      return found.Item as IdentityRecord | undefined;
    },
    async listOf(userId) {
      const items: IdentityRecord[] = [];
      const pages = indexPages(db, { tableName, indexName: byUser.name, attribute: 'userId', value: userId });
      for await (const page of pages) items.push(...(page as unknown as IdentityRecord[]));
      return items;
    },
    async touch(value, at) {
      await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(value),
            UpdateExpression: 'SET lastUsedAt = :at',
            ...itemExists(identitiesTable),
            ExpressionAttributeValues: { ':at': at },
          }),
        ),
      );
    },
    async rename(value, userId, username) {
      const { ExpressionAttributeValues, ...condition } = ownedBy(userId);
      await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(value),
            UpdateExpression: 'SET username = :name',
            ...condition,
            ExpressionAttributeValues: { ...ExpressionAttributeValues, ':name': username },
          }),
        ),
      );
    },
    stillThere: (keys) => keysPresent(db, { tableName, table: identitiesTable }, keys),
    async remove(value, userId) {
      const deleted = await whenConditionHolds(
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(value),
            ...ownedBy(userId),
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      return deleted?.Attributes as IdentityRecord | undefined;
    },
  };
}
