import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, unlessConditionFails } from '#shared/data/dynamodb';
import { registrationsTable } from '#shared/data/tables';

export interface Registration {
  id: string;
  ownerId: string;
  activity: string;
  email: string;
  studentName?: string;
  registeredAt: string;
  paymentDeadline: string;
  paid: boolean;
  paidAt?: string;
  reminderSentAt?: string;
}

/** The stored item: the registration plus the index attributes that place it. */
interface RegistrationItem extends Registration {
  entity: typeof ENTITY;
  /** Present only while unpaid: that presence is what puts the item in the sparse deadline index. */
  unpaid?: typeof UNPAID;
  reminderClaimedAt?: string;
}

const ENTITY = 'registration';
const UNPAID = 'unpaid';
const [byOwner, byRegisteredAt, unpaidByDeadline] = registrationsTable.indexes;

/** The position after which a listing continues; a page's last item gives it. */
export interface PageKey {
  id: string;
  registeredAt: string;
}

export interface Page<T> {
  items: T[];
  next?: PageKey;
}

const toRegistration = (item: Record<string, unknown>): Registration => {
  const {
    entity: _entity,
    unpaid: _unpaid,
    reminderClaimedAt: _claim,
    ...registration
  } = item as unknown as RegistrationItem;
  return registration;
};

export type ClaimResult = 'claimed' | 'taken';

export interface RegistrationsTable {
  createRegistration(registration: Registration): Promise<void>;
  findRegistration(id: string): Promise<Registration | undefined>;
  /** Newest first. */
  listByOwner(ownerId: string, limit: number, after?: PageKey): Promise<Page<Registration>>;
  /** Every registration, newest first. */
  listAll(limit: number, after?: PageKey): Promise<Page<Registration>>;
  /** Deletes when `ownerId` owns it (or unconditionally when ownerId is undefined); false when it did not happen. */
  deleteRegistration(id: string, ownerId: string | undefined): Promise<boolean>;
  /**
   * Marks it paid (idempotent: a second payment keeps the first `paidAt`), provided it exists and its
   * deadline has not passed. 'missing' and 'deadline_passed' tell the two refusals apart.
   */
  markPaid(id: string, now: Date): Promise<Registration | 'missing' | 'deadline_passed'>;
  /** Pages of unpaid registrations whose deadline is at most `dueBy`, soonest first. */
  unpaidDueBy(dueBy: Date, pageSize?: number): AsyncGenerator<Registration[]>;
  /** Deletes up to 25 ids in one BatchWriteItem; returns the ids DynamoDB left unprocessed. */
  deleteBatch(ids: readonly string[]): Promise<string[]>;
  /** Deletes only while it is still unpaid; false when it was paid (or gone) meanwhile. */
  deleteIfUnpaid(id: string): Promise<boolean>;
  /**
   * Reserves the right to send the reminder: only one run gets it, and only while the registration is unpaid
   * and not reminded. A claim older than `staleBefore` (a run that died mid-send) can be taken over.
   */
  claimReminder(id: string, now: Date, staleBefore: Date): Promise<ClaimResult>;
  markReminderSent(id: string, now: Date): Promise<void>;
  /** Gives a claim back after a failed send, so the next run tries again. */
  releaseReminder(id: string): Promise<void>;
}

