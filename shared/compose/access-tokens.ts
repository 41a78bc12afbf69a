import { type AccessTokens, createAccessTokens, reloading } from '#shared/auth/access-tokens';
import { KEY_RELOAD_SECONDS, STALE_KEY_SECONDS } from '#shared/auth/access-token-rotation';
import { accessTokenKeysSource } from '#shared/aws/secrets';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { service } from '#shared/compose/needs';
import { publishedKeysAccess } from '#shared/data/published-keys';
import { publishedKeysTable } from '#shared/data/tables';
import { systemClock } from '#shared/platform/clock';

let tokens: AccessTokens | undefined;

/**
 * Issuing access tokens: the signing keys (the access-token secret, read by this function alone, again
 * every few minutes), and the published key set, where the keys go before they sign (GetItem, PutItem).
 */
export const accessTokenService = /* @__PURE__ */ service(
  {
    tables: [{ table: publishedKeysTable, actions: ['GetItem', 'PutItem'] }],
    secrets: ['access-token-keys'],
  },
  (config): AccessTokens => {
    tokens ??= createAccessTokens({
      keys: reloading(accessTokenKeysSource(config), systemClock, KEY_RELOAD_SECONDS, STALE_KEY_SECONDS),
      published: publishedKeysAccess(documentClient(config), tableName(config, publishedKeysTable)),
      clock: systemClock,
      audiences: config.TOKEN_AUDIENCES,
      lifetimeSeconds: config.ACCESS_TOKEN_SECONDS,
    });
    return tokens;
  },
);

/** The published key set, read (GetItem): public keys only, never a seed. */
export const publishedKeysService = /* @__PURE__ */ service(
  { tables: [{ table: publishedKeysTable, actions: ['GetItem'] }] },
  (config) => publishedKeysAccess(documentClient(config), tableName(config, publishedKeysTable)),
);
