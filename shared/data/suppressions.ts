import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '#shared/data/dynamodb';
import { suppressionsTable } from '#shared/data/tables';

export type SuppressionReason = 'bounce' | 'complaint';

export interface Suppression {
  address: string;
  reason: SuppressionReason;
  /** When SES reported it (ISO-8601). */
  reportedAt: string;
  /** SES's feedback id, to find the report again. */
  feedbackId: string;
}

export interface SuppressionsTable {
  /** Records an address as not to be mailed; the same report again changes nothing. */
  suppress(suppression: Suppression): Promise<void>;
  /** Which of these addresses are suppressed (compared without regard to case). */
  suppressedAmong(addresses: readonly string[]): Promise<Set<string>>;
}

/** Mailbox providers treat addresses without regard to case in practice; so does the suppression list. */
const addressKey = (address: string) => address.trim().toLowerCase();
const BATCH_GET_LIMIT = 100;

export function suppressionsTableAccess(db: DynamoDBDocumentClient, tableName: string): SuppressionsTable {
  return {
    async suppress(suppression) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...suppression, [suppressionsTable.partitionKey]: addressKey(suppression.address) },
        }),
      );
    },
    async suppressedAmong(addresses) {
      const keys = [...new Set(addresses.map(addressKey))];
      const suppressed = new Set<string>();
      for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
        const found = await batchGetAll(db, {
          [tableName]: {
            Keys: keys
              .slice(i, i + BATCH_GET_LIMIT)
              .map((key) => ({ [suppressionsTable.partitionKey]: key })),
            // Eventually consistent is enough: a report seconds old may miss one run, never more.
          },
        });
        for (const item of found[tableName] ?? [])
          suppressed.add(String(item[suppressionsTable.partitionKey]));
      }
      return new Set(addresses.filter((address) => suppressed.has(addressKey(address))));
    },
  };
}
