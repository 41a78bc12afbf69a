import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { indexOf, itemExists, putIfAbsent, whenConditionHolds } from '#shared/data/dynamodb';
import {
  ENTITY,
  type Page,
  type PageKey,
  type Registration,
  type RegistrationItem,
  type RegistrationsTable,
  toRegistration,
  UNPAID,
} from '#shared/data/registrations/item';
import { registrationsTable } from '#shared/data/tables';

const byOwner = indexOf(registrationsTable, 'byOwner');
const byRegisteredAt = indexOf(registrationsTable, 'byRegisteredAt');

type RequestPatterns = Pick<
  RegistrationsTable,
  | 'createRegistration'
  | 'findRegistration'
  | 'listByOwner'
  | 'listAll'
  | 'deleteRegistration'
  | 'markPaid'
  | 'removePersonalData'
>;

/** The access patterns of the API's requests: create, read, list a page, delete, record a payment. */
export function requestAccess(db: DynamoDBDocumentClient, tableName: string): RequestPatterns {
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
    async createRegistration(registration, requestHash) {
      const item: RegistrationItem = {
        ...registration,
        entity: ENTITY,
        ...(registration.paid ? {} : { unpaid: UNPAID }),
        requestHash,
      };
      const result = await putIfAbsent(
        db,
        { tableName, table: registrationsTable, item: { ...item } },
        (existing) => existing.ownerId === registration.ownerId && existing.requestHash === requestHash,
      );
      return result.outcome === 'created' ? toRegistration(result.stored) : 'taken';
    },
    listByOwner: (ownerId, limit, after) => queryPage(byOwner, ownerId, limit, after),
    listAll: (limit, after) => queryPage(byRegisteredAt, ENTITY, limit, after),
    async deleteRegistration(id, ownerId) {
      const deleted = await whenConditionHolds(
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(id),
            // The ownership check is part of the write: no read-then-delete race.
            ...(ownerId === undefined
              ? itemExists(registrationsTable)
              : {
                  ConditionExpression: 'ownerId = :owner',
                  ExpressionAttributeValues: { ':owner': ownerId },
                }),
          }),
        ),
      );
      return deleted !== undefined;
    },
    async removePersonalData(id, ownerId, at) {
      await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: 'SET email = :none, personalDataRemovedAt = :at REMOVE studentName',
            ConditionExpression: 'ownerId = :owner',
            ExpressionAttributeValues: { ':owner': ownerId, ':none': '', ':at': at },
          }),
        ),
      );
    },
    async markPaid(id, now) {
      const result = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression:
              'SET paid = :true, paidAt = if_not_exists(paidAt, :now) REMOVE unpaid, reminderClaimedAt, reminderClaim',
            // After the deadline an unpaid registration is expired: the job may be deleting it right now in
            // a batch (which cannot be conditional), so a payment must not land then.
            ConditionExpression: 'attribute_exists(#pk) AND (paid = :true OR paymentDeadline > :now)',
            ExpressionAttributeNames: { '#pk': registrationsTable.partitionKey },
            ExpressionAttributeValues: { ':true': true, ':now': now.toISOString() },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      if (result) return toRegistration(result.Attributes ?? {});
      return (await findRegistration(id)) ? 'deadline_passed' : 'missing';
    },
  };
}
