import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TableDeclaration } from '#shared/data/tables';
import { backoffMs, sleep as realSleep } from '#shared/platform/concurrency';

/** One document client per container, reused across invocations (keeps its HTTP connections warm). */
export function createDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    // A slow or lost answer is abandoned and retried (DynamoDB answers in milliseconds), and the handler
    // answers its own 503 a second before the function's timeout: never Lambda's timeout behind a bare 500.
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 4000 },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * The one way the adapters handle a conditional write: its result when the condition held, `undefined`
 * when it did not (DynamoDB's `ConditionalCheckFailedException`, an answer, not a failure). Any other error
 * still throws.
 */
export const whenConditionHolds = <T>(write: Promise<T>): Promise<T | undefined> =>
  write.catch((error: unknown) => {
    if (isConditionFailure(error)) return undefined;
    throw error;
  });

/**
 * Creates an item that must not exist yet, and recognises its own success: when the SDK retries a put
 * whose first answer was lost after the write landed, the retry's condition fails on the request's own
 * item. Then the item is read back and, if `isOwn` says it is this request's (its random id, its request
 * token), the answer is `created` as the first try's would have been, with the item as stored; otherwise
 * `exists`.
 */
export async function putIfAbsent(
  db: DynamoDBDocumentClient,
  write: { tableName: string; table: TableDeclaration; item: Record<string, unknown> },
  isOwn: (existing: Record<string, unknown>) => boolean,
): Promise<{ outcome: 'created'; stored: Record<string, unknown> } | { outcome: 'exists' }> {
  const { tableName, table, item } = write;
  const put = await whenConditionHolds(
    db.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': table.partitionKey },
      }),
    ),
  );
  if (put) return { outcome: 'created', stored: item };
  const key = { [table.partitionKey]: item[table.partitionKey] };
  const found = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  if (found.Item && isOwn(found.Item)) return { outcome: 'created', stored: found.Item };
  return { outcome: 'exists' };
}

/**
 * Keys a batch read still had unread after its retries: the table is throttled. A name the error
 * middleware answers with 503, so a caller never mistakes "could not read" for "not there" (fail closed).
 */
export class UnprocessedKeysError extends Error {
  override name = 'UnprocessedKeysError';
}

type KeysAndAttributes = {
  Keys: Record<string, unknown>[];
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
};

/**
 * BatchGetItem until every key is read. A throttled table answers a batch by handing keys back as
 * `UnprocessedKeys` rather than failing the call, so those are asked again with back-off; keys still
 * unread after `maxAttempts` throw `UnprocessedKeysError`, never an empty answer.
 */
export async function batchGetAll(
  db: DynamoDBDocumentClient,
  requestItems: Record<string, KeysAndAttributes>,
  options: { maxAttempts?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<Record<string, Record<string, unknown>[]>> {
  const { maxAttempts = 4, sleep = realSleep } = options;
  const found: Record<string, Record<string, unknown>[]> = {};
  for (const tableName of Object.keys(requestItems)) found[tableName] = [];
  let pending: Record<string, KeysAndAttributes> | undefined = requestItems;
  for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt++) {
    if (attempt >= maxAttempts) throw new UnprocessedKeysError('batch read left keys unprocessed');
    if (attempt > 0) await sleep(backoffMs(attempt, 25, 400));
    const result = await db.send(new BatchGetCommand({ RequestItems: pending }));
    for (const [tableName, items] of Object.entries(result.Responses ?? {}))
      (found[tableName] ??= []).push(...items);
    pending = result.UnprocessedKeys as Record<string, KeysAndAttributes> | undefined;
  }
  return found;
}

/** An index by the name its table declares: a renamed or removed index fails at load, not at query time. */
export function indexOf<T extends TableDeclaration>(
  table: T,
  name: T['indexes'][number]['name'],
): TableDeclaration['indexes'][number] {
  const index = table.indexes.find((candidate) => candidate.name === name);
  if (!index) throw new Error(`table ${table.name} declares no index ${name}`);
  return index;
}

/** `attribute_exists` of the table's partition key: "the item is there", whatever the key is called. */
export const itemExists = (table: TableDeclaration) => ({
  ConditionExpression: 'attribute_exists(#pk)',
  ExpressionAttributeNames: { '#pk': table.partitionKey },
});

/**
 * Every item under one partition key of an index, a page at a time (`projection`: only those attributes).
 * A Query answers at most 1 MB a page; the SDK's paginator asks for the next where the last one ended.
 */
export async function* indexPages(
  db: DynamoDBDocumentClient,
  query: { tableName: string; indexName: string; attribute: string; value: string; projection?: string },
): AsyncGenerator<Record<string, unknown>[]> {
  const pages = paginateQuery(
    { client: db },
    {
      TableName: query.tableName,
      IndexName: query.indexName,
      KeyConditionExpression: '#key = :value',
      ExpressionAttributeNames: { '#key': query.attribute },
      ExpressionAttributeValues: { ':value': query.value },
      ...(query.projection ? { ProjectionExpression: query.projection } : {}),
    },
  );
  for await (const page of pages) yield page.Items ?? [];
}

/**
 * Which of these partition keys have an item now, read consistently (an index may still list an item just
 * deleted): BatchGetItem, 100 keys a request, the key alone read back.
 */
export async function keysPresent(
  db: DynamoDBDocumentClient,
  where: { tableName: string; table: TableDeclaration },
  keys: readonly string[],
): Promise<Set<string>> {
  const present = new Set<string>();
  const attribute = where.table.partitionKey;
  for (let at = 0; at < keys.length; at += 100) {
    const found = await batchGetAll(db, {
      [where.tableName]: {
        Keys: keys.slice(at, at + 100).map((value) => ({ [attribute]: value })),
        ConsistentRead: true,
        ProjectionExpression: '#key',
        ExpressionAttributeNames: { '#key': attribute },
      },
    });
    for (const item of found[where.tableName] ?? []) present.add(String(item[attribute]));
  }
  return present;
}
