import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { indexOf, indexPages, itemExists, putIfAbsent, whenConditionHolds } from '#shared/data/dynamodb';
import { usersTable } from '#shared/data/tables';
import { usernameKey } from '#shared/auth/username';
import { emailKey } from '#shared/auth/email-address';

export type Role = 'user' | 'admin';
export const ROLES: readonly Role[] = ['user', 'admin'];

/**
 * The role an account has from the write that deletes it until its clean-up removes the item: every reader
 * sees no account (login answers as for an unknown name, sessions end), the name stays taken until the
 * item goes, and the byName index's `deleted` partition lists the clean-ups still to finish.
 */
export const DELETED = 'deleted';

/** An account whose deletion has been written and whose clean-up may still be running or cut off. */
export interface DeletedAccount {
  id: string;
  username: string;
  deletedAt: string;
  /** The addresses that were the account's, for the clean-up to release and the notice to reach. */
  email?: string;
  verifiedEmail?: string;
  emailVerified?: boolean;
}

const isDeleted = (item: Record<string, unknown>) => item.role === DELETED;

export interface UserRecord {
  id: string;
  /** As the user typed it. */
  username: string;
  /** Absent on an account a provider sign-in made, until its owner sets a password (a reset link). */
  passwordHash?: string;
  role: Role;
  createdAt: string;
  /** A disabled account cannot log in; disabling it also ends its sessions. */
  disabled?: boolean;
  /**
   * Bumped by a password change and by "log out everywhere": device tokens signed under an older version
   * count as no device (absent: 0). Sessions carry it too: a session started under an older version has
   * ended, whatever its row says, so one write to this item ends every session at once.
   */
  credentialVersion?: number;
  /**
   * The session that made the last credential change and keeps going under the new version ("log out
   * everywhere else"), set in the same write that bumps the version.
   */
  keptSid?: string;
  /** The account's email address, as typed with the domain lower-cased; unverified until a link proves it. */
  email?: string;
  /** True once the address in `email` was proved by its verification link (or by an operator). */
  emailVerified?: boolean;
  /**
   * Bumped by every change of the address (absent: 0), in the write that changes it. A reset link carries
   * the version it was mailed under, so any change voids it, even one back to the same address.
   */
  emailVersion?: number;
  /**
   * The last verified address while a new one waits for its link: the account's mail (notices, reset
   * links) still goes there, so a change its owner did not make cannot cut them off before it is proved.
   */
  verifiedEmail?: string;
  /** The TOTP secret, sealed (AES-256-GCM): a second factor is required at login while it is set. */
  totpSecret?: string;
  /** A TOTP secret offered and not yet confirmed with a code: nothing is enforced for it. */
  totpPending?: string;
  /** The time step of the last TOTP code accepted: a code is accepted once (RFC 6238 §5.2). */
  totpLastStep?: number;
  /** SHA-256 digests of the unused recovery codes. */
  recoveryCodes?: string[];
  /** When a session last started for it (any kind of sign-in). */
  lastLoginAt?: string;
}

/** What turning TOTP on writes: the secret confirmed, its first step, the recovery codes' digests. */
export interface TotpEnrolment {
  pending: string;
  step: number;
  recoveryCodes: string[];
  keepSid: string;
}

/** What a credential change does to the sessions: all end, or all but the one that made it. */
export interface NewCredentials {
  keepSid?: string;
}

