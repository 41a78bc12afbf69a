import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PublicJwk } from '#shared/auth/access-token-keys';
import { whenConditionHolds } from '#shared/data/dynamodb';
import { publishedKeysTable } from '#shared/data/tables';

/** The one item that holds the access tokens' public key set. */
const ITEM = 'access-tokens';

export interface PublishedKeys {
  /** The key set as published now (read consistently: a key just added is there). */
  list(): Promise<PublicJwk[]>;
  /** Adds the keys not yet published; the others stay as they are. */
  add(keys: readonly PublicJwk[]): Promise<void>;
  /** Takes these kids out of the key set. */
  remove(kids: readonly string[]): Promise<void>;
  /** The rotation command's lock, for a minute from `now`: false while another run holds it. */
  lock(now: Date): Promise<boolean>;
  unlock(): Promise<void>;
}

/**
 * The public key set (`GET /.well-known/jwks.json` reads it): written by the token function, which
 * publishes its keys before it signs with them, and by the rotation command. One item, replaced under a
 * version number, so two writers never lose each other's key.
 */
export function publishedKeysAccess(db: DynamoDBDocumentClient, tableName: string): PublishedKeys {
  const key = { [publishedKeysTable.partitionKey]: ITEM };
  async function read() {
    const found = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    return {
      keys: (found.Item?.keys as PublicJwk[] | undefined) ?? [],
      version: (found.Item?.version as number | undefined) ?? 0,
    };
  }
  /** Applies `change` to the set, again from a fresh read while another writer wins the race. */
  async function update(change: (keys: PublicJwk[]) => PublicJwk[] | undefined) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const { keys, version } = await read();
      const changed = change(keys);
      if (!changed) return;
      const written = await whenConditionHolds(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key, keys: changed, version: version + 1 },
            ConditionExpression: version ? 'version = :version' : 'attribute_not_exists(#pk)',
            ...(version
              ? { ExpressionAttributeValues: { ':version': version } }
              : { ExpressionAttributeNames: { '#pk': publishedKeysTable.partitionKey } }),
          }),
        ),
      );
      if (written) return;
    }
    throw new Error('the published key set kept changing under this write');
  }
  const lockKey = { [publishedKeysTable.partitionKey]: 'rotation-lock' };
  return {
    async lock(now) {
      const taken = await whenConditionHolds(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...lockKey, until: now.getTime() + 60_000 },
            ConditionExpression: 'attribute_not_exists(#pk) OR #until < :now',
            ExpressionAttributeNames: { '#pk': publishedKeysTable.partitionKey, '#until': 'until' },
            ExpressionAttributeValues: { ':now': now.getTime() },
          }),
        ),
      );
      return taken !== undefined;
    },
    async unlock() {
      await db.send(new DeleteCommand({ TableName: tableName, Key: lockKey }));
    },
    list: async () => (await read()).keys,
    add: (adding) =>
      update((keys) => {
        const missing = adding.filter((jwk) => !keys.some((published) => published.kid === jwk.kid));
        return missing.length ? [...keys, ...missing] : undefined;
      }),
    remove: (kids) =>
      update((keys) =>
        keys.some((jwk) => kids.includes(jwk.kid))
          ? keys.filter((jwk) => !kids.includes(jwk.kid))
          : undefined,
      ),
  };
}
