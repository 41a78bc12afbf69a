import { type DynamoDBDocumentClient, DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from '#shared/data/dynamodb';
import { accountTokensTable } from '#shared/data/tables';

/**
 * A sign-in at a provider between its start and its callback: what the callback must match (state, nonce,
 * the PKCE verifier), where to send the browser after, and for a link, the session that asked for it.
 */
export interface SignInFlowRecord {
  provider: string;
  state: string;
  nonce?: string;
  verifier: string;
  returnTo: string;
  /** A link: the account and the session that started it (the callback must still carry that session). */
  link?: { userId: string; sid: string; userKey: string };
  /** Epoch seconds; TTL deletes it lazily, so the taker checks it too. */
  expiresAt: number;
}

export interface SignInFlowsTable {
  putFlow(id: string, flow: SignInFlowRecord): Promise<void>;
  /**
   * Deletes the flow if its state is `state`, and answers what it was: a callback is answered once, however
   * many race for it, and one with another state (forged) leaves the flow to its browser.
   */
  takeFlow(id: string, state: string): Promise<SignInFlowRecord | undefined>;
}

/** Flows live with the mail tokens and WebAuthn challenges: short-lived, single-use, under their own prefix. */
export function signInFlowsTableAccess(db: DynamoDBDocumentClient, tableName: string): SignInFlowsTable {
  const key = (id: string) => ({ [accountTokensTable.partitionKey]: `oauth#${id}` });
  return {
    async putFlow(id, flow) {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...key(id), ...flow } }));
    },
    async takeFlow(id, state) {
      const deleted = await whenConditionHolds(
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(id),
            ConditionExpression: '#state = :state',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':state': state },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      if (!deleted?.Attributes) return undefined;
      const { provider, nonce, verifier, returnTo, link, expiresAt } = deleted.Attributes as SignInFlowRecord;
      return {
        provider,
        state,
        verifier,
        returnTo,
        expiresAt: Number(expiresAt),
        ...(nonce ? { nonce } : {}),
        ...(link ? { link } : {}),
      };
    },
  };
}