export interface UsersTable {
  /** Adds a user; false when the name exists in any case, even under concurrent signups. */
  createUser(user: UserRecord): Promise<boolean>;
  /** The account, read consistently; undefined when there is none or it is being deleted. */
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  /** The account with this id (found through the byId index, then read consistently), as above. */
  findUserById(id: string): Promise<UserRecord | undefined>;
  /** Every account, a page at a time: for operators, never on a request path. */
  listUsers(): AsyncGenerator<UserRecord[]>;
  /**
   * Writes `emailSearch` on every account that has an address but not it (accounts from before the byEmail
   * index): an operator's one-off Scan, never on a request path. How many were written.
   */
  backfillEmailSearch(): Promise<number>;
  /**
   * Replaces a hash, provided it is still the one read (a concurrent change wins: false). With `newCredentials`,
   * the same write starts a new credential version: the sessions and device tokens of the old one end.
   */
  replacePasswordHash(
    username: string,
    /** Undefined: the account has no password yet (one a provider sign-in made). */
    oldHash: string | undefined,
    newHash: string,
    newCredentials?: NewCredentials,
  ): Promise<boolean>;
  /** A new credential version: every session and device token of the old one ends, but `keepSid`'s. */
  bumpCredentialVersion(username: string, newCredentials?: NewCredentials): Promise<void>;
  /**
   * Sets the account's address, unverified (or verified, by an operator), under a new address version; the
   * user as it was before, or undefined when there is no such user. `keepVerified`: the verified address
   * that still receives the account's mail until the new one is proved (none when verified at once).
   */
  setEmail(
    username: string,
    email: string,
    options?: { verified?: boolean; keepVerified?: string },
  ): Promise<UserRecord | undefined>;
  /** Marks the address verified, provided it is still the account's: false otherwise. The kept one goes. */
  markEmailVerified(username: string, email: string): Promise<boolean>;
  /** Offers a TOTP secret (sealed), replacing any offer not yet confirmed. */
  offerTotp(username: string, sealed: string): Promise<void>;
  /**
   * Turns TOTP on with the offered secret, if it is still the one offered: a new credential version, so
   * every other session ends in the same write. False when another offer replaced it.
   */
  enableTotp(username: string, enrolment: TotpEnrolment): Promise<boolean>;
  /** Records a TOTP step as used; false when it, or a later one, already was (a replayed code). */
  useTotpStep(username: string, step: number): Promise<boolean>;
  /** Uses a recovery code by its digest; false when it is not (or no longer) one of the account's. */
  useRecoveryCode(username: string, digest: string): Promise<boolean>;
  replaceRecoveryCodes(username: string, digests: string[]): Promise<void>;
  /** Turns TOTP off: secret, offer, step and recovery codes removed. */
  disableTotp(username: string): Promise<void>;
  /** Marks the account disabled; undefined when there is no such user. */
  disableUser(username: string): Promise<UserRecord | undefined>;
  /** Disables the account with this id (its sessions and device tokens end); false when there is none. */
  disableAccount(username: string, userId: string): Promise<boolean>;
  /** A new credential version for the account with this id: every session and device token ends. */
  endSessionsOf(username: string, userId: string): Promise<boolean>;
  /** Lets a disabled account log in again; false when there is no such account. */
  enableUser(username: string, userId: string): Promise<boolean>;
  /** Sets the account's role; false when there is no such account. */
  setRole(username: string, userId: string, role: Role): Promise<boolean>;
  /** Records a sign-in's moment, if the account is still there (never making an item). */
  recordSignIn(username: string, userId: string, at: string): Promise<void>;
  /**
   * The one write that ends an account: its role becomes `deleted` (no reader sees it any more) and a new
   * credential version ends every session and device token. The account as it was, or undefined when there
   * is no such account (or it was already deleted).
   */
  markDeleted(username: string, userId: string, at: string): Promise<UserRecord | undefined>;
  /** An account whose deletion was written, if its item is still there. */
  findDeleted(username: string): Promise<DeletedAccount | undefined>;
  /** The deleted accounts whose item is still there: the clean-ups to finish, a page at a time. */
  pendingDeletions(): AsyncGenerator<DeletedAccount[]>;
  /** The clean-up's last step: the item goes and the name is free again. Only a deleted account's. */
  removeDeleted(username: string, userId: string): Promise<void>;
  /**
   * Takes the account's lease on removing a way in (a passkey, an identity) until `until` (epoch seconds),
   * unless another removal holds one still running at `now`: false then.
   */
  leaseSignInMethods(username: string, userId: string, now: number, until: number): Promise<boolean>;
  /** Gives that lease up, if it is still the one taken. */
  endSignInMethodsLease(username: string, until: number): Promise<void>;
}

export const toUser = (item: Record<string, unknown>): UserRecord => {
  const { id, username, passwordHash, role, createdAt, disabled, credentialVersion, keptSid, email } =
    item as unknown as UserRecord;
  return {
    id,
    username,
    ...(typeof passwordHash === 'string' ? { passwordHash } : {}),
    role,
    createdAt,
    ...(disabled ? { disabled } : {}),
    ...(credentialVersion ? { credentialVersion: Number(credentialVersion) } : {}),
    ...(keptSid ? { keptSid } : {}),
    ...(email ? { email, emailVerified: item.emailVerified === true } : {}),
    ...(item.emailVersion !== undefined ? { emailVersion: Number(item.emailVersion) } : {}),
    ...(typeof item.verifiedEmail === 'string' ? { verifiedEmail: item.verifiedEmail } : {}),
    ...(typeof item.totpSecret === 'string' ? { totpSecret: item.totpSecret } : {}),
    ...(typeof item.totpPending === 'string' ? { totpPending: item.totpPending } : {}),
    ...(item.totpLastStep !== undefined ? { totpLastStep: Number(item.totpLastStep) } : {}),
    // A String Set reads as a Set; an empty one is absent (DynamoDB stores no empty sets).
    ...(item.recoveryCodes instanceof Set ? { recoveryCodes: [...(item.recoveryCodes as Set<string>)] } : {}),
    ...(typeof item.lastLoginAt === 'string' ? { lastLoginAt: item.lastLoginAt } : {}),
  };
};

