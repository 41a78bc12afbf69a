import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { indexOf, itemExists, whenConditionHolds } from '#shared/data/dynamodb';
import {
  type IndexCursor,
  type RegistrationsTable,
  toRegistration,
  UNPAID,
} from '#shared/data/registrations/item';
import { registrationsTable } from '#shared/data/tables';

const unpaidByDeadline = indexOf(registrationsTable, 'unpaidByDeadline');

type DeadlinePatterns = Pick<
  RegistrationsTable,
  'unpaidDueBy' | 'deleteBatch' | 'deleteIfUnpaid' | 'claimReminder' | 'markReminderSent' | 'releaseReminder'
>;

/** The deadline job's access patterns: page the sparse deadline index, delete, claim and record reminders. */
export function deadlineAccess(db: DynamoDBDocumentClient, tableName: string): DeadlinePatterns {
  const key = (id: string) => ({ [registrationsTable.partitionKey]: id });
  return {
    async *unpaidDueBy(dueBy, pageSize = 100, from = undefined) {
      // Each page is yielded with the cursor it started from, so a run out of time resumes at that page.
      let start: IndexCursor | undefined = from;
      const pages = paginateQuery(
        { client: db, pageSize, ...(from ? { startingToken: from } : {}) },
        {
          TableName: tableName,
          IndexName: unpaidByDeadline.name,
          KeyConditionExpression: 'unpaid = :unpaid AND paymentDeadline <= :dueBy',
          ExpressionAttributeValues: { ':unpaid': UNPAID, ':dueBy': dueBy.toISOString() },
        },
      );
      for await (const result of pages) {
        if (result.Items?.length) yield { items: result.Items.map(toRegistration), start };
        start = result.LastEvaluatedKey as IndexCursor | undefined;
      }
    },
    async deleteBatch(ids) {
      if (ids.length === 0) return [];
      const result = await db.send(
        new BatchWriteCommand({
          RequestItems: { [tableName]: ids.map((id) => ({ DeleteRequest: { Key: key(id) } })) },
        }),
      );
      return (result.UnprocessedItems?.[tableName] ?? []).map((request) =>
        String(request.DeleteRequest?.Key?.id),
      );
    },
    async deleteIfUnpaid(id) {
      const deleted = await whenConditionHolds(
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(id),
            ConditionExpression: 'attribute_exists(unpaid)',
          }),
        ),
      );
      return deleted !== undefined;
    },
    async claimReminder(id, token, now, staleBefore) {
      const claimed = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: 'SET reminderClaimedAt = :now, reminderClaim = :token',
            ConditionExpression:
              'attribute_exists(unpaid) AND attribute_not_exists(reminderSentAt) AND ' +
              '(attribute_not_exists(reminderClaimedAt) OR reminderClaimedAt < :stale)',
            ExpressionAttributeValues: {
              ':now': now.toISOString(),
              ':stale': staleBefore.toISOString(),
              ':token': token,
            },
            // The claim reads the registration too: the sender needs no read of its own.
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      if (claimed?.Attributes) return { claimed: toRegistration(claimed.Attributes) };
      // Why not: read it. A retried write whose first try landed meets its own claim.
      const { Item: current } = await db.send(
        new GetCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }),
      );
      if (!current || current.unpaid === undefined || current.reminderSentAt !== undefined) return 'settled';
      return current.reminderClaim === token ? { claimed: toRegistration(current) } : 'taken';
    },
    async markReminderSent(id, now) {
      // Deleted or paid-and-deleted meanwhile: nothing left to record.
      await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: 'SET reminderSentAt = :now REMOVE reminderClaimedAt, reminderClaim',
            ...itemExists(registrationsTable),
            ExpressionAttributeValues: { ':now': now.toISOString() },
          }),
        ),
      );
    },
    async releaseReminder(id) {
      await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: 'REMOVE reminderClaimedAt, reminderClaim',
            ...itemExists(registrationsTable),
          }),
        ),
      );
    },
  };
}
