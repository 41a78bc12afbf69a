import { type DynamoDBDocumentClient, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from '#shared/data/dynamodb';
import { emailsTable } from '#shared/data/tables';
import { emailKey } from '#shared/auth/email-address';

/** The account a verified address belongs to. */
export interface EmailOwner {
  userId: string;
  /** The users table's key of that account, so the owner is read in one GetItem. */
  usernameKey: string;
}

export interface EmailsTable {
  /** The account that verified this address, if one did (the address compared without regard to case). */
  ownerOf(address: string): Promise<EmailOwner | undefined>;
  /**
   * Claims the address for `owner`: true when it is now theirs (or already was). False when another account
   * holds it, unless that holder is `replacing` (a claim found stale: its account no longer has the address).
   */
  claim(address: string, owner: EmailOwner, replacing?: string): Promise<boolean>;
  /** Gives the address up, if `userId` still holds it. */
  release(address: string, userId: string): Promise<void>;
}

export function emailsTableAccess(db: DynamoDBDocumentClient, tableName: string): EmailsTable {
  const key = (address: string) => ({ [emailsTable.partitionKey]: emailKey(address) });
  return {
    async ownerOf(address) {
      const found = await db.send(
        new GetCommand({ TableName: tableName, Key: key(address), ConsistentRead: true }),
      );
      if (!found.Item) return undefined;
      const { userId, usernameKey } = found.Item as EmailOwner;
      return { userId, usernameKey };
    },
    async claim(address, owner, replacing) {
      // Idempotent for the owner itself: a retried claim whose first answer was lost meets its own item.
      const put = await whenConditionHolds(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(address), ...owner },
            ConditionExpression: `attribute_not_exists(#pk) OR userId = :me${replacing ? ' OR userId = :stale' : ''}`,
            ExpressionAttributeNames: { '#pk': emailsTable.partitionKey },
            ExpressionAttributeValues: { ':me': owner.userId, ...(replacing ? { ':stale': replacing } : {}) },
          }),
        ),
      );
      return put !== undefined;
    },
    async release(address, userId) {
      await whenConditionHolds(
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(address),
            ConditionExpression: 'userId = :me',
            ExpressionAttributeValues: { ':me': userId },
          }),
        ),
      );
    },
  };
}
