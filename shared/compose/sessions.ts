import { systemClock } from '#shared/platform/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { once } from '#shared/compose/once';
import type { Settings } from '#shared/platform/config';
import { service } from '#shared/compose/needs';
import type { CookieOptions } from '#shared/http/cookies';
import { sessionsTableAccess } from '#shared/data/sessions';
import { sessionHoldersAccess } from '#shared/data/session-holders';
import { usersTableAccess } from '#shared/data/users';
import type { SigningKeys } from '#shared/auth/signing-keys';
import { signingKeysSource } from '#shared/aws/secrets';
import { createSessions, type Sessions } from '#shared/auth/sessions';
import { sessionsTable, usersTable } from '#shared/data/tables';
import { createTokenService, type TokenService } from '#shared/auth/tokens';

/** The session cookie's name and SameSite, from the settings: no AWS at all. */
export const cookieOptions = /* @__PURE__ */ service({}, (config): CookieOptions => ({
  name: config.COOKIE_NAME,
  sameSite: config.COOKIE_SAME_SITE,
}));

let signingKeys: (() => Promise<SigningKeys>) | undefined;

/**
 * Session tokens, signed and verified with the signing keys (read from Secrets Manager once per container).
 * The settings are checked now; the keys are read when the promise is awaited.
 */
export function tokenService(config: Settings, audience = config.TOKEN_AUDIENCE): Promise<TokenService> {
  const source = signingKeysSource(config);
  signingKeys ??= once(source);
  const keys = signingKeys;
  return keys().then((loaded) =>
    createTokenService({
      keys: loaded,
      issuer: config.TOKEN_ISSUER,
      audience,
      clock: systemClock,
      // A rotation adds a kid while containers run: an unknown kid makes one read of the secret, not a 401.
      reload: source,
    }),
  );
}

/**
 * Sessions over these tables; `resolves` adds the users table, which deciding whether one counts reads;
 * `records` the users table too, where starting one records the sign-in's moment.
 */
function buildSessions(config: Settings, resolves: boolean, records = false): () => Promise<Sessions> {
  const db = documentClient(config);
  const sessionsName = tableName(config, sessionsTable);
  const usersName = resolves || records ? tableName(config, usersTable) : '';
  const holders = resolves
    ? sessionHoldersAccess(db, { sessions: sessionsName, users: usersName })
    : undefined;
  signingKeys ??= once(signingKeysSource(config));
  return once(async () =>
    createSessions({
      table: sessionsTableAccess(db, sessionsName),
      holders,
      signIns: records ? usersTableAccess(db, usersName) : undefined,
      tokens: await tokenService(config),
      clock: systemClock,
      lifetimeSeconds: config.SESSION_TTL_SECONDS,
      idleSeconds: config.SESSION_IDLE_SECONDS,
    }),
  );
}

let sessions: (() => Promise<Sessions>) | undefined;

/**
 * Server-side sessions: the sessions table, the users table (a session counts only while its user's
 * credentials stand behind it) and the token service. Settings are checked on the first call. Resolving
 * one reads the session and its user together (BatchGetItem; GetItem for tokens from before the user's
 * key was in them), and writes its last activity (UpdateItem, at most once a minute) for the idle timeout;
 * a step-up marks its moment (UpdateItem).
 */
export const sessionsService = /* @__PURE__ */ service(
  {
    tables: [
      { table: sessionsTable, actions: ['GetItem', 'BatchGetItem', 'UpdateItem'] },
      { table: usersTable, actions: ['GetItem', 'BatchGetItem'] },
    ],
    secrets: ['signing-keys'],
  },
  (config): Promise<Sessions> => {
    sessions ??= buildSessions(config, true);
    return sessions();
  },
);

/** The caller's sessions, listed from the byUser index; each judged by its user's credential version. */
export const sessionListService = /* @__PURE__ */ service(
  {
    tables: [{ table: sessionsTable, actions: ['Query'], indexes: ['byUser'] }],
    uses: [sessionsService],
  },
  (config): Promise<Pick<Sessions, 'listOf'>> => sessionsService(config),
);

/** One of the caller's sessions ended: found through the index among its own, deleted by its own key. */
export const sessionEndService = /* @__PURE__ */ service(
  {
    tables: [{ table: sessionsTable, actions: ['Query', 'DeleteItem'], indexes: ['byUser'] }],
    uses: [sessionsService],
  },
  (config): Promise<Pick<Sessions, 'endOneOf'>> => sessionsService(config),
);

let ending: (() => Promise<Sessions>) | undefined;
const endingSessions = (config: Settings) => {
  ending ??= buildSessions(config, false);
  return ending();
};

let starting: (() => Promise<Sessions>) | undefined;
const startingSessions = (config: Settings) => {
  starting ??= buildSessions(config, false, true);
  return starting();
};

/** Ending the caller's own session (logout): the sessions table alone, no user is read. */
export const sessionEndingService = /* @__PURE__ */ service(
  { tables: [{ table: sessionsTable, actions: ['DeleteItem'] }], secrets: ['signing-keys'] },
  (config): Promise<Pick<Sessions, 'end'>> => endingSessions(config),
);

/**
 * Starting the first session of a new account (signup): a put alone, as there is none to end, and the
 * sign-in's moment on the account (UpdateItem).
 */
export const sessionStartService = /* @__PURE__ */ service(
  {
    tables: [
      { table: sessionsTable, actions: ['PutItem'] },
      { table: usersTable, actions: ['UpdateItem'] },
    ],
    secrets: ['signing-keys'],
  },
  (config): Promise<Pick<Sessions, 'start' | 'end' | 'lifetimeSeconds'>> => startingSessions(config),
);

/**
 * Starting a session (every other sign-in, shared/http/sign-in.ts): the session the browser still carried ends
 * (DeleteItem), the new one is written (PutItem) and signed, and the sign-in's moment is put on the account
 * (UpdateItem); no user is read, the sign-in has it.
 */
export const sessionIssuingService = /* @__PURE__ */ service(
  {
    tables: [
      { table: sessionsTable, actions: ['PutItem', 'DeleteItem'] },
      { table: usersTable, actions: ['UpdateItem'] },
    ],
    secrets: ['signing-keys'],
  },
  (config): Promise<Pick<Sessions, 'start' | 'end' | 'lifetimeSeconds'>> => startingSessions(config),
);