/** The account an item holds, unless it is being deleted: then, to every reader, there is none. */
export const liveUser = (item: Record<string, unknown> | undefined): UserRecord | undefined =>
  item && !isDeleted(item) ? toUser(item) : undefined;

const toDeleted = (item: Record<string, unknown>): DeletedAccount => ({
  id: String(item.id),
  username: String(item.username),
  deletedAt: String(item.deletedAt),
  ...(typeof item.email === 'string'
    ? { email: item.email, emailVerified: item.emailVerified === true }
    : {}),
  ...(typeof item.verifiedEmail === 'string' ? { verifiedEmail: item.verifiedEmail } : {}),
});

/** The address as the byEmail index sorts it: lower-cased whole, so a prefix search ignores case. */
const emailSearch = (email: string) => emailKey(email);

/** An update expression that also starts a new credential version (`set` are the write's other SETs). */
const withNewVersion = ({ keepSid }: NewCredentials, set: string[] = []) => {
  const sets = [...set, ...(keepSid ? ['keptSid = :kept'] : [])];
  return {
    expression: [
      sets.length ? `SET ${sets.join(', ')}` : '',
      'ADD credentialVersion :one',
      keepSid ? '' : 'REMOVE keptSid',
    ]
      .filter(Boolean)
      .join(' '),
    values: { ':one': 1, ...(keepSid ? { ':kept': keepSid } : {}) },
  };
};

