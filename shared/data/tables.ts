/**
 * The DynamoDB tables, declared once as data: the CDK stack creates them from this, the local runtime
 * creates the same tables in the emulator, and the data-access modules name their keys from it.
 */
export interface TableDeclaration {
  /** The logical name; the physical name is a prefix (stack or local) plus this. */
  name: string;
  /** The environment variable through which functions learn the physical name. */
  envVar:
    | 'USERS_TABLE'
    | 'SESSIONS_TABLE'
    | 'REGISTRATIONS_TABLE'
    | 'LOGIN_ATTEMPTS_TABLE'
    | 'SUPPRESSIONS_TABLE'
    | 'EMAILS_TABLE'
    | 'ACCOUNT_TOKENS_TABLE'
    | 'PASSKEYS_TABLE'
    | 'IDENTITIES_TABLE'
    | 'PUBLISHED_KEYS_TABLE';
  partitionKey: string;
  /** The attribute holding an epoch-seconds expiry that DynamoDB's TTL deletes lazily. */
  timeToLiveAttribute?: string;
  /**
   * `keys`: the index holds only its keys and the table's (a reader fetches the item), so it copies no
   * secret and is not written when other attributes change; otherwise every attribute.
   */
  indexes: readonly { name: string; partitionKey: string; sortKey: string; projection?: 'keys' }[];
  /** Key attributes that are numbers; every other key attribute is a string. */
  numberKeys?: readonly string[];
}

export const keyType = (table: TableDeclaration, attribute: string): 'S' | 'N' =>
  table.numberKeys?.includes(attribute) ? 'N' : 'S';

export const usersTable = {
  name: 'users',
  envVar: 'USERS_TABLE',
  // The username lower-cased: one item per name, whatever its case, so a conditional put makes it unique.
  partitionKey: 'usernameKey',
  indexes: [
    // An account by its id (the admin API names accounts by id): at most one item per id.
    // Keys only, as are the two below: the users' items hold password hashes and TOTP secrets, which no
    // index should copy, and a sign-in's `lastLoginAt` write then touches no index.
    { name: 'byId', partitionKey: 'id', sortKey: 'createdAt', projection: 'keys' },
    // The admin API's search by name prefix, in name order. Partitioned by role, an attribute every account
    // has, so the index fills itself from the accounts that exist when it is added; a search reads both
    // roles' partitions and merges them. An account being deleted has the role `deleted`: its partition is
    // the list of deletions whose clean-up is still to finish.
    { name: 'byName', partitionKey: 'role', sortKey: 'usernameKey', projection: 'keys' },
    // The same by address prefix: `emailSearch` is the address lower-cased, written with the address.
    { name: 'byEmail', partitionKey: 'role', sortKey: 'emailSearch', projection: 'keys' },
  ],
} as const satisfies TableDeclaration;

export const sessionsTable = {
  name: 'sessions',
  envVar: 'SESSIONS_TABLE',
  partitionKey: 'sid',
  timeToLiveAttribute: 'expiresAt',
  // Every session of one user, for "log out everywhere" and for ending sessions on a password change.
  indexes: [{ name: 'byUser', partitionKey: 'userId', sortKey: 'createdAt' }],
} as const satisfies TableDeclaration;

export const registrationsTable = {
  name: 'registrations',
  envVar: 'REGISTRATIONS_TABLE',
  partitionKey: 'id',
  indexes: [
    // A user's own registrations, newest first.
    { name: 'byOwner', partitionKey: 'ownerId', sortKey: 'registeredAt' },
    // Every registration, newest first, for admins. One constant partition: simple and ordered, and far
    // below a partition's write limit (1,000 writes/s) at this product's scale.
    { name: 'byRegisteredAt', partitionKey: 'entity', sortKey: 'registeredAt' },
    // Sparse: only unpaid registrations carry `unpaid`, so the deadline job reads them and nothing else,
    // in deadline order, however many paid ones the table holds.
    { name: 'unpaidByDeadline', partitionKey: 'unpaid', sortKey: 'paymentDeadline' },
  ],
} as const satisfies TableDeclaration;

