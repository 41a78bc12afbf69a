import { type DynamoDBDocumentClient, DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { accountTokensTable } from '#shared/data/tables';

/** A WebAuthn challenge waiting for its answer: what it was issued for, and until when. */
export interface ChallengeRecord {
  challenge: string;
  /** The account a registration challenge was issued to; none for a login (who it is, is the question). */
  userId?: string;
  /** Epoch seconds; TTL deletes it lazily, so the taker checks it too. */
  expiresAt: number;
}

export interface ChallengesTable {
  putChallenge(id: string, challenge: ChallengeRecord): Promise<void>;
  /** Deletes the challenge and answers what it was: a challenge is taken once, however many race for it. */
  takeChallenge(id: string): Promise<ChallengeRecord | undefined>;
}

/** Challenges live with the mail tokens: short-lived, single-use items under a prefix of their own. */
export function challengesTableAccess(db: DynamoDBDocumentClient, tableName: string): ChallengesTable {
  const key = (id: string) => ({ [accountTokensTable.partitionKey]: `webauthn#${id}` });
  return {
    async putChallenge(id, challenge) {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...key(id), ...challenge } }));
    },
    async takeChallenge(id) {
      const deleted = await db.send(
        new DeleteCommand({ TableName: tableName, Key: key(id), ReturnValues: 'ALL_OLD' }),
      );
      if (!deleted.Attributes) return undefined;
      const { challenge, userId, expiresAt } = deleted.Attributes as ChallengeRecord;
      return { challenge, expiresAt: Number(expiresAt), ...(userId ? { userId } : {}) };
    },
  };
}