export function usersTableAccess(db: DynamoDBDocumentClient, tableName: string): UsersTable {
  const key = (username: string) => ({ [usersTable.partitionKey]: usernameKey(username) });
  const find = async (username: string) =>
    liveUser(
      (await db.send(new GetCommand({ TableName: tableName, Key: key(username), ConsistentRead: true })))
        .Item,
    );
  return {
    async createUser(user) {
      // A conditional write, not read-then-write: two concurrent signups cannot both succeed. A retried put
      // that meets its own item (same random id) is this signup's success, not someone else's name.
      const { outcome } = await putIfAbsent(
        db,
        {
          tableName,
          table: usersTable,
          item: {
            ...key(user.username),
            ...user,
            ...(user.email ? { emailSearch: emailSearch(user.email) } : {}),
          },
        },
        // A deleted account's item (its clean-up not finished) is never this signup's own, whatever its id.
        (existing) => existing.id === user.id && !isDeleted(existing),
      );
      return outcome === 'created';
    },
    findUserByUsername: find,
    async findUserById(id) {
      const index = indexOf(usersTable, 'byId');
      for await (const page of indexPages(db, {
        tableName,
        indexName: index.name,
        attribute: index.partitionKey,
        value: id,
        projection: usersTable.partitionKey,
      }))
        for (const item of page) {
          // The index is eventually consistent: the item is read again, and must still be this account.
          const user = await find(String(item[usersTable.partitionKey]));
          if (user?.id === id) return user;
        }
      return undefined;
    },
    async backfillEmailSearch() {
      let written = 0;
      const pages = paginateScan(
        { client: db },
        {
          TableName: tableName,
          FilterExpression: 'attribute_exists(email) AND attribute_not_exists(emailSearch)',
          ProjectionExpression: '#pk, email',
          ExpressionAttributeNames: { '#pk': usersTable.partitionKey },
        },
      );
      for await (const page of pages)
        for (const item of page.Items ?? []) {
          const email = String(item.email);
          // Only while the address is still the one read: a change meanwhile wrote its own.
          const done = await whenConditionHolds(
            db.send(
              new UpdateCommand({
                TableName: tableName,
                Key: { [usersTable.partitionKey]: item[usersTable.partitionKey] },
                UpdateExpression: 'SET emailSearch = :search',
                ConditionExpression: 'email = :email',
                ExpressionAttributeValues: { ':search': emailSearch(email), ':email': email },
              }),
            ),
          );
          if (done) written++;
        }
      return written;
    },
    async *listUsers() {
      for await (const page of paginateScan({ client: db }, { TableName: tableName }))
        yield (page.Items ?? []).flatMap((item) => liveUser(item) ?? []);
    },
    async replacePasswordHash(username, oldHash, newHash, newCredentials) {
      // A new password is new credentials: hash, version and kept session change in one write, so a
      // failure or a cut-off leaves the old password with every session, or the new one with the others
      // ended, never a mix. A rehash at login is not new credentials.
      const update = newCredentials
        ? withNewVersion(newCredentials, ['passwordHash = :new'])
        : { expression: 'SET passwordHash = :new', values: {} };
      const replaced = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            UpdateExpression: update.expression,
            ...(oldHash === undefined
              ? { ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(passwordHash)' }
              : { ConditionExpression: 'passwordHash = :old' }),
            ...(oldHash === undefined
              ? { ExpressionAttributeNames: { '#pk': usersTable.partitionKey } }
              : {}),
            ExpressionAttributeValues: {
              ...(oldHash === undefined ? {} : { ':old': oldHash }),
              ':new': newHash,
              ...update.values,
            },
          }),
        ),
      );
      if (replaced) return true;
      // A retried write whose first try landed meets its own hash (bcrypt salts make every hash unique).
      const current = await db.send(
        new GetCommand({ TableName: tableName, Key: key(username), ConsistentRead: true }),
      );
      return current.Item?.passwordHash === newHash;
    },
    async bumpCredentialVersion(username, newCredentials = {}) {
      const update = withNewVersion(newCredentials);
      await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            UpdateExpression: update.expression,
            ...itemExists(usersTable),
            ExpressionAttributeValues: update.values,
          }),
        ),
      );
    },
    async setEmail(username, email, { verified = false, keepVerified } = {}) {
      const kept = !verified && keepVerified !== undefined;
      const result = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            UpdateExpression: kept
              ? 'SET email = :email, emailSearch = :search, emailVerified = :verified, verifiedEmail = :kept ADD emailVersion :one'
              : 'SET email = :email, emailSearch = :search, emailVerified = :verified ADD emailVersion :one REMOVE verifiedEmail',
            ...itemExists(usersTable),
            ExpressionAttributeValues: {
              ':email': email,
              ':search': emailSearch(email),
              ':verified': verified,
              ':one': 1,
              ...(kept ? { ':kept': keepVerified } : {}),
            },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      return result && toUser(result.Attributes ?? {});
    },
    async markEmailVerified(username, email) {
      const marked = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            UpdateExpression: 'SET emailVerified = :true REMOVE verifiedEmail',
            ConditionExpression: 'email = :email',
            ExpressionAttributeValues: { ':true': true, ':email': email },
          }),
        ),
      );
      return marked !== undefined;
    },
    async offerTotp(username, sealed) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(username),
          UpdateExpression: 'SET totpPending = :sealed',
          ...itemExists(usersTable),
          ExpressionAttributeValues: { ':sealed': sealed },
        }),
      );
    },
    async enableTotp(username, { pending, step, recoveryCodes, keepSid }) {
      const update = withNewVersion({ keepSid }, [
        'totpSecret = :pending',
        'totpLastStep = :step',
        'recoveryCodes = :codes',
      ]);
      const enabled = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            // keepSid is always given here, so the expression has no REMOVE clause of its own.
            UpdateExpression: `${update.expression} REMOVE totpPending`,
            ConditionExpression: 'totpPending = :pending',
            ExpressionAttributeValues: {
              ':pending': pending,
              ':step': step,
              ':codes': new Set(recoveryCodes),
              ...update.values,
            },
          }),
        ),
      );
      return enabled !== undefined;
    },
    async useTotpStep(username, step) {
      const used = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            UpdateExpression: 'SET totpLastStep = :step',
            ConditionExpression:
              'attribute_exists(totpSecret) AND (attribute_not_exists(totpLastStep) OR totpLastStep < :step)',
            ExpressionAttributeValues: { ':step': step },
          }),
        ),
      );
      return used !== undefined;
    },
    async useRecoveryCode(username, digest) {
      const used = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            UpdateExpression: 'DELETE recoveryCodes :code',
            ConditionExpression: 'contains(recoveryCodes, :digest)',
            ExpressionAttributeValues: { ':code': new Set([digest]), ':digest': digest },
          }),
        ),
      );
      return used !== undefined;
    },
    async replaceRecoveryCodes(username, digests) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(username),
          UpdateExpression: 'SET recoveryCodes = :codes',
          ConditionExpression: 'attribute_exists(totpSecret)',
          ExpressionAttributeValues: { ':codes': new Set(digests) },
        }),
      );
    },
    async disableTotp(username) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(username),
          UpdateExpression: 'REMOVE totpSecret, totpPending, totpLastStep, recoveryCodes',
          ...itemExists(usersTable),
        }),
      );
    },
    async leaseSignInMethods(username, userId, now, until) {
      const leased = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            UpdateExpression: 'SET methodsLease = :until',
            ConditionExpression: 'id = :id AND (attribute_not_exists(methodsLease) OR methodsLease < :now)',
            ExpressionAttributeValues: { ':id': userId, ':now': now, ':until': until },
          }),
        ),
      );
      return leased !== undefined;
    },
    async endSignInMethodsLease(username, until) {
      await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            UpdateExpression: 'REMOVE methodsLease',
            ConditionExpression: 'methodsLease = :until',
            ExpressionAttributeValues: { ':until': until },
          }),
        ),
      );
    },
    async disableUser(username) {
      const result = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            // A new credential version too: sessions and device tokens end for good, not only while it is
            // disabled (enabling it again must not bring them back).
            UpdateExpression: 'SET disabled = :true ADD credentialVersion :one REMOVE keptSid',
            ...itemExists(usersTable),
            ExpressionAttributeValues: { ':true': true, ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return result && toUser(result.Attributes ?? {});
    },
    async disableAccount(username, userId) {
      const expression = 'SET disabled = :true ADD credentialVersion :one REMOVE keptSid';
      return (await update(username, userId, expression, { ':true': true, ':one': 1 })) !== undefined;
    },
    async endSessionsOf(username, userId) {
      const ended = await update(username, userId, 'ADD credentialVersion :one REMOVE keptSid', {
        ':one': 1,
      });
      return ended !== undefined;
    },
    async enableUser(username, userId) {
      return (await update(username, userId, 'REMOVE disabled')) !== undefined;
    },
    async setRole(username, userId, role) {
      return (await update(username, userId, 'SET #role = :role', { ':role': role })) !== undefined;
    },
    async recordSignIn(username, userId, at) {
      await update(username, userId, 'SET lastLoginAt = :at', { ':at': at });
    },
    async markDeleted(username, userId, at) {
      const result = await update(
        username,
        userId,
        // What proved who the user was goes in the same write: nothing reads it again.
        'SET #role = :deleted, deletedAt = :at ADD credentialVersion :one REMOVE keptSid, passwordHash, totpSecret, totpPending, recoveryCodes',
        { ':deleted': DELETED, ':at': at, ':one': 1 },
        'ALL_OLD',
      );
      return result && toUser(result.Attributes ?? {});
    },
    async findDeleted(username) {
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: key(username), ConsistentRead: true }),
      );
      return result.Item && isDeleted(result.Item) ? toDeleted(result.Item) : undefined;
    },
    async *pendingDeletions() {
      const index = indexOf(usersTable, 'byName');
      for await (const page of indexPages(db, {
        tableName,
        indexName: index.name,
        attribute: index.partitionKey,
        value: DELETED,
      })) {
        // The index holds keys only: each item is read, and must still be a deleted account's.
        const items = await Promise.all(
          page.map((item) =>
            db.send(
              new GetCommand({
                TableName: tableName,
                Key: { usernameKey: item.usernameKey },
                ConsistentRead: true,
              }),
            ),
          ),
        );
        yield items.flatMap(({ Item }) => (Item && isDeleted(Item) ? [toDeleted(Item)] : []));
      }
    },
    async removeDeleted(username, userId) {
      await whenConditionHolds(
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(username),
            ConditionExpression: 'id = :id AND #role = :deleted',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':id': userId, ':deleted': DELETED },
          }),
        ),
      );
    },
  };

  /**
   * An update of this account, provided it is still there under this id and not being deleted (so no
   * write ever makes an item or brings a deleted account back); undefined when it is not.
   */
  function update(
    username: string,
    userId: string,
    expression: string,
    values: Record<string, unknown> = {},
    returnValues?: 'ALL_OLD',
  ) {
    return whenConditionHolds(
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(username),
          UpdateExpression: expression,
          ConditionExpression: 'id = :id AND #role <> :deleted',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':id': userId, ':deleted': DELETED, ...values },
          ...(returnValues ? { ReturnValues: returnValues } : {}),
        }),
      ),
    );
  }
}