/**
 * Attempt counters, shared by every Lambda instance (an in-memory counter would reset with each new
 * instance): failed logins per account, per device cookie and per client IP, and the mails an account or an
 * address may ask for in a window; one item per counter, expiring by TTL.
 */
export const loginAttemptsTable = {
  name: 'login-attempts',
  envVar: 'LOGIN_ATTEMPTS_TABLE',
  partitionKey: 'key',
  timeToLiveAttribute: 'expiresAt',
  indexes: [],
} as const satisfies TableDeclaration;

/**
 * Addresses mail must not go to: SES reported a permanent bounce or a complaint for them (through the
 * configuration set's SNS topic). One item per lower-cased address.
 */
export const suppressionsTable = {
  name: 'suppressions',
  envVar: 'SUPPRESSIONS_TABLE',
  partitionKey: 'address',
  indexes: [],
} as const satisfies TableDeclaration;

/**
 * Verified email addresses, one item per lower-cased address naming the account that verified it: a
 * conditional put makes an address verified on one account only (a users index could not enforce that),
 * and "forgot password" finds the account by its address in one read.
 */
export const emailsTable = {
  name: 'emails',
  envVar: 'EMAILS_TABLE',
  partitionKey: 'address',
  indexes: [],
} as const satisfies TableDeclaration;

/**
 * The single-use tokens that mails carry (email verification, password reset): one item per account and
 * kind (`reset#<userId>`), so a new token replaces the older one; only the token's SHA-256 is stored, and
 * it expires by TTL (and is checked on read, as TTL deletes lazily). WebAuthn challenges live here too
 * (`webauthn#...` items, 5 minutes, taken once).
 */
export const accountTokensTable = {
  name: 'account-tokens',
  envVar: 'ACCOUNT_TOKENS_TABLE',
  partitionKey: 'id',
  timeToLiveAttribute: 'expiresAt',
  indexes: [],
} as const satisfies TableDeclaration;

/**
 * Passkeys (WebAuthn credentials): one item per credential id, which is what a passkey login names; the
 * public key, the signature counter, and the account. The byUser index lists an account's passkeys.
 */
export const passkeysTable = {
  name: 'passkeys',
  envVar: 'PASSKEYS_TABLE',
  partitionKey: 'credentialId',
  indexes: [{ name: 'byUser', partitionKey: 'userId', sortKey: 'createdAt' }],
} as const satisfies TableDeclaration;

/**
 * Identities at providers (Google, GitHub, any OpenID provider), one item per provider and subject
 * (`<provider>#<subject>`): a conditional put makes an identity belong to one account. The byUser index
 * lists an account's identities.
 */
export const identitiesTable = {
  name: 'identities',
  envVar: 'IDENTITIES_TABLE',
  partitionKey: 'key',
  indexes: [{ name: 'byUser', partitionKey: 'userId', sortKey: 'linkedAt' }],
} as const satisfies TableDeclaration;

/**
 * The public keys other services verify access tokens with (`GET /.well-known/jwks.json`): one item, the
 * key set, which the token function (publishing its keys before it signs) and the rotation command write.
 * Apart from the private keys, which only the token function reads.
 */
export const publishedKeysTable = {
  name: 'published-keys',
  envVar: 'PUBLISHED_KEYS_TABLE',
  partitionKey: 'id',
  indexes: [],
} as const satisfies TableDeclaration;

export const tables: readonly TableDeclaration[] = [
  usersTable,
  sessionsTable,
  registrationsTable,
  loginAttemptsTable,
  suppressionsTable,
  emailsTable,
  accountTokensTable,
  passkeysTable,
  identitiesTable,
  publishedKeysTable,
];
