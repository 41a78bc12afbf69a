import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '#shared/data/dynamodb';
import { usersTable } from '#shared/data/tables';
import { liveUser, ROLES, type UserRecord } from '#shared/data/users';

/** Where a search page ends: the last account's value in the order of the search, and its key. */
export interface DirectoryPosition {
  value: string;
  key: string;
}

export interface DirectoryPage {
  items: UserRecord[];
  /** Present when there may be more: the next page starts after it. */
  next?: DirectoryPosition;
}

export interface UserDirectory {
  /**
   * Accounts whose name or address begins with `prefix` (lower-cased; empty: every account), in the order
   * of the value that matched, through the byName and byEmail indexes: never a Scan. An account matching
   * both ways is listed once, by its name.
   */
  search(prefix: string, limit: number, after?: DirectoryPosition): Promise<DirectoryPage>;
}

/** One index partition's stream: which index, which role, and which attribute orders it. */
interface Stream {
  index: 'byName' | 'byEmail';
  role: string;
  attribute: 'usernameKey' | 'emailSearch';
}

const STREAMS: readonly Stream[] = ROLES.flatMap((role) => [
  { index: 'byName' as const, role, attribute: 'usernameKey' as const },
  { index: 'byEmail' as const, role, attribute: 'emailSearch' as const },
]);

interface Entry {
  value: string;
  key: string;
  fromEmail: boolean;
}

/** DynamoDB orders string keys by their UTF-8 bytes; the merge must agree with it. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const compare = (a: DirectoryPosition, b: DirectoryPosition) =>
  byteOrder(a.value, b.value) || byteOrder(a.key, b.key);

/**
 * The admin search over the users table's indexes. Four sorted streams (name and address, for each
 * role's partition) are read a page each and merged; a stream cut short bounds how far the merge may go,
 * since its next items could sort before another stream's later ones. A page can so be shorter than the
 * limit and still have a next one; it is never wrong or out of order. The indexes are eventually
 * consistent: an account made a moment ago may appear a moment later.
 */
export function userDirectoryAccess(db: DynamoDBDocumentClient, tableName: string): UserDirectory {
  async function read(stream: Stream, prefix: string, limit: number, after?: DirectoryPosition) {
    // A name stream restarts after the position's value alone (names are the table's unique keys); an
    // address stream after value and key, as two accounts may have typed the same address.
    const start =
      after &&
      (stream.attribute === 'usernameKey'
        ? { role: stream.role, usernameKey: after.value }
        : { role: stream.role, emailSearch: after.value, usernameKey: after.key });
    const answer = await db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: stream.index,
        KeyConditionExpression: prefix ? '#role = :role AND begins_with(#sort, :prefix)' : '#role = :role',
        ExpressionAttributeNames: { '#role': 'role', ...(prefix ? { '#sort': stream.attribute } : {}) },
        ExpressionAttributeValues: { ':role': stream.role, ...(prefix ? { ':prefix': prefix } : {}) },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const entries: Entry[] = (answer.Items ?? []).map((item) => ({
      value: String(item[stream.attribute]),
      key: String(item[usersTable.partitionKey]),
      fromEmail: stream.attribute === 'emailSearch',
    }));
    return { entries, cut: answer.LastEvaluatedKey !== undefined };
  }
  return {
    async search(prefix, limit, after) {
      // Every account has a name: with no prefix, the name streams alone list them all.
      const streams = await Promise.all(
        STREAMS.filter((stream) => prefix || stream.attribute === 'usernameKey').map((stream) =>
          read(stream, prefix, limit, after),
        ),
      );
      const bound = streams
        .filter((stream) => stream.cut && stream.entries.length)
        .map((stream) => stream.entries[stream.entries.length - 1] as Entry)
        .reduce<Entry | undefined>((low, last) => (!low || compare(last, low) < 0 ? last : low), undefined);
      const merged = streams
        .flatMap((stream) => stream.entries)
        .filter((entry) => !after || compare(entry, after) > 0)
        .sort(compare);
      const keys: string[] = [];
      let last: Entry | undefined;
      let more = streams.some((stream) => stream.cut);
      for (const entry of merged) {
        if (bound && compare(entry, bound) > 0) break;
        if (keys.length === limit) {
          more = true;
          break;
        }
        last = entry;
        // An account whose name matches too is listed by its name's entry, not again by its address.
        if (entry.fromEmail && entry.key.startsWith(prefix)) continue;
        keys.push(entry.key);
      }
      // The indexes hold keys only: the page's accounts are read, consistently, in one batch. One deleted
      // since the index was read (or being deleted) is left out.
      const found = keys.length
        ? ((
            await batchGetAll(db, {
              [tableName]: {
                Keys: keys.map((key) => ({ [usersTable.partitionKey]: key })),
                ConsistentRead: true,
              },
            })
          )[tableName] ?? [])
        : [];
      const byKey = new Map(found.map((item) => [String(item[usersTable.partitionKey]), item]));
      const items = keys.flatMap((key) => liveUser(byKey.get(key)) ?? []);
      return { items, ...(more && last ? { next: { value: last.value, key: last.key } } : {}) };
    },
  };
}