export function registrationsTableAccess(db: DynamoDBDocumentClient, tableName: string): RegistrationsTable {
  const key = (id: string) => ({ [registrationsTable.partitionKey]: id });

  async function queryPage(
    index: { name: string; partitionKey: string },
    partition: string,
    limit: number,
    after: PageKey | undefined,
  ): Promise<Page<Registration>> {
    const result = await db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
        // One more than asked: a next page is announced only when there really is one.
        Limit: limit + 1,
        // The start key is rebuilt from the caller's own partition: a cursor can never reach another's items.
        ...(after
          ? {
              ExclusiveStartKey: {
                id: after.id,
                registeredAt: after.registeredAt,
                [index.partitionKey]: partition,
              },
            }
          : {}),
      }),
    );
    const items = (result.Items ?? []).slice(0, limit).map(toRegistration);
    const last = items.at(-1);
    const more =
      (result.Items?.length ?? 0) > limit || (result.LastEvaluatedKey !== undefined && items.length < limit);
    return more && last ? { items, next: { id: last.id, registeredAt: last.registeredAt } } : { items };
  }

  async function findRegistration(id: string): Promise<Registration | undefined> {
    const result = await db.send(
      new GetCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }),
    );
    return result.Item ? toRegistration(result.Item) : undefined;
  }

  return {
    findRegistration,
    async createRegistration(registration) {
      const item: RegistrationItem = {
        ...registration,
        entity: ENTITY,
        ...(registration.paid ? {} : { unpaid: UNPAID }),
      };
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': registrationsTable.partitionKey },
        }),
      );
    },
    listByOwner: (ownerId, limit, after) => queryPage(byOwner, ownerId, limit, after),
    listAll: (limit, after) => queryPage(byRegisteredAt, ENTITY, limit, after),
    async deleteRegistration(id, ownerId) {
      try {
        await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(id),
            // The ownership check is part of the write: no read-then-delete race.
            ...(ownerId === undefined
              ? { ConditionExpression: 'attribute_exists(id)' }
              : {
                  ConditionExpression: 'ownerId = :owner',
                  ExpressionAttributeValues: { ':owner': ownerId },
                }),
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async markPaid(id, now) {
      try {
        const result = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression:
              'SET paid = :true, paidAt = if_not_exists(paidAt, :now) REMOVE unpaid, reminderClaimedAt',
            // After the deadline an unpaid registration is expired: the job may be deleting it right now in
            // a batch (which cannot be conditional), so a payment must not land then.
            ConditionExpression: 'attribute_exists(id) AND (paid = :true OR paymentDeadline > :now)',
            ExpressionAttributeValues: { ':true': true, ':now': now.toISOString() },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toRegistration(result.Attributes ?? {});
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return (await findRegistration(id)) ? 'deadline_passed' : 'missing';
      }
    },
    async *unpaidDueBy(dueBy, pageSize = 100) {
      let start: Record<string, unknown> | undefined;
      do {
        const result = await db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: unpaidByDeadline?.name,
            KeyConditionExpression: 'unpaid = :unpaid AND paymentDeadline <= :dueBy',
            ExpressionAttributeValues: { ':unpaid': UNPAID, ':dueBy': dueBy.toISOString() },
            Limit: pageSize,
            ExclusiveStartKey: start,
          }),
        );
        start = result.LastEvaluatedKey;
        if (result.Items?.length) yield result.Items.map(toRegistration);
      } while (start);
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
      try {
        await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(id),
            ConditionExpression: 'attribute_exists(unpaid)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async claimReminder(id, now, staleBefore) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: 'SET reminderClaimedAt = :now',
            ConditionExpression:
              'attribute_exists(unpaid) AND attribute_not_exists(reminderSentAt) AND ' +
              '(attribute_not_exists(reminderClaimedAt) OR reminderClaimedAt < :stale)',
            ExpressionAttributeValues: { ':now': now.toISOString(), ':stale': staleBefore.toISOString() },
          }),
        );
        return 'claimed';
      } catch (error) {
        if (isConditionFailure(error)) return 'taken';
        throw error;
      }
    },
    async markReminderSent(id, now) {
      // Deleted or paid-and-deleted meanwhile: nothing left to record.
      await unlessConditionFails(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: 'SET reminderSentAt = :now REMOVE reminderClaimedAt',
            ConditionExpression: 'attribute_exists(id)',
            ExpressionAttributeValues: { ':now': now.toISOString() },
          }),
        ),
      );
    },
    async releaseReminder(id) {
      await unlessConditionFails(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: 'REMOVE reminderClaimedAt',
            ConditionExpression: 'attribute_exists(id)',
          }),
        ),
      );
    },
  };
}
